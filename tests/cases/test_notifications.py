"""Applicants get one email per decision (zh-Hant then English), even if the task runs twice."""

from __future__ import annotations

import pytest

from cases import services, tasks
from cases.enums import CaseState
from platform_site.enums import Role
from platform_site.models import ActivityLog, SentNotification
from platform_site.tenancy import tenant_scope
from tests.factories import complete_case, persona, reload, set_fields

pytestmark = pytest.mark.django_db


def test_decision_email_is_bilingual_and_sent_once(world, mailoutbox, django_capture_on_commit_callbacks):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.QUALIFICATION, reference="TSMP-2026-0007")
    with tenant_scope(world.a), django_capture_on_commit_callbacks(execute=True):
        case.refresh_from_db()
        log = services.decide_qualification(
            case,
            world.reviewer,
            decision="request_documents",
            comment="請補充財務報表",
            eligible_applicant_type=True,
            eligible_need=True,
            existing_supply_chain_can_serve=None,
        )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == sorted({world.applicant.email, case.contact_email})
    assert "TSMP-2026-0007" in mail.subject
    assert "補件" in mail.body or "More documents requested" in mail.body
    assert "More documents requested" in mail.body  # the English half
    assert "請補充財務報表" in mail.body
    # A redelivered task message sends nothing more.
    assert tasks.notify_case_transition(tenant_id=world.a.pk, log_id=log.pk) is False
    assert len(mailoutbox) == 1
    with tenant_scope(world.a):
        assert list(SentNotification.objects.filter(entry=log).values_list("kind", flat=True)) == ["applicant_email"]


def test_own_actions_and_missing_rows_send_nothing(world, mailoutbox):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        log = services.transition_case(case, "withdraw", world.applicant)
    assert tasks.notify_case_transition(tenant_id=world.a.pk, log_id=log.pk) is False
    assert tasks.notify_case_transition(tenant_id=world.a.pk, log_id=999999) is False
    assert tasks.notify_case_transition(tenant_id=999999, log_id=log.pk) is False
    assert mailoutbox == []


def test_a_task_for_another_tenant_cannot_reach_the_log(world, mailoutbox):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        log = services.transition_case(case, "submit", world.applicant)
    assert tasks.notify_case_transition(tenant_id=world.b.pk, log_id=log.pk) is False
    assert mailoutbox == []


# ---- each email names the state its own transition produced (issue 7 item 5) -------------------------------
EN_STATES = {
    "submit": "Submitted",
    "request_documents": "More documents requested",
    "resubmit": "Qualification review",
    "proceed_to_preliminary": "Preliminary review",
    "pass_preliminary": "Final review",
    "pass_final": "In service",
}


def _english(mail):
    """The English half of a bilingual email: (subject, body)."""
    return mail.subject.split(" / ")[-1], mail.body.split("-" * 40)[-1]


def _run_the_whole_way(world, case):
    """submit → start → 補件 → resubmit → 初審 → 複審 → in service, with no email delivered on the way."""
    reviewer, cto, applicant = world.reviewer, world.cto, world.applicant
    services.transition_case(case, "submit", applicant)
    services.transition_case(case, "start_qualification", reviewer)
    checklist = {"eligible_applicant_type": True, "eligible_need": True, "existing_supply_chain_can_serve": False}
    services.decide_qualification(case, reviewer, decision="request_documents", comment="請補件", **checklist)
    services.transition_case(case, "resubmit", applicant, comment="已補件")
    services.decide_qualification(case, reviewer, decision="proceed", comment="排入初審", **checklist)
    services.committee_transition(case, "pass_preliminary", cto)  # the review app's entry point
    services.committee_transition(case, "pass_final", cto)


