"""The review machines' conditions and permissions (review.models / review.conditions), run through the kit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused, run_transition
from review import services
from review.enums import ApplicantAttendance, DecisionOutcome, InvitationState, MeetingState, ReviewStage
from review.models import ConflictDeclaration, ReviewDecision, TierDiscount
from review.rubric_presets import TSMP_TIER_DISCOUNTS
from tests.factories import TenantFactory, persona, set_fields
from tests.review import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant():
    return TenantFactory()


def test_preliminary_close_needs_three_to_five_accepted_and_a_decision(tenant, settings):
    mtg = rf.meeting(tenant)
    for _ in range(2):
        rf.seat(mtg)
    rf.seat(mtg, state=InvitationState.DECLINED)
    with tenant_scope(tenant):
        with pytest.raises(TransitionRefused) as refused:
            run_transition(mtg, "close", mtg.chair)
        assert refused.value.code == "panel_size"
        rf.seat(mtg)
        with pytest.raises(TransitionRefused) as refused:
            run_transition(mtg, "close", mtg.chair)
        assert refused.value.code == "decision_incomplete"
        ReviewDecision.objects.create(meeting=mtg, outcome=DecisionOutcome.ANOTHER_ROUND)
        run_transition(mtg, "close", mtg.chair)
        assert mtg.state == MeetingState.CLOSED


def test_final_pass_needs_one_lead_and_the_applicant_in_person(tenant):
    mtg = rf.meeting(tenant, stage=ReviewStage.FINAL)
    seats = [rf.seat(mtg) for _ in range(5)]
    manager = persona(tenant, Role.CASE_MANAGER)
    with tenant_scope(tenant):
        ReviewDecision.objects.create(
            meeting=mtg,
            outcome=DecisionOutcome.PASS,
            value_creation_tier=1,
            local_linkage_rating=4,
            labour_share_percent=25,
            case_manager=manager,
        )
        with pytest.raises(TransitionRefused) as refused:
            run_transition(mtg, "close", mtg.chair)
        assert refused.value.code == "lead_reviewer"
        set_fields(seats[0], is_lead=True)
        set_fields(mtg, applicant_attendance=ApplicantAttendance.VIDEO)
        with translation.override("en"), pytest.raises(TransitionRefused) as refused:
            run_transition(mtg, "close", mtg.chair)
        assert refused.value.code == "decision_incomplete"
        assert "in person" in refused.value.message
        set_fields(mtg, applicant_attendance=ApplicantAttendance.IN_PERSON)
        run_transition(mtg, "close", mtg.chair)
        assert mtg.state == MeetingState.CLOSED


def test_only_the_invited_expert_accepts_and_only_after_declaring(tenant):
    mtg = rf.meeting(tenant)
    inv = rf.seat(mtg, state=InvitationState.INVITED)
    other = rf.expert(tenant)
    with tenant_scope(tenant):
        with pytest.raises(PermissionDenied):
            run_transition(inv, "accept", other.user)
        with pytest.raises(TransitionRefused) as refused:
            run_transition(inv, "accept", inv.expert.user)
        assert refused.value.code == "declaration_missing"
        ConflictDeclaration.objects.create(
            invitation=inv, has_conflict=True, categories=["employment"], text_version="t"
        )
        with pytest.raises(TransitionRefused):
            run_transition(inv, "accept", inv.expert.user)
        run_transition(inv, "recuse", inv.expert.user)
        assert inv.state == InvitationState.RECUSED


def test_tier_discount_table_refuses_a_share_above_half(tenant):
    with tenant_scope(tenant):
        rows = services.install_tier_discounts(None)
        assert len(rows) == 15 and max(TSMP_TIER_DISCOUNTS.values()) == 50
        with pytest.raises(ValidationError):
            services.install_tier_discounts(None, {(3, 1): 51})
        assert TierDiscount.objects.get(value_creation_tier=3, local_linkage_rating=1).labour_share_percent == 50


def test_rubric_versions(tenant):
    with tenant_scope(tenant):
        first = services.install_rubric("tsmp", None)
        second = services.install_rubric("tsmp", None)
        first.refresh_from_db()
        assert (first.version, first.is_current, second.version, second.is_current) == (1, False, 2, True)
        assert second.criteria.count() == 4
