"""``python -m hwsim …``: the simulator's command-line interface (see :mod:`hwsim.engine.cli`)."""

import sys

from hwsim.engine.cli import main

sys.exit(main())
