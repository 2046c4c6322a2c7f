"""Reminders of the review committee, sent by Celery beat (:func:`review.tasks.send_review_reminders`).

Seed 000_9617a3b789ca4d20.txt (審查會議: 初審/複審 meetings; 複審 "初審結束後一個月內完成") and ISSUE 8 "Reminders":

- **score** (:data:`SCORE`): an expert who accepted a seat and has not submitted their scores
  (``PanelInvitation.scores_submitted_at`` empty) when a *scheduled* meeting is at most
  ``tenant.config.review_score_reminder_days`` days ahead (default 2);
- **invitation** (:data:`INVITATION`): an invitation still unanswered (``invited``) for a meeting that is still
  ahead, once it is ``review_invitation_reminder_days`` days old (default 2) or the meeting is within the score
  reminder's lead time, whichever comes first;
- **final review due** (:data:`FINAL_DUE_SOON` / :data:`FINAL_OVERDUE`): the tenant's CTOs, for a case still in
  the final review (複審) whose ``CaseReview.final_review_due`` is at most ``review_final_due_warning_days`` days
  ahead (default 7), and again once that day has passed (dates in Asia/Taipei).

Idempotent: every reminder is claimed with :func:`platform_site.activity.claim_notification` on a stable
activity-log entry — for an invitation its first entry (the invitation being sent), for a final review the case's
latest ``pass_preliminary`` transition (the preliminary review ending) — in the transaction that sends it. So
running the beat task twice sends each reminder once; a failed send rolls its claim back for the next run. A
subject without such an entry (rows arranged outside the services) gets no reminder.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cases.enums import CaseState
from cases.models import DemandCase
from platform_site.activity import claim_notification
from platform_site.enums import Role
from platform_site.models import ActivityLog, Membership
from review.enums import InvitationState, MeetingState
from review.models import CaseReview, PanelInvitation

logger = logging.getLogger(__name__)

#: SentNotification kinds (at most one of each per anchor entry).
SCORE = "review_score_reminder"
INVITATION = "review_invitation_reminder"
FINAL_DUE_SOON = "review_final_due_soon"
FINAL_OVERDUE = "review_final_overdue"
KINDS = (SCORE, INVITATION, FINAL_DUE_SOON, FINAL_OVERDUE)


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _send(entry: ActivityLog, kind: str, template: str, context: dict[str, Any], recipients: Iterable[str]) -> bool:
    """Claim ``(entry, kind)`` and send the bilingual (zh-Hant, then English) mail in one transaction.

    Returns False when there is no recipient or the reminder was claimed before (sent already)."""
    recipients = sorted(set(r for r in recipients if r))
    if not recipients:
        return False
    parts = []
    for language in ("zh-hant", "en"):
        with translation.override(language):
            subject = render_to_string(f"review/email/{template}_subject.txt", context).strip()
            parts.append((subject, render_to_string(f"review/email/{template}_body.txt", context)))
    subject = " / ".join(p[0] for p in parts)
    body = "\n\n----------------------------------------\n\n".join(p[1] for p in parts)
    with transaction.atomic():
        if claim_notification(entry, kind) is None:
            return False
        send_mail(subject, body, None, recipients)
    return True


def _first_entries(model: type, ids: list[int]) -> dict[int, ActivityLog]:
    """object id -> its oldest activity-log entry, for rows of ``model`` (one query)."""
    found: dict[int, ActivityLog] = {}
    if not ids:
        return found
    ct = ContentType.objects.get_for_model(model)
    for entry in ActivityLog.objects.filter(content_type=ct, object_id__in=ids).order_by("-at", "-pk"):
        found[int(entry.object_id)] = entry  # oldest last, so it wins
    return found


def _invitation_reminders(tenant: Any, now: dt.datetime) -> dict[str, int]:
    config = tenant.config
    score_horizon = now + dt.timedelta(days=config.review_score_reminder_days)
    invited_before = now - dt.timedelta(days=config.review_invitation_reminder_days)
    due_score = Q(
        state=InvitationState.ACCEPTED,
        scores_submitted_at__isnull=True,
        meeting__state=MeetingState.SCHEDULED,
        meeting__scheduled_at__lte=score_horizon,
    )
    unanswered = Q(state=InvitationState.INVITED, meeting__state=MeetingState.SCHEDULED) & (
        Q(created_at__lte=invited_before) | Q(meeting__scheduled_at__lte=score_horizon)
    )
    invitations = list(
        PanelInvitation.objects.filter(due_score | unanswered, meeting__scheduled_at__gt=now)
        .select_related("expert__user", "meeting__case")
        .order_by("pk")
    )
    anchors = _first_entries(PanelInvitation, [inv.pk for inv in invitations])
    sent = {SCORE: 0, INVITATION: 0}
    for inv in invitations:
        entry = anchors.get(inv.pk)
        if entry is None:
            logger.warning("review reminder: invitation %s has no activity entry to claim on", inv.pk)
            continue
        kind, template = (
            (SCORE, "score_reminder") if inv.state == InvitationState.ACCEPTED else (INVITATION, "invitation_reminder")
        )
        if kind == SCORE:  # the scoring page; an unanswered invitation: its page (declaration, accept / decline)
            path = reverse("review:score", kwargs={"tenant_slug": tenant.slug, "pk": inv.meeting_id})
        else:
            path = reverse("review:invitation", kwargs={"tenant_slug": tenant.slug, "inv_pk": inv.pk})
        context = {
            "invitation": inv,
            "meeting": inv.meeting,
            "case": inv.meeting.case or {"title": inv.meeting.subject_title, "reference": inv.meeting.subject_title},
            "tenant": tenant,
            "url": _absolute(path),
        }
        sent[kind] += _send(entry, kind, template, context, [inv.expert.user.email])
    return sent


def _final_due_reminders(tenant: Any, today: dt.date) -> dict[str, int]:
    horizon = today + dt.timedelta(days=tenant.config.review_final_due_warning_days)
    files = list(
        CaseReview.objects.filter(
            case__state=CaseState.FINAL_REVIEW, final_review_due__isnull=False, final_review_due__lte=horizon
        )
        .select_related("case")
        .order_by("final_review_due", "pk")
    )
    sent = {FINAL_DUE_SOON: 0, FINAL_OVERDUE: 0}
    if not files:
        return sent
    ct = ContentType.objects.get_for_model(DemandCase)
    anchors: dict[int, ActivityLog] = {}
    for entry in ActivityLog.objects.filter(
        content_type=ct, object_id__in=[f.case_id for f in files], action="pass_preliminary"
    ).order_by("at", "pk"):
        anchors[int(entry.object_id)] = entry  # latest wins
    ctos = list(
        Membership.objects.filter(tenant=tenant, role=Role.CTO)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    for review_file in files:
        entry = anchors.get(review_file.case_id)
        if entry is None:
            logger.warning("review reminder: case %s has no pass_preliminary entry to claim on", review_file.case_id)
            continue
        overdue = review_file.final_review_due < today
        kind = FINAL_OVERDUE if overdue else FINAL_DUE_SOON
        path = reverse("cases:detail", kwargs={"tenant_slug": tenant.slug, "pk": review_file.case_id})
        context = {
            "case": review_file.case,
            "due": review_file.final_review_due,
            "overdue": overdue,
            "days_left": (review_file.final_review_due - today).days,
            "tenant": tenant,
            "url": _absolute(path),
        }
        sent[kind] += _send(entry, kind, "final_due_reminder", context, ctos)
    return sent


def send_reminders(tenant: Any, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Send the current tenant's due reminders that were not sent yet; ``{kind: emails sent}`` for
    :data:`KINDS`. Run inside ``tenant_scope(tenant)``. ``now`` (aware) defaults to the current time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {**_invitation_reminders(tenant, now), **_final_due_reminders(tenant, today)}
