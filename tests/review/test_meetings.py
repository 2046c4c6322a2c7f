"""Meetings and scores (review.services.meetings, review.scoring, review.board): scheduling rounds, panel sizes per
stage, open / cancel, attendance, scoring with per-kind validation, frozen after close, dispersion, leniency and the
grant-call weighted total (seed 001_f4b2551ebc037df1.txt weights by group: 20 / 40 / 25 / 15 %)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.enums import CaseState
from platform_site.enums import ActivityAction, Role, TenantKind
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused, run_transition
from review import scoring
from review.board import meeting_board
from review.enums import InvitationState, MeetingMode, MeetingState, ReviewStage
from review.models import ReviewDecision, RubricCriterion, Score
from review.services import meetings
from tests.factories import TenantFactory, persona, reload, set_fields
from tests.review import factories as rf

pytestmark = pytest.mark.django_db


def _user(seat):
    """The seat's expert's user, read in the tenant's scope (row-level security on PostgreSQL)."""
    with tenant_scope(seat.tenant):
        return seat.expert.user


SOON = dt.timedelta(days=5)


@pytest.fixture
def tenant():
    return TenantFactory()


def _schedule(tenant, case, cto, **kw):
    args = {"stage": ReviewStage.PRELIMINARY, "scheduled_at": timezone.now() + SOON, "mode": MeetingMode.VIDEO}
    args.update({"video_link": "https://meet.example.tw/r1", **kw})
    with tenant_scope(tenant):
        return meetings.schedule_meeting(cto, case, **args)


def _close_another_round(mtg):
    with tenant_scope(mtg.tenant):
        ReviewDecision.objects.create(meeting=mtg, outcome="another_round")
        run_transition(mtg, "close", mtg.chair)


def test_preliminary_rounds_repeat_each_with_its_own_panel(tenant):
    cto = persona(tenant, Role.CTO)
    case = rf.case_in(tenant)
    first = _schedule(tenant, case, cto)
    assert (first.round, first.stage, first.rubric.code, first.state) == (1, "preliminary", "tsmp", "scheduled")
    with pytest.raises(TransitionRefused) as refused:
        _schedule(tenant, case, cto)
    assert refused.value.code == "meeting_open"
    seats = [rf.seat(first) for _ in range(3)]
    _close_another_round(first)
    second = _schedule(tenant, case, cto)
    assert second.round == 2
    with tenant_scope(tenant):
        assert second.invitations.count() == 0 and first.invitations.count() == len(seats)
        logged = ActivityLog.objects.filter(action=ActivityAction.MEETING_SCHEDULED).values_list("data", flat=True)
        assert [d["round"] for d in logged] == [1, 2]


def test_a_cancelled_round_keeps_its_number_and_withdraws_its_invitations(tenant):
    cto = persona(tenant, Role.CTO)
    case = rf.case_in(tenant)
    first = _schedule(tenant, case, cto)
    seat = rf.seat(first, state=InvitationState.INVITED)
    with tenant_scope(tenant):
        meetings.run_meeting_action(first, "cancel", cto, comment="改期")
        seat.refresh_from_db()
    assert (first.state, seat.state) == (MeetingState.CANCELLED, InvitationState.WITHDRAWN)
    assert _schedule(tenant, case, cto).round == 2


def test_scheduling_needs_the_cto_the_matching_case_state_and_a_place(tenant):
    cto = persona(tenant, Role.CTO)
    reviewer = persona(tenant, Role.OFFICE_REVIEWER)
    case = rf.case_in(tenant)
    with pytest.raises(PermissionDenied):
        _schedule(tenant, case, reviewer)
    with pytest.raises(TransitionRefused) as refused:
        _schedule(tenant, case, cto, stage=ReviewStage.FINAL)
    assert refused.value.code == "case_not_in_stage"
    with pytest.raises(ValidationError) as invalid:
        _schedule(tenant, case, cto, mode=MeetingMode.HYBRID, video_link="")
    assert set(invalid.value.message_dict) == {"room", "video_link"}
    final = _schedule(tenant, rf.case_in(tenant, CaseState.FINAL_REVIEW), cto, stage=ReviewStage.FINAL)
    assert (final.stage, final.round) == ("final", 1)


def test_a_grant_call_office_scores_on_the_grant_call_rubric():
    tenant = TenantFactory(kind=TenantKind.GRANT_CALL)
    mtg = _schedule(tenant, rf.case_in(tenant), persona(tenant, Role.CTO))
    assert (mtg.rubric.code, mtg.rubric.version) == ("grant_call", 1)


