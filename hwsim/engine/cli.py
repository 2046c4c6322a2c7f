"""Command-line entry point: ``python -m hwsim <command> …``.

Each sub-command lives in its own module exposing ``add_arguments(parser)`` and ``run(args) -> int``
(the process exit code). Output with ``--json`` is a documented contract: see each module's docstring.
"""

from __future__ import annotations

import argparse
import importlib

from hwsim.engine import SIMULATOR_VERSION

#: sub-command name -> (module path, one-line help)
COMMANDS = {
    "simulate": ("hwsim.engine.cli_simulate", "simulate a network on a systolic-array accelerator"),
    "package": ("hwsim.engine.cli_package", "chiplet packaging recurring cost and yield (Chiplet Actuary)"),
    "scenario": ("hwsim.engine.cli_scenario", "run an MLPerf-style scenario in virtual time"),
    "loadgen-check": ("hwsim.engine.cli_loadgen_check", "real MLCommons LoadGen run beside hwsim's virtual one"),
}


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(prog="python -m hwsim", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"hwsim {SIMULATOR_VERSION}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_path, help_text) in COMMANDS.items():
        module = importlib.import_module(module_path)
        module.add_arguments(sub.add_parser(name, help=help_text, description=module.__doc__))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default ``sys.argv[1:]``), run the chosen command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command][0])
    return module.run(args)
