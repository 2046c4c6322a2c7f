"""Review reminders (review.reminders) run as the beat runs them: the real Celery task, twice — one email each."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from cases.enums import CaseState
from cases.services import committee_transition
from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from review import reminders, services
from review.enums import InvitationState
from review.models import CaseReview
from review.tasks import send_review_reminders
from tests.factories import TenantFactory, persona, set_fields
from tests.review import factories as rf

pytestmark = pytest.mark.django_db

NONE_SENT = dict.fromkeys(reminders.KINDS, 0)


def _invited(mtg, *, days_ago=0):
    """An invitation the CTO sent (review.services.invite_expert, logged) ``days_ago`` days ago."""
    exp = rf.expert(mtg.tenant)
    with tenant_scope(mtg.tenant):
        inv = services.invite_expert(mtg, exp, mtg.chair)
        assert inv.expert.user.email  # cached for the assertions (outside the scope RLS hides the expert)
    if days_ago:
        set_fields(inv, created_at=timezone.now() - dt.timedelta(days=days_ago))
    return inv


def _accepted(mtg, *, scored=False):
    """An invitation the expert accepted (declared no conflict first), through the services."""
    inv = _invited(mtg)
    with tenant_scope(mtg.tenant):
        services.declare_conflicts(inv, inv.expert.user, has_conflict=False)
        services.accept_invitation(inv, inv.expert.user)
    if scored:
        set_fields(inv, scores_submitted_at=timezone.now())
    return inv


def _in_final_review(tenant, cto, due):
    """A case whose preliminary review passed (the committee's transition, logged) with its final review due
    ``due`` (the due date arranged: closing a real meeting sets it from today)."""
    case = rf.case_in(tenant)
    with tenant_scope(tenant):
        committee_transition(case, "pass_preliminary", cto, notify=False)
        CaseReview.objects.create(case=case, preliminary_ended_on=due - dt.timedelta(days=30), final_review_due=due)
    return case


def test_the_beat_schedule_runs_the_registered_task():
    from platform_site.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["review-reminders"]
    assert entry["task"] == "review.tasks.send_review_reminders"
    assert entry["task"] in app.tasks


def test_score_and_invitation_reminders_are_sent_once_over_two_runs(mailoutbox):
    tenant = TenantFactory()
    soon = rf.meeting(tenant)
    set_fields(soon, scheduled_at=timezone.now() + dt.timedelta(days=1, hours=12))  # within 2 days
    later = rf.meeting(tenant)
    set_fields(later, scheduled_at=timezone.now() + dt.timedelta(days=10))
    not_scored = _accepted(soon)
    _accepted(soon, scored=True)  # submitted: nothing to remind
    unanswered_soon = _invited(soon)  # the meeting is near: reminded although just sent
    _accepted(later)  # not scored, but the meeting is 10 days away
    _invited(later)  # sent today, meeting far: not yet
    unanswered_old = _invited(later, days_ago=3)
    declined = _invited(later, days_ago=3)
    set_fields(declined, state=InvitationState.DECLINED)

    first = send_review_reminders.apply().get()
    assert first == {**NONE_SENT, reminders.SCORE: 1, reminders.INVITATION: 2}
    assert send_review_reminders.apply().get() == NONE_SENT  # the second run sends nothing
    assert len(mailoutbox) == 3
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {inv.expert.user.email for inv in (not_scored, unanswered_soon, unanswered_old)}
    score_mail = by_recipient[not_scored.expert.user.email]
    assert soon.case.reference in score_mail.subject and "have not submitted your scores" in score_mail.body
    assert f"/review/meetings/{soon.pk}/score/" in score_mail.body  # straight to the scoring page
    old_mail = by_recipient[unanswered_old.expert.user.email]
    assert "have not answered yet" in old_mail.body and f"/review/invitations/{unanswered_old.pk}/" in old_mail.body


def test_no_reminder_for_a_past_or_cancelled_meeting(mailoutbox):
    tenant = TenantFactory()
    past = rf.meeting(tenant)
    set_fields(past, scheduled_at=timezone.now() - dt.timedelta(hours=1))
    _accepted(past)
    cancelled = rf.meeting(tenant)
    _invited(cancelled, days_ago=5)
    set_fields(cancelled, scheduled_at=timezone.now() + dt.timedelta(days=1), state="cancelled")
    assert send_review_reminders.apply().get() == NONE_SENT
    assert mailoutbox == []


def test_the_cto_is_reminded_before_the_final_review_is_due_and_again_when_overdue(mailoutbox):
    tenant = TenantFactory()
    cto, other_cto = persona(tenant, Role.CTO), persona(tenant, Role.CTO)
    today = timezone.localdate()
    near = _in_final_review(tenant, cto, today + dt.timedelta(days=3))  # inside the 7-day warning
    _in_final_review(tenant, cto, today + dt.timedelta(days=20))  # not yet
    overdue = _in_final_review(tenant, cto, today - dt.timedelta(days=1))
    done = _in_final_review(tenant, cto, today - dt.timedelta(days=2))
    set_fields(done, state=CaseState.IN_SERVICE)  # the final review passed: nothing is due

    assert send_review_reminders.apply().get() == {
        **NONE_SENT,
        reminders.FINAL_DUE_SOON: 1,
        reminders.FINAL_OVERDUE: 1,
    }
    assert send_review_reminders.apply().get() == NONE_SENT
    assert len(mailoutbox) == 2
    assert all(sorted(m.to) == sorted([cto.email, other_cto.email]) for m in mailoutbox)
    soon_mail = next(m for m in mailoutbox if near.reference in m.subject)
    assert "in 3 days" in soon_mail.body and (today + dt.timedelta(days=3)).isoformat() in soon_mail.body
    late_mail = next(m for m in mailoutbox if overdue.reference in m.subject)
    assert "Overdue" in late_mail.subject and f"/cases/{overdue.pk}/" in late_mail.body

    # Five days on the near one is overdue too: one more reminder (of the other kind), once.
    later = timezone.now() + dt.timedelta(days=5)
    with tenant_scope(tenant):
        assert reminders.send_reminders(tenant, now=later)[reminders.FINAL_OVERDUE] == 1
        assert reminders.send_reminders(tenant, now=later)[reminders.FINAL_OVERDUE] == 0
    assert len(mailoutbox) == 3


def test_a_failed_send_is_retried_by_the_next_run(mailoutbox, settings):
    tenant = TenantFactory()
    mtg = rf.meeting(tenant)
    set_fields(mtg, scheduled_at=timezone.now() + dt.timedelta(days=1))
    _accepted(mtg)
    settings.EMAIL_BACKEND = "tests.review.test_reminders.FailingBackend"
    with pytest.raises(ConnectionError):
        send_review_reminders.apply().get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_review_reminders.apply().get()[reminders.SCORE] == 1
    assert len(mailoutbox) == 1


class FailingBackend:
    """An SMTP server that is down (a real refusal, not a mock of the code under test)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("mail server down")


@pytest.mark.django_db(transaction=True)
def test_two_beat_messages_through_the_broker_and_a_worker_send_one_reminder(tmp_path):
    """As beat sends it (``send_task`` by the schedule's name), twice, through the real broker to a worker."""
    import threading
    import time

    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from tests.celery_processes import real_broker

    tenant = TenantFactory()
    mtg = rf.meeting(tenant)
    set_fields(mtg, scheduled_at=timezone.now() + dt.timedelta(days=1))
    inv = _accepted(mtg)
    mail.outbox.clear()  # the invitation email itself (queued on commit: this test commits)
    finished = []
    done = threading.Event()

    def count(sender=None, **kwargs):
        if sender is not None and sender.name == "review.tasks.send_review_reminders":
            finished.append(kwargs.get("retval"))
            if len(finished) == 2:
                done.set()

    task_postrun.connect(count, weak=False)
    try:
        with real_broker(tmp_path) as broker:
            with start_worker(
                broker.app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
            ):
                name = django_settings.CELERY_BEAT_SCHEDULE["review-reminders"]["task"]
                broker.app.send_task(name)
                broker.app.send_task(name)
                deadline = time.monotonic() + 30
                while not done.is_set() and time.monotonic() < deadline:
                    time.sleep(0.1)
    finally:
        task_postrun.disconnect(count)
    assert [r[reminders.SCORE] for r in finished] == [1, 0]
    assert [m.to for m in mail.outbox] == [[inv.expert.user.email]]
