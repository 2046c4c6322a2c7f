"""Royalty models (權利金, seed 000_9617a3b789ca4d20.txt 收費規範 and 分潤機制): agreements with the parties'
contribution shares (frozen when signed; a change is a new version), the applicant's sales reports per period
and the computed statements with one line per party (frozen inputs stored, recomputable)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from billing import royalty
from billing.enums import BillableService
from billing.lines import LineSpec
from billing.models.statements import FINANCE, StatementBase
from billing.statement_enums import AgreementState as A
from billing.statement_enums import RoyaltyBasis
from platform_site.tenancy import TenantOwnedModel
from platform_site.workflow import StateMachineMixin, condition

__all__ = ["RoyaltyAgreement", "RoyaltyParty", "SalesReport", "RoyaltyStatement", "RoyaltyLine"]

SHARE = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0.01"))]}


class RoyaltyAgreement(StateMachineMixin, TenantOwnedModel):
    """One version of a case's royalty agreement: the base (a % of net sales, or NTD per unit) and the parties'
    shares (:class:`RoyaltyParty`, summing to exactly 100%). Signed = frozen; signing a newer version of the same
    case supersedes the older one."""

    case = models.ForeignKey("cases.DemandCase", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"), default=1)
    basis = models.CharField(_("royalty base"), max_length=24, choices=RoyaltyBasis.choices)
    rate_percent = models.DecimalField(
        # xgettext:no-python-format
        _("rate (% of net sales)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
    )
    amount_per_unit = models.DecimalField(
        _("amount per unit (NTD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    state = FSMField(_("status"), default=A.DRAFT, choices=A.choices, protected=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("royalty agreement")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "case", "version"], name="royalty_agreement_unique_version")
        ]
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="royalty_agreement_list_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.version}"

    def parties_for_computation(self) -> list[royalty.Party]:
        """The parties in agreement order as :class:`billing.royalty.Party`."""
        return [royalty.Party(p.key, p.label, p.share) for p in self.parties.all()]

    @condition(message=_("The contribution shares must sum to exactly 100%."), code="shares")
    def shares_sum_to_100(self) -> bool:
        """Σ shares = 100 exactly, every share > 0 (billing.royalty.validate_shares)."""
        try:
            royalty.validate_shares([p.share for p in self.parties.all()])
        except ValueError:
            return False
        return True

    @condition(message=_("Give the rate of the royalty base."), code="basis")
    def basis_complete(self) -> bool:
        """The chosen base has its rate."""
        if self.basis == RoyaltyBasis.PERCENT_OF_NET_SALES:
            return self.rate_percent is not None
        return self.amount_per_unit is not None

    @transition(
        field="state",
        source=A.DRAFT,
        target=A.SIGNED,
        conditions=[basis_complete, shares_sum_to_100],
        permission=FINANCE,
        custom={"label": _("Sign")},
    )
    def sign(self, *, by: Any, comment: str = "") -> None:
        """Frozen from now on (the service stamps ``signed_at`` and supersedes the previous version)."""

    @transition(field="state", source=A.SIGNED, target=A.SUPERSEDED, permission=FINANCE)
    def supersede(self, *, by: Any, comment: str = "") -> None:
        """A newer signed version replaces it."""


class RoyaltyParty(TenantOwnedModel):
    """A party and its contribution share (%): the platform (``organization`` null) or a supplier organisation."""

    agreement = models.ForeignKey(RoyaltyAgreement, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        "platform_site.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("party"), max_length=200)
    share = models.DecimalField(_("contribution share (%)"), **SHARE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    @property
    def key(self) -> str:
        return f"org:{self.organization_id}" if self.organization_id else "platform"


class SalesReport(TenantOwnedModel):
    """The applicant's sales for one period under a signed agreement: net sales (NTD) and units sold."""

    agreement = models.ForeignKey(RoyaltyAgreement, on_delete=models.PROTECT, related_name="sales_reports")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    net_sales = models.PositiveBigIntegerField(_("net sales (NTD)"), default=0)
    units = models.PositiveIntegerField(_("units sold"), default=0)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("sales report")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "agreement", "period_start"], name="sales_report_unique_period"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="sales_period"),
        ]
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="sales_report_list_idx")]


class RoyaltyStatement(StatementBase):
    """The royalty due for one sales report and its split; ``inputs`` freezes everything the computation read
    (base, rate, sales, units, parties and shares) so :meth:`recompute` gives the same numbers."""

    sales_report = models.OneToOneField(SalesReport, on_delete=models.PROTECT, related_name="statement")
    agreement = models.ForeignKey(RoyaltyAgreement, on_delete=models.PROTECT, related_name="statements")
    inputs = models.JSONField(default=dict)
    due = models.BigIntegerField(_("royalty due (NTD)"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("royalty statement")
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="royalty_statement_list_idx")]

    def charged_total(self) -> int:
        return self.due

    def recompute(self) -> royalty.RoyaltyComputation:
        """The computation from the frozen ``inputs`` alone (no table but this row is read)."""
        i = self.inputs
        parties = [royalty.Party(p["key"], p["label"], Decimal(p["share"])) for p in i["parties"]]
        return royalty.compute_royalty(
            basis=i["basis"],
            parties=parties,
            net_sales=i["net_sales"],
            units=i["units"],
            rate_percent=i["rate_percent"],
            amount_per_unit=i["amount_per_unit"],
        )

    def invoice_lines(self) -> list[LineSpec]:
        """One line: the royalty due for the period (the applicant pays the total; the split is internal)."""
        report = self.sales_report
        desc = _("Royalty %(start)s – %(end)s") % {"start": report.period_start, "end": report.period_end}
        return [
            LineSpec(
                BillableService.ROYALTY,
                str(desc),
                Decimal(1),
                "式",
                self.due,
                self.due,
                source_kind="royalty_statement",
                source_id=self.pk,
            )
        ]


class RoyaltyLine(TenantOwnedModel):
    """One party's part of a royalty statement (NTD); ``rounded_up`` when the largest-remainder rule gave it one
    of the leftover NTD. A supplier sees only the lines of its own organisation."""

    statement = models.ForeignKey(RoyaltyStatement, on_delete=models.CASCADE, related_name="lines")
    organization = models.ForeignKey(
        "platform_site.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("party"), max_length=200)
    share = models.DecimalField(_("contribution share (%)"), **SHARE)
    amount = models.BigIntegerField(_("amount (NTD)"))
    rounded_up = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="royalty_line_list_idx")]
