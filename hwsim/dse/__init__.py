"""Design-space exploration (DSE) in the verification lab: sweeps of platform configurations for one workload
and scenario, split into chunks run by Celery workers, with Pareto fronts on (throughput, cost) and (throughput,
energy). The engine is :mod:`hwsim.engine.dse`; this package is its portal side, with the app's usual modules.
"""
