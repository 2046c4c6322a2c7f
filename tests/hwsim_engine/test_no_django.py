"""hwsim.engine is a pure-Python library: importing every module (incl. the runner and the ``hwsim.runner``
re-export) must not import Django."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import hwsim.engine

REPO = Path(__file__).resolve().parents[2]


def test_engine_modules_do_not_import_django():
    names = sorted(m.name for m in pkgutil.walk_packages(hwsim.engine.__path__, "hwsim.engine."))
    assert {
        "hwsim.engine.topology",
        "hwsim.engine.config",
        "hwsim.engine.systolic",
        "hwsim.engine.memory",
        "hwsim.engine.platform",
        "hwsim.engine.cli_simulate",
        "hwsim.engine.runner",
        "hwsim.engine.packaging.cost",
    } <= set(names)
    names.append("hwsim.runner")  # the compatibility re-export outside engine/ must stay Django-free too
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    env_free = {k: v for k, v in __import__("os").environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, env=env_free
    )
    assert proc.returncode == 0, f"django imported by hwsim.engine: {proc.stdout} {proc.stderr}"
