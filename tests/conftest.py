"""Shared fixtures: personas per tenant (STYLE.md), eager Celery for unit tests, private media in tmp.

The ``no_services`` marker: a test that uses neither the suite's database nor its broker, worker or live server
(pure functions, files, subprocesses on settings of their own). It runs in the SQLite pass (``make test``) only;
the PostgreSQL + Redis pass (``make test-postgres``) deselects it, since it would run the very same code again.
Every test under ``NO_SERVICES_FOLDERS`` carries it; a module opts in with ``pytestmark = pytest.mark.no_services``.
Collection fails when a marked test asks for a database or live-server fixture, has ``django_db`` or uses
``tests.celery_processes``; a marked test touching the database without a fixture fails on pytest-django's
blocker. A test whose outcome depends on ``DATABASE_URL``/``REDIS_URL`` (e.g. a subprocess inheriting them)
must not carry it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from platform_site.celery import app as celery_app
from platform_site.enums import Role
from platform_site.models import Organization, Tenant
from tests.factories import OrganizationFactory, TenantFactory, UserFactory, persona

#: Folders (under tests/) whose every test is ``no_services``: the simulator engine imports no Django at all
#: (tests/hwsim_engine/test_no_django.py).
NO_SERVICES_FOLDERS = ("hwsim_engine",)
#: Fixtures that reach the suite's database or serve it (their closures: ``world``, ``lab``, ``client`` pages…).
SERVICE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "_django_db_helper",
        "live_server",
    }
)


def no_services_violation(item: Any) -> str:
    """Why ``item`` may not carry ``no_services`` ("" when it may)."""
    used = sorted(SERVICE_FIXTURES.intersection(item.fixturenames))
    if used:
        return f"uses {', '.join(used)}"
    if item.get_closest_marker("django_db") is not None:
        return "is marked django_db"
    module = getattr(item, "module", None)
    if module is not None and any(
        getattr(value, "__module__", "") == "tests.celery_processes" for value in vars(module).values()
    ):
        return "uses tests.celery_processes (a real broker or worker)"
    return ""


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    tests_dir = Path(__file__).resolve().parent
    folders = tuple(tests_dir / name for name in NO_SERVICES_FOLDERS)
    wrong = []
    for item in items:
        path = Path(str(item.fspath)).resolve()
        if any(path.is_relative_to(folder) for folder in folders):
            item.add_marker(pytest.mark.no_services)
        if item.get_closest_marker("no_services") is not None and (why := no_services_violation(item)):
            wrong.append(f"{item.nodeid} {why}")
    if wrong:
        raise pytest.UsageError("no_services marks a test that needs a service:\n  " + "\n  ".join(wrong))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    settings.AXES_ENABLED = False
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@dataclass
class World:
    """Two tenants with one persona per role in A, a few in B, and an outsider with no role anywhere."""

    a: Tenant
    b: Tenant
    org_a: Organization
    org_a2: Organization
    org_b: Organization
    applicant: Any
    other_applicant: Any
    supplier: Any
    reviewer: Any
    cto: Any
    expert: Any
    case_manager: Any
    finance: Any
    admin: Any
    b_applicant: Any
    b_reviewer: Any
    outsider: Any

    def by_role(self) -> dict[str, Any]:
        """Persona name -> user for every persona of tenant A plus outsiders."""
        return {
            "applicant": self.applicant,
            "other_applicant": self.other_applicant,
            "supplier": self.supplier,
            "office_reviewer": self.reviewer,
            "cto": self.cto,
            "expert": self.expert,
            "case_manager": self.case_manager,
            "finance": self.finance,
            "tenant_admin": self.admin,
            "b_reviewer": self.b_reviewer,
            "outsider": self.outsider,
        }


@pytest.fixture
def world(db: Any) -> World:
    a = TenantFactory(slug="tsmp", name="臺灣智慧系統整合製造平台推動辦公室", settings={"case_prefix": "TSMP"})
    b = TenantFactory(slug="ailab", name="AI晶片異質整合驗證實驗室", settings={"case_prefix": "AICL"})
    org_a = OrganizationFactory(tenant=a, name="南方精密金屬股份有限公司", ubn="04595257")
    org_a2 = OrganizationFactory(tenant=a, name="織采紡織股份有限公司", ubn="22099131")
    org_b = OrganizationFactory(tenant=b, name="晶創科技股份有限公司", ubn="00501508")
    supplier_org = OrganizationFactory(tenant=a, name="南方科技大學")
    return World(
        a=a,
        b=b,
        org_a=org_a,
        org_a2=org_a2,
        org_b=org_b,
        applicant=persona(a, Role.APPLICANT, org_a, first_name="陳志明"),
        other_applicant=persona(a, Role.APPLICANT, org_a2),
        supplier=persona(a, Role.SUPPLIER, supplier_org),
        reviewer=persona(a, Role.OFFICE_REVIEWER, first_name="王美玲"),
        cto=persona(a, Role.CTO),
        expert=persona(a, Role.EXPERT),
        case_manager=persona(a, Role.CASE_MANAGER),
        finance=persona(a, Role.FINANCE),
        admin=persona(a, Role.TENANT_ADMIN),
        b_applicant=persona(b, Role.APPLICANT, org_b),
        b_reviewer=persona(b, Role.OFFICE_REVIEWER),
        outsider=UserFactory(),
    )
