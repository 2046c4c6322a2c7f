"""Cross-tenant data isolation of the suppliers endpoints (beyond tests/test_isolation.py's route walk): a
tenant-B list never shows tenant A's rows, and a write in tenant B cannot name tenant A's objects."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases.enums import CaseState
from platform_site.enums import Role
from tests.factories import OrganizationFactory, complete_case, persona, set_fields
from tests.suppliers.factories import partner

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_tenant_b_lists_none_of_tenant_a_and_cannot_refer_its_objects(client, world):
    world.b.kind = "platform_office"
    world.b.save()
    a_partner = partner(world.a, "甲租戶光學", keywords="光學")
    a_case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(a_case, state=CaseState.REFERRED)
    b_partner = partner(world.b, "乙租戶光學", keywords="光學")
    b_case = complete_case(tenant=world.b, applicant_org=world.org_b, created_by=world.b_applicant)
    set_fields(b_case, state=CaseState.REFERRED)
    base = "/api/v1/t/ailab/suppliers/"
    b = api(world.b_reviewer)
    assert [p["organization"] for p in b.get(f"{base}profiles/").data["results"]] == ["乙租戶光學"]
    assert [p["organization"] for p in b.get(f"{base}directory/?q=光學").data["results"]] == ["乙租戶光學"]
    for body in (
        {"case": a_case.pk, "profile": b_partner.pk, "role": "software"},
        {"case": b_case.pk, "profile": a_partner.pk, "role": "software"},
    ):
        assert b.post(f"{base}referrals/", body).status_code == 404, body
    client.force_login(world.b_reviewer)
    page = client.get("/t/ailab/suppliers/directory/?q=光學").content.decode()
    assert "乙租戶光學" in page and "甲租戶光學" not in page
    refer = client.post(f"/t/ailab/suppliers/cases/{b_case.pk}/refer/", {"profile": a_partner.pk, "role": "software"})
    assert refer.status_code == 404
    # a supplier of tenant B with an organisation there sees nothing of tenant A either
    b_supplier = persona(world.b, Role.SUPPLIER, OrganizationFactory(tenant=world.b))
    assert api(b_supplier).get(f"/api/v1/t/tsmp/suppliers/profiles/{a_partner.pk}/").status_code == 404
