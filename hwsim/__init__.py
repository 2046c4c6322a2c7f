"""hwsim: the AI-chip verification lab's simulator (seed 003_fa9863a310fbdc37.txt).

The simulator core lives in :mod:`hwsim.engine` and never imports Django, so it can be used as a library
and as a command-line tool (``python -m hwsim …``). The Django app around it (models, tasks, views,
reports) lives in the other modules of this package.
"""
