"""Shared fixtures: personas per tenant (STYLE.md), eager Celery for unit tests, private media in tmp."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from platform_site.celery import app as celery_app
from platform_site.enums import Role
from platform_site.models import Organization, Tenant
from tests.factories import OrganizationFactory, TenantFactory, UserFactory, persona


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
