"""Factories of the suppliers app (rows made in their tenant's scope; states forced for set-up only)."""

from __future__ import annotations

from typing import Any

from platform_site.enums import OrganizationKind, Role
from platform_site.tenancy import tenant_scope
from suppliers.models import OBLIGATIONS_VERSION, ObligationAcceptance, ReferenceDesign, SupplierProfile
from tests.factories import OrganizationFactory, persona


def partner(
    tenant: Any, name: str, *, state: str = "approved", organization: Any = None, **fields: Any
) -> SupplierProfile:
    """A complete profile of a new organisation ``name`` (or ``organization``) in ``state``, obligations
    accepted by a supplier member (``profile.member``)."""
    org = organization or OrganizationFactory(tenant=tenant, name=name, kind=OrganizationKind.COMPANY)
    member = persona(tenant, Role.SUPPLIER, org)
    values = {
        "summary": f"{name}提供智慧系統整合服務。",
        "roles": ["software"],
        "domains": ["application_software"],
        "contact_name": "林經理",
        "contact_email": "window@example.tw",
        **fields,
    }
    with tenant_scope(tenant):
        profile = SupplierProfile(tenant=tenant, organization=org, created_by=member, state=state, **values)
        profile.save()
        ObligationAcceptance.objects.create(
            tenant=tenant, profile=profile, accepted_by=member, version=OBLIGATIONS_VERSION
        )
    profile.member = member
    return profile


def design(profile: SupplierProfile, *, state: str = "approved", **fields: Any) -> ReferenceDesign:
    """A reference design of ``profile`` in ``state``."""
    values = {
        "title": "邊緣 AI 瑕疵檢測參考設計",
        "description": "以邊緣運算模組搭配影像辨識模型之瑕疵檢測方案。",
        "roles": ["software"],
        "industries": ["manufacturing"],
        "indicative_price_ntd": 880000,
        **fields,
    }
    with tenant_scope(profile.tenant):
        obj = ReferenceDesign(tenant=profile.tenant, profile=profile, state=state, **values)
        obj.save()
    return obj


def supplier_samples(world: Any, case: Any) -> dict[str, dict[str, Any]]:
    """tests/test_isolation.py samples for the suppliers routes: tenant-A profile (with background IP), design,
    referral of ``case``, per route-name prefix (specific prefixes first)."""
    from suppliers.models import BackgroundIP, Referral

    profile = partner(world.a, "隔離測試光電")
    item = design(profile)
    with tenant_scope(world.a):
        ip = BackgroundIP.objects.create(
            tenant=world.a, profile=profile, title="專利", kind="patent", owner="隔離測試光電"
        )
        referral = Referral.objects.create(
            tenant=world.a, case=case, profile=profile, role="software", referred_by=world.reviewer
        )
    common = {"tenant_slug": "tsmp", "action": "approve", "action_name": "approve", "case_pk": case.pk}
    return {
        "suppliers:design": {**common, "pk": item.pk},
        "suppliers:referral": {**common, "pk": referral.pk},
        "suppliers:": {**common, "pk": profile.pk, "ip_pk": ip.pk},
        "api-supplier-profile-": {**common, "pk": profile.pk},
        "api-supplier-design-": {**common, "pk": item.pk},
        "api-supplier-referral-": {**common, "pk": referral.pk},
        "api-supplier-directory-": common,
        "api-supplier-matchmaking-": {**common, "pk": case.pk},
        "api-supplier-case-": {**common, "pk": case.pk},
    }
