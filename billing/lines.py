"""The one shape every statement hands to an invoice: :class:`LineSpec` (contract between statements and invoices).

A statement of any kind (NRE, royalty, maintenance; ``billing.models.statements``) offers
``invoice_lines(self) -> list[LineSpec]``; :func:`billing.services.invoices.draft_invoice` copies each spec
into an ``InvoiceLine``. Money is integer NTD; ``amount`` is already rounded by the statement that computed it.
Free services (seed 000_9617a3b789ca4d20.txt, 收費規範: 需求分析、媒合轉介、使用參考設計 are 免費服務) are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing.enums import FREE_SERVICES, BillableService


@dataclass(frozen=True)
class LineSpec:
    """One invoice line as a statement computed it.

    - ``service``: a :class:`billing.enums.BillableService` value (not one of ``FREE_SERVICES``);
    - ``description``: what the line is for (shown on the invoice, ≤ 200 characters);
    - ``quantity``: a ``Decimal`` ≥ 0 (hours, units, 1 for a lump sum), at most 2 decimal places;
    - ``unit``: the unit of ``quantity`` (e.g. "hour", "式");
    - ``unit_price``, ``amount``: integer NTD (tax-exclusive), ``amount`` already rounded by the statement;
    - ``taxable``: whether the 5% business tax applies to the line;
    - ``source_kind`` / ``source_id``: where the line came from, e.g. ``"nre_statement"``, 12.

    Construction validates (see :meth:`validate`) and raises ``django.core.exceptions.ValidationError``.
    """

    service: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: int
    amount: int
    taxable: bool = True
    source_kind: str = ""
    source_id: int | None = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValidationError`` (codes ``free_service``, ``unknown_service``, ``invalid_line``) when invalid."""
        if self.service in FREE_SERVICES:
            raise ValidationError(
                _("%(service)s is a free service and cannot be billed (free of charge under the fee rules)."),
                code="free_service",
                params={"service": BillableService(self.service).label},
            )
        if self.service not in BillableService.values:
            raise ValidationError(
                _("Unknown billable service %(service)s."), code="unknown_service", params={"service": self.service}
            )
        if not self.description.strip() or len(self.description) > 200:
            raise ValidationError(_("A line needs a description of at most 200 characters."), code="invalid_line")
        if not isinstance(self.quantity, Decimal) or not self.quantity.is_finite() or self.quantity < 0:
            raise ValidationError(_("A line's quantity must be a number of at least 0."), code="invalid_line")
        if self.quantity.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValidationError(_("A line's quantity has at most 2 decimal places."), code="invalid_line")
        for value in (self.unit_price, self.amount):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(_("Prices and amounts are whole NTD."), code="invalid_line")
        if len(self.unit) > 20:
            raise ValidationError(_("A unit has at most 20 characters."), code="invalid_line")
