"""API of meetings and scores (/api/v1/t/<slug>/review/meetings/…), the OpenAPI schema, and tenant isolation of
every new page and endpoint (an expert or staff of another tenant gets 404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from platform_site.transitions import run_transition
from review.enums import MeetingState, ReviewStage
from review.models import ReviewDecision
from review.services import meetings
from tests.factories import persona
from tests.review import factories as rf

pytestmark = pytest.mark.django_db


def _user(seat):
    """The seat's expert's user, read in the tenant's scope (row-level security on PostgreSQL)."""
    with tenant_scope(seat.tenant):
        return seat.expert.user


BASE = "/api/v1/t/tsmp/review/meetings/"


@pytest.fixture
def api():
    client = APIClient()
    client.cookies["django_language"] = "en"
    return client


def _extra():
    return 2 if connection.vendor == "postgresql" else 0


def _entries(tier=2, linkage=4, why="理由"):
    return [
        {"criterion": "value_creation", "value": tier, "justification": why},
        {"criterion": "local_linkage", "value": linkage, "justification": why},
        {"criterion": "recommendation", "value": 1},
        {"criterion": "comments", "text": "可行"},
    ]


def test_the_cto_schedules_opens_and_records_attendance(api, world):
    case = rf.case_in(world.a, applicant_org=world.org_a)
    when = (timezone.now() + dt.timedelta(days=3)).isoformat()
    api.force_authenticate(world.reviewer)
    assert api.post(BASE, {"case": case.pk, "scheduled_at": when, "mode": "video"}, format="json").status_code == 403
    api.force_authenticate(world.cto)
    past = api.post(BASE, {"case": case.pk, "scheduled_at": "2020-01-01T10:00:00+08:00", "mode": "video"})
    assert past.status_code == 400 and "scheduled_at" in past.data
    no_link = api.post(BASE, {"case": case.pk, "scheduled_at": when, "mode": "video"}, format="json")
    assert no_link.status_code == 400 and "video_link" in no_link.data
    body = {"case": case.pk, "scheduled_at": when, "mode": "video", "video_link": "https://meet.example.tw/x"}
    created = api.post(BASE, body, format="json")
    assert created.status_code == 201, created.data
    assert (created.data["stage"], created.data["round"], created.data["rubric"]) == ("preliminary", 1, "tsmp v1")
    again = api.post(BASE, body, format="json")
    assert again.status_code == 409 and again.data["code"] == "meeting_open"
    pk = created.data["id"]
    with tenant_scope(world.a):
        from review.models import ReviewMeeting

        mtg = ReviewMeeting.objects.get(pk=pk)
    seat = rf.seat(mtg)
    opened = api.post(f"{BASE}{pk}/transitions/open/", {"comment": ""}, format="json")
    assert opened.status_code == 200 and opened.data["state"] == "in_session"
    assert api.post(f"{BASE}{pk}/transitions/close/", {}, format="json").status_code == 400
    attendance = {"experts": [{"invitation": seat.pk, "attended": True}], "applicant_attendance": "video"}
    recorded = api.post(f"{BASE}{pk}/attendance/", attendance, format="json")
    assert recorded.status_code == 200 and recorded.data["panel"][0]["attended"] is True
    wrong = api.post(f"{BASE}{pk}/attendance/", {"experts": [{"invitation": 0, "attended": True}]}, format="json")
    assert wrong.status_code == 400
    assert api.get(BASE).data["results"][0]["id"] == pk
    assert [m["id"] for m in api.get(BASE, {"case": case.pk, "state": "in_session"}).data["results"]] == [pk]
    assert api.get(BASE, {"state": "scheduled"}).data["results"] == []
    assert api.get(BASE, {"case": "x"}).status_code == 400 and api.get(BASE, {"state": "x"}).status_code == 400


