"""The statement API under /api/v1/t/<slug>/billing/: finance builds and confirms NRE statements and drafts and
signs royalty agreements; the applicant files sales reports and sees only its own; a supplier sees only the
royalty lines paid to it; refusals are 409 {detail, code}; bad input is 400 with translated field errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from rest_framework.test import APIClient

from platform_site.enums import Role
from platform_site.rules import organizations_in
from tests.billing.test_statement_pages import setup  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.django_db
API = "/api/v1/t/tsmp/billing/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_finance_builds_confirms_and_reads_the_trail(world, setup):  # noqa: F811
    c = api(world.finance)
    r = c.post(
        f"{API}nre-statements/",
        {"case": setup["own"].pk, "period_start": "2027-02-01", "period_end": "2027-02-28"},
        format="json",
    )
    assert r.status_code == 201, r.data
    assert (r.data["labour_gross"], r.data["labour_due"], r.data["cap_binding"]) == (17000, 4250, False)
    assert r.data["labour_lines"][0]["rate_card_version"] == 2 and r.data["labour_lines"][0]["hours"] == "10.00"
    pk = r.data["id"]
    r = c.post(
        f"{API}nre-statements/{pk}/costs/",
        {"kind": "prototyping", "description": "PCB 打樣", "amount": 15000},
        format="json",
    )
    assert r.data["subtotal"] == 4250 + 15000
    r = c.post(
        f"{API}nre-statements/{pk}/costs/", {"kind": "prototyping", "description": "x", "amount": -1}, format="json"
    )
    assert r.status_code == 400 and r.data["amount"] == ["This cannot be negative."]
    assert c.post(f"{API}nre-statements/{pk}/transitions/confirm/").data["state"] == "confirmed"
    r = c.post(f"{API}nre-statements/{pk}/transitions/confirm/")
    assert r.status_code == 409 and r.data["code"]
    r = c.post(
        f"{API}nre-statements/",
        {"case": setup["own"].pk, "period_start": "2027-02-10", "period_end": "2027-02-20"},
        format="json",
    )
    assert r.status_code == 409 and r.data["code"] == "overlap"
    r = c.post(
        f"{API}nre-statements/",
        {"case": setup["own"].pk, "period_start": "2027-02-10", "period_end": "2027-02-01"},
        format="json",
    )
    assert r.status_code == 400 and r.data["period_end"] == ["The period ends before it starts."]
    assert c.get(f"{API}nre-statements/abc/").status_code == 404


def test_agreements_and_sales_reports(world, setup):  # noqa: F811
    (supplier_org,) = organizations_in(world.supplier, world.a, Role.SUPPLIER)
    body = {
        "case": setup["own"].pk,
        "basis": "per_unit",
        "amount_per_unit": "12.50",
        "parties": [{"label": "平台", "share": "60"}, {"organization": supplier_org, "label": "S", "share": "39.99"}],
    }
    c = api(world.finance)
    r = c.post(f"{API}royalty-agreements/", body, format="json")
    assert r.status_code == 400 and "they sum to 99.99%" in str(r.data["parties"])
    body["parties"][1]["share"] = "40"
    r = c.post(f"{API}royalty-agreements/", body, format="json")
    assert r.status_code == 201 and r.data["version"] == 2
    assert c.post(f"{API}royalty-agreements/{r.data['id']}/sign/").data["state"] == "signed"
    new_id = r.data["id"]
    applicant = api(world.applicant)
    r = applicant.post(
        f"{API}sales-reports/",
        {"agreement": new_id, "period_start": "2027-10-01", "period_end": "2027-10-31", "net_sales": -1, "units": 5},
        format="json",
    )
    assert r.status_code == 400 and r.data["net_sales"] == ["Net sales cannot be negative."]
    r = applicant.post(
        f"{API}sales-reports/",
        {"agreement": new_id, "period_start": "2027-10-01", "period_end": "2027-10-31", "net_sales": 0, "units": 333},
        format="json",
    )
    assert r.status_code == 201
    statement = applicant.get(f"{API}royalty-statements/{r.data['statement']}/").data
    assert statement["due"] == 4163  # 333 × 12.50 = 4,162.5 → half-up
    assert [line["amount"] for line in statement["lines"]] == [2498, 1665]  # 2,497.8 / 1,665.2 → 2,497 + 1 / 1,665
    r = applicant.post(
        f"{API}sales-reports/",
        {
            "agreement": setup["agreement"].pk,
            "period_start": "2027-11-01",
            "period_end": "2027-11-30",
            "net_sales": 5,
            "units": 0,
        },
        format="json",
    )
    assert r.status_code == 409 and r.data["code"] == "not_signed"  # superseded by version 2
    other = api(world.other_applicant)
    assert (
        other.post(
            f"{API}sales-reports/",
            {"agreement": new_id, "period_start": "2027-12-01", "period_end": "2027-12-31", "net_sales": 5, "units": 0},
            format="json",
        ).status_code
        == 404
    )
    assert applicant.post(f"{API}royalty-agreements/", body, format="json").status_code == 404


def test_visibility_in_the_api(world, setup):  # noqa: F811
    applicant = api(world.applicant)
    ids = [row["id"] for row in applicant.get(f"{API}nre-statements/").data["results"]]
    assert ids == [setup["nre_own"].pk]
    assert applicant.get(f"{API}nre-statements/{setup['nre_other'].pk}/").status_code == 404
    assert applicant.get(f"{API}rate-cards/").status_code == 404
    supplier = api(world.supplier)
    lines = supplier.get(f"{API}royalty-lines/").data["results"]
    assert [line["amount"] for line in lines] == [12963]
    assert supplier.get(f"{API}royalty-statements/").status_code == 404
    assert supplier.get(f"{API}nre-statements/").status_code == 404
    finance_lines = api(world.finance).get(f"{API}royalty-lines/").data["results"]
    assert sorted(line["amount"] for line in finance_lines) == [9259, 12963, 14815]
    for path in ("nre-statements/", "royalty-agreements/", "sales-reports/", "royalty-statements/", "rate-cards/"):
        assert api(world.b_reviewer).get(f"{API}{path}").status_code == 404
        assert api(world.outsider).get(f"{API}{path}").status_code == 404


@pytest.mark.parametrize(
    "path", ["nre-statements/", "royalty-agreements/", "royalty-lines/", "rate-cards/", "sales-reports/"]
)
def test_api_lists_are_bounded(world, setup, django_assert_max_num_queries, path):  # noqa: F811
    from billing.services import statements as svc
    from platform_site.tenancy import tenant_scope
    from tests.billing.statement_factories import delivered_case

    extra = 2 if connection.vendor == "postgresql" else 0
    c = api(world.finance)
    with django_assert_max_num_queries(12 + extra):
        assert c.get(f"{API}{path}").status_code == 200
    with tenant_scope(world.a):
        for n in range(3, 30):
            case = delivered_case(world, share=25, reference=f"TSMP-2027-{n:04d}")
            svc.build_nre_statement(
                world.finance, case, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 1, 31)
            )
    with django_assert_max_num_queries(12 + extra):
        assert c.get(f"{API}{path}").status_code == 200


def test_finance_records_equipment_maintenance_and_supplier_nre(world, setup):  # noqa: F811
    c = api(world.finance)
    r = c.post(f"{API}equipment/", {"name": "晶圓探針台", "hourly_rate": 2400}, format="json")
    assert r.status_code == 201
    eq = r.data["id"]
    assert c.post(f"{API}equipment/", {"name": "x", "hourly_rate": -1}, format="json").data["hourly_rate"] == [
        "This cannot be negative."
    ]
    body = {
        "case": setup["own"].pk,
        "period_start": "2027-10-01",
        "period_end": "2027-10-31",
        "usage": [{"equipment": eq, "hours": "3.50"}, {"role": "system_integration", "hours": "4.25"}],
    }
    r = c.post(f"{API}maintenance-fees/", body, format="json")
    assert r.status_code == 201 and (r.data["equipment_total"], r.data["labour_total"], r.data["total"]) == (
        8400,
        7863,
        16263,
    )
    bad = c.post(f"{API}maintenance-fees/", {**body, "usage": [{"hours": "1"}]}, format="json")
    assert bad.status_code == 400
    r = c.post(
        f"{API}supplier-nre/",
        {
            "case": setup["own"].pk,
            "supplier": world.org_a2.pk,
            "description": "模組 NRE",
            "amount": 50000,
            "document_reference": "協議書 7",
        },
        format="json",
    )
    assert r.status_code == 201 and r.data["state"] == "draft"
    assert c.post(f"{API}supplier-nre/{r.data['id']}/sign/").data["state"] == "signed"
    applicant = api(world.applicant)
    assert applicant.post(f"{API}maintenance-fees/", body, format="json").status_code == 404
    assert applicant.get(f"{API}supplier-nre/").status_code == 404
    assert applicant.get(f"{API}equipment/").status_code == 404
    fees = applicant.get(f"{API}maintenance-fees/").data["results"]
    assert [f["total"] for f in fees] == [16263]  # the applicant's own case
    assert api(world.other_applicant).get(f"{API}maintenance-fees/").data["results"] == []
