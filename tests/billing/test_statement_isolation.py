"""Tenant isolation of the statement half: tenant B's staff list none of tenant A's rows (HTML and API), cannot
address them by id, and a write in tenant B cannot target tenant A's case or agreement."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from platform_site.enums import Role
from tests.billing.test_statement_pages import setup  # noqa: F401 - the shared fixture
from tests.factories import persona

pytestmark = pytest.mark.django_db


def test_tenant_b_sees_and_reaches_nothing_of_tenant_a(client, world, setup):  # noqa: F811
    b_finance = persona(world.b, Role.FINANCE)
    api = APIClient()
    api.force_authenticate(b_finance)
    base = "/api/v1/t/ailab/billing/"
    for path in (
        "nre-statements/",
        "royalty-agreements/",
        "sales-reports/",
        "royalty-statements/",
        "royalty-lines/",
        "rate-cards/",
        "maintenance-fees/",
    ):
        response = api.get(f"{base}{path}")
        assert response.status_code == 200 and response.data["results"] == [], path
    assert api.get(f"{base}nre-statements/{setup['nre_own'].pk}/").status_code == 404
    assert api.get(f"{base}royalty-statements/{setup['report'].statement.pk}/").status_code == 404
    r = api.post(
        f"{base}nre-statements/",
        {"case": setup["own"].pk, "period_start": "2027-01-01", "period_end": "2027-01-31"},
        format="json",
    )
    assert r.status_code == 404
    r = api.post(
        f"{base}royalty-agreements/",
        {
            "case": setup["own"].pk,
            "basis": "per_unit",
            "amount_per_unit": "1",
            "parties": [{"label": "平台", "share": "100"}],
        },
        format="json",
    )
    assert r.status_code == 404
    b_applicant = APIClient()
    b_applicant.force_authenticate(world.b_applicant)
    r = b_applicant.post(
        f"{base}sales-reports/",
        {"agreement": setup["agreement"].pk, "period_start": "2027-10-01", "period_end": "2027-10-31", "net_sales": 1},
        format="json",
    )
    assert r.status_code == 404
    client.force_login(b_finance)
    page = client.get(reverse("billing:statements", kwargs={"tenant_slug": "ailab"})).content.decode()
    assert "data-statement=" not in page and "TSMP-2027" not in page
    url = reverse("billing:nre", kwargs={"tenant_slug": "ailab", "pk": setup["nre_own"].pk})
    assert client.get(url).status_code == 404
