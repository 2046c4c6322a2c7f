"""Service delivery models (seed 000_9617a3b789ca4d20.txt, 服務流程): projects and work groups in
:mod:`.groups`, biweekly progress reports in :mod:`.reports`."""

from cases.delivery.models.groups import (
    Assignment,
    CustomerServiceTicket,
    Milestone,
    ServiceProject,
    WorkGroup,
)
from cases.delivery.models.reports import MilestoneProgress, ProgressReport, ReportAttachment, ReportHours

__all__ = [
    "Assignment",
    "CustomerServiceTicket",
    "Milestone",
    "MilestoneProgress",
    "ProgressReport",
    "ReportAttachment",
    "ReportHours",
    "ServiceProject",
    "WorkGroup",
]
