"""Applicants get one email per decision (zh-Hant then English), even if the task runs twice."""

from __future__ import annotations

import pytest

from cases import services, tasks
from cases.enums import CaseState
from platform_site.models import SentNotification
from platform_site.tenancy import tenant_scope
from tests.factories import complete_case, set_fields

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
