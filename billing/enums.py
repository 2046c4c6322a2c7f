"""Stable codes of the billing app: billable services, invoice states and document types.

Seed 000_9617a3b789ca4d20.txt (收費規範): services that need no customisation — 需求分析, 媒合轉介, 使用參考設計 —
are free (免費服務, 免開發費); customisation is charged as 一次性工程費用 (NRE: supplier NRE with labour,
consumables, prototyping and trial production; the platform team's labour), 權利金 (royalty) and 維護費
(maintenance: equipment usage and labour, 實報實收).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BillableService(models.TextChoices):
    """What an invoice line charges for (codes are stored; labels are for display)."""

    NRE_PLATFORM_LABOUR = "nre_platform_labour", _("NRE: platform team labour")
    NRE_SUPPLIER = "nre_supplier", _("NRE: supplier (negotiated)")
    CONSUMABLES = "consumables", _("Consumables")
    PROTOTYPING = "prototyping", _("Prototyping")
    TRIAL_PRODUCTION = "trial_production", _("Trial production")
    ROYALTY = "royalty", _("Royalty")
    MAINTENANCE_EQUIPMENT = "maintenance_equipment", _("Maintenance: equipment usage")
    MAINTENANCE_LABOUR = "maintenance_labour", _("Maintenance: labour")
    # Free services (seed 000, 不需客製化 → 免費服務): never billed, refused as invoice lines.
    NEEDS_ANALYSIS = "needs_analysis", _("Needs analysis")
    MATCHMAKING_REFERRAL = "matchmaking_referral", _("Matchmaking referral")
    REFERENCE_DESIGN = "reference_design", _("Reference design")


#: Services that are free of charge (seed 000_9617a3b789ca4d20.txt, 收費規範: 不需客製化 → 免費服務).
FREE_SERVICES = frozenset(
    {BillableService.NEEDS_ANALYSIS, BillableService.MATCHMAKING_REFERRAL, BillableService.REFERENCE_DESIGN}
)
