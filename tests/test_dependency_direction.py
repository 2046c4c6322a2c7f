"""The allowed import direction between the project's packages (docs/architecture.md "Dependency direction").

Every ``.py`` file of the repository is parsed with ``ast``; each import is an edge from the file's package
to the imported one: ``import``/``from`` statements at any depth (also inside functions and
``if TYPE_CHECKING:``), relative imports, and the string-based imports that can be read off a literal:
``import_module("…")``, ``__import__("…")``, ``import_string("…")``, ``include("…")``,
``apps.get_model("label.Model")`` / ``get_model("label", "Model")`` and lazy model references
``ForeignKey("label.Model")``. A name built at run time (``import_module(f"{config.name}.demo")``) is how
``platform_site`` discovers apps, and is not an edge. Files outside the table (tests, benchmarks,
``manage.py``) may import anything.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "var", "__pycache__", "static", "media"}

#: package -> the project packages it may import (besides itself and its sub-packages). The case apps form a
#: chain (cases ← review ← suppliers ← cases.delivery ← billing, cases.benefits); hwsim is independent of them; its
#: simulation engine is plain Python.
ALLOWED: dict[str, frozenset[str]] = {
    "platform_site": frozenset(),
    "cases": frozenset({"platform_site"}),
    "review": frozenset({"platform_site", "cases"}),
    "suppliers": frozenset({"platform_site", "cases", "review"}),
    "cases.delivery": frozenset({"platform_site", "cases", "review", "suppliers"}),
    "billing": frozenset({"platform_site", "cases", "review", "suppliers", "cases.delivery"}),
    # benefits tracks cases after delivery closes them (its demo's KPIs sit on delivery's mass-production case)
    "cases.benefits": frozenset({"platform_site", "cases", "review", "suppliers", "hwsim", "cases.delivery"}),
    "hwsim": frozenset({"platform_site", "hwsim.engine"}),
    "hwsim.engine": frozenset(),
}

#: package -> third-party top-level modules it must not import (the engine runs without Django settings).
FORBIDDEN_EXTERNAL: dict[str, frozenset[str]] = {
    "hwsim.engine": frozenset(
        {"django", "rest_framework", "rules", "celery", "kombu", "django_fsm", "drf_spectacular", "django_htmx", "axes"}
    ),
}

_MODULE_CALLS = {"import_module", "__import__", "import_string", "include"}
_MODEL_REFERENCES = {"ForeignKey", "OneToOneField", "ManyToManyField"}
_MODULE_PATH = re.compile(r"[A-Za-z_]\w*(\.\w+)*")


@dataclass(frozen=True)
class Violation:
    """One forbidden edge: where it is and what it imports."""

    path: str
    line: int
    source: str  # the importing package (a key of ALLOWED)
    target: str  # the imported module
    statement: str

    def __str__(self) -> str:
        allowed = ", ".join(sorted(ALLOWED.get(self.source, ()))) or "no other project package"
        return (
            f"{self.path}:{self.line}: {self.source} → {self.target} is forbidden ({self.statement}); "
            f"{self.source} may import {allowed} (docs/architecture.md, Dependency direction)"
        )


def package_of(module: str) -> str | None:
    """The most specific key of ALLOWED that ``module`` belongs to (``hwsim.engine.x`` → ``hwsim.engine``)."""
    best = None
    for package in ALLOWED:
        if (module == package or module.startswith(package + ".")) and (best is None or len(package) > len(best)):
            best = package
    return best


def module_name(relative_path: str) -> str:
    """``hwsim/engine/cli.py`` → ``hwsim.engine.cli``; ``cases/__init__.py`` → ``cases``."""
    parts = list(Path(relative_path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve_relative(current: str, is_package: bool, level: int, module: str | None) -> str:
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, module] if module else base)


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _call_name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def imported_modules(tree: ast.AST, current: str, is_package: bool) -> list[tuple[int, str, str]]:
    """``(line, module, statement)`` for every import in ``tree`` (see the module docstring for what counts)."""
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, f"import {alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_relative(current, is_package, node.level, node.module) if node.level else node.module or ""
            statement = f"from {'.' * node.level}{node.module or ''} import {', '.join(a.name for a in node.names)}"
            if node.module is None:  # ``from . import x`` imports the sub-modules x
                found += [(node.lineno, f"{base}.{alias.name}", statement) for alias in node.names]
            else:
                found.append((node.lineno, base, statement))
        elif isinstance(node, ast.Call):
            name, args = _call_name(node.func), node.args
            first, second = _literal(args[0]) if args else None, _literal(args[1]) if len(args) > 1 else None
            if first is None:
                continue
            if name in _MODULE_CALLS and _MODULE_PATH.fullmatch(first):
                found.append((node.lineno, first, f'{name}("{first}")'))
            elif name == "get_model":
                label = first.split(".")[0] if second is None else first
                found.append((node.lineno, label, f'get_model("{first}"{", " + repr(second) if second else ""})'))
            elif name in _MODEL_REFERENCES and "." in first:
                found.append((node.lineno, first.split(".")[0], f'{name}("{first}")'))
    return found


def check_source(relative_path: str, source: str) -> list[Violation]:
    """The forbidden edges in one file's ``source`` (``relative_path`` from the repository root, ``/``-separated)."""
    current = module_name(relative_path)
    owner = package_of(current)
    if owner is None:
        return []
    tree = ast.parse(source, filename=relative_path)
    violations = []
    for line, target, statement in imported_modules(tree, current, relative_path.endswith("__init__.py")):
        target_package = package_of(target)
        top = target.split(".")[0]
        if target_package is not None:
            # Its own package, or one the table allows (so hwsim.engine ↛ hwsim: a parent is another package).
            ok = target_package == owner or target_package in ALLOWED[owner]
        else:
            ok = top not in FORBIDDEN_EXTERNAL.get(owner, frozenset())
        if not ok:
            violations.append(Violation(relative_path, line, owner, target, statement))
    return violations


