"""The decision page, release, minutes download, the applicant's view and the tier-discount table — HTML and API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.enums import CaseState
from platform_site.actors import SYSTEM
from platform_site.enums import Role
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from review import services
from review.enums import ApplicantAttendance, DecisionOutcome, DecisionState, MeetingState, ReviewStage
from review.models import ReviewDecision, RubricCriterion, Score, TierDiscount
from tests.factories import persona, reload, set_fields
from tests.review import factories as rf

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SECRET_JUSTIFICATION = "只給委員看的理由-QX17"


def url(name, **kwargs):
    return reverse(f"review:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


def api(path):
    return f"/api/v1/t/tsmp/review/{path}"


@pytest.fixture
def table(world):
    with tenant_scope(world.a):
        services.install_tier_discounts(SYSTEM)


def final_meeting(world, *, attendance=ApplicantAttendance.IN_PERSON, experts=5, scores=True):
    case = rf.case_in(world.a, CaseState.FINAL_REVIEW, applicant_org=world.org_a, created_by=world.applicant)
    mtg = rf.meeting(world.a, case, stage=ReviewStage.FINAL, chair=world.cto)
    seats = [rf.seat(mtg, rf.expert(world.a, first_name=f"委員{i}號")) for i in range(experts)]
    set_fields(seats[0], is_lead=True)
    set_fields(mtg, applicant_attendance=attendance)
    if scores:
        with tenant_scope(world.a):
            tier = RubricCriterion.objects.get(rubric=mtg.rubric, key="value_creation")
            for i, seat in enumerate(seats):
                Score.objects.create(
                    invitation=seat, criterion=tier, value=1 + i % 3, justification=f"{SECRET_JUSTIFICATION}{i}"
                )
    mtg = reload(mtg)
    mtg.case = case  # cached: tests read it outside the tenant scope (row-level security on PostgreSQL)
    return mtg, seats


def pass_form(world, **extra):
    return {
        "outcome": DecisionOutcome.PASS,
        "reasons": "委員共識通過",
        "applicant_comments": "恭喜通過，請與個案管理師聯繫。",
        "value_creation_tier": "1",
        "local_linkage_rating": "4",
        "case_manager": str(world.case_manager.pk),
        **extra,
    }


# ---- the decision page ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("experts", [5, 7])
def test_the_decision_page_is_bounded_and_refuses_a_pass_without_in_person_attendance(
    client, world, table, experts, django_assert_max_num_queries
):
    mtg, _seats = final_meeting(world, attendance=ApplicantAttendance.VIDEO, experts=experts)
    client.force_login(world.cto)
    with django_assert_max_num_queries(20):
        page = client.get(url("decision", pk=mtg.pk), **EN)
    assert page.status_code == 200 and 'id="attendance-warning"' in page.content.decode()
    refused = client.post(url("decision", pk=mtg.pk), pass_form(world), **EN)
    assert refused.status_code == 409
    assert "only when the applicant attended in person" in refused.content.decode()
    assert reload(mtg).state == MeetingState.SCHEDULED and reload(mtg.case).state == CaseState.FINAL_REVIEW
    assert 'value="委員共識通過"' in refused.content.decode() or "委員共識通過" in refused.content.decode()  # kept


def test_the_cto_passes_a_final_review_with_tier_discount_and_case_manager(
    client, world, table, django_capture_on_commit_callbacks
):
    mtg, _seats = final_meeting(world)
    client.force_login(world.cto)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url("decision", pk=mtg.pk), pass_form(world), **EN)
    assert done.status_code == 302
    assert reload(mtg.case).state == CaseState.IN_SERVICE
    with tenant_scope(world.a):
        decision = ReviewDecision.objects.get(meeting=mtg)
    assert (decision.labour_share_percent, decision.case_manager_id) == (25, world.case_manager.pk)
    body = client.get(url("decision", pk=mtg.pk), **EN).content.decode()
    assert decision.minutes_sha256 in body and 'id="release-form"' in body
    pdf = client.get(url("minutes", pk=mtg.pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # a second close (another tab) is a 409 that explains, never a 500
    again = client.post(url("decision", pk=mtg.pk), pass_form(world, outcome=DecisionOutcome.REJECT), **EN)
    assert again.status_code == 409 and "already closed" in again.content.decode()
    assert client.post(url("decision_release", pk=mtg.pk)).status_code == 302
    assert reload(decision).state == DecisionState.RELEASED
    assert client.post(url("decision_release", pk=mtg.pk), **EN).status_code == 409


def test_a_pass_without_tier_is_a_form_error_and_others_may_not_decide(client, world, table):
    mtg, _seats = final_meeting(world)
    client.force_login(world.cto)
    bad = client.post(url("decision", pk=mtg.pk), pass_form(world, value_creation_tier=""), **EN)
    assert bad.status_code == 400 and "Required for a pass." in bad.content.decode()
    client.force_login(world.reviewer)  # office staff read the page, only the CTO decides
    assert client.get(url("decision", pk=mtg.pk)).status_code == 200
    assert client.post(url("decision", pk=mtg.pk), pass_form(world)).status_code == 403
    for user in (world.applicant, world.expert, world.case_manager):
        client.force_login(user)
        assert client.get(url("decision", pk=mtg.pk)).status_code == 404
        assert client.get(url("minutes", pk=mtg.pk)).status_code == 404
    assert reload(mtg).state == MeetingState.SCHEDULED


# ---- the applicant's view -------------------------------------------------------------------------------------
def _closed_and_released(world, mtg):
    with tenant_scope(world.a):
        decision = services.close_with_decision(
            mtg,
            world.cto,
            outcome=DecisionOutcome.PASS,
            reasons="內部理由-INTERNAL",
            minutes="會議紀要-INTERNAL",
            applicant_comments="恭喜通過，請與個案管理師聯繫。",
            value_creation_tier=1,
            local_linkage_rating=4,
            case_manager=world.case_manager,
        )
        services.release_decision(decision, world.cto)
    return decision


def test_the_applicant_never_sees_individual_scores_or_expert_names(client, world, table):
    mtg, seats = final_meeting(world)
    with tenant_scope(world.a):
        names = [seat.expert.user.first_name for seat in seats]
    client.force_login(world.applicant)
    before = client.get(url("case_committee", case_pk=mtg.case_id), **EN).content.decode()
    assert "in person" in before and "恭喜通過" not in before  # the requirement shown, no decision before release
    _closed_and_released(world, mtg)
    html = client.get(url("case_committee", case_pk=mtg.case_id), **EN).content.decode()
    data = APIClient()
    data.force_authenticate(world.applicant)
    body = data.get(api(f"cases/{mtg.case_id}/committee/")).content.decode()
    listed = data.get(api("decisions/")).json()
    assert "恭喜通過" in html and "恭喜通過" in body and listed[0]["applicant_comments"].startswith("恭喜")
    assert set(listed[0]) == {
        "id", "case", "stage", "round", "outcome", "applicant_comments", "value_creation_tier",
        "local_linkage_rating", "labour_share_percent", "case_manager", "released_at",
    }  # fmt: skip
    for text in (html, body, str(listed)):
        assert SECRET_JUSTIFICATION not in text and "INTERNAL" not in text
        assert not any(name in text for name in names)
    # the tenant may allow names (never scores)
    world.a.settings = {**world.a.settings, "review_show_expert_names": True}
    world.a.save()
    html = client.get(url("case_committee", case_pk=mtg.case_id), **EN).content.decode()
    assert all(name in html for name in names) and SECRET_JUSTIFICATION not in html
    # another organisation's applicant gets 404
    client.force_login(world.other_applicant)
    assert client.get(url("case_committee", case_pk=mtg.case_id)).status_code == 404
    data.force_authenticate(world.other_applicant)
    assert data.get(api(f"cases/{mtg.case_id}/committee/")).status_code == 404
    assert data.get(api("decisions/")).json() == []


def test_the_applicant_page_is_bounded(client, world, table, django_assert_max_num_queries):
    mtg, _ = final_meeting(world, experts=7)
    _closed_and_released(world, mtg)
    world.a.settings = {**world.a.settings, "review_show_expert_names": True}
    world.a.save()
    client.force_login(world.applicant)
    with django_assert_max_num_queries(12):
        assert client.get(url("case_committee", case_pk=mtg.case_id)).status_code == 200


# ---- the API --------------------------------------------------------------------------------------------------
def test_the_decisions_api_closes_releases_and_answers_409(world, table):
    mtg, _ = final_meeting(world, attendance=ApplicantAttendance.ABSENT)
    cto = APIClient()
    cto.force_authenticate(world.cto)
    body = {
        "meeting": mtg.pk,
        "outcome": "pass",
        "reasons": "通過",
        "value_creation_tier": 2,
        "local_linkage_rating": 5,
        "case_manager": world.case_manager.pk,
    }
    refused = cto.post(api("decisions/"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 409 and refused.json()["code"] == "decision_incomplete"
    set_fields(mtg, applicant_attendance=ApplicantAttendance.IN_PERSON)
    assert cto.post(api("decisions/"), {**body, "case_manager": world.cto.pk}, format="json").status_code == 400
    made = cto.post(api("decisions/"), body, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["labour_share_percent"] == 25 and made.json()["state"] == "recorded"  # tier 2, rating 5
    assert cto.post(api("decisions/"), body, format="json").status_code == 409
    pk = made.json()["id"]
    assert cto.post(api(f"decisions/{pk}/release/")).json()["state"] == "released"
    assert cto.post(api(f"decisions/{pk}/release/")).status_code == 409
    reviewer = APIClient()
    reviewer.force_authenticate(world.reviewer)
    assert reviewer.post(api("decisions/"), body, format="json").status_code in (403, 409)
    assert reviewer.get(api(f"decisions/{pk}/")).json()["reasons"] == "通過"


def test_another_tenants_cto_gets_404_everywhere(client, world, table):
    mtg, _ = final_meeting(world)
    decision = _closed_and_released(world, mtg)
    b_cto = persona(world.b, Role.CTO)
    client.force_login(b_cto)
    for name, kwargs in (
        ("decision", {"pk": mtg.pk}),
        ("minutes", {"pk": mtg.pk}),
        ("case_committee", {"case_pk": mtg.case_id}),
    ):
        assert client.get(url(name, **kwargs)).status_code == 404, name
        assert client.get(reverse(f"review:{name}", kwargs={"tenant_slug": "ailab", **kwargs})).status_code == 404
    assert (
        client.post(reverse("review:decision_release", kwargs={"tenant_slug": "ailab", "pk": mtg.pk})).status_code
        == 404
    )
    other = APIClient()
    other.force_authenticate(b_cto)
    assert other.get(f"/api/v1/t/ailab/review/decisions/{decision.pk}/").status_code == 404
    assert other.post(f"/api/v1/t/ailab/review/decisions/{decision.pk}/release/").status_code == 404
    assert other.post("/api/v1/t/ailab/review/decisions/", {"meeting": mtg.pk, "outcome": "reject", "reasons": "x"},
                      format="json").status_code == 404  # fmt: skip
    assert other.get(api(f"decisions/{decision.pk}/")).status_code == 404


# ---- the tier-discount table ----------------------------------------------------------------------------------
def test_the_tier_discount_table_refuses_a_share_above_50_percent(client, world, table):
    client.force_login(world.cto)
    page = client.get(url("tier_discounts"), **EN)
    assert page.status_code == 200
    with tenant_scope(world.a):
        rows = {
            (r.value_creation_tier, r.local_linkage_rating): r.labour_share_percent for r in TierDiscount.objects.all()
        }
    form = {f"share_{t}_{r}": str(v) for (t, r), v in rows.items()}
    bad = client.post(url("tier_discounts"), {**form, "share_3_1": "51"}, **EN)
    assert bad.status_code == 400 and "may not exceed 50%" in bad.content.decode()
    new = client.post(url("tier_discounts"), {**form, "new_tier": "1", "new_rating": "6", "new_share": "55"}, **EN)
    assert new.status_code == 400 and "may not exceed 50%" in new.content.decode()
    with tenant_scope(world.a):
        assert TierDiscount.objects.get(value_creation_tier=3, local_linkage_rating=1).labour_share_percent == 50
        assert not TierDiscount.objects.filter(local_linkage_rating=6).exists()
    ok = client.post(
        url("tier_discounts"), {**form, "share_3_1": "45", "new_tier": "1", "new_rating": "6", "new_share": "15"}
    )
    assert ok.status_code == 302
    with tenant_scope(world.a):
        assert TierDiscount.objects.get(value_creation_tier=3, local_linkage_rating=1).labour_share_percent == 45
        assert TierDiscount.objects.get(value_creation_tier=1, local_linkage_rating=6).labour_share_percent == 15
        log = ActivityLog.objects.filter(action="money_changed", actor=world.cto).order_by("pk")
        assert [e.data["after"] for e in log] == [15, 45]
    client.force_login(world.reviewer)  # office staff read it, only the CTO or the tenant admin edits
    assert client.get(url("tier_discounts")).status_code == 200
    assert client.post(url("tier_discounts"), {**form, "share_3_1": "40"}).status_code == 403
    client.force_login(world.applicant)
    assert client.get(url("tier_discounts")).status_code == 403


def test_the_case_page_links_the_committee_pages(client, world, table):
    mtg, _ = final_meeting(world, scores=False)
    case_url = reverse("cases:detail", kwargs={"tenant_slug": "tsmp", "pk": mtg.case_id})
    client.force_login(world.cto)
    body = client.get(case_url, **EN).content.decode()
    assert url("case_committee", case_pk=mtg.case_id) in body and url("decision", pk=mtg.pk) in body
    client.force_login(world.applicant)
    body = client.get(case_url, **EN).content.decode()
    assert url("case_committee", case_pk=mtg.case_id) in body and url("decision", pk=mtg.pk) not in body
