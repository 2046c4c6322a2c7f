"""Invoice numbers: drawn when an invoice is issued, gapless per tenant and series, never reused.

- 統一發票 (tenant setting ``billing_document_type = "uniform_invoice"``): finance enters the 字軌 ranges the tax
  office allotted for each two-month period (e.g. AB12345678–AB12345727 for 2026-01/02); :func:`draw_number`
  takes the lowest unused number of the issue date's period (ranges in track / first-number order) under a row
  lock, and refuses with a clear message when the period's ranges are exhausted.
- 收據 (``"receipt"``): the tenant's own series ``<PREFIX>-R-<year>-<nnnnn>`` (e.g. TSMP-R-2026-00001) from
  :class:`platform_site.models.TenantCounter` (gapless inside the issuing transaction), ``PREFIX`` = the
  tenant's ``case_prefix``.

Both run inside the issuing transaction, so a refused or rolled-back issue gives its number back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing.enums import DocumentType
from billing.models import InvoiceNumberRange
from platform_site.activity import log_event
from platform_site.enums import ActivityAction
from platform_site.models import TenantCounter
from platform_site.rules import can
from platform_site.transitions import TransitionRefused

NUMBER_PATTERN = re.compile(r"([A-Z]{2})(\d{8})")


def period_of(day: date) -> tuple[int, int]:
    """``(year, period)`` of ``day``: period 1 = January-February … 6 = November-December."""
    return day.year, (day.month + 1) // 2


def period_label(year: int, period: int) -> str:
    """``"2026-01/02"`` for (2026, 1)."""
    first = 2 * period - 1
    return f"{year}-{first:02d}/{first + 1:02d}"


def _parse(value: str) -> tuple[str, int]:
    match = NUMBER_PATTERN.fullmatch((value or "").strip().upper())
    if match is None:
        raise ValidationError(
            _("Enter a uniform invoice number as two capital letters and eight digits, e.g. AB12345678."),
            code="invalid_number",
        )
    return match.group(1), int(match.group(2))


def add_range(tenant: Any, *, year: int, period: int, first: str, last: str, by: Any) -> InvoiceNumberRange:
    """Record an allotted 字軌 range ``first``–``last`` (e.g. "AB12345678", "AB12345727") for ``period`` (1-6).

    Raises ``PermissionDenied`` unless ``by`` is finance; ``ValidationError`` (codes ``invalid_number``,
    ``invalid_range``, ``range_overlap``, ``invalid_period``) for bad input.
    """
    if not can(by, "billing.manage_invoices", tenant):
        raise PermissionDenied
    if not 1 <= int(period) <= 6 or not 2000 <= int(year) <= 2999:
        raise ValidationError(_("Choose a two-month period 1-6 of a valid year."), code="invalid_period")
    track, start = _parse(first)
    track_end, end = _parse(last)
    if track != track_end or end < start:
        raise ValidationError(
            _("The last number must have the same track letters and not come before the first."), code="invalid_range"
        )
    with transaction.atomic():
        clash = InvoiceNumberRange.objects.select_for_update().filter(
            year=year, period=period, track=track, start_number__lte=end, end_number__gte=start
        )
        if clash.exists():
            raise ValidationError(
                _("This range overlaps a range already entered for the period."), code="range_overlap"
            )
        made = InvoiceNumberRange.objects.create(
            year=year, period=period, track=track, start_number=start, end_number=end, next_number=start, created_by=by
        )
        log_event(made, ActivityAction.CREATED, by, data={"range": str(made), "period": period_label(year, period)})
    return made


@dataclass(frozen=True)
class Drawn:
    """A number drawn for an invoice: ``number`` (e.g. "AB12345678" or "TSMP-R-2026-00001"), ``series``
    (``"2026-01/02"`` or ``"R-2026"``), ``number_range`` (the 字軌 range, ``None`` for receipts)."""

    number: str
    series: str
    document_type: str
    number_range: InvoiceNumberRange | None


def draw_number(tenant: Any, day: date) -> Drawn:
    """The next number of the tenant's document type for an invoice issued on ``day``; must run inside the
    issuing ``transaction.atomic()``. Raises :class:`TransitionRefused` (409, code ``numbers_exhausted``) when
    no allotted 統一發票 number is left for the period."""
    kind = tenant.config.billing_document_type
    if kind == DocumentType.RECEIPT:
        value = TenantCounter.next_value(f"receipt-{day.year}")
        prefix = tenant.config.case_prefix or tenant.slug.upper()
        return Drawn(f"{prefix}-R-{day.year}-{value:05d}", f"R-{day.year}", DocumentType.RECEIPT, None)
    year, period = period_of(day)
    ranges = InvoiceNumberRange.objects.select_for_update().filter(year=year, period=period)
    for allotted in ranges.order_by("track", "start_number", "pk"):
        if allotted.next_number <= allotted.end_number:
            number = f"{allotted.track}{allotted.next_number:08d}"
            allotted.next_number += 1
            allotted.save(update_fields=["next_number"])
            return Drawn(number, period_label(year, period), DocumentType.UNIFORM_INVOICE, allotted)
    raise TransitionRefused(
        _(
            "No uniform invoice numbers are left for %(period)s. Enter the next range the tax office allotted "
            "(Billing → Number ranges) and issue again."
        )
        % {"period": period_label(year, period)},
        code="numbers_exhausted",
        period=period_label(year, period),
    )


def ranges_by_period(tenant: Any) -> list[dict[str, Any]]:
    """``[{"year", "period", "label", "ranges": [range…], "unused": [number…], "remaining": int}]``, newest
    period first (one query)."""
    grouped: dict[tuple[int, int], dict[str, Any]] = {}
    for allotted in InvoiceNumberRange.objects.order_by("-year", "-period", "track", "start_number"):
        key = (allotted.year, allotted.period)
        entry = grouped.setdefault(
            key,
            {"year": key[0], "period": key[1], "label": period_label(*key), "ranges": [], "unused": [], "remaining": 0},
        )
        entry["ranges"].append(allotted)
        entry["unused"].extend(allotted.unused_numbers())
        entry["remaining"] += allotted.remaining
    return list(grouped.values())
