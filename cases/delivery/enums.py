"""States and choices of service delivery (seed 000_9617a3b789ca4d20.txt, 服務流程: 組成工作小組, 每兩週填報個案進度,
結案, 量產/銷售)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkGroupState(models.TextChoices):
    """工作小組: forming (assignments open) → formed (every required role accepted) → active (kicked off, the
    biweekly schedule runs) → completion proposed (the case manager's final report) → closed (the office's
    outcome; the case is closed through cases.services)."""

    FORMING = "forming", _("Forming")
    FORMED = "formed", _("Formed")
    ACTIVE = "active", _("In service")
    COMPLETION_PROPOSED = "completion_proposed", _("Completion proposed")
    CLOSED = "closed", _("Closed")


#: Work-group states counted as an "active work group" on the dashboard.
ACTIVE_GROUP_STATES = (WorkGroupState.FORMED, WorkGroupState.ACTIVE, WorkGroupState.COMPLETION_PROPOSED)


class AssignmentState(models.TextChoices):
    """One partner's assignment to one role: proposed by the office, accepted or declined (with a reason) by the
    partner, or withdrawn by the office."""

    PROPOSED = "proposed", _("Waiting for the partner")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MilestoneState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ReportState(models.TextChoices):
    """每兩週填報個案進度: due → draft → submitted → acknowledged by the office, or returned with comments (then the
    case manager edits it again and resubmits). "Overdue" is not a state: a report still due or in draft after
    its due date (:data:`UNSUBMITTED_STATES`) — never submitted in time. A returned report was handed in; it is
    shown as returned (waiting for the case manager), not as overdue, and gets no reminders."""

    DUE = "due", _("Due")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RETURNED = "returned", _("Returned with comments")


#: Reports never handed in: overdue once their due date has passed (and reminded about).
UNSUBMITTED_STATES = (ReportState.DUE, ReportState.DRAFT)
#: Reports the case manager may edit.
EDITABLE_STATES = frozenset({ReportState.DUE, ReportState.DRAFT, ReportState.RETURNED})
#: Reports the applicant sees (without the hours).
APPLICANT_VISIBLE_STATES = (ReportState.SUBMITTED, ReportState.ACKNOWLEDGED)


class Outcome(models.TextChoices):
    """The office's outcome when it closes the service (結案)."""

    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class TicketState(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class ReminderKind(models.TextChoices):
    """Reminder e-mails of a progress report (each sent once per report: platform_site.activity.claim_notification)."""

    DUE_SOON = "report_due_soon", _("Report due soon")
    DUE_TODAY = "report_due_today", _("Report due today")
    WEEK_LATE = "report_week_late", _("Report a week late")
