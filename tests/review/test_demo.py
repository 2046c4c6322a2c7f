"""The review committee's demo data (review/demo.py through ``manage.py seed_demo``): every review stage in the
TSMP office through the services, a recusal, a released final pass with its tier discount, and the grant-call
office on seed 001's rubric."""

from __future__ import annotations

import io
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command

from cases.enums import CaseState
from cases.models import DemandCase
from platform_site.enums import Role, TenantKind
from platform_site.models import ActivityLog, Membership, Tenant
from platform_site.tenancy import tenant_scope
from review import scoring
from review.enums import DecisionOutcome, DecisionState, InvitationState, MeetingState, ReviewStage
from review.models import CaseReview, Expert, ReviewMeeting, Rubric, TierDiscount

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    return {t.slug: t for t in Tenant.objects.all()}


def test_the_tsmp_office_has_cases_at_each_review_stage_with_meetings_behind_them(demo):
    with tenant_scope(demo["tsmp"]):
        by_state = {c.state: c for c in DemandCase.objects.filter(review_meetings__isnull=False).distinct()}
        assert set(by_state) == {CaseState.PRELIMINARY_REVIEW, CaseState.FINAL_REVIEW, CaseState.IN_SERVICE}
        # 初審 in progress: round 1 scheduled, one recusal after a logged conflict-flag override.
        prelim = ReviewMeeting.objects.get(case=by_state[CaseState.PRELIMINARY_REVIEW])
        assert prelim.state == MeetingState.SCHEDULED and prelim.mode == "video"
        states = sorted(prelim.invitations.values_list("state", flat=True))
        assert states == ["accepted", "accepted", "accepted", "invited", "recused"]
        recused = prelim.invitations.get(state=InvitationState.RECUSED)
        assert recused.conflict_flagged and recused.override_reason and recused.declaration.has_conflict
        assert ActivityLog.objects.filter(object_id=recused.pk, action="conflict_overridden").exists()
        # 複審 scheduled after two 初審 rounds (another round, then pass to final), due within the month.
        rounds = ReviewMeeting.objects.filter(case=by_state[CaseState.FINAL_REVIEW], stage=ReviewStage.PRELIMINARY)
        outcomes = [m.decision.outcome for m in rounds.order_by("round")]
        assert outcomes == [DecisionOutcome.ANOTHER_ROUND, DecisionOutcome.PASS_TO_FINAL]
        final = ReviewMeeting.objects.get(case=by_state[CaseState.FINAL_REVIEW], stage=ReviewStage.FINAL)
        assert final.invitations.filter(is_lead=True).count() == 1
        review_file = CaseReview.objects.get(case=by_state[CaseState.FINAL_REVIEW])
        assert final.scheduled_at.date() <= review_file.final_review_due
        # In service: the final review passed with the applicant in person, tier 1 / rating 4 → 25 % (the table).
        passed = ReviewMeeting.objects.get(case=by_state[CaseState.IN_SERVICE], stage=ReviewStage.FINAL)
        decision = passed.decision
        assert (decision.outcome, decision.state) == (DecisionOutcome.PASS, DecisionState.RELEASED)
        assert passed.applicant_attendance == "in_person"
        share = TierDiscount.objects.get(value_creation_tier=1, local_linkage_rating=4).labour_share_percent
        assert decision.labour_share_percent == share == 25  # review/rubric_presets.py: 20 + 5 × (5 − 4)
        assert Membership.objects.filter(user=decision.case_manager, role=Role.CASE_MANAGER).exists()
        # Through the services: the case's committee transitions are in its log, by the CTO.
        cto = Membership.objects.get(tenant=demo["tsmp"], role=Role.CTO, user__username="cto@tsmp.demo").user
        case_log = ActivityLog.objects.filter(object_id=passed.case_id, action__in=["pass_preliminary", "pass_final"])
        assert sorted(case_log.values_list("action", flat=True)) == ["pass_final", "pass_preliminary"]
        assert set(case_log.values_list("actor", flat=True)) == {cto.pk}
        assert Expert.objects.filter(user__username="expert@tsmp.demo").exists()  # the demo expert login


def test_the_grant_call_office_scores_on_seed_001s_weighted_rubric(demo):
    tenant = demo["smgrant"]
    assert tenant.kind == TenantKind.GRANT_CALL
    roles = set(Membership.objects.filter(tenant=tenant).values_list("role", flat=True))
    assert roles == set(Role.values)  # a login per role
    with tenant_scope(tenant):
        rubric = Rubric.objects.get(is_current=True)
        assert rubric.code == "grant_call"
        weights = list(rubric.groups.values_list("weight_percent", flat=True))
        assert weights == [Decimal(20), Decimal(40), Decimal(25), Decimal(15)]  # seed 001 專業審查
        meeting = ReviewMeeting.objects.get()
        seats = meeting.invitations.filter(scores_submitted_at__isnull=False).order_by("pk")
        assert seats.count() == 3
        first = {s.criterion_id: s.value for s in seats[0].scores.all()}
        groups = [(g, list(g.criteria.all())) for g in rubric.groups.order_by("position")]
        # review/demo.py's first sheet 80 | 75 70 85 60 | 78 72 70 | 82 76: 20 % × 80 + 40 % × 72.5
        # + 25 % × 220/3 + 15 % × 79 = 4511/60 (≈ 75.18), exactly.
        assert scoring.weighted_total(groups, first) == Fraction(4511, 60)
        assert not TierDiscount.objects.exists()  # the tier discount is the TSMP office's rule


def test_a_second_run_adds_nothing(demo):
    with tenant_scope(demo["tsmp"]):
        before = (ReviewMeeting.objects.count(), Expert.objects.count(), ActivityLog.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    with tenant_scope(demo["tsmp"]):
        assert (ReviewMeeting.objects.count(), Expert.objects.count(), ActivityLog.objects.count()) == before