@pytest.mark.parametrize(
    ("stage", "too_few", "too_many"),
    [(ReviewStage.PRELIMINARY, 2, 6), (ReviewStage.FINAL, 4, 8)],
)
def test_panel_size_per_stage(tenant, stage, too_few, too_many):
    """Seed 000: 初審 3-5 experts, 複審 5-7 (tenant settings, defaults); closing checks the accepted panel."""
    for count, ok in ((too_few, False), (too_few + 1, True), (too_many - 1, True), (too_many, False)):
        mtg = rf.meeting(tenant, stage=stage)
        seats = [rf.seat(mtg) for _ in range(count)]
        set_fields(seats[0], is_lead=True)
        set_fields(mtg, applicant_attendance="in_person")
        with tenant_scope(tenant):
            ReviewDecision.objects.create(meeting=mtg, outcome="reject")
            if ok:
                run_transition(mtg, "close", mtg.chair)
            else:
                with pytest.raises(TransitionRefused) as refused:
                    run_transition(mtg, "close", mtg.chair)
                assert refused.value.code == "panel_size", count


def test_a_tenant_setting_changes_the_panel_limits():
    tenant = TenantFactory(settings={"review_preliminary_panel_min": 1})
    mtg = rf.meeting(tenant)
    rf.seat(mtg)
    with tenant_scope(tenant):
        ReviewDecision.objects.create(meeting=mtg, outcome="reject")
        run_transition(mtg, "close", mtg.chair)
    assert mtg.state == MeetingState.CLOSED


def test_attendance_is_recorded_and_logged_until_close(tenant):
    mtg = rf.meeting(tenant, stage=ReviewStage.FINAL)
    seats = [rf.seat(mtg) for _ in range(2)]
    declined = rf.seat(mtg, state=InvitationState.DECLINED)
    with tenant_scope(tenant):
        with pytest.raises(ValidationError):
            meetings.record_attendance(mtg, mtg.chair, experts={declined.pk: True}, applicant_attendance="in_person")
        meetings.record_attendance(
            mtg, mtg.chair, experts={seats[0].pk: True, seats[1].pk: False}, applicant_attendance="in_person"
        )
        seats[0].refresh_from_db()
        mtg.refresh_from_db()
        assert (seats[0].attended, mtg.applicant_attendance) == (True, "in_person")
        entry = ActivityLog.objects.get(action=ActivityAction.ATTENDANCE_RECORDED)
        assert entry.data["changes"]["applicant_attendance"] == {"before": "", "after": "in_person"}
        with pytest.raises(PermissionDenied):
            meetings.record_attendance(mtg, _user(seats[0]), experts={}, applicant_attendance="absent")
        set_fields(mtg, state=MeetingState.CLOSED)
        with pytest.raises(TransitionRefused) as refused:
            meetings.record_attendance(mtg, mtg.chair, experts={}, applicant_attendance="absent")
        assert refused.value.code == "meeting_closed"


def _tsmp(seat, tier=2, linkage=4, submit=False, **extra):
    entries = {
        "value_creation": {"value": tier, "justification": "既有產品加值"},
        "local_linkage": {"value": linkage, "justification": "串聯在地半導體供應鏈"},
        "recommendation": {"value": 1},
        "comments": {"text": "建議通過"},
    }
    entries.update(extra)
    with tenant_scope(seat.tenant):
        return meetings.save_scores(seat, _user(seat), entries, submit=submit)


def test_scores_are_validated_per_kind_and_need_justifications_to_submit(tenant):
    mtg = rf.meeting(tenant)
    seat = rf.seat(mtg)
    for bad, key in (
        ({"value_creation": {"value": 4}}, "value_creation"),
        ({"local_linkage": {"value": 0}}, "local_linkage"),
        ({"recommendation": {"value": 2}}, "recommendation"),
        ({"comments": {"value": 3}}, "comments"),
        ({"no_such_item": {"value": 1}}, "no_such_item"),
    ):
        with tenant_scope(tenant), pytest.raises(ValidationError) as invalid:
            meetings.save_scores(seat, _user(seat), bad)
        assert list(invalid.value.message_dict) == [key]
    with tenant_scope(tenant):
        meetings.save_scores(seat, _user(seat), {"value_creation": {"value": 1}})  # a draft may be partial
        with pytest.raises(ValidationError) as invalid:
            meetings.save_scores(seat, _user(seat), {}, submit=True)
        assert set(invalid.value.message_dict) == {"value_creation", "local_linkage", "recommendation"}
    scores = _tsmp(seat, submit=True)
    assert {s.criterion.key: s.value for s in scores} == {
        "value_creation": 2,
        "local_linkage": 4,
        "recommendation": 1,
        "comments": None,
    }
    assert reload(seat).scores_submitted_at is not None
    with tenant_scope(tenant):
        assert ActivityLog.objects.filter(action=ActivityAction.SCORES_SUBMITTED).count() == 1


