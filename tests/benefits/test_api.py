"""The benefits API: measurements list / create / detail (400 with messages, 403, 404) and the dashboard JSON."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cases.benefits.models import KpiMeasurement
from cases.demo import demo_pdf
from platform_site.tenancy import tenant_scope
from tests.benefits.factories import case_in, manage, record

pytestmark = pytest.mark.django_db
BASE = "/api/v1/t/tsmp/benefits/"


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def closed(world):
    return case_in(world.a, world.org_a, world.applicant)


def _oee(case, **extra):
    return {
        "case": case.pk,
        "kind": "oee",
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "availability": "0.9",
        "performance": "0.95",
        "quality": "0.99",
        "evidence_reference": "MES 月報",
        **extra,
    }


def test_office_reviewer_records_oee_and_reads_it_back(api, world, closed):
    api.force_authenticate(world.reviewer)
    response = api.post(f"{BASE}measurements/", _oee(closed), format="json")
    assert response.status_code == 201, response.data
    assert (response.data["value"], response.data["unit"]) == ("0.846450000000", "fraction")
    detail = api.get(f"{BASE}measurements/{response.data['id']}/")
    assert detail.status_code == 200 and detail.data["availability"] == "0.9000"
    listed = api.get(f"{BASE}measurements/", {"case": closed.pk})
    assert [m["id"] for m in listed.data["results"]] == [response.data["id"]]


def test_json_numbers_are_taken_exactly(api, world, closed):
    api.force_authenticate(world.reviewer)
    body = {**_oee(closed), "availability": 0.9, "performance": 0.95, "quality": 0.99}
    response = api.post(f"{BASE}measurements/", body, format="json")
    assert response.status_code == 201 and response.data["value"] == "0.846450000000"
    roi = {**_oee(closed), "kind": "roi", "total_profit_ntd": 3_000_000, "invested_cost_ntd": 2_000_000}
    assert api.post(f"{BASE}measurements/", roi, format="json").data["value"] == "1.500000000000"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"quality": "1.01"}, "quality", "between 0 and 1"),
        ({"availability": -0.5}, "availability", "between 0 and 1"),
        ({"kind": "roi", "total_profit_ntd": "10", "invested_cost_ntd": "0"}, "invested_cost_ntd", "more than NT$0"),
        ({"kind": "jobs", "amount": "-2"}, "amount", "cannot be negative"),
        ({"kind": "products", "amount": "1.5"}, "amount", "whole number"),
        ({"period_end": "2025-01-01"}, "period_end", "cannot end before"),
        ({"period_start": "yesterday"}, "period_start", "Date has wrong format"),
        ({"kind": "speed"}, "kind", "not a valid choice"),
        ({"evidence_reference": ""}, "evidence_reference", "evidence"),
        ({"case": "x"}, "case", "valid integer"),
    ],
)
def test_bad_measurements_are_400_with_messages(api, world, closed, change, field, words):
    api.force_authenticate(world.reviewer)
    response = api.post(f"{BASE}measurements/", {**_oee(closed), **change}, format="json")
    assert response.status_code == 400
    assert words in " ".join(str(m) for m in response.data[field])
    with tenant_scope(world.a):
        assert not KpiMeasurement.objects.exists()


def test_a_case_not_in_service_is_a_400_non_field_error(api, world):
    early = case_in(world.a, world.org_a, world.applicant, "qualification")
    api.force_authenticate(world.reviewer)
    response = api.post(f"{BASE}measurements/", _oee(early, is_baseline=True), format="json")
    assert response.status_code == 400 and "in service" in str(response.data["non_field_errors"])


def test_multipart_with_an_evidence_file(api, world, closed):
    api.force_authenticate(world.reviewer)
    body = {**_oee(closed, evidence_reference=""), "evidence": SimpleUploadedFile("r.pdf", demo_pdf("r"))}
    response = api.post(f"{BASE}measurements/", body, format="multipart")
    assert response.status_code == 201 and response.data["evidence_name"] == "r.pdf"
    bad = {**_oee(closed, evidence_reference=""), "evidence": SimpleUploadedFile("r.pdf", b"MZ\x90\x00")}
    response = api.post(f"{BASE}measurements/", bad, format="multipart")
    assert response.status_code == 400 and "evidence" in response.data


def test_who_may_record_and_see(api, world, closed):
    record(world.reviewer, closed, amount=1)
    api.force_authenticate(world.applicant)  # sees its own case's KPIs, may not record
    assert len(api.get(f"{BASE}measurements/").data["results"]) == 1
    assert api.post(f"{BASE}measurements/", _oee(closed), format="json").status_code == 403
    api.force_authenticate(world.other_applicant)
    assert api.get(f"{BASE}measurements/").data["results"] == []
    assert api.post(f"{BASE}measurements/", _oee(closed), format="json").status_code == 404
    api.force_authenticate(world.case_manager)
    assert api.get(f"{BASE}measurements/").data["results"] == []
    manage(closed, world.case_manager, world.cto)
    assert len(api.get(f"{BASE}measurements/").data["results"]) == 1
    assert api.post(f"{BASE}measurements/", _oee(closed), format="json").status_code == 201


def test_cross_tenant_is_404(api, world, closed):
    m = record(world.reviewer, closed, amount=1)
    api.force_authenticate(world.b_reviewer)
    assert api.get(f"{BASE}measurements/").status_code == 404
    assert api.get(f"{BASE}dashboard/").status_code == 404
    other = "/api/v1/t/ailab/benefits/"
    assert api.get(f"{other}measurements/").data["results"] == []
    assert api.get(f"{other}measurements/{m.pk}/").status_code == 404
    assert api.post(f"{other}measurements/", _oee(closed), format="json").status_code == 404


def test_dashboard_json_is_the_page_s_tables(api, world, closed):
    record(world.reviewer, closed, kind="investment", amount=5_000_000, period_start=dt.date(2026, 1, 1))
    api.force_authenticate(world.cto)
    response = api.get(f"{BASE}dashboard/")
    assert response.status_code == 200
    tables = {t["key"]: t for t in response.data}
    assert {"funnel", "sla_breaches", "programme_kpis"} <= set(tables)
    assert [2026, 0, 5_000_000, 0] in tables["programme_kpis"]["rows"]
    one = api.get(f"{BASE}dashboard/programme_kpis/")
    assert one.data == tables["programme_kpis"]
    assert api.get(f"{BASE}dashboard/nothing/").status_code == 404
    for user in (world.applicant, world.supplier, world.case_manager):
        api.force_authenticate(user)
        assert api.get(f"{BASE}dashboard/").status_code == 403


def test_list_query_count_is_bounded(api, world, closed, django_assert_max_num_queries):
    api.force_authenticate(world.reviewer)
    record(world.reviewer, closed, amount=1)
    with django_assert_max_num_queries(6):
        api.get(f"{BASE}measurements/")
    for i in range(30):
        record(world.reviewer, closed, amount=i)
    with django_assert_max_num_queries(6):
        assert len(api.get(f"{BASE}measurements/").data["results"]) == 25


def test_every_role_has_a_kpi_visibility_rule_or_is_pending():
    from cases.benefits.queries import kpi_visibility
    from platform_site.enums import Role

    assert kpi_visibility.covers() == set(Role.values)


def test_the_benefits_endpoints_are_in_the_openapi_schema():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("measurements/", "measurements/{id}/", "dashboard/", "dashboard/{key}/"):
        assert f"/api/v1/t/{{tenant_slug}}/benefits/{path}" in paths
    assert "post" in paths["/api/v1/t/{tenant_slug}/benefits/measurements/"]