def test_scores_through_the_api_independent_then_frozen(api, world):
    mtg = rf.meeting(world.a, chair=world.cto)
    me, other, third = rf.seat(mtg), rf.seat(mtg), rf.seat(mtg)
    api.force_authenticate(_user(other))
    assert (
        api.post(f"{BASE}{mtg.pk}/scores/", {"scores": _entries(3, 1), "submit": True}, format="json").status_code
        == 200
    )
    api.force_authenticate(_user(me))
    mine = api.get(f"{BASE}{mtg.pk}/scores/")
    assert mine.status_code == 200 and mine.data["others_visible"] is False and mine.data["board"] is None
    bad = api.post(f"{BASE}{mtg.pk}/scores/", {"scores": [{"criterion": "value_creation", "value": 9}]}, format="json")
    assert bad.status_code == 400 and list(bad.data) == ["value_creation"]
    missing = api.post(f"{BASE}{mtg.pk}/scores/", {"scores": [], "submit": True}, format="json")
    assert missing.status_code == 400 and "local_linkage" in missing.data
    done = api.post(f"{BASE}{mtg.pk}/scores/", {"scores": _entries(1, 5), "submit": True}, format="json")
    assert done.status_code == 200 and done.data["others_visible"] is True
    rows = {c["key"]: c for c in done.data["board"]["criteria"]}
    assert rows["value_creation"]["dispersed"] is True and rows["value_creation"]["spread_percent"] == "100"
    assert done.data["board"]["experts"][0]["leniency"] is None  # the chair's aid only
    assert {s["criterion"]: s["value"] for s in done.data["scores"]}["value_creation"] == 1
    api.force_authenticate(world.cto)
    board = api.get(f"{BASE}{mtg.pk}/board/")
    assert board.status_code == 200 and len(board.data["experts"]) == 3
    assert api.get(f"{BASE}{mtg.pk}/scores/").status_code == 404  # the chair holds no seat
    with tenant_scope(world.a):
        ReviewDecision.objects.create(meeting=mtg, outcome="another_round")
        run_transition(mtg, "close", mtg.chair)
    api.force_authenticate(_user(me))
    frozen = api.post(f"{BASE}{mtg.pk}/scores/", {"scores": _entries(2, 2)}, format="json")
    assert frozen.status_code == 409 and frozen.data["code"] == "meeting_closed"
    assert third.pk  # the third seat never scored: the board still lists it


def test_only_office_staff_read_meetings_and_boards(api, world):
    mtg = rf.meeting(world.a, chair=world.cto)
    seat = rf.seat(mtg)
    for user in (world.applicant, world.expert, _user(seat)):
        api.force_authenticate(user)
        assert api.get(f"{BASE}{mtg.pk}/").status_code == 404
        assert api.get(f"{BASE}{mtg.pk}/board/").status_code == 404
    api.force_authenticate(world.applicant)
    assert api.get(BASE).data["results"] == []
    api.force_authenticate(_user(seat))  # an expert lists the meetings they sit on
    assert [m["id"] for m in api.get(BASE).data["results"]] == [mtg.pk]


@pytest.mark.parametrize("experts", [1, 7])
def test_the_board_api_queries_do_not_grow_with_the_panel(api, world, django_assert_max_num_queries, experts):
    mtg = rf.meeting(world.a, chair=world.cto)
    for i in range(experts):
        seat = rf.seat(mtg)
        with tenant_scope(world.a):
            meetings.save_scores(seat, _user(seat), {"value_creation": {"value": 1 + i % 3}})
    api.force_authenticate(world.cto)
    # tenant, memberships, meeting, criteria, seats, scores, leniency
    with django_assert_max_num_queries(7 + _extra()):
        response = api.get(f"{BASE}{mtg.pk}/board/")
    assert len(response.data["experts"]) == experts
    with django_assert_max_num_queries(6 + _extra()):
        assert api.get(f"{BASE}{mtg.pk}/").status_code == 200


def test_the_schema_lists_the_meeting_endpoints(api, world):
    api.force_authenticate(world.cto)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = set(schema["paths"])
    for suffix in ("", "{id}/", "{id}/board/", "{id}/scores/", "{id}/attendance/", "{id}/transitions/{action_name}/"):
        assert f"/api/v1/t/{{tenant_slug}}/review/meetings/{suffix}" in paths, suffix


# ---- isolation: every new page and endpoint is 404 for another tenant's people ---------------------------------
def _routes(mtg):
    kw = {"tenant_slug": "tsmp"}
    html = [
        reverse("review:meetings", kwargs=kw),
        reverse("review:schedule", kwargs={**kw, "case_pk": mtg.case_id}),
        reverse("review:meeting", kwargs={**kw, "pk": mtg.pk}),
        reverse("review:meeting_action", kwargs={**kw, "pk": mtg.pk, "action": "open"}),
        reverse("review:attendance", kwargs={**kw, "pk": mtg.pk}),
        reverse("review:board", kwargs={**kw, "pk": mtg.pk}),
        reverse("review:score", kwargs={**kw, "pk": mtg.pk}),
    ]
    api = [
        reverse("api-review-meeting-list", kwargs=kw),
        reverse("api-review-meeting-detail", kwargs={**kw, "pk": mtg.pk}),
        reverse("api-review-meeting-transition", kwargs={**kw, "pk": mtg.pk, "action_name": "open"}),
        reverse("api-review-meeting-attendance", kwargs={**kw, "pk": mtg.pk}),
        reverse("api-review-meeting-board", kwargs={**kw, "pk": mtg.pk}),
        reverse("api-review-meeting-scores", kwargs={**kw, "pk": mtg.pk}),
    ]
    return html + api


