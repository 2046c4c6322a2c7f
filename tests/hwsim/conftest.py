"""Personas of two verification-lab tenants (lab A with two applicant organisations, lab B)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from platform_site.enums import Role, TenantKind
from platform_site.models import Organization, Tenant
from tests.factories import OrganizationFactory, TenantFactory, UserFactory, persona


@dataclass
class Lab:
    a: Tenant
    b: Tenant
    org: Organization
    org2: Organization
    org_b: Organization
    applicant: Any  # applicant of org (the usual requester)
    colleague: Any  # another applicant of org
    other_applicant: Any  # applicant of org2
    engineer: Any  # office reviewer = lab engineer
    cto: Any
    admin: Any
    expert: Any
    supplier: Any
    finance: Any
    b_engineer: Any
    b_applicant: Any
    outsider: Any

    def personas(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in (
                "applicant",
                "colleague",
                "other_applicant",
                "engineer",
                "cto",
                "admin",
                "expert",
                "supplier",
                "finance",
                "b_engineer",
                "b_applicant",
                "outsider",
            )
        }


@pytest.fixture
def lab(db: Any) -> Lab:
    a = TenantFactory(
        slug="ailab",
        name="AI晶片異質整合驗證實驗室",
        name_en="AI-Chip Verification Lab",
        kind=TenantKind.VERIFICATION_LAB,
    )
    b = TenantFactory(slug="otherlab", name="另一驗證實驗室", kind=TenantKind.VERIFICATION_LAB)
    org = OrganizationFactory(tenant=a, name="晶創科技股份有限公司", ubn="00501508")
    org2 = OrganizationFactory(tenant=a, name="邊緣智能股份有限公司")
    org_b = OrganizationFactory(tenant=b, name="乙實驗室客戶股份有限公司")
    return Lab(
        a=a,
        b=b,
        org=org,
        org2=org2,
        org_b=org_b,
        applicant=persona(a, Role.APPLICANT, org, first_name="陳志明"),
        colleague=persona(a, Role.APPLICANT, org),
        other_applicant=persona(a, Role.APPLICANT, org2),
        engineer=persona(a, Role.OFFICE_REVIEWER, first_name="王美玲"),
        cto=persona(a, Role.CTO),
        admin=persona(a, Role.TENANT_ADMIN),
        expert=persona(a, Role.EXPERT),
        supplier=persona(a, Role.SUPPLIER, OrganizationFactory(tenant=a, name="南方科技大學")),
        finance=persona(a, Role.FINANCE),
        b_engineer=persona(b, Role.OFFICE_REVIEWER),
        b_applicant=persona(b, Role.APPLICANT, org_b),
        outsider=UserFactory(),
    )


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache (the verification page counts look-ups per client IP there)."""
    from django.core.cache import cache

    cache.clear()