def python_files() -> list[Path]:
    """Every ``.py`` file of the repository (not the virtualenv, VCS data or runtime folders)."""
    files = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if not any(part in SKIP_DIRS or part.startswith(".") for part in relative.parts[:-1]):
            files.append(path)
    return sorted(files)


def test_every_import_follows_the_dependency_direction() -> None:
    files = python_files()
    scanned = {package_of(module_name(str(p.relative_to(ROOT)))) for p in files}
    assert {"platform_site", "cases", "hwsim", "hwsim.engine"} <= scanned  # the scan found the code
    violations = [v for p in files for v in check_source(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))]
    assert not violations, "Forbidden imports:\n" + "\n".join(map(str, violations))


FORBIDDEN_SOURCES = [
    ("platform_site/management/commands/seed_demo.py", "from cases import services\n", "cases"),
    ("platform_site/views.py", "def f():\n    import hwsim.models\n", "hwsim.models"),
    ("platform_site/x.py", "if TYPE_CHECKING:\n    from cases.models import DemandCase\n", "cases.models"),
    ("platform_site/x.py", "from importlib import import_module\nimport_module('cases.demo')\n", "cases.demo"),
    ("platform_site/urls.py", "path('', include('hwsim.urls'))\n", "hwsim.urls"),
    ("platform_site/x.py", "apps.get_model('cases', 'DemandCase')\n", "cases"),
    ("platform_site/x.py", "apps.get_model('hwsim.VerificationJob')\n", "hwsim"),
    ("hwsim/services.py", "from cases.models import DemandCase\n", "cases.models"),
    ("hwsim/models.py", "case = models.ForeignKey('cases.DemandCase', on_delete=models.PROTECT)\n", "cases"),
    ("cases/views.py", "from hwsim import services\n", "hwsim"),
    ("hwsim/engine/systolic.py", "from django.conf import settings\n", "django.conf"),
    ("hwsim/engine/systolic.py", "from hwsim.models import VerificationJob\n", "hwsim.models"),
    ("hwsim/engine/loadgen/server.py", "from ... import models\n", "hwsim.models"),
    ("hwsim/engine/__init__.py", "from .. import rules\n", "hwsim.rules"),
    ("review/services.py", "from suppliers.models import Supplier\n", "suppliers.models"),
    ("cases/models.py", "import billing\n", "billing"),
]

ALLOWED_SOURCES = [
    ("cases/services.py", "from platform_site.transitions import run_transition\nfrom . import models\n"),
    ("billing/models.py", "from cases.models import DemandCase\nfrom cases.delivery import services\n"),
    ("hwsim/engine/runner.py", "from hwsim.engine import systolic\nfrom .loadgen import run_offline\n"),
    ("hwsim/runner.py", "from hwsim.engine.runner import run_verification\n"),
    (
        "hwsim/engine/cli.py",
        "import importlib\nimport numpy\nfrom hwsim.engine import systolic\nfrom . import config\n",
    ),
    ("platform_site/extensions.py", "import_module(f'{config.name}.demo')\ninclude(module)\n"),
    ("platform_site/urls.py", "include('django.conf.urls.i18n')\n"),
    ("tests/test_x.py", "from cases import services\nfrom hwsim import services\n"),
    ("manage.py", "import hwsim\n"),
]


@pytest.mark.parametrize(("path", "source", "target"), FORBIDDEN_SOURCES)
def test_the_checker_reports_a_forbidden_import_with_file_line_and_edge(path: str, source: str, target: str) -> None:
    violations = check_source(path, source)
    assert [v.target for v in violations] == [target]
    message = str(violations[0])
    assert message.startswith(f"{path}:{source.count(chr(10))}: ") and f"→ {target} is forbidden" in message


@pytest.mark.parametrize(("path", "source"), ALLOWED_SOURCES)
def test_the_checker_accepts_the_allowed_direction(path: str, source: str) -> None:
    assert check_source(path, source) == []


def test_the_documented_table_is_the_enforced_one() -> None:
    """Each row ``| `package` | `a`, `b` |`` of docs/architecture.md's Dependency direction table."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Dependency direction", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\|\s*`([\w.]+)`\s*\|([^|]*)\|", section, re.M)
    documented = {package: frozenset(re.findall(r"`([\w.]+)`", allowed)) for package, allowed in rows}
    assert documented == ALLOWED


def _platform_templates() -> list[Path]:
    return sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "platform_site").rglob("templates/**/*.html"))


def test_platform_templates_name_no_app_url_and_no_role_code() -> None:
    """The menu comes from the apps (platform_site.extensions), so the shared templates know no app and no role."""
    from platform_site.enums import Role

    apps = "|".join(re.escape(p) for p in ALLOWED if p != "platform_site" and "." not in p)
    app_url = re.compile(r"""\{%\s*url\s+["'](?:""" + apps + "):")
    role_code = re.compile(r"""["'](?:""" + "|".join(re.escape(r.value) for r in Role) + r""")["']""")
    templates = _platform_templates()
    assert any(p.name == "base.html" for p in templates)
    found = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in templates
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if app_url.search(line) or role_code.search(line)
    ]
    assert not found, "App URL names or role codes in platform templates:\n" + "\n".join(found)
