"""Closing a meeting: decision + meeting close + case transition in one transaction; minutes PDF; release."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import translation
from pypdf import PdfReader

from cases.enums import CaseState
from platform_site.actors import SYSTEM
from platform_site.enums import Role
from platform_site.models import ActivityLog
from platform_site.outbox import OutboxMessage
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from review import services
from review.enums import ApplicantAttendance, DecisionOutcome, DecisionState, MeetingState, ReviewStage
from review.models import CaseReview, ReviewDecision
from review.tasks import render_minutes
from tests.factories import TenantFactory, persona, reload, set_fields
from tests.review import factories as rf

pytestmark = pytest.mark.django_db
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


@pytest.fixture
def tenant():
    t = TenantFactory()
    with tenant_scope(t):
        services.install_tier_discounts(SYSTEM)
    return t


def read(decision):
    with decision.minutes_pdf.open("rb") as f:
        return f.read()


def final_meeting(tenant, *, attendance=ApplicantAttendance.IN_PERSON, experts=5):
    mtg = rf.meeting(tenant, stage=ReviewStage.FINAL)
    seats = [rf.seat(mtg) for _ in range(experts)]
    set_fields(seats[0], is_lead=True)
    set_fields(mtg, applicant_attendance=attendance)
    case = mtg.case
    mtg = reload(mtg)
    mtg.case = case  # cached: tests read it outside the tenant scope (row-level security on PostgreSQL)
    return mtg


def preliminary_meeting(tenant, experts=3):
    mtg = rf.meeting(tenant)
    for _ in range(experts):
        rf.seat(mtg)
    return mtg


def final_pass(tenant, **extra):
    return {
        "outcome": DecisionOutcome.PASS,
        "reasons": "具市場開創性，與在地半導體供應鏈連結緊密。",
        "applicant_comments": "請於一個月內與個案管理師召開啟動會議。",
        "value_creation_tier": 1,
        "local_linkage_rating": 4,
        "case_manager": persona(tenant, Role.CASE_MANAGER, first_name="管理師"),
        **extra,
    }


def test_pass_to_final_moves_the_case_and_starts_the_one_month_clock(tenant):
    mtg = preliminary_meeting(tenant)
    with tenant_scope(tenant):
        decision = services.close_with_decision(mtg, mtg.chair, outcome=DecisionOutcome.PASS_TO_FINAL, reasons="可行")
        assert decision.state == DecisionState.RECORDED and mtg.state == MeetingState.CLOSED
        assert reload(mtg.case).state == CaseState.FINAL_REVIEW
        file = CaseReview.objects.get(case=mtg.case)
        assert file.preliminary_ended_on is not None and file.final_review_due > file.preliminary_ended_on
        assert OutboxMessage.objects.filter(task="review.tasks.render_minutes").count() == 1


@pytest.mark.parametrize(
    ("stage", "outcome", "case_state"),
    [
        (ReviewStage.PRELIMINARY, DecisionOutcome.ANOTHER_ROUND, CaseState.PRELIMINARY_REVIEW),
        (ReviewStage.PRELIMINARY, DecisionOutcome.REJECT, CaseState.CLOSED),
        (ReviewStage.FINAL, DecisionOutcome.REJECT, CaseState.CLOSED),
    ],
)
def test_other_outcomes_move_the_case_by_its_own_transitions(tenant, stage, outcome, case_state):
    mtg = final_meeting(tenant) if stage == ReviewStage.FINAL else preliminary_meeting(tenant)
    with tenant_scope(tenant):
        services.close_with_decision(mtg, mtg.chair, outcome=outcome, reasons="理由")
        assert reload(mtg.case).state == case_state
        assert not CaseReview.objects.filter(case=mtg.case).exists()


def test_a_final_pass_reads_the_share_from_the_table_and_appoints_the_case_manager(tenant):
    mtg = final_meeting(tenant)
    values = final_pass(tenant)
    with tenant_scope(tenant):
        decision = services.close_with_decision(mtg, mtg.chair, **values)
    # TSMP table (review.rubric_presets.TSMP_TIER_DISCOUNTS): tier 1 base 20% + 5 x (5 - rating 4) = 25%
    assert decision.labour_share_percent == 25 and decision.case_manager == values["case_manager"]
    assert reload(mtg.case).state == CaseState.IN_SERVICE


@pytest.mark.parametrize("attendance", [ApplicantAttendance.VIDEO, ApplicantAttendance.ABSENT, ""])
def test_no_final_pass_without_in_person_attendance(tenant, attendance):
    mtg = final_meeting(tenant, attendance=attendance)
    with tenant_scope(tenant):
        with pytest.raises(TransitionRefused) as refused, translation.override("en"):
            services.close_with_decision(mtg, mtg.chair, **final_pass(tenant))
        assert refused.value.code == "decision_incomplete" and "in person" in refused.value.message
        # nothing was saved: the meeting is open, no decision, the case still in final review, no minutes queued
        assert reload(mtg).state == MeetingState.SCHEDULED
        assert not ReviewDecision.objects.filter(meeting=mtg).exists()
        assert reload(mtg.case).state == CaseState.FINAL_REVIEW
        assert not OutboxMessage.objects.filter(task="review.tasks.render_minutes").exists()
        # a rejection needs no attendance
        services.close_with_decision(mtg, mtg.chair, outcome=DecisionOutcome.REJECT, reasons="未出席")


def test_refusals_are_409s_with_a_reason(tenant):
    mtg = final_meeting(tenant)
    with tenant_scope(tenant):
        with pytest.raises(TransitionRefused) as refused:
            services.close_with_decision(mtg, mtg.chair, outcome=DecisionOutcome.PASS_TO_FINAL)
        assert refused.value.code == "outcome_not_allowed"
        with pytest.raises(TransitionRefused) as refused:
            services.close_with_decision(mtg, mtg.chair, **final_pass(tenant, local_linkage_rating=9))
        assert refused.value.code == "no_tier_discount"
        with pytest.raises(TransitionRefused) as refused:
            services.close_with_decision(mtg, mtg.chair, **final_pass(tenant, case_manager=persona(tenant, Role.CTO)))
        assert refused.value.code == "not_a_case_manager"
        with pytest.raises(PermissionDenied):
            services.close_with_decision(mtg, persona(tenant, Role.OFFICE_REVIEWER), **final_pass(tenant))


def test_a_second_close_from_a_stale_page_is_refused_not_a_500(tenant):
    mtg = preliminary_meeting(tenant)
    stale = reload(mtg)
    with tenant_scope(tenant):
        services.close_with_decision(mtg, mtg.chair, outcome=DecisionOutcome.PASS_TO_FINAL)
        with pytest.raises(TransitionRefused) as refused:
            services.close_with_decision(stale, stale.chair, outcome=DecisionOutcome.REJECT)
        assert refused.value.code == "transition_not_allowed"
        assert reload(mtg.case).state == CaseState.FINAL_REVIEW
        assert ReviewDecision.objects.get(meeting=mtg).outcome == DecisionOutcome.PASS_TO_FINAL


def test_the_minutes_pdf_contains_the_decision_and_is_issued_once(tenant, django_capture_on_commit_callbacks):
    mtg = final_meeting(tenant)
    with tenant_scope(tenant):
        recused = rf.seat(mtg, state="recused")
        recused.declaration.categories = ["employment"]
        recused.declaration.save()
        with django_capture_on_commit_callbacks(execute=True):
            decision = services.close_with_decision(mtg, mtg.chair, **final_pass(tenant))
        decision.refresh_from_db()
        assert len(decision.minutes_sha256) == 64
        data = read(decision)
        assert hashlib.sha256(data).hexdigest() == decision.minutes_sha256
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        for expected in ("複審審查會議紀錄", "通過複審", "具市場開創性", "第一級", "25%", "管理師", "僱傭或業務關係"):
            assert expected in text, expected
        assert mtg.case.reference in text
        name = decision.minutes_pdf.name
        # idempotent: the task again (re-delivered by the outbox) stores nothing, the file stays as it was
        assert render_minutes(tenant_id=tenant.pk, decision_id=decision.pk) is False
        decision.refresh_from_db()
        assert decision.minutes_pdf.name == name and read(decision) == data
        assert ActivityLog.objects.filter(action="minutes_issued", object_id=decision.pk).count() == 1


def test_release_tells_the_applicant_once(tenant, django_capture_on_commit_callbacks, mailoutbox):
    mtg = preliminary_meeting(tenant)
    with tenant_scope(tenant):
        decision = services.close_with_decision(mtg, mtg.chair, outcome=DecisionOutcome.PASS_TO_FINAL)
        with django_capture_on_commit_callbacks(execute=True):
            services.release_decision(decision, mtg.chair)
        assert decision.state == DecisionState.RELEASED and decision.released_at is not None
        with pytest.raises(TransitionRefused):
            services.release_decision(decision, mtg.chair)
    assert len(mailoutbox) == 1 and mtg.case.contact_email in mailoutbox[0].to


def test_the_final_review_due_date_skips_a_holiday(tenant):
    """2027-01-06 (Wed) + 1 month = Sat 2027-02-06 inside the Lunar New Year holidays → Thu 2027-02-11
    (review.deadlines, 行政程序法 §48)."""
    mtg = preliminary_meeting(tenant)
    with tenant_scope(tenant):
        services.close_with_decision(mtg, mtg.chair, outcome=DecisionOutcome.PASS_TO_FINAL)
        set_fields(mtg, closed_at=dt.datetime(2027, 1, 6, 9, tzinfo=dt.UTC))
        file = services._start_final_clock(reload(mtg))
    assert (file.preliminary_ended_on, file.final_review_due) == (dt.date(2027, 1, 6), dt.date(2027, 2, 11))


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="the immutability trigger is PostgreSQL's")
def test_a_recorded_decision_and_its_minutes_cannot_be_changed_in_the_database(
    tenant, django_capture_on_commit_callbacks
):
    mtg = final_meeting(tenant)
    with tenant_scope(tenant):
        with django_capture_on_commit_callbacks(execute=True):
            decision = services.close_with_decision(mtg, mtg.chair, **final_pass(tenant))
        decision.refresh_from_db()
        rows = ReviewDecision.objects.filter(pk=decision.pk)
        for change in ({"minutes_sha256": "0" * 64}, {"minutes_pdf": "elsewhere.pdf"}, {"labour_share_percent": 10}):
            with pytest.raises(DatabaseError, match="cannot be changed|immutable"):
                with transaction.atomic():
                    rows.update(**change)
        services.release_decision(decision, mtg.chair)  # the release still works
        assert rows.get().state == DecisionState.RELEASED
