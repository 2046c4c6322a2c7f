"""Statement models of billing: rate cards, NRE statements, supplier NRE agreements, equipment, maintenance fees
(royalties are in :mod:`billing.models.royalties`).

Seed 000_9617a3b789ca4d20.txt, 收費規範: NRE (一次性工程費用) = supplier NRE as agreed (a) + the platform team's
labour Σ(hours × rate) × the tier discount (b), at-cost items undiscounted, the applicant's share of (b) ≤ 50%;
royalty (權利金) by contribution share; maintenance (維護費) 實報實收. Money is integer NTD; hours and percentages are
``Decimal`` (2 places); the computations are in :mod:`billing.nre`, :mod:`billing.royalty`,
:mod:`billing.maintenance`. Every statement offers ``invoice_lines() -> list[billing.lines.LineSpec]``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from billing.enums import BillableService
from billing.lines import LineSpec
from billing.statement_enums import AgreementState as A
from billing.statement_enums import CostKind, RateCardState, UsageKind
from billing.statement_enums import StatementState as S
from platform_site.tenancy import TenantOwnedModel
from platform_site.workflow import StateMachineMixin, condition, rule_permission
from suppliers.enums import WorkRole

__all__ = [
    "RateCard",
    "RateCardRate",
    "NreStatement",
    "NreLabourLine",
    "NreCostItem",
    "SupplierNreAgreement",
    "Equipment",
    "MaintenanceFee",
    "MaintenanceUsage",
]

FINANCE = rule_permission("billing.statement_transition")
HOURS = {"max_digits": 8, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


# ---- rate cards ---------------------------------------------------------------------------------------------
class RateCard(StateMachineMixin, TenantOwnedModel):
    """One version of the tenant's hourly rates per work-group role (NTD int per hour), valid from ``valid_from``
    (to ``valid_to`` inclusive, open-ended when null). Published = immutable; a change is a new version, whose
    publication closes the previous one the day before it starts. Every charge records the version it used."""

    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    state = FSMField(_("status"), default=RateCardState.DRAFT, choices=RateCardState.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("rate card")
        constraints = [models.UniqueConstraint(fields=["tenant", "version"], name="ratecard_unique_version")]
        indexes = [models.Index(fields=["tenant", "-version"], name="ratecard_list_idx")]

    def __str__(self) -> str:
        return f"v{self.version}"

    @condition(message=_("Give every work-group role an hourly rate before publishing."), code="incomplete")
    def has_every_role(self) -> bool:
        """All eight roles are priced."""
        return set(self.rates.values_list("role", flat=True)) >= set(WorkRole.values)

    @transition(
        field="state",
        source=RateCardState.DRAFT,
        target=RateCardState.PUBLISHED,
        conditions=[has_every_role],
        permission=FINANCE,
        custom={"label": _("Publish")},
    )
    def publish(self, *, by: Any, comment: str = "") -> None:
        """Published: from now on immutable (the service closes the previous version)."""

    def rate_for(self, role: str) -> int:
        """The hourly rate (NTD) of ``role``; KeyError when the card has none."""
        for rate in self.rates.all():
            if rate.role == role:
                return rate.hourly_rate
        raise KeyError(role)


class RateCardRate(TenantOwnedModel):
    """One role's hourly rate (NTD, integer ≥ 0) on a rate card."""

    card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="rates")
    role = models.CharField(_("role"), max_length=24, choices=WorkRole.choices)
    hourly_rate = models.PositiveIntegerField(_("hourly rate (NTD)"))

    class Meta:
        ordering = ["card", "pk"]
        constraints = [models.UniqueConstraint(fields=["tenant", "card", "role"], name="ratecardrate_unique_role")]


