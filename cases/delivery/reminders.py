"""Reminders of biweekly progress reports (每兩週填報個案進度, seed 000_9617a3b789ca4d20.txt), sent by Celery beat
(:func:`cases.delivery.tasks.run_delivery_schedule`). For a report never handed in (due or draft):

- **due soon** (:attr:`ReminderKind.DUE_SOON`) to the case manager, from the working day before the due date;
- **due today** (:attr:`ReminderKind.DUE_TODAY`) to the case manager, on the due date (or the first run after);
- **a week late** (:attr:`ReminderKind.WEEK_LATE`) to the office (office reviewers and tenant admins) once the
  due date is 7 calendar days past.

Idempotent: each is claimed with :func:`platform_site.activity.claim_notification` on the report's ``created``
entry (logged by :func:`cases.delivery.schedule.ensure_reports`) in the transaction that sends, so a second
run sends nothing the first sent; a report without that entry (rows made outside the schedule) gets none.
Dates are Asia/Taipei.
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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cases.delivery.enums import UNSUBMITTED_STATES, ReminderKind
from cases.delivery.models import ProgressReport
from platform_site.activity import claim_notification
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, Membership
from platform_site.workdays import add_working_days

logger = logging.getLogger(__name__)
WEEK = dt.timedelta(days=7)


def _send(entry: ActivityLog, kind: str, context: dict[str, Any], recipients: Iterable[str]) -> bool:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return False
    parts = []
    for language in ("zh-hant", "en"):
        with translation.override(language):
            subject = render_to_string("delivery/email/reminder_subject.txt", context).strip()
            parts.append((subject, render_to_string("delivery/email/reminder_body.txt", context)))
    subject = " / ".join(p[0] for p in parts)
    body = "\n\n----------------------------------------\n\n".join(p[1] for p in parts)
    with transaction.atomic():
        if claim_notification(entry, kind) is None:
            return False
        send_mail(subject, body, None, recipients)
    return True


def kinds_due(report: ProgressReport, today: dt.date) -> list[str]:
    """The reminder kinds ``report`` qualifies for on ``today`` (whether or not sent already)."""
    if report.state not in UNSUBMITTED_STATES:
        return []
    kinds = []
    if today < report.due_on <= add_working_days(today, 1):
        kinds.append(ReminderKind.DUE_SOON)
    if today >= report.due_on:
        kinds.append(ReminderKind.DUE_TODAY)
    if today >= report.due_on + WEEK:
        kinds.append(ReminderKind.WEEK_LATE)
    return kinds


def send_reminders(tenant: Any, today: dt.date) -> dict[str, int]:
    """Send the current tenant's report reminders not sent yet; ``{kind: emails sent}``. Run in the tenant scope.
    Four queries plus one claim per reminder sent."""
    sent = dict.fromkeys(ReminderKind.values, 0)
    horizon = add_working_days(today, 1)
    reports = list(
        ProgressReport.objects.filter(state__in=UNSUBMITTED_STATES, due_on__lte=horizon)
        .select_related("work_group__case", "work_group__lead")
        .order_by("due_on", "pk")
    )
    if not reports:
        return sent
    ct = ContentType.objects.get_for_model(ProgressReport)
    anchors = {
        int(e.object_id): e
        for e in ActivityLog.objects.filter(
            content_type=ct, object_id__in=[r.pk for r in reports], action=ActivityAction.CREATED
        ).order_by("at", "pk")
    }
    office = list(
        Membership.objects.filter(tenant=tenant, role__in=[Role.OFFICE_REVIEWER, Role.TENANT_ADMIN])
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    for report in reports:
        entry = anchors.get(report.pk)
        if entry is None:
            logger.warning("delivery reminder: report %s has no created entry to claim on", report.pk)
            continue
        group = report.work_group
        path = reverse("delivery:report", kwargs={"tenant_slug": tenant.slug, "pk": report.pk})
        for kind in kinds_due(report, today):
            recipients = office if kind == ReminderKind.WEEK_LATE else [getattr(group.lead, "email", "")]
            context = {
                "case": group.case,
                "report": report,
                "kind": kind,
                "url": settings.PORTAL_BASE_URL.rstrip("/") + path,
            }
            sent[kind] += _send(entry, kind, context, recipients)
    return sent
