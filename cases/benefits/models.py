"""KPI measurements of benefit tracking (效益追蹤) on a demand case.

Seed 001_f4b2551ebc037df1.txt (績效指標: OEE, ROI, "導入計畫前後之…差異" — a baseline before the project and
values after) and seed 003_fa9863a310fbdc37.txt (促投 investment induced). Written only by
:mod:`cases.benefits.services`; never edited afterwards (a correction is a new measurement).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.benefits.enums import INTEGER_KINDS, KpiKind, KpiUnit
from platform_site.tenancy import TenantOwnedModel


def _evidence_path(instance: KpiMeasurement, filename: str) -> str:
    # ``filename`` is already the server-generated name (uploads.check_upload); never the user's name.
    return f"benefits/{instance.tenant_id}/{instance.case_id}/{filename}"


class KpiMeasurement(TenantOwnedModel):
    """One KPI value of a case for a period.

    ``value`` (Decimal, up to 12 decimal places): OEE as a fraction (the exact product of ``availability``,
    ``performance`` and ``quality``, each 0–1 with 4 decimal places); ROI as a ratio rounded to 6 places from
    ``total_profit_ntd`` ÷ ``invested_cost_ntd`` (NTD ints); revenue and investment induced in NTD (whole);
    jobs and products launched as counts. ``unit`` follows the kind (:data:`cases.benefits.enums.UNIT_OF_KIND`).
    ``is_baseline``: measured before the project (or at kickoff), drawn as the baseline of the trend.
    ``evidence``: an uploaded file (checked by ``platform_site.uploads.check_upload``) and/or
    ``evidence_reference`` (a document number, a report title).
    """

    case = models.ForeignKey(
        "cases.DemandCase", on_delete=models.PROTECT, related_name="kpi_measurements", verbose_name=_("case")
    )
    kind = models.CharField(_("KPI"), max_length=16, choices=KpiKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    is_baseline = models.BooleanField(_("baseline"), default=False)
    value = models.DecimalField(_("value"), max_digits=28, decimal_places=12)
    unit = models.CharField(_("unit"), max_length=16, choices=KpiUnit.choices)
    availability = models.DecimalField(_("availability"), max_digits=5, decimal_places=4, null=True, blank=True)
    performance = models.DecimalField(_("performance"), max_digits=5, decimal_places=4, null=True, blank=True)
    quality = models.DecimalField(_("quality"), max_digits=5, decimal_places=4, null=True, blank=True)
    total_profit_ntd = models.BigIntegerField(_("total profit over the period (NTD)"), null=True, blank=True)
    invested_cost_ntd = models.BigIntegerField(_("invested cost (NTD)"), null=True, blank=True)
    evidence = models.FileField(_("evidence file"), upload_to=_evidence_path, max_length=255, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_reference = models.CharField(_("evidence reference"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["case", "kind", "period_end", "pk"]
        verbose_name = _("KPI measurement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="kpi_period_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "case", "kind", "period_end", "id"], name="kpi_case_trend_idx"),
            models.Index(fields=["tenant", "kind", "period_end"], name="kpi_kind_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"

    @property
    def display_value(self) -> str:
        """The value as the pages show it: OEE in % (2 places), ROI to 4 places, NTD and counts whole."""
        return format_value(self.kind, self.value)


def format_value(kind: str, value: Decimal) -> str:
    """``value`` of a ``kind`` for display: OEE ``84.65 %`` (rounded half-up to 2 places of a percent), ROI
    ``1.5000``, NTD and counts as whole numbers ``1234567``."""
    if kind == KpiKind.OEE:
        return f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} %"
    if kind == KpiKind.ROI:
        return f"{value.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP)}"
    if kind in INTEGER_KINDS:
        return f"{int(value)}"
    return str(value)
