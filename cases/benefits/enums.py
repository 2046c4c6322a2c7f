"""KPI kinds of benefit tracking (效益追蹤): seed 001_f4b2551ebc037df1.txt (OEE, ROI) and seed
003_fa9863a310fbdc37.txt (促投 investment induced, products, jobs)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KpiKind(models.TextChoices):
    """What a measurement measures. ``value`` is a fraction (OEE), a ratio (ROI), NTD (revenue, investment
    induced) or a count (jobs, products launched)."""

    OEE = "oee", _("Overall equipment effectiveness (OEE)")
    ROI = "roi", _("Return on investment (ROI)")
    REVENUE = "revenue", _("Revenue")
    INVESTMENT = "investment", _("Investment induced")
    JOBS = "jobs", _("Jobs")
    PRODUCTS = "products", _("Products launched")


class KpiUnit(models.TextChoices):
    """The unit of a measurement's ``value`` (fixed per kind, :data:`UNIT_OF_KIND`)."""

    FRACTION = "fraction", _("fraction (0–1)")
    RATIO = "ratio", _("ratio (profit ÷ cost)")
    NTD = "ntd", _("NTD")
    PEOPLE = "people", _("people")
    PRODUCTS = "products", _("products")


UNIT_OF_KIND = {
    KpiKind.OEE: KpiUnit.FRACTION,
    KpiKind.ROI: KpiUnit.RATIO,
    KpiKind.REVENUE: KpiUnit.NTD,
    KpiKind.INVESTMENT: KpiUnit.NTD,
    KpiKind.JOBS: KpiUnit.PEOPLE,
    KpiKind.PRODUCTS: KpiUnit.PRODUCTS,
}
#: Kinds whose value is a whole number (NTD or a count), entered as ``amount``.
INTEGER_KINDS = frozenset({KpiKind.REVENUE, KpiKind.INVESTMENT, KpiKind.JOBS, KpiKind.PRODUCTS})
#: Kinds that can never be negative (counts and amounts; a ROI or revenue loss is not a count).
NON_NEGATIVE_KINDS = frozenset({KpiKind.INVESTMENT, KpiKind.JOBS, KpiKind.PRODUCTS, KpiKind.REVENUE})
