"""Services of the suppliers app: due dates, obligations, the final-review hook, designs, matchmaking and
referrals, and the activity-log entries each writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from cases.enums import CaseState
from platform_site.activity import history
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from suppliers import matching, queries, services
from suppliers.enums import OnboardingState as S
from suppliers.models import OBLIGATIONS_VERSION, SupplierProfile
from tests.factories import complete_case, set_fields
from tests.suppliers.factories import design, partner

pytestmark = pytest.mark.django_db


def _at(profile, state):
    set_fields(profile, state=state)
    profile.refresh_from_db()


def test_qualification_is_due_five_taiwan_working_days_after_submission_across_lunar_new_year(world):
    """Submitted Friday 2026-02-13: 春節 2026-02-14..22 and the observed 228 holiday Friday 2026-02-27 are not
    working days (行政院人事行政總處 115年政府行政機關辦公日曆表), so the 5th working day is Monday 2026-03-02."""
    profile = partner(world.a, "南臺光電", state=S.DRAFT)
    with tenant_scope(world.a):
        from platform_site.transitions import run_transition

        run_transition(profile, "submit", profile.member, today=dt.date(2026, 2, 13))
        assert profile.qualification_due == dt.date(2026, 3, 2)
        assert profile.qualification_days_left(dt.date(2026, 2, 13)) == 5
        assert profile.qualification_days_left(dt.date(2026, 3, 3)) == -1


def test_final_review_is_due_two_weeks_after_qualification(world):
    """Seed 000: 資格審結束後兩周內完成 — qualified on 2026-02-13, the 複審 is due 2026-02-27 (14 calendar days)."""
    profile = partner(world.a, "南臺光電", state=S.QUALIFICATION)
    with tenant_scope(world.a):
        from platform_site.transitions import run_transition

        run_transition(profile, "qualify", world.reviewer, today=dt.date(2026, 2, 13))
        assert (profile.qualified_on, profile.final_review_due) == (dt.date(2026, 2, 13), dt.date(2026, 2, 27))
        assert profile.qualification_due is None
        assert profile.final_review_days_left(dt.date(2026, 2, 20)) == 7


def test_the_due_dates_follow_the_tenant_settings(world):
    world.a.settings = {**world.a.settings, "supplier_qualification_working_days": 3, "supplier_final_review_days": 7}
    world.a.save()
    profile = partner(world.a, "南臺光電", state=S.DRAFT)
    with tenant_scope(world.a):
        from platform_site.transitions import run_transition

        run_transition(profile, "submit", profile.member, today=dt.date(2026, 3, 2))
        assert profile.qualification_due == dt.date(2026, 3, 5)
        run_transition(profile, "start_qualification", world.reviewer)
        run_transition(profile, "qualify", world.reviewer, today=dt.date(2026, 3, 3))
        assert profile.final_review_due == dt.date(2026, 3, 10)


def test_obligations_are_recorded_with_who_when_and_version(world):
    profile = partner(world.a, "南臺光電", state=S.DRAFT)
    with tenant_scope(world.a):
        profile.acceptances.all().delete()
        acceptance = services.accept_obligations(profile, profile.member)
        assert (acceptance.accepted_by, acceptance.version) == (profile.member, OBLIGATIONS_VERSION)
        assert acceptance.accepted_at is not None
        entry = history(profile).get(action="obligations_accepted")
        assert (entry.actor, entry.data) == (profile.member, {"version": OBLIGATIONS_VERSION})
        with pytest.raises(PermissionDenied):
            services.accept_obligations(profile, world.reviewer)


def test_the_final_review_hook_records_the_meeting_decision(world):
    """The hook the 複審 meeting's close calls (suppliers.final_review.decide); the meeting must be this profile's."""
    from review.enums import ReviewStage
    from review.models import ReviewMeeting
    from tests.review.factories import rubric

    profile = partner(world.a, "南臺光電", state=S.FINAL_REVIEW)
    other = partner(world.a, "北臺光電", state=S.FINAL_REVIEW)
    with tenant_scope(world.a):
        meeting = ReviewMeeting.objects.create(
            stage=ReviewStage.SUPPLIER_FINAL,
            subject_id=profile.pk,
            subject_title="南臺光電",
            rubric=rubric(world.a),
            chair=world.cto,
            scheduled_at=dt.datetime(2026, 12, 1, 6, tzinfo=dt.UTC),
        )
        with pytest.raises(PermissionDenied):
            services.record_final_review_decision(profile, world.reviewer, "approve", reason="", meeting=meeting)
        with pytest.raises(TransitionRefused) as refused:
            services.record_final_review_decision(profile, world.cto, "reject_final", reason="", meeting=meeting)
        assert refused.value.code == "reason_required"
        with pytest.raises(ValueError):
            services.record_final_review_decision(profile, world.cto, "qualify", reason="", meeting=meeting)
        with pytest.raises(ValueError):  # another profile's meeting
            services.record_final_review_decision(other, world.cto, "approve", reason="", meeting=meeting)
        log = services.record_final_review_decision(profile, world.cto, "approve", reason="共識通過", meeting=meeting)
        assert (log.action, log.target_state, log.comment) == ("approve", S.APPROVED, "共識通過")
        assert profile.state == S.APPROVED and profile.decided_at is not None
        with pytest.raises(TransitionRefused):  # decided already
            services.record_final_review_decision(profile, world.cto, "approve", reason="", meeting=meeting)


def test_a_transition_emails_the_supplier_once(world, django_capture_on_commit_callbacks):
    profile = partner(world.a, "南臺光電", state=S.QUALIFICATION)
    with tenant_scope(world.a), django_capture_on_commit_callbacks(execute=True):
        log = services.transition_profile(profile, "return_for_information", world.reviewer, reason="請補財報")
    assert len(mail.outbox) == 1 and "請補財報" in mail.outbox[0].body
    assert sorted(mail.outbox[0].to) == sorted({profile.member.email, "window@example.tw"})
    from suppliers.tasks import notify_supplier

    assert notify_supplier(tenant_id=world.a.pk, log_id=log.pk) is False  # a re-run sends nothing
    assert len(mail.outbox) == 1


def test_reference_design_publish_approve_and_give_to_a_case(world):
    profile = partner(world.a, "南臺光電")
    draft = design(profile, state="draft")
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.QUALIFICATION)
    with tenant_scope(world.a):
        case.refresh_from_db()
        with pytest.raises(TransitionRefused):
            services.give_reference_design(case, world.reviewer, draft)
        services.transition_design(draft, "publish", profile.member)
        with pytest.raises(PermissionDenied):
            services.transition_design(draft, "approve", profile.member)
        services.transition_design(draft, "approve", world.reviewer, comment="可列入目錄")
        link = services.give_reference_design(case, world.reviewer, draft, note="請參考此方案")
        assert queries.case_design(case) == link
        entry = history(case).get(action="reference_design_given")
        assert entry.data == {"design": draft.pk, "title": draft.title}
        with pytest.raises(PermissionDenied):
            services.give_reference_design(case, world.applicant, draft)


def test_only_an_approved_partner_can_publish(world):
    profile = partner(world.a, "南臺光電", state=S.SUSPENDED)
    item = design(profile, state="draft")
    with tenant_scope(world.a), pytest.raises(TransitionRefused) as refused:
        services.transition_design(item, "publish", profile.member)
    assert refused.value.code == "not_partner"


@pytest.fixture
def market(world):
    """Three approved partners taking ③ software design, one with a fitting design and keywords."""
    best = partner(
        world.a, "甲智能軟體", roles=["software", "model_training"], keywords="瑕疵檢測、影像", domains=["ai_models"]
    )
    design(best, roles=["software"], industries=["manufacturing"])
    plain = partner(world.a, "乙系統", roles=["software"])
    busy = partner(world.a, "丙軟體", roles=["software"], keywords="瑕疵檢測")
    partner(world.a, "丁未核准", roles=["software"], state=S.QUALIFICATION)
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.REFERRED, customisations=["software"])
    with tenant_scope(world.a):
        case.refresh_from_db()
    return {"best": best, "plain": plain, "busy": busy, "case": case}


def test_ranking_per_required_role_with_reasons(world, market):
    case = market["case"]
    with tenant_scope(world.a), translation.override("en"):
        other = complete_case(tenant=world.a, applicant_org=world.org_a2, created_by=world.other_applicant)
        set_fields(other, state=CaseState.REFERRED)
        other.refresh_from_db()
        services.refer(other, world.reviewer, market["busy"], "software")  # busy: one referral waiting
        ranking = matching.ranking(case)
    # software → ② model training, ③ software design, ⑦ system integration (seed 000 / DOMAIN.md)
    assert [role for role, _label, _c in ranking] == ["model_training", "software", "system_integration"]
    software = dict((role, c) for role, _l, c in ranking)["software"]
    names = [(c.profile.organization.name, c.points) for c in software]
    # 甲: 10 role + 3×2 keywords (瑕疵檢測, 影像 in the case's text) + 2 domain (AI models: "ai" in "邊緣 AI 影像檢測")
    #    + 2 design covering ③ + 2 for the case's industry (manufacturing) = 22;
    # 丙: 10 + 3 (瑕疵檢測) − 1 (one referral waiting) = 12; 乙: 10.
    assert names == [("甲智能軟體", 22), ("丙軟體", 12), ("乙系統", 10)]
    best = software[0]
    assert best.reasons[0] == "Takes the role ③ Software design."
    assert "Keywords in the case: 瑕疵檢測、影像." in best.reasons
    assert "Domains matching the case: AI models." in best.reasons
    assert any("covers the role, for the case's industry." in r for r in best.reasons)
    assert "Current load: 1 referrals waiting for its answer." in software[1].reasons
    assert dict((r, c) for r, _l, c in ranking)["system_integration"] == []


def test_referral_accept_decline_logged_on_the_case_and_counted(world, market):
    case = market["case"]
    with tenant_scope(world.a):
        with pytest.raises(PermissionDenied):
            services.refer(case, world.applicant, market["best"], "software")
        with pytest.raises(TransitionRefused) as refused:
            services.refer(case, world.reviewer, market["plain"], "chip")
        assert refused.value.code == "not_partner"
        first = services.refer(case, world.reviewer, market["best"], "software", note="請評估")
        with pytest.raises(TransitionRefused) as duplicate:
            services.refer(case, world.reviewer, market["best"], "software")
        assert duplicate.value.code == "duplicate"
        second = services.refer(case, world.reviewer, market["plain"], "software")
        with pytest.raises(PermissionDenied):
            services.answer_referral(first, market["plain"].member, True)
        services.answer_referral(first, market["best"].member, True)
        with pytest.raises(TransitionRefused) as no_reason:
            services.answer_referral(second, market["plain"].member, False, reason=" ")
        assert no_reason.value.code == "reason_required"
        services.answer_referral(second, market["plain"].member, False, reason="產能已滿")
        entries = list(history(case).filter(action__in=["referral_made", "referral_answered"]).order_by("pk"))
        assert [(e.action, e.data.get("outcome"), e.data["partner"]) for e in entries] == [
            ("referral_made", None, "甲智能軟體"),
            ("referral_made", None, "乙系統"),
            ("referral_answered", "accepted", "甲智能軟體"),
            ("referral_answered", "declined", "乙系統"),
        ]
        assert entries[-1].comment == "產能已滿"
        counts = queries.partner_history([market["best"], market["plain"]])
        assert counts[market["best"].pk]["accepted"] == 1 and counts[market["plain"].pk]["declined"] == 1
        # The history counts in the next ranking: 甲 +1 accepted, 乙 −1 declined.
        software = dict((r, c) for r, _l, c in matching.ranking(case))["software"]
        points = {c.profile.organization.name: c.points for c in software}
        assert points["甲智能軟體"] == 23 and points["乙系統"] == 9


def test_a_suspended_partner_leaves_the_directory_and_matchmaking(world, market):
    with tenant_scope(world.a):
        services.transition_profile(market["plain"], "suspend", world.cto, reason="保密義務爭議")
        rows, _ranked = queries.directory(world.reviewer, world.a)
        assert market["plain"].pk not in [p.pk for p in rows]
        software = dict((r, c) for r, _l, c in matching.ranking(market["case"]))["software"]
        assert market["plain"].pk not in [c.profile.pk for c in software]
        services.transition_profile(market["plain"], "reinstate", world.cto, reason="已釐清")
        assert SupplierProfile.objects.get(pk=market["plain"].pk).state == S.APPROVED