def test_only_the_seated_expert_scores(tenant):
    mtg = rf.meeting(tenant)
    invited = rf.seat(mtg, state=InvitationState.INVITED)
    seat = rf.seat(mtg)
    with tenant_scope(tenant):
        for user, inv in ((_user(invited), invited), (_user(seat), invited), (mtg.chair, seat)):
            with pytest.raises(PermissionDenied):
                meetings.save_scores(inv, user, {"value_creation": {"value": 1}})


def test_scores_are_editable_until_the_meeting_closes_then_frozen(tenant):
    mtg = rf.meeting(tenant)
    seats = [rf.seat(mtg) for _ in range(3)]
    _tsmp(seats[0], tier=1, submit=True)
    with tenant_scope(tenant):
        run_transition(mtg, "open", mtg.chair)
    _tsmp(seats[0], tier=2)  # during the meeting, after submitting: still editable
    _close_another_round(mtg)
    with pytest.raises(TransitionRefused) as refused:
        _tsmp(seats[0], tier=3)
    assert refused.value.code == "meeting_closed"
    with tenant_scope(tenant):
        assert Score.objects.get(invitation=seats[0], criterion__key="value_creation").value == 2


def test_dispersion_flag_beyond_the_tenant_threshold(tenant):
    """Tiers 1 and 3 spread over 100% of a 1-3 tier (flagged at the default 50%); tiers 1 and 2 over 50%
    (not beyond); local linkage 2 and 5 over 75% of 1-5."""
    mtg = rf.meeting(tenant)
    a, b, c = (rf.seat(mtg) for _ in range(3))
    _tsmp(a, tier=1, linkage=2)
    _tsmp(b, tier=2, linkage=5)
    with tenant_scope(tenant):
        board = meeting_board(mtg)
        rows = {row.criterion.key: row for row in board.rows}
        assert (rows["value_creation"].dispersed, rows["value_creation"].spread) == (False, 50)
        assert (rows["local_linkage"].dispersed, rows["local_linkage"].spread) == (True, 75)
    _tsmp(c, tier=3, linkage=4)
    with tenant_scope(tenant):
        rows = {row.criterion.key: row for row in meeting_board(mtg).rows}
        assert (rows["value_creation"].dispersed, rows["value_creation"].spread) == (True, 100)
        assert str(rows["local_linkage"].mean) == "3.67"
        assert rows["comments"].dispersed is False


def test_the_dispersion_threshold_is_a_tenant_setting():
    tenant = TenantFactory(settings={"review_dispersion_percent": 80})
    mtg = rf.meeting(tenant)
    seats = [rf.seat(mtg) for _ in range(2)]
    _tsmp(seats[0], linkage=2)
    _tsmp(seats[1], linkage=5)
    with tenant_scope(tenant):
        assert {r.criterion.key: r.dispersed for r in meeting_board(mtg).rows}["local_linkage"] is False


GRANT_KEYS = (
    "problem_analysis",
    "supply_chain_flow",
    "smart_machinery",
    "artificial_intelligence",
    "cyber_security",
    "si_validation",
    "division_of_work",
    "budget_schedule",
    "proposer_supply_chain",
    "si_firm",
)


@pytest.mark.parametrize(
    ("values", "exact", "shown"),
    [
        # 0.2·80 + 0.4·(70+71+71+71)/4 + 0.25·(80+81+81)/3 + 0.15·(60+65)/2 = 16 + 28.3 + 121/6 + 9.375
        ((80, 70, 71, 71, 71, 80, 81, 81, 60, 65), Fraction(8861, 120), "73.84"),
        # 0.2·80 + 0.4·77.5 + 0.25·85 + 0.15·62.5 = 16 + 31 + 21.25 + 9.375
        ((80, 70, 75, 80, 85, 90, 85, 80, 60, 65), Fraction(621, 8), "77.63"),
        ((100,) * 10, Fraction(100), "100.00"),
        ((0,) * 10, Fraction(0), "0.00"),
    ],
)
def test_grant_call_weighted_total_is_exact(values, exact, shown):
    """Seed 001 (三、審查原則 (一)專業審查): item 1 = 20%, items 2-5 = 40%, items 6-8 = 25%, items 9-10 = 15%."""
    tenant = TenantFactory(kind=TenantKind.GRANT_CALL)
    mtg = rf.meeting(tenant)
    rubric = rf.rubric(tenant, "grant_call")
    with tenant_scope(tenant):
        set_fields(mtg, rubric=rubric)
        mtg.refresh_from_db()
        criteria = list(RubricCriterion.objects.filter(rubric=rubric).select_related("group"))
        assert [c.key for c in criteria] == list(GRANT_KEYS)
        groups = {}
        for c in criteria:
            groups.setdefault(c.group_id, (c.group, []))[1].append(c)
        by_key = dict(zip(GRANT_KEYS, values, strict=True))
        total = scoring.weighted_total(groups.values(), {c.pk: by_key[c.key] for c in criteria})
        assert total == exact and isinstance(total, Fraction)
        assert str(scoring.shown(total)) == shown
    seat = rf.seat(mtg)
    with tenant_scope(tenant):
        meetings.save_scores(seat, _user(seat), {k: {"value": v} for k, v in by_key.items()}, submit=True)
        board = meeting_board(mtg)
    assert board.weighted and [str(t) for t in board.totals] == [shown] and str(board.panel_total) == shown
    weights = [(str(g.weight_percent), per_seat) for g, per_seat in board.group_rows]
    assert [w for w, _s in weights] == ["20.00", "40.00", "25.00", "15.00"]
    if values[1:5] == (70, 71, 71, 71):  # item 2-5 mean 70.75, items 6-8 mean 80.666… → 80.67
        assert [str(s[0]) for _w, s in weights] == ["80.00", "70.75", "80.67", "62.50"]


