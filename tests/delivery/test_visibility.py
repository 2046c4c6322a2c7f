"""Who sees what (HTML and API): the applicant sees the submitted / acknowledged reports of its own case without
the hour breakdown and nothing of other cases; partners see only their own assignments; query counts of the
list pages stay bounded (1 vs 30+ rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.delivery.models import Assignment
from platform_site.tenancy import tenant_scope
from tests.delivery.factories import group, in_service_case, report
from tests.factories import OrganizationFactory, persona
from tests.suppliers.factories import partner

pytestmark = pytest.mark.django_db
HOURS = "123.75"


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def _assignment(wg: Any, profile: Any, role: str = "software") -> Assignment:
    with tenant_scope(wg.tenant):
        return Assignment.objects.create(
            tenant=wg.tenant,
            work_group=wg,
            role=role,
            partner=profile,
            scope="範圍",
            planned_start=dt.date(2027, 1, 4),
            planned_end=dt.date(2027, 6, 30),
            deliverables="交付",
        )


@pytest.fixture
def reports(world: Any) -> dict[str, Any]:
    case = in_service_case(world)
    wg = group(case, lead=world.case_manager, state="active", kickoff_on=dt.date(2027, 1, 4))
    other_case = in_service_case(world, reference="TSMP-2026-0002", applicant_org=world.org_a2)
    other = group(other_case, lead=world.case_manager, state="active", kickoff_on=dt.date(2027, 1, 4))
    return {
        "acknowledged": report(wg, 1, state="acknowledged", hours={"software": HOURS}),
        "submitted": report(wg, 2, state="submitted", hours={"software": "5"}, work_done="第二期工作"),
        "draft": report(wg, 3, state="draft", work_done="草稿內容不可外流"),
        "other": report(other, 1, state="acknowledged", work_done="別家的報告", hours={"software": "77"}),
        "group": wg,
    }


def test_applicant_sees_its_submitted_reports_without_hours_html(client: Any, world: Any, reports: dict) -> None:
    client.force_login(world.applicant)
    ack = client.get(reverse("delivery:report", kwargs={"tenant_slug": "tsmp", "pk": reports["acknowledged"].pk}))
    assert ack.status_code == 200
    body = ack.content.decode()
    assert "完成模型訓練資料標註" in body and HOURS not in body and 'id="hours"' not in body
    for hidden in ("draft", "other"):
        url = reverse("delivery:report", kwargs={"tenant_slug": "tsmp", "pk": reports[hidden].pk})
        assert client.get(url).status_code == 404
    case_page = client.get(reverse("cases:detail", kwargs={"tenant_slug": "tsmp", "pk": reports["group"].case_id}))
    text = case_page.content.decode()
    assert f'data-report="{reports["submitted"].pk}"' in text and f'data-report="{reports["draft"].pk}"' not in text
    assert HOURS not in text
    # The office sees the hours on the same page.
    client.force_login(world.reviewer)
    staff = client.get(reverse("delivery:report", kwargs={"tenant_slug": "tsmp", "pk": reports["acknowledged"].pk}))
    assert HOURS in staff.content.decode()


def test_applicant_api_has_no_hours_field_and_no_other_case(world: Any, reports: dict) -> None:
    response = api(world.applicant).get("/api/v1/t/tsmp/delivery/reports/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert sorted(r["id"] for r in rows) == sorted([reports["acknowledged"].pk, reports["submitted"].pk])
    assert all("hours" not in r and "office_comments" not in r for r in rows)
    detail = api(world.applicant).get(f"/api/v1/t/tsmp/delivery/reports/{reports['acknowledged'].pk}/")
    assert detail.status_code == 200 and "hours" not in detail.json()
    assert api(world.applicant).get(f"/api/v1/t/tsmp/delivery/reports/{reports['other'].pk}/").status_code == 404
    assert api(world.applicant).get(f"/api/v1/t/tsmp/delivery/reports/{reports['draft'].pk}/").status_code == 404
    staff = api(world.reviewer).get(f"/api/v1/t/tsmp/delivery/reports/{reports['acknowledged'].pk}/").json()
    assert staff["hours"] == [{"role": "software", "hours": HOURS}]
    manager = api(world.case_manager).get("/api/v1/t/tsmp/delivery/reports/").json()["results"]
    assert all("hours" in r for r in manager) and len(manager) == 4


def test_partners_see_only_their_own_assignments(client: Any, world: Any, reports: dict) -> None:
    mine = partner(world.a, "自家夥伴", roles=["software"])
    theirs = partner(world.a, "別家夥伴", roles=["software"])
    own = _assignment(reports["group"], mine)
    foreign = _assignment(reports["group"], theirs)
    listed = api(mine.member).get("/api/v1/t/tsmp/delivery/assignments/").json()["results"]
    assert [row["id"] for row in listed] == [own.pk]
    assert api(mine.member).get(f"/api/v1/t/tsmp/delivery/assignments/{foreign.pk}/").status_code == 404
    assert api(mine.member).get("/api/v1/t/tsmp/delivery/reports/").json()["results"] == []
    assert api(mine.member).get("/api/v1/t/tsmp/delivery/groups/").json()["results"] == []
    client.force_login(mine.member)
    page = client.get(reverse("delivery:assignments", kwargs={"tenant_slug": "tsmp"})).content.decode()
    assert f'data-assignment="{own.pk}"' in page and f'data-assignment="{foreign.pk}"' not in page
    assert (
        client.get(reverse("delivery:assignment", kwargs={"tenant_slug": "tsmp", "pk": foreign.pk})).status_code == 404
    )
    assert (
        client.get(reverse("delivery:group", kwargs={"tenant_slug": "tsmp", "pk": reports["group"].pk})).status_code
        == 404
    )
    # Partner accepts through the API; the other partner cannot answer it.
    assert api(theirs.member).post(f"/api/v1/t/tsmp/delivery/assignments/{own.pk}/accept/").status_code == 404
    assert api(mine.member).post(f"/api/v1/t/tsmp/delivery/assignments/{own.pk}/accept/").json()["state"] == "accepted"


def test_other_case_managers_see_nothing_of_the_group(world: Any, reports: dict) -> None:
    stranger = persona(world.a, "case_manager")
    assert api(stranger).get(f"/api/v1/t/tsmp/delivery/reports/{reports['submitted'].pk}/").status_code == 404
    assert api(stranger).get("/api/v1/t/tsmp/delivery/groups/").json()["results"] == []


def test_negative_hours_are_a_clear_error_html_and_api(client: Any, world: Any, reports: dict) -> None:
    with tenant_scope(world.a):
        due = report(reports["group"], 4, state="due", work_done="")
    client.force_login(world.case_manager)
    url = reverse("delivery:report_edit", kwargs={"tenant_slug": "tsmp", "pk": due.pk})
    response = client.post(url, {"work_done": "x", "hours_software": "-2"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Hours cannot be negative." in response.content.decode()
    body = {"work_done": "x", "hours": [{"role": "software", "hours": "-2"}]}
    bad = api(world.case_manager).patch(f"/api/v1/t/tsmp/delivery/reports/{due.pk}/", body, format="json")
    assert bad.status_code == 400 and "Hours cannot be negative." in str(bad.json())
    body["hours"][0]["hours"] = "7.5"
    ok = api(world.case_manager).patch(f"/api/v1/t/tsmp/delivery/reports/{due.pk}/", body, format="json")
    assert ok.status_code == 200 and ok.json()["hours"] == [{"role": "software", "hours": "7.50"}]
    assert (
        api(world.applicant).patch(f"/api/v1/t/tsmp/delivery/reports/{due.pk}/", body, format="json").status_code == 404
    )


def _many(world: Any, n: int) -> None:
    profile = partner(world.a, f"負載夥伴{n}", roles=["software"])
    for i in range(n):
        org = OrganizationFactory(tenant=world.a)
        case = in_service_case(world, reference=f"TSMP-2027-{i:04d}", applicant_org=org)
        wg = group(case, lead=world.case_manager, state="active", kickoff_on=dt.date(2027, 1, 4))
        report(wg, 1, state="due")
        _assignment(wg, profile)


@pytest.mark.parametrize("n", [1, 31])
def test_list_pages_and_homes_use_a_bounded_number_of_queries(
    client: Any, world: Any, n: int, django_assert_max_num_queries: Any
) -> None:
    _many(world, n)
    for user, name in (
        (world.reviewer, "delivery:groups"),
        (world.case_manager, "delivery:groups"),
        (world.reviewer, "delivery:reports"),
        (world.case_manager, "delivery:reports"),
        (world.reviewer, "delivery:assignments"),
        (world.case_manager, "tenant_home"),
        (world.reviewer, "tenant_home"),
    ):
        client.force_login(user)
        url = reverse(name, kwargs={"tenant_slug": "tsmp"})
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200
    for path in ("reports", "assignments", "groups"):
        with django_assert_max_num_queries(12):
            assert api(world.reviewer).get(f"/api/v1/t/tsmp/delivery/{path}/").status_code == 200