def test_each_notification_names_the_state_its_transition_produced(world, mailoutbox, settings):
    """The demo case TSMP-2026-0001 got four emails all saying 平台服務中 (in service): the worker read the
    case's state at delivery, not the state the transition produced."""
    from platform_site.outbox import OutboxMessage

    settings.PORTAL_BASE_URL = "https://portal.example.tw/"
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        _run_the_whole_way(world, case)  # in a test transaction: nothing is published, the outbox holds it all
    queued = OutboxMessage.objects.filter(task=tasks.notify_case_transition.name).order_by("pk")
    assert queued.count() == 7  # every transition is queued (the task decides whom to tell)
    for message in queued:  # deliver now, after the case has reached "in service"
        tasks.notify_case_transition(**message.kwargs)
    with tenant_scope(world.a):
        logs = {log.pk: log.action for log in ActivityLog.objects.filter(object_id=case.pk, field_name="state")}
    applicant_mails = [m for m in mailoutbox if world.reviewer.email not in m.to]
    office_mails = [m for m in mailoutbox if m.to == sorted([world.reviewer.email, world.admin.email])]
    assert len(applicant_mails) + len(office_mails) == len(mailoutbox)
    got = [_english(m)[0].rsplit(": ", 1)[-1] for m in applicant_mails]
    assert got == ["Submitted", "More documents requested", "Preliminary review", "Final review", "In service"]
    assert [_english(m)[1].count(f"Status: {state}") for m, state in zip(applicant_mails, got)] == [1] * 5
    assert ["New case" in _english(m)[0] for m in office_mails] == [True, False]  # submit, then resubmit
    assert "Status: Qualification review" in _english(office_mails[1])[1]
    reference = reload(case).reference
    for mail in mailoutbox:
        assert reference in mail.subject
        assert f"https://portal.example.tw/t/tsmp/cases/{case.pk}/" in mail.body
        assert "Qualification decision due" not in mail.body  # delivered after the decision: no due date
    assert sorted(logs.values()) == sorted({*EN_STATES, "start_qualification"})
    # Idempotent: delivering everything again sends nothing more.
    for message in queued:
        assert tasks.notify_case_transition(**message.kwargs) is False
    assert len(mailoutbox) == 7


def test_the_office_hears_of_a_submission_with_its_due_date(world, mailoutbox, django_capture_on_commit_callbacks):
    second_reviewer = persona(world.a, Role.OFFICE_REVIEWER, email="second@office.example.tw")
    persona(world.b, Role.OFFICE_REVIEWER, email="other-office@example.tw")  # another tenant's office: never
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a), django_capture_on_commit_callbacks(execute=True):
        log = services.transition_case(case, "submit", world.applicant)
    case = reload(case)
    (office,) = [m for m in mailoutbox if world.reviewer.email in m.to]
    # office reviewers and tenant admins both run 資格審 (seed 000)
    assert office.to == sorted([world.reviewer.email, second_reviewer.email, world.admin.email])
    subject, body = _english(office)
    assert subject == f"[{world.a.name}] New case {case.reference} submitted"
    assert f"{world.org_a.name} submitted a new case “{case.title}” ({case.reference})" in body
    assert f"Qualification decision due: {case.qualification_due:%Y-%m-%d}" in body
    (applicant,) = [m for m in mailoutbox if m is not office]
    assert f"Qualification decision due: {case.qualification_due:%Y-%m-%d}" in _english(applicant)[1]
    with tenant_scope(world.a):
        kinds = sorted(SentNotification.objects.filter(entry=log).values_list("kind", flat=True))
    assert kinds == ["applicant_email", "office_email"]


def test_no_due_date_once_decided(world, mailoutbox, django_capture_on_commit_callbacks):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        services.transition_case(case, "submit", world.applicant)
        services.transition_case(case, "start_qualification", world.reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            services.decide_qualification(
                case,
                world.reviewer,
                decision="refer",
                comment="轉介",
                eligible_applicant_type=True,
                eligible_need=True,
                existing_supply_chain_can_serve=True,
            )
    (mail,) = mailoutbox
    assert "Status: Matchmaking referral" in _english(mail)[1]
    assert "Qualification decision due" not in mail.body and "資格審" not in mail.body.split("---")[0]