def test_normalised_tier_counts_down_and_group_mean_keeps_the_scale():
    tier = RubricCriterion(pk=1, kind="tier", min_value=1, max_value=3)
    scale = RubricCriterion(pk=2, kind="scale", min_value=0, max_value=100)
    assert [scoring.normalised(tier, v) for v in (1, 2, 3)] == [1, Fraction(1, 2), 0]
    assert scoring.group_score([scale], {2: 67}) == 67
    assert scoring.group_score([scale], {2: None}) is None
    assert scoring.value_error(scale, True) is not None and scoring.value_error(scale, 50) is None


def test_leniency_is_the_mean_deviation_from_panel_means_in_closed_meetings(tenant):
    """Meeting 1 (closed): linkage 5, 3, 1 (panel mean 3 → +50, 0, −50 points of the 1-5 scale) and tiers
    1, 1, 1 (no deviation); meeting 2 open (not counted). Leniency = mean over the expert's cells."""
    experts = [rf.expert(tenant) for _ in range(3)]
    first = rf.meeting(tenant)
    seats = [rf.seat(first, e) for e in experts]
    for seat, linkage in zip(seats, (5, 3, 1), strict=True):
        _tsmp(seat, tier=1, linkage=linkage)
    _close_another_round(first)
    second = rf.meeting(tenant, first.case, round=2)
    seats2 = [rf.seat(second, e) for e in experts]
    _tsmp(seats2[0], tier=3, linkage=1)
    _tsmp(seats2[1], tier=1, linkage=5)
    with tenant_scope(tenant):
        board = meeting_board(second)
    # expert 0: linkage +50, tier 0, recommendation 0 → mean 50/3; expert 2: −50/3; expert 1: 0
    assert [str(v) for v in board.leniency] == ["16.7", "0.0", "-16.7"]


def test_a_round_scores_on_the_rubric_version_current_when_scheduled(tenant):
    from review.services import install_rubric

    cto = persona(tenant, Role.CTO)
    case = rf.case_in(tenant)
    first = _schedule(tenant, case, cto)
    with tenant_scope(tenant):
        install_rubric("tsmp", cto)  # a new version while round 1 is open
    seats = [rf.seat(first) for _ in range(3)]
    _tsmp(seats[0])  # round 1 still scores on version 1
    _close_another_round(first)
    second = _schedule(tenant, case, cto)
    assert (first.rubric.version, second.rubric.version) == (1, 2)
    with tenant_scope(tenant):
        assert Score.objects.filter(invitation=seats[0], criterion__rubric=first.rubric).count() == 4


def test_a_superuser_holding_one_role_takes_no_other_roles_meeting_actions(tenant):
    """rules only, no superuser short-cut (docs/architecture.md): an expert who is a superuser cannot open,
    cancel, record attendance or schedule; a CTO who is a superuser cannot score."""
    mtg = rf.meeting(tenant)
    seat = rf.seat(mtg)
    expert_user = _user(seat)
    expert_user.is_superuser = expert_user.is_staff = True
    expert_user.save()
    with tenant_scope(tenant):
        for action in ("open", "cancel"):
            with pytest.raises(PermissionDenied):
                meetings.run_meeting_action(mtg, action, expert_user)
        with pytest.raises(PermissionDenied):
            meetings.record_attendance(mtg, expert_user, experts={}, applicant_attendance="absent")
        with pytest.raises(PermissionDenied):
            meetings.schedule_meeting(
                expert_user,
                rf.case_in(tenant),
                stage="preliminary",
                scheduled_at=timezone.now() + SOON,
                mode="video",
                video_link="https://x.example.tw",
            )
        chair = mtg.chair
        chair.is_superuser = True
        chair.save()
        with pytest.raises(PermissionDenied):
            meetings.save_scores(seat, chair, {"value_creation": {"value": 1}})


def test_meeting_visibility_gives_every_role_a_rule_or_declares_it_pending():
    from review.queries import meeting_visibility

    assert meeting_visibility.covers() == set(Role.values)
