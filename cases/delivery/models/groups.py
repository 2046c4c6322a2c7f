"""Service projects, work groups (工作小組), partner assignments and milestones (seed 000_9617a3b789ca4d20.txt,
服務流程細部流程圖: 需客製晶片 → 晶片設計專案 ①③④⑤⑥⑧ …, 組成工作小組, 個案管理師).

Every lifecycle is a django-fsm machine with a protected ``state``, run only through
``platform_site.transitions.run_transition`` (cases.delivery.services).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from cases.delivery.enums import AssignmentState as A
from cases.delivery.enums import MilestoneState as M
from cases.delivery.enums import Outcome, TicketState
from cases.delivery.enums import WorkGroupState as G
from cases.enums import ProjectType
from platform_site.tenancy import TenantOwnedModel
from platform_site.workflow import StateMachineMixin, condition, rule_permission
from suppliers.enums import WorkRole

OFFICE = rule_permission("delivery.office_transition")
FORMER = rule_permission("delivery.form_transition")  # office staff, or the system after the last acceptance
LEAD = rule_permission("delivery.lead_transition")  # the work group's case manager
LEAD_OR_OFFICE = rule_permission("delivery.lead_or_office_transition")
PARTNER = rule_permission("delivery.partner_transition")


class ServiceProject(TenantOwnedModel):
    """One platform project of a case (seed 000): ``project_type`` (cases.enums.ProjectType, never
    CUSTOMER_SERVICE) and its ``roles`` (suppliers.enums.WorkRole codes, ①–⑧ order; the office may adjust)."""

    case = models.ForeignKey("cases.DemandCase", on_delete=models.CASCADE, related_name="service_projects")
    project_type = models.CharField(_("project type"), max_length=32, choices=ProjectType.choices)
    roles = models.JSONField(_("roles"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("service project")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "case", "project_type"], name="delivery_project_unique_type")
        ]

    def __str__(self) -> str:
        return str(self.get_project_type_display())

    def role_labels(self) -> list[str]:
        labels = dict(WorkRole.choices)
        return [str(labels.get(code, code)) for code in self.roles]


class CustomerServiceTicket(TenantOwnedModel):
    """專人客服: a need outside the four project types, handled by the office as a ticket on the case."""

    case = models.ForeignKey("cases.DemandCase", on_delete=models.CASCADE, related_name="service_tickets")
    subject = models.CharField(pgettext_lazy("customer-service ticket", "subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(_("status"), max_length=16, choices=TicketState.choices, default=TicketState.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("customer-service ticket")

    def __str__(self) -> str:
        return self.subject


class WorkGroup(StateMachineMixin, TenantOwnedModel):
    """The case's 工作小組, led by the case manager (個案管理師) the committee appointed (review decision).

    ``kickoff_on`` (Asia/Taipei date) starts the biweekly report schedule (cases.delivery.schedule). Closure:
    ``final_report`` (the lead's proposal), ``outcome`` (completed / terminated), ``termination_reason``,
    ``closed_at``, and whether the case entered mass production / sales (量產/銷售) on ``mass_production_on``.
    """

    case = models.OneToOneField("cases.DemandCase", on_delete=models.CASCADE, related_name="work_group")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case manager"),
    )
    state = FSMField(_("status"), default=G.FORMING, choices=G.choices, protected=True, db_index=True)
    formed_at = models.DateTimeField(_("formed at"), null=True, blank=True)
    kickoff_on = models.DateField(_("kickoff"), null=True, blank=True)
    final_report = models.TextField(_("final report"), blank=True)
    completion_proposed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    mass_production = models.BooleanField(_("enters mass production / sales"), default=False)
    mass_production_on = models.DateField(_("mass production / sales from"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("work group")
        indexes = [models.Index(fields=["tenant", "state", "-created_at", "-id"], name="delivery_group_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mass_production=False) | models.Q(mass_production_on__isnull=False),
                name="delivery_group_mass_production_date",
            )
        ]

    def __str__(self) -> str:
        return str(_("Work group of %(case)s") % {"case": self.case})

    def required_roles(self) -> list[str]:
        """The union of the roles of the case's service projects, in ①–⑧ order (one query unless prefetched)."""
        wanted = {role for project in self.case.service_projects.all() for role in project.roles}
        return [role for role in WorkRole.values if role in wanted]

    def uncovered_roles(self) -> list[str]:
        """Required roles without an accepted assignment (①–⑧ order)."""
        covered = {a.role for a in self.assignments.all() if a.state == A.ACCEPTED}
        return [role for role in self.required_roles() if role not in covered]

    def _missing_roles_message(self) -> str:
        labels = dict(WorkRole.choices)
        missing = self.uncovered_roles()
        if not self.required_roles():
            return str(_("The case has no service project with roles yet."))
        return str(
            _("Roles without an accepted partner: %(roles)s") % {"roles": "、".join(str(labels[r]) for r in missing)}
        )

    @condition(message=_missing_roles_message, code="roles_uncovered")
    def every_role_covered(self) -> bool:
        """Formed only when every required role has an accepted assignment (and there is at least one role)."""
        return bool(self.required_roles()) and not self.uncovered_roles()

    @condition(message=_("The work group has no case manager."), code="no_lead")
    def has_lead(self) -> bool:
        return self.lead_id is not None

    @condition(message=_("Write the final report before proposing completion."), code="final_report_missing")
    def has_final_report(self) -> bool:
        return bool(self.final_report.strip())

    @transition(
        field=state,
        source=G.FORMING,
        target=G.FORMED,
        conditions=[every_role_covered, has_lead],
        permission=FORMER,
        custom={"label": _("Mark the work group formed")},
    )
    def form(self, *, by: Any, comment: str = "") -> None:
        self.formed_at = timezone.now()

    @transition(
        field=state,
        source=G.FORMED,
        target=G.ACTIVE,
        permission=LEAD_OR_OFFICE,
        custom={"label": _("Kick off")},
    )
    def kickoff(self, *, by: Any, comment: str = "", on: dt.date) -> None:
        """Kickoff on ``on``: the first biweekly period starts that day."""
        self.kickoff_on = on

    @transition(
        field=state,
        source=G.ACTIVE,
        target=G.COMPLETION_PROPOSED,
        conditions=[has_final_report],
        permission=LEAD,
        custom={"label": _("Propose completion")},
    )
    def propose_completion(self, *, by: Any, comment: str = "") -> None:
        self.completion_proposed_at = timezone.now()

    @transition(
        field=state,
        source=G.COMPLETION_PROPOSED,
        target=G.ACTIVE,
        permission=OFFICE,
        custom={"label": _("Return the completion proposal")},
    )
    def return_completion(self, *, by: Any, comment: str = "") -> None:
        self.completion_proposed_at = None

    @transition(
        field=state,
        source=G.COMPLETION_PROPOSED,
        target=G.CLOSED,
        permission=OFFICE,
        custom={"label": _("Close as completed")},
    )
    def close_completed(
        self, *, by: Any, comment: str = "", mass_production: bool = False, mass_production_on: dt.date | None = None
    ) -> None:
        self._close(Outcome.COMPLETED, mass_production, mass_production_on)

    @transition(
        field=state,
        source=[G.FORMING, G.FORMED, G.ACTIVE, G.COMPLETION_PROPOSED],
        target=G.CLOSED,
        permission=OFFICE,
        custom={"label": _("Terminate")},
    )
    def terminate(self, *, by: Any, comment: str = "", reason: str) -> None:
        self.termination_reason = reason
        self._close(Outcome.TERMINATED, False, None)

    def _close(self, outcome: str, mass_production: bool, on: dt.date | None) -> None:
        self.outcome = outcome
        self.closed_at = timezone.now()
        self.mass_production = mass_production
        self.mass_production_on = on if mass_production else None


class Assignment(StateMachineMixin, TenantOwnedModel):
    """An approved partner (suppliers.SupplierProfile) assigned to one ``role`` of a work group, with its
    ``scope``, planned start/end and ``deliverables``; the partner accepts or declines (``decline_reason``)."""

    work_group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=32, choices=WorkRole.choices)
    partner = models.ForeignKey(
        "suppliers.SupplierProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    scope = models.TextField(_("scope"))
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    deliverables = models.TextField(_("deliverables"))
    state = FSMField(_("status"), default=A.PROPOSED, choices=A.choices, protected=True, db_index=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["work_group", "role", "pk"]
        verbose_name = _("assignment")
        indexes = [models.Index(fields=["tenant", "partner", "state"], name="delivery_assign_partner_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_end__gte=models.F("planned_start")), name="assign_dates")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.partner}"

    @transition(field=state, source=A.PROPOSED, target=A.ACCEPTED, permission=PARTNER, custom={"label": _("Accept")})
    def accept(self, *, by: Any, comment: str = "") -> None:
        self.responded_at = timezone.now()

    @transition(field=state, source=A.PROPOSED, target=A.DECLINED, permission=PARTNER, custom={"label": _("Decline")})
    def decline(self, *, by: Any, comment: str = "", reason: str) -> None:
        self.decline_reason = reason
        self.responded_at = timezone.now()

    @transition(
        field=state,
        source=[A.PROPOSED, A.ACCEPTED],
        target=A.WITHDRAWN,
        permission=OFFICE,
        custom={"label": _("Withdraw")},
    )
    def withdraw(self, *, by: Any, comment: str = "") -> None:
        """The office withdraws the assignment."""


class Milestone(StateMachineMixin, TenantOwnedModel):
    """A milestone of a service project: ``planned_on`` and ``actual_on`` (the day it was done, Asia/Taipei)."""

    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    planned_on = models.DateField(_("planned date"))
    actual_on = models.DateField(_("actual date"), null=True, blank=True)
    state = FSMField(_("status"), default=M.PLANNED, choices=M.choices, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "planned_on", "pk"]
        verbose_name = _("milestone")

    def __str__(self) -> str:
        return self.title

    @transition(
        field=state, source=M.PLANNED, target=M.IN_PROGRESS, permission=LEAD_OR_OFFICE, custom={"label": _("Start")}
    )
    def start(self, *, by: Any, comment: str = "") -> None:
        """Work on the milestone has begun."""

    @transition(
        field=state,
        source=[M.PLANNED, M.IN_PROGRESS],
        target=M.DONE,
        permission=LEAD_OR_OFFICE,
        custom={"label": _("Mark done")},
    )
    def complete(self, *, by: Any, comment: str = "", on: dt.date) -> None:
        self.actual_on = on

    @transition(
        field=state,
        source=[M.PLANNED, M.IN_PROGRESS],
        target=M.CANCELLED,
        permission=OFFICE,
        custom={"label": _("Cancel")},
    )
    def cancel(self, *, by: Any, comment: str = "") -> None:
        """The office drops the milestone."""
