"""Expert pool and panels (review.services: the expert pool and panels): panel max at invite, one lead in a final, the
automatic conflict flag from an affiliation within the look-back window and its override log, declarations,
recusal notice, invitation and welcome emails (idempotent)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, Membership, Organization
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from review import queries, services, tasks
from review.conflicts import DECLARATION_VERSION, conflicted_expert_ids, lookback_start
from review.enums import InvitationState, MeetingState, ReviewStage
from review.models import Expert
from tests.factories import OrganizationFactory, TenantFactory, UserFactory, persona, reload, set_fields
from tests.review import factories as rf

pytestmark = pytest.mark.django_db
#: A valid 統一編號 (checksum per the MOF rule; also used for tests/conftest.py's org_a).
APPLICANT_UBN = "04595257"


@pytest.fixture
def tenant():
    return TenantFactory()


def _meeting(tenant, stage=ReviewStage.PRELIMINARY):
    """A scheduled meeting of a new case of the applicant with :data:`APPLICANT_UBN` (one org per tenant)."""
    with tenant_scope(tenant):  # read in the tenant's scope (row-level security on PostgreSQL)
        org = Organization.objects.filter(ubn=APPLICANT_UBN).first()
    org = org or OrganizationFactory(tenant=tenant, ubn=APPLICANT_UBN)
    state = "final_review" if stage == ReviewStage.FINAL else "preliminary_review"
    return rf.meeting(tenant, rf.case_in(tenant, state, applicant_org=org), stage=stage)


def _invite(mtg, exp=None, **kw):
    exp = exp or rf.expert(mtg.tenant)
    with tenant_scope(mtg.tenant):
        return services.invite_expert(mtg, exp, mtg.chair, **kw)


def test_panel_max_is_enforced_at_invite_and_only_open_seats_count(tenant):
    mtg = _meeting(tenant)
    seats = [_invite(mtg) for _ in range(5)]  # seed 000: 初審 3-5 experts
    with pytest.raises(TransitionRefused) as refused:
        _invite(mtg)
    assert refused.value.code == "panel_full"
    with tenant_scope(tenant):
        services.withdraw_invitation(seats[0], mtg.chair)
    _invite(mtg)  # a withdrawn seat no longer counts


def test_final_panel_max_follows_the_tenant_setting(tenant):
    tenant.settings = {**tenant.settings, "review_final_panel_max": 6}
    tenant.save()
    mtg = _meeting(tenant, ReviewStage.FINAL)
    for _ in range(6):
        _invite(mtg)
    with pytest.raises(TransitionRefused) as refused:
        _invite(mtg)
    assert refused.value.code == "panel_full" and "6" in refused.value.message


def test_one_lead_in_a_final_none_in_a_preliminary(tenant):
    prelim = _meeting(tenant)
    with pytest.raises(TransitionRefused) as refused:
        _invite(prelim, is_lead=True)
    assert refused.value.code == "lead_preliminary"
    final = _meeting(tenant, ReviewStage.FINAL)
    first = _invite(final, is_lead=True)
    with pytest.raises(TransitionRefused) as refused:
        _invite(final, is_lead=True)
    assert refused.value.code == "lead_taken"
    second = _invite(final)
    with tenant_scope(tenant):
        services.designate_lead(second, final.chair)
        assert [reload(first).is_lead, reload(second).is_lead] == [False, True]
        assert ActivityLog.objects.filter(action=ActivityAction.LEAD_DESIGNATED, object_id=second.pk).count() == 1


def test_only_the_cto_invites(tenant):
    mtg = _meeting(tenant)
    reviewer = persona(tenant, Role.OFFICE_REVIEWER)
    with tenant_scope(tenant), pytest.raises(PermissionDenied):
        services.invite_expert(mtg, rf.expert(tenant), reviewer)


def test_lookback_start_handles_29_february():
    assert lookback_start(dt.date(2028, 2, 29), 3) == dt.date(2025, 2, 28)
    assert lookback_start(dt.date(2026, 12, 1), 3) == dt.date(2023, 12, 1)


def test_conflict_flag_from_an_affiliation_within_three_years(tenant):
    today = timezone.localdate()
    since = lookback_start(today, 3)
    recent = rf.expert(tenant)  # left the applicant 2 years ago: flagged
    rf.affiliation(recent, APPLICANT_UBN, dt.date(2015, 1, 1), today - dt.timedelta(days=730), name="南方精密")
    boundary = rf.expert(tenant)  # left exactly on the window's first day: still flagged
    rf.affiliation(boundary, APPLICANT_UBN, dt.date(2015, 1, 1), since)
    old = rf.expert(tenant)  # left the day before the window: not flagged
    rf.affiliation(old, APPLICANT_UBN, dt.date(2010, 1, 1), since - dt.timedelta(days=1))
    current = rf.expert(tenant)  # works there now
    rf.affiliation(current, APPLICANT_UBN, dt.date(2024, 1, 1))
    elsewhere = rf.expert(tenant)  # another company, now
    rf.affiliation(elsewhere, "22099131", dt.date(2024, 1, 1))
    ids = [e.pk for e in (recent, boundary, old, current, elsewhere)]
    with tenant_scope(tenant):
        flagged = conflicted_expert_ids(ids, APPLICANT_UBN, 3)
        assert set(flagged) == {recent.pk, boundary.pk, current.pk}
        assert flagged[recent.pk] == ["南方精密"]
        assert conflicted_expert_ids(ids, "", 3) == {}  # an applicant without 統一編號 flags nobody
        assert set(conflicted_expert_ids(ids, APPLICANT_UBN, 1)) == {current.pk}


def test_a_flagged_expert_needs_an_override_reason_which_is_logged(tenant):
    mtg = _meeting(tenant)
    exp = rf.expert(tenant)
    rf.affiliation(exp, APPLICANT_UBN, dt.date(2020, 1, 1), timezone.localdate() - dt.timedelta(days=365))
    with tenant_scope(tenant):
        picked = {e.pk: e for e in queries.picker(reload(mtg))}
        assert picked[exp.pk].conflicts == ["某公司"]
    with pytest.raises(TransitionRefused) as refused:
        _invite(mtg, exp)
    assert refused.value.code == "conflict_flagged" and APPLICANT_UBN in refused.value.message
    with pytest.raises(TransitionRefused):
        _invite(mtg, exp, override_reason="   ")
    inv = _invite(mtg, exp, override_reason="離職已一年，且為唯一的 AI 晶片封裝專家")
    assert inv.conflict_flagged and inv.override_reason.startswith("離職已一年")
    with tenant_scope(tenant):
        log = ActivityLog.objects.get(action=ActivityAction.CONFLICT_OVERRIDDEN, object_id=inv.pk)
        assert log.actor_id == mtg.chair.pk
        assert log.data["reason"] == inv.override_reason and log.data["ubn"] == APPLICANT_UBN
        assert log.data["organisations"] == ["某公司"]


def test_an_unflagged_invitation_ignores_a_stray_override_reason(tenant):
    inv = _invite(_meeting(tenant), override_reason="why not")
    assert not inv.conflict_flagged and inv.override_reason == ""


def test_picker_shows_the_open_load(tenant):
    exp = rf.expert(tenant)
    for state in (InvitationState.INVITED, InvitationState.ACCEPTED, InvitationState.DECLINED):
        rf.seat(rf.meeting(tenant), exp, state=state)
    closed = rf.meeting(tenant)
    rf.seat(closed, exp)
    set_fields(closed, state=MeetingState.CLOSED)
    mtg = _meeting(tenant)
    idle = rf.expert(tenant)
    with tenant_scope(tenant):
        rows = queries.picker(reload(mtg))
    loads = {e.pk: e.load for e in rows}
    assert loads[exp.pk] == 2 and loads[idle.pk] == 0
    assert rows[0].load <= rows[-1].load  # least loaded first


def test_no_conflict_declaration_then_accept(tenant):
    mtg = _meeting(tenant)
    inv = _invite(mtg)
    user = inv.expert.user
    with tenant_scope(tenant):
        inv = reload(inv)
        with pytest.raises(PermissionDenied):
            services.declare_conflicts(inv, mtg.chair, has_conflict=False)
        with pytest.raises(TransitionRefused) as refused:
            services.accept_invitation(inv, user)
        assert refused.value.code == "declaration_missing"
        declaration = services.declare_conflicts(inv, user, has_conflict=False, text_version=DECLARATION_VERSION)
        assert declaration.text_version == DECLARATION_VERSION and declaration.categories == []
        services.accept_invitation(reload(inv), user)
        assert reload(inv).state == InvitationState.ACCEPTED
        with pytest.raises(TransitionRefused) as refused:
            services.declare_conflicts(reload(inv), user, has_conflict=True, categories=["agent"])
        assert refused.value.code == "already_declared"


def test_declaration_input_is_checked(tenant):
    inv = _invite(_meeting(tenant))
    user = inv.expert.user
    with tenant_scope(tenant):
        inv = reload(inv)
        for kwargs in (
            {"has_conflict": True, "categories": []},
            {"has_conflict": False, "categories": ["spouse"]},
            {"has_conflict": True, "categories": ["cousin"]},
            {"has_conflict": True, "categories": ["other"], "details": ""},
        ):
            with pytest.raises(ValidationError):
                services.declare_conflicts(inv, user, **kwargs)
        with pytest.raises(TransitionRefused) as refused:
            services.declare_conflicts(inv, user, has_conflict=False, text_version="2019-v0")
        assert refused.value.code == "declaration_outdated"
        assert not hasattr(reload(inv), "declaration") or reload(inv).declaration is None


def test_a_declared_conflict_recuses_and_tells_the_chair_once(tenant, mailoutbox, django_capture_on_commit_callbacks):
    mtg = _meeting(tenant, ReviewStage.FINAL)
    inv = _invite(mtg, is_lead=True)
    mailoutbox.clear()
    with tenant_scope(tenant), django_capture_on_commit_callbacks(execute=True):
        services.declare_conflicts(
            reload(inv), inv.expert.user, has_conflict=True, categories=["employment", "in_law"], details="曾任顧問"
        )
    inv = reload(inv)
    assert inv.state == InvitationState.RECUSED and not inv.is_lead
    assert [m.to for m in mailoutbox] == [[mtg.chair.email]]
    assert "invite a replacement" in mailoutbox[0].body.lower()
    with tenant_scope(tenant):
        entry = ActivityLog.objects.get(action="recuse", object_id=inv.pk)
        declared = ActivityLog.objects.get(action=ActivityAction.CONFLICT_DECLARED, object_id=inv.pk)
        assert declared.data["categories"] == ["employment", "in_law"]
        assert queries.replacements_needed(tenant)["meetings"][0].pk == mtg.pk
    assert tasks.send_recusal_notice(tenant_id=tenant.pk, log_id=entry.pk) is False  # redelivery sends nothing
    assert len(mailoutbox) == 1


def test_invitation_email_names_the_case_title_only_and_is_sent_once(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    mtg = _meeting(tenant)
    exp = rf.expert(tenant)
    with tenant_scope(tenant), django_capture_on_commit_callbacks(execute=True):
        inv = services.invite_expert(mtg, exp, mtg.chair)
    assert [m.to for m in mailoutbox] == [[exp.user.email]]
    body = mailoutbox[0].body
    assert mtg.case.title in body and f"/review/invitations/{inv.pk}/" in body
    assert mtg.case.problem_statement not in body  # nothing of the case file before the declaration
    with tenant_scope(tenant):
        entry = ActivityLog.objects.get(action=ActivityAction.EXPERT_INVITED, object_id=inv.pk)
    assert tasks.send_invitation_email(tenant_id=tenant.pk, log_id=entry.pk) is False
    assert len(mailoutbox) == 1


def test_create_expert_makes_the_account_membership_and_a_set_password_email(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    office = persona(tenant, Role.OFFICE_REVIEWER)
    with tenant_scope(tenant), django_capture_on_commit_callbacks(execute=True):
        exp = services.create_expert(
            office, tenant, email="Lin.Prof@NTU.example.tw", full_name="林教授", kind="academia", expertise=["AI 晶片"]
        )
    user = exp.user
    assert user.username == "lin.prof@ntu.example.tw" and not user.has_usable_password()
    assert Membership.objects.filter(user=user, tenant=tenant, role=Role.EXPERT).exists()
    assert [m.to for m in mailoutbox] == [[user.email]]
    assert "/accounts/reset/" in mailoutbox[0].body
    with tenant_scope(tenant), pytest.raises(ValidationError):
        services.create_expert(office, tenant, email="lin.prof@ntu.example.tw", full_name="林教授")
    with tenant_scope(tenant), pytest.raises(PermissionDenied):
        services.create_expert(user, tenant, email="x@example.tw", full_name="X")


def test_a_person_in_two_pools_keeps_one_account(tenant, mailoutbox, django_capture_on_commit_callbacks):
    other = TenantFactory()
    existing = UserFactory(email="chen@itri.example.tw", username="chen@itri.example.tw")
    existing.set_password("secret-pass-123")
    existing.save()
    for t in (tenant, other):
        with tenant_scope(t), django_capture_on_commit_callbacks(execute=True):
            services.create_expert(persona(t, Role.CTO), t, email="chen@itri.example.tw", full_name="陳研究員")
    for t in (tenant, other):
        with tenant_scope(t):
            assert Expert.objects.filter(user=existing).count() == 1
    assert all("/accounts/reset/" not in m.body for m in mailoutbox)  # an account with a password just signs in


def test_the_expert_edits_their_own_profile_only(tenant):
    exp, other = rf.expert(tenant), rf.expert(tenant)
    with tenant_scope(tenant):
        services.update_expert(exp, exp.user, {"title": "副教授", "is_active": False})
        assert reload(exp).title == "副教授" and reload(exp).is_active  # is_active is the office's
        with pytest.raises(PermissionDenied):
            services.update_expert(other, exp.user, {"title": "x"})
        with pytest.raises(ValidationError):
            services.add_affiliation(
                exp, exp.user, {"organisation_name": "X", "ubn": "12345678", "start": dt.date(2020, 1, 1)}
            )
        aff = services.add_affiliation(
            exp, exp.user, {"organisation_name": "南方精密", "ubn": APPLICANT_UBN, "start": dt.date(2020, 1, 1)}
        )
        assert queries.affiliations_of(exp) == [aff]


def test_the_replacement_notice_lists_panels_below_the_minimum_only(tenant):
    short, enough = _meeting(tenant), _meeting(tenant)
    rf.seat(short, state=InvitationState.RECUSED)
    rf.seat(short, state=InvitationState.DECLINED)
    for _ in range(2):
        rf.seat(short, state=InvitationState.INVITED)
    rf.seat(enough, state=InvitationState.RECUSED)
    for _ in range(3):  # seed 000: 初審 needs 3
        rf.seat(enough, state=InvitationState.ACCEPTED)
    with tenant_scope(tenant):
        rows = queries.replacements_needed(tenant)["meetings"]
    assert [m.pk for m in rows] == [short.pk]
    assert (rows[0].recused, rows[0].declined, rows[0].active, rows[0].panel_min) == (1, 1, 2, 3)