# ---- statements (shared state machine) ----------------------------------------------------------------------
class StatementBase(StateMachineMixin, TenantOwnedModel):
    """The state machine every statement shares: draft (recomputable) → confirmed (frozen) → invoiced; a
    draft or confirmed statement may be cancelled. Finance takes every transition."""

    state = FSMField(_("status"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @condition(message=_("A statement needs at least one line with an amount."), code="empty")
    def has_amount(self) -> bool:
        """Something to charge."""
        return self.charged_total() > 0

    def charged_total(self) -> int:
        """The statement's total (NTD) before tax; subclasses say what it is."""
        raise NotImplementedError

    @transition(
        field="state",
        source=S.DRAFT,
        target=S.CONFIRMED,
        conditions=[has_amount],
        permission=FINANCE,
        custom={"label": _("Confirm")},
    )
    def confirm(self, *, by: Any, comment: str = "") -> None:
        """Frozen from now on (the service stamps ``confirmed_at``)."""

    @transition(
        field="state", source=S.CONFIRMED, target=S.INVOICED, permission=FINANCE, custom={"label": _("Invoice")}
    )
    def mark_invoiced(self, *, by: Any, comment: str = "") -> None:
        """An invoice was drafted from it (billing.services.statements.draft_invoice_for)."""

    @transition(
        field="state",
        source=[S.DRAFT, S.CONFIRMED],
        target=S.CANCELLED,
        permission=FINANCE,
        custom={"label": _("Cancel")},
    )
    def cancel(self, *, by: Any, comment: str = "") -> None:
        """Withdrawn; never invoiced."""


# ---- NRE ----------------------------------------------------------------------------------------------------
class NreStatement(StatementBase):
    """One case's NRE statement for one billing period (seed 000 一次性工程費用, system-development stage).

    ``share_percent`` is the tier discount of the case's final review (``ReviewDecision.labour_share_percent``,
    kept here as the statement's frozen input); the totals mirror :class:`billing.nre.NreComputation`.
    """

    case = models.ForeignKey("cases.DemandCase", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    share_percent = models.DecimalField(
        _("tier discount: applicant's share of platform labour (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    labour_gross = models.BigIntegerField(_("platform labour Σ(hours × rate)"), default=0)
    labour_discounted = models.BigIntegerField(_("after the tier discount"), default=0)
    # xgettext:no-python-format
    labour_cap = models.BigIntegerField(_("50% ceiling"), default=0)
    labour_due = models.BigIntegerField(_("platform labour charged"), default=0)
    # xgettext:no-python-format
    cap_binding = models.BooleanField(_("the 50% ceiling applies"), default=False)
    costs_total = models.BigIntegerField(_("at-cost items"), default=0)
    supplier_total = models.BigIntegerField(_("supplier NRE"), default=0)
    subtotal = models.BigIntegerField(_("subtotal (before tax)"), default=0)
    trail = models.JSONField(_("computation trail"), default=dict, blank=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("NRE statement")
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="nre_list_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="nre_period"),
            models.CheckConstraint(condition=models.Q(labour_due__lte=models.F("labour_cap")), name="nre_cap_50"),
        ]

    def charged_total(self) -> int:
        return self.subtotal

    def invoice_lines(self) -> list[LineSpec]:
        """Platform labour (one line at the charged amount), each at-cost item and each supplier NRE."""
        src = {"source_kind": "nre_statement", "source_id": self.pk}
        lines = []
        if self.labour_due:
            desc = _("Platform team labour %(start)s – %(end)s (tier discount %(share)s%%)") % {
                "start": self.period_start,
                "end": self.period_end,
                "share": self.share_percent.normalize(),
            }
            lines.append(
                LineSpec(
                    BillableService.NRE_PLATFORM_LABOUR,
                    str(desc),
                    Decimal(1),
                    "式",
                    self.labour_due,
                    self.labour_due,
                    **src,
                )
            )
        for cost in self.costs.all():
            lines.append(LineSpec(cost.kind, cost.description, Decimal(1), "式", cost.amount, cost.amount, **src))
        for item in self.supplier_items.all():
            lines.append(
                LineSpec(
                    BillableService.NRE_SUPPLIER, item.description, Decimal(1), "式", item.amount, item.amount, **src
                )
            )
        return lines


class NreLabourLine(TenantOwnedModel):
    """A trail line: one acknowledged report's hours for one role × the rate of ``rate_card`` = ``amount``."""

    statement = models.ForeignKey(NreStatement, on_delete=models.CASCADE, related_name="labour_lines")
    report_id = models.PositiveIntegerField()
    report_label = models.CharField(max_length=120)
    report_start = models.DateField()
    report_end = models.DateField()
    role = models.CharField(_("role"), max_length=24, choices=WorkRole.choices)
    hours = models.DecimalField(_("hours"), **HOURS)
    rate_card = models.ForeignKey(RateCard, on_delete=models.PROTECT, related_name="+")
    rate = models.PositiveIntegerField(_("rate (NTD/h)"))
    amount = models.BigIntegerField(_("amount"))

    class Meta:
        ordering = ["report_start", "pk"]


class NreCostItem(TenantOwnedModel):
    """Consumables, prototyping or trial production at cost (never discounted), NTD."""

    statement = models.ForeignKey(NreStatement, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField(_("kind"), max_length=24, choices=CostKind.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.PositiveBigIntegerField(_("amount (NTD)"))

    class Meta:
        ordering = ["pk"]


class SupplierNreAgreement(StateMachineMixin, TenantOwnedModel):
    """A supplier's NRE as agreed with the applicant (seed 000 (a): 由供應商與需求端業主協商): an amount and the
    agreement document, not computed. Signed = frozen; billed once, on the statement it is attached to."""

    case = models.ForeignKey("cases.DemandCase", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("platform_site.Organization", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200)
    amount = models.PositiveBigIntegerField(_("agreed amount (NTD)"))
    document_reference = models.CharField(_("agreement document"), max_length=200)
    state = FSMField(_("status"), default=A.DRAFT, choices=A.choices, protected=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    statement = models.ForeignKey(
        NreStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="supplier_items"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("supplier NRE agreement")

    @transition(field="state", source=A.DRAFT, target=A.SIGNED, permission=FINANCE, custom={"label": _("Sign")})
    def sign(self, *, by: Any, comment: str = "", signed_on: Any = None) -> None:
        """Recorded as signed; the amount is frozen."""
        self.signed_on = signed_on


# ---- maintenance --------------------------------------------------------------------------------------------
class Equipment(TenantOwnedModel):
    """A piece of equipment with its hourly usage rate (NTD int) for maintenance fees (設備使用費)."""

    name = models.CharField(_("name"), max_length=120)
    hourly_rate = models.PositiveIntegerField(_("hourly rate (NTD)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("equipment")
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="equipment_unique_name")]

    def __str__(self) -> str:
        return self.name


class MaintenanceFee(StatementBase):
    """A case's maintenance fee for a period (維護費, 實報實收): equipment hours × rate + labour hours × rate."""

    case = models.ForeignKey("cases.DemandCase", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    equipment_total = models.BigIntegerField(_("equipment usage"), default=0)
    labour_total = models.BigIntegerField(_("labour"), default=0)
    total = models.BigIntegerField(_("total (before tax)"), default=0)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("maintenance fee")
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="maint_list_idx")]

    def charged_total(self) -> int:
        return self.total

    def invoice_lines(self) -> list[LineSpec]:
        """One line per usage line: equipment hours or labour hours at the recorded rate."""
        lines = []
        for u in self.usage.all():
            service = (
                BillableService.MAINTENANCE_EQUIPMENT
                if u.kind == UsageKind.EQUIPMENT
                else BillableService.MAINTENANCE_LABOUR
            )
            lines.append(
                LineSpec(
                    service,
                    u.label,
                    u.hours,
                    "hour",
                    u.rate,
                    u.amount,
                    source_kind="maintenance_fee",
                    source_id=self.pk,
                )
            )
        return lines


class MaintenanceUsage(TenantOwnedModel):
    """One line of a maintenance fee: ``hours`` × ``rate`` (NTD/h, recorded from the equipment or the rate card
    version) = ``amount`` (NTD, half-up)."""

    fee = models.ForeignKey(MaintenanceFee, on_delete=models.CASCADE, related_name="usage")
    kind = models.CharField(_("kind"), max_length=16, choices=UsageKind.choices)
    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(_("role"), max_length=24, choices=WorkRole.choices, blank=True)
    rate_card = models.ForeignKey(RateCard, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    label = models.CharField(_("description"), max_length=200)
    hours = models.DecimalField(_("hours"), **HOURS)
    rate = models.PositiveIntegerField(_("rate (NTD/h)"))
    amount = models.BigIntegerField(_("amount"))

    class Meta:
        ordering = ["pk"]