def test_every_meeting_route_is_404_in_another_tenant(client, world):
    """Tenant A's meeting and an expert seated on it; people of tenant B — including an expert who sits on
    B's panels and a CTO — and outsiders get 404 on every route, GET and POST; and tenant A's expert asking
    the same ids under tenant B's slug gets 404 too."""
    mtg = rf.meeting(world.a, chair=world.cto)
    seat = rf.seat(mtg)
    b_meeting = rf.meeting(world.b)
    b_seat = rf.seat(b_meeting)
    b_cto = persona(world.b, Role.CTO)
    for user in (world.b_reviewer, b_cto, _user(b_seat), world.outsider):
        client.force_login(user)
        for path in _routes(mtg):
            for method in (client.get, client.post):
                status = method(path).status_code
                assert status in (404, 405), (user, path, method.__name__, status)
    client.force_login(_user(seat))  # A's expert under B's slug, with A's and B's ids
    for path in _routes(mtg) + _routes(b_meeting):
        b_path = path.replace("/t/tsmp/", f"/t/{world.b.slug}/")
        assert client.get(b_path).status_code in (404, 405), b_path  # 405: a POST-only page
    # the same routes answer for tenant A's own people (the 404s above mean something)
    client.force_login(world.cto)
    for path in _routes(mtg):
        if "/score" not in path and "actions" not in path and "attendance" not in path and "transitions" not in path:
            assert client.get(path).status_code == 200, path
    client.force_login(_user(seat))
    assert client.get(reverse("review:score", kwargs={"tenant_slug": "tsmp", "pk": mtg.pk})).status_code == 200


def test_a_meeting_of_tenant_b_cannot_be_scored_through_tenant_a(api, world):
    """An expert of both tenants: their seat in B is not reachable with A's slug (the scoped manager)."""
    b_meeting = rf.meeting(world.b)
    b_seat = rf.seat(b_meeting)
    rf.expert(world.a)  # some A pool entry
    from tests.factories import MembershipFactory

    MembershipFactory(user=_user(b_seat), tenant=world.a, role=Role.EXPERT, organization=None)
    api.force_authenticate(_user(b_seat))
    response = api.post(f"{BASE}{b_meeting.pk}/scores/", {"scores": _entries()}, format="json")
    assert response.status_code == 404
    with tenant_scope(world.b):
        b_meeting.refresh_from_db()
        assert b_meeting.state == MeetingState.SCHEDULED and not b_seat.scores.exists()
    assert ReviewStage.FINAL  # (import used by other tests of this module)


def test_bad_input_is_a_clear_400_or_404_never_a_500(api, client, world):
    case = rf.case_in(world.a, applicant_org=world.org_a)
    mtg = rf.meeting(world.a, chair=world.cto)
    seat = rf.seat(mtg)
    when = (timezone.now() + dt.timedelta(days=3)).isoformat()
    api.force_authenticate(world.cto)
    long_link = "https://meet.example.tw/" + "x" * 300
    for body in (
        {"case": "abc", "scheduled_at": when, "mode": "video"},
        {"case": case.pk, "scheduled_at": "tomorrow", "mode": "video"},
        {"case": case.pk, "scheduled_at": when, "mode": "telepathy"},
        {"case": case.pk, "scheduled_at": when, "mode": "video", "video_link": long_link},
        {"case": case.pk, "scheduled_at": when, "mode": "in_person", "room": "R" * 300},
    ):
        assert api.post(BASE, body, format="json").status_code == 400, body
    assert api.post(BASE, {"case": 999999, "scheduled_at": when, "mode": "video"}, format="json").status_code == 404
    assert api.get(f"{BASE}abc/").status_code == 404
    for body in ({"experts": "all"}, {"experts": [{"invitation": "x", "attended": "maybe"}]}, {"experts": []}):
        assert api.post(f"{BASE}{mtg.pk}/attendance/", body, format="json").status_code == 400, body
    api.force_authenticate(_user(seat))
    for body in (
        {"scores": "all"},
        {"scores": [{"criterion": "value creation!", "value": 1}]},
        {"scores": [{"criterion": "value_creation", "value": "one"}]},
        {"scores": [{"criterion": "local_linkage", "value": 99999}]},
        {"scores": [{"criterion": "recommendation", "value": True}], "submit": "perhaps"},
    ):
        response = api.post(f"{BASE}{mtg.pk}/scores/", body, format="json")
        assert response.status_code == 400, (body, response.data)
    client.force_login(_user(seat))
    score_url = reverse("review:score", kwargs={"tenant_slug": "tsmp", "pk": mtg.pk})
    assert client.post(score_url, {"local_linkage": "many"}).status_code == 400
    assert client.get(reverse("review:score", kwargs={"tenant_slug": "tsmp", "pk": 999999})).status_code == 404
    client.force_login(world.cto)
    schedule = reverse("review:schedule", kwargs={"tenant_slug": "tsmp", "case_pk": case.pk})
    response = client.post(schedule, {"scheduled_at": "soon", "mode": "video", "video_link": long_link})
    assert response.status_code == 400
