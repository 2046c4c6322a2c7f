"""States and choices of the billing statements (seed 000_9617a3b789ca4d20.txt, 收費規範)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCardState(models.TextChoices):
    """A rate card is drafted, then published (immutable from then on); a newer version supersedes it."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class StatementState(models.TextChoices):
    """NRE, royalty and maintenance statements: drafted (recomputable), confirmed (frozen), invoiced, cancelled."""

    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")


class AgreementState(models.TextChoices):
    """Royalty and supplier NRE agreements: drafted, signed (frozen), superseded by a newer version."""

    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    SUPERSEDED = "superseded", _("Superseded")


class RoyaltyBasis(models.TextChoices):
    """The royalty base (權利金): a percentage of net sales, or an amount per unit sold."""

    PERCENT_OF_NET_SALES = "percent_of_net_sales", _("Percentage of net sales")
    PER_UNIT = "per_unit", _("Amount per unit")


class CostKind(models.TextChoices):
    """At-cost items of an NRE statement, never discounted (seed 000: 耗材、打樣與試作成本不優惠)."""

    CONSUMABLES = "consumables", _("Consumables")
    PROTOTYPING = "prototyping", _("Prototyping")
    TRIAL_PRODUCTION = "trial_production", _("Trial production")


class UsageKind(models.TextChoices):
    """Maintenance fee lines (維護費): equipment usage or labour."""

    EQUIPMENT = "equipment", _("Equipment usage")
    LABOUR = "labour", _("Labour")
