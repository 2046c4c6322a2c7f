"""The KPI page of a case, its SVG trend charts, the case-page section and the evidence download."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.benefits.models import KpiMeasurement
from cases.demo import demo_pdf
from platform_site.tenancy import tenant_scope
from tests.benefits.factories import case_in, manage, record

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def closed(world):
    case = case_in(world.a, world.org_a, world.applicant)
    record(
        world.reviewer,
        case,
        kind="oee",
        is_baseline=True,
        availability="0.78",
        performance="0.85",
        quality="0.93",
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2025, 12, 31),
    )
    for month, availability in ((1, "0.80"), (2, "0.82"), (3, "0.85")):
        record(
            world.reviewer,
            case,
            kind="oee",
            availability=availability,
            performance="0.90",
            quality="0.97",
            period_start=dt.date(2026, month, 1),
            period_end=dt.date(2026, month, 28),
        )
    record(world.reviewer, case, amount=4_300_000)
    return case


def _client(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _page(client, user, case, method="get", data=None):
    url = reverse("benefits:case_kpis", args=["tsmp", case.pk])
    return getattr(_client(client, user), method)(url, data or {}, HTTP_ACCEPT_LANGUAGE="en")


def _svgs(html):
    """Every inline <svg>…</svg> of a page, parsed."""
    parts = html.split("<svg ")[1:]
    return [ET.fromstring("<svg " + part.split("</svg>")[0] + "</svg>") for part in parts]


def test_the_trend_chart_is_well_formed_svg_with_the_baseline_marked(client, world, closed):
    response = _client(client, world.reviewer).get(reverse("benefits:chart", args=["tsmp", closed.pk, "oee"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == desc_id
    assert "3 measurements from 2026-01 to 2026-03" in desc.text and "Baseline 61.66 %" in desc.text
    baseline = root.find(f".//{SVG}g[@class='baseline']")
    assert baseline.get("data-value") == "0.616590000000"
    assert baseline.find(f"{SVG}line").get("stroke-dasharray")
    assert baseline.find(f"{SVG}text").text == "Baseline 61.66 %"
    points = root.findall(f".//{SVG}g[@class='points']/{SVG}circle")
    # 0.80×0.90×0.97 = 0.6984; 0.82×0.90×0.97 = 0.71586; 0.85×0.90×0.97 = 0.74205 (hand-computed)
    assert [p.get("data-value") for p in points] == ["0.698400000000", "0.715860000000", "0.742050000000"]
    ys = [float(p.get("cy")) for p in points]
    assert ys[0] > ys[1] > ys[2]  # rising OEE is drawn higher (SVG y grows downwards)
    base_y = float(baseline.find(f"{SVG}line").get("y1"))
    assert base_y > ys[0]  # the baseline lies below every later value
    labels = [t.text for t in root.findall(f".//{SVG}g[@class='x-ticks']/{SVG}text")]
    assert labels == ["2026-01", "2026-02", "2026-03"]
    assert root.find(f".//{SVG}text[@class='y-label']").text == "OEE (%)"


def test_a_chart_of_an_unknown_kpi_is_404_and_empty_kinds_say_so(client, world, closed):
    c = _client(client, world.reviewer)
    assert c.get(reverse("benefits:chart", args=["tsmp", closed.pk, "speed"])).status_code == 404
    empty = ET.fromstring(c.get(reverse("benefits:chart", args=["tsmp", closed.pk, "jobs"])).content)
    assert empty.find(f"{SVG}desc").text == "No measurements yet."


def test_kpi_page_shows_each_trend_and_the_form_to_those_who_record(
    client, world, closed, django_assert_max_num_queries
):
    c = _client(client, world.reviewer)
    c.get(reverse("benefits:case_kpis", args=["tsmp", closed.pk]))  # the session is written once
    with django_assert_max_num_queries(10):
        response = c.get(reverse("benefits:case_kpis", args=["tsmp", closed.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="kpi-oee"' in html and 'id="kpi-revenue"' in html and 'id="record-kpi"' in html
    assert "84.65" not in html and "74.21 %" in html  # 0.74205 → 74.21 % (half-up)
    assert len(_svgs(html)) == 2


def test_applicant_reads_its_own_kpis_but_cannot_record_and_others_get_404(client, world, closed):
    response = _page(client, world.applicant, closed)
    assert response.status_code == 200 and 'id="record-kpi"' not in response.content.decode()
    assert _page(client, world.applicant, closed, "post", {"kind": "jobs"}).status_code == 403
    for user in (world.other_applicant, world.supplier, world.expert, world.case_manager, world.finance):
        assert _page(client, user, closed).status_code == 404, user
    assert _page(client, world.b_reviewer, closed).status_code == 404
    assert _page(client, world.outsider, closed).status_code == 404


def test_the_case_manager_of_the_case_records_through_the_form(client, world, closed):
    manage(closed, world.case_manager, world.cto)
    data = {
        "kind": "jobs",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "amount": "47",
        "evidence": SimpleUploadedFile("名冊.pdf", demo_pdf("名冊"), content_type="application/pdf"),
    }
    response = _page(client, world.case_manager, closed, "post", data)
    assert response.status_code == 302
    with tenant_scope(world.a):
        m = KpiMeasurement.objects.get(kind="jobs")
    assert (int(m.value), m.recorded_by, m.evidence_name) == (47, world.case_manager, "名冊.pdf")
    download = client.get(reverse("benefits:evidence", args=["tsmp", m.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(world.other_applicant)
    assert client.get(reverse("benefits:evidence", args=["tsmp", m.pk])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "oee", "availability": "1.2", "performance": "0.9", "quality": "0.9"}, "between 0 and 1"),
        ({"kind": "roi", "total_profit_ntd": "1000", "invested_cost_ntd": "0"}, "invested cost must be more than"),
        ({"kind": "jobs", "amount": "-4"}, "cannot be negative"),
        ({"kind": "jobs", "amount": "12", "period_start": "not a date"}, "Enter a valid date"),
        ({"kind": "jobs", "amount": "x"}, "Enter a number"),
    ],
)
def test_bad_input_on_the_form_is_a_400_with_the_message(client, world, closed, data, message):
    base = {"period_start": "2026-01-01", "period_end": "2026-01-31", "evidence_reference": "月報"}
    response = _page(client, world.reviewer, closed, "post", {**base, **data})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_case_page_shows_the_trends_to_office_staff(client, world, closed):
    response = _client(client, world.reviewer).get(
        reverse("cases:detail", args=["tsmp", closed.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert 'id="benefit-tracking"' in html
    section = html.split('id="benefit-tracking"')[1]
    assert len(_svgs(section)) == 2 and reverse("benefits:case_kpis", args=["tsmp", closed.pk]) in section
