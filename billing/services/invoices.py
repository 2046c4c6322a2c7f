"""Invoice writes: draft from lines, edit a draft, issue (number + PDF), record payments, void and reissue.

Every money change writes an activity-log row (``money_changed`` with before/after NTD); transitions go through
:func:`platform_site.transitions.run_transition`. An edit of an invoice that left ``draft`` is refused with
:class:`~platform_site.transitions.TransitionRefused` (HTTP 409, code ``invoice_immutable``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import tax
from billing.enums import InvoiceState
from billing.lines import LineSpec
from billing.models import Invoice, InvoiceLine, Payment
from billing.services.numbering import draw_number
from platform_site.activity import log_event
from platform_site.enums import ActivityAction
from platform_site.models import ActivityLog
from platform_site.queueing import enqueue_on_commit
from platform_site.rules import can
from platform_site.transitions import TransitionRefused, run_transition, state_refusal
from platform_site.validators import validate_ubn

#: Header fields of a draft that finance may edit.
EDITABLE_FIELDS = ("buyer_name", "buyer_ubn", "invoice_address")


def _require_finance(user: Any, obj: Any) -> None:
    if not can(user, "billing.manage_invoices", obj):
        raise PermissionDenied


def _refuse_unless_draft(invoice: Invoice) -> None:
    if invoice.state != InvoiceState.DRAFT:
        raise TransitionRefused(
            _("An issued invoice cannot be changed. Void it and issue a corrected invoice."),
            code="invoice_immutable",
            state=invoice.state,
        )


def _money(invoice: Invoice) -> dict[str, int]:
    return {
        "sales_amount": invoice.sales_amount,
        "tax_amount": invoice.tax_amount,
        "total_amount": invoice.total_amount,
    }


def _recompute(invoice: Invoice, by: Any) -> None:
    """Totals from the lines (tax once on the taxable sum); logs ``money_changed`` when they changed."""
    before = _money(invoice)
    found = tax.totals(invoice.lines.values_list("amount", "taxable"))
    invoice.sales_amount, invoice.taxable_amount = found.sales, found.taxable
    invoice.tax_amount, invoice.total_amount = found.tax, found.total
    invoice.save(update_fields=["sales_amount", "taxable_amount", "tax_amount", "total_amount"])
    after = _money(invoice)
    if after != before:
        log_event(invoice, ActivityAction.MONEY_CHANGED, by, data={"before": before, "after": after})


def _add_lines(invoice: Invoice, lines: Iterable[LineSpec]) -> None:
    start = invoice.lines.count()
    rows = []
    for offset, spec in enumerate(lines):
        if not isinstance(spec, LineSpec):
            raise TypeError("lines must be billing.lines.LineSpec items")
        spec.validate()
        rows.append(
            InvoiceLine(
                tenant_id=invoice.tenant_id,
                invoice=invoice,
                position=start + offset + 1,
                service=spec.service,
                description=spec.description,
                quantity=spec.quantity,
                unit=spec.unit,
                unit_price=spec.unit_price,
                amount=spec.amount,
                taxable=spec.taxable,
                source_kind=spec.source_kind,
                source_id=spec.source_id,
            )
        )
    InvoiceLine.objects.bulk_create(rows)


def draft_invoice(
    tenant: Any,
    *,
    lines: list[LineSpec],
    by: Any,
    buyer_organization: Any = None,
    buyer_name: str = "",
    buyer_ubn: str | None = None,
    invoice_address: str | None = None,
    case: Any = None,
    replaces: Invoice | None = None,
) -> Invoice:
    """Draft an invoice of ``lines`` (may be empty: lines can be added to a draft) for a buyer; return it.

    The buyer is ``buyer_organization`` (a ``platform_site.Organization``, default: ``case.applicant_org``);
    ``buyer_name`` / ``buyer_ubn`` / ``invoice_address`` default to the organisation's name, 統一編號 and
    address. Totals: Σ amounts, tax 5% once on the taxable sum (half up). Logs ``created`` and
    ``money_changed``. Raises ``PermissionDenied`` unless ``by`` is finance, ``ValidationError`` for a missing
    buyer name, an invalid 統一編號 (2023 rule) or a bad / free-service line.
    """
    _require_finance(by, tenant)
    org = buyer_organization if buyer_organization is not None else getattr(case, "applicant_org", None)
    name = (buyer_name or getattr(org, "name", "")).strip()
    ubn = (buyer_ubn if buyer_ubn is not None else getattr(org, "ubn", "")).strip()
    address = (invoice_address if invoice_address is not None else getattr(org, "address", "")).strip()
    if not name:
        raise ValidationError(_("Enter the buyer's name."), code="buyer_missing")
    validate_ubn(ubn)
    with transaction.atomic():
        invoice = Invoice.objects.create(
            case=case,
            buyer_organization=org,
            buyer_name=name[:200],
            buyer_ubn=ubn,
            invoice_address=address[:300],
            replaces=replaces,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        _add_lines(invoice, lines)
        data = {"lines": len(lines)}
        if replaces is not None:
            data["replaces"] = replaces.number
        log_event(invoice, ActivityAction.CREATED, by, data=data)
        _recompute(invoice, by)
    return invoice


def update_draft(invoice: Invoice, by: Any, data: Mapping[str, Any]) -> Invoice:
    """Change the buyer fields of a draft (``EDITABLE_FIELDS``); 409 (``invoice_immutable``) once issued."""
    _require_finance(by, invoice)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _refuse_unless_draft(locked)
        changes = {}
        for name in EDITABLE_FIELDS:
            if name in data and getattr(locked, name) != data[name]:
                changes[name] = {"before": getattr(locked, name), "after": data[name]}
                setattr(locked, name, data[name])
        if "buyer_ubn" in changes:
            validate_ubn(locked.buyer_ubn)
        if changes:
            locked.save()
            log_event(locked, ActivityAction.EDITED, by, data={"changes": changes})
    return locked


def add_line(invoice: Invoice, spec: LineSpec, by: Any) -> InvoiceLine:
    """Append ``spec`` to a draft and recompute the totals; 409 once issued."""
    _require_finance(by, invoice)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _refuse_unless_draft(locked)
        _add_lines(locked, [spec])
        _recompute(locked, by)
    return locked.lines.order_by("-position", "-pk").first()


def remove_line(invoice: Invoice, line_id: int, by: Any) -> None:
    """Delete line ``line_id`` of a draft and recompute; 409 once issued; ValueError for a foreign line."""
    _require_finance(by, invoice)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _refuse_unless_draft(locked)
        line = locked.lines.filter(pk=line_id).first()
        if line is None:
            raise ValueError("no such line on this invoice")
        line.delete()
        _recompute(locked, by)


def issue_invoice(invoice: Invoice, by: Any, *, on: date | None = None) -> ActivityLog:
    """Issue a draft: draw its number (:func:`billing.services.numbering.draw_number`), set the issue date
    (``on``, default today in Asia/Taipei) and the due date (+ ``tenant.config.billing_payment_days``), and
    queue the PDF (:func:`billing.tasks.render_invoice_pdf`, once, on commit). One transaction: a refusal
    gives the number back. Raises ``TransitionRefused`` (not a draft, no lines, negative total, company
    without 統一編號, numbers exhausted) or ``PermissionDenied``."""
    from billing import tasks

    tenant = invoice.tenant
    day = on or timezone.localdate()
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.state != InvoiceState.DRAFT:
            raise state_refusal(locked, "issue")
        _require_finance(by, locked)
        drawn = draw_number(tenant, day)
        entry = run_transition(
            invoice,
            "issue",
            by,
            number=drawn.number,
            series=drawn.series,
            document_type=drawn.document_type,
            number_range=drawn.number_range,
            issued_on=day,
            due_on=day + timedelta(days=tenant.config.billing_payment_days),
        )
        enqueue_on_commit(tasks.render_invoice_pdf, tenant_id=invoice.tenant_id, invoice_id=invoice.pk)
    return entry


def record_payment(invoice: Invoice, by: Any, *, amount: int, paid_on: date, reference: str = "") -> Payment:
    """Record a payment of ``amount`` NTD (> 0, at most the outstanding amount) on an issued invoice; marks it
    paid when fully paid. Logs ``money_changed`` (``paid_amount`` before/after). Raises ``TransitionRefused``
    (code ``not_issued``) unless issued, ``ValidationError`` (``invalid_amount``, ``overpaid``)."""
    _require_finance(by, invoice)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError(_("Enter a payment of at least NT$1."), code="invalid_amount")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.state != InvoiceState.ISSUED:
            raise TransitionRefused(
                _("Payments can be recorded only on an issued, unpaid invoice."), code="not_issued", state=locked.state
            )
        outstanding = locked.total_amount - locked.paid_amount
        if amount > outstanding:
            raise ValidationError(
                _("The payment (NT$%(amount)s) is more than the outstanding NT$%(left)s."),
                code="overpaid",
                params={"amount": f"{amount:,}", "left": f"{outstanding:,}"},
            )
        payment = Payment.objects.create(
            invoice=locked, amount=amount, paid_on=paid_on, reference=reference[:100], recorded_by=by
        )
        before = locked.paid_amount
        locked.paid_amount = before + amount
        locked.save(update_fields=["paid_amount"])
        log_event(
            locked,
            ActivityAction.MONEY_CHANGED,
            by,
            data={"field": "paid_amount", "before": before, "after": locked.paid_amount, "payment": payment.pk},
        )
        if locked.paid_amount >= locked.total_amount:
            run_transition(locked, "mark_paid", by, paid_on=paid_on)
    invoice.refresh_from_db()
    return payment


def void_invoice(invoice: Invoice, by: Any, *, reason: str, reissue: bool = True) -> Invoice | None:
    """Void an issued, unpaid invoice with ``reason`` (its number stays used and visible); with ``reissue``
    draft the corrected invoice anew (same buyer and lines, ``replaces`` = the voided one) and return it.
    Raises ``TransitionRefused`` (not issued, payments recorded, no reason) or ``PermissionDenied``."""
    reason = (reason or "").strip()
    with transaction.atomic():
        run_transition(invoice, "void", by, comment=reason, changes={"void_reason": reason}, at=timezone.now())
        if not reissue:
            return None
        specs = [
            LineSpec(
                line.service,
                line.description,
                line.quantity,
                line.unit,
                line.unit_price,
                line.amount,
                line.taxable,
                line.source_kind,
                line.source_id,
            )
            for line in invoice.lines.all()
        ]
        return draft_invoice(
            invoice.tenant,
            lines=specs,
            by=by,
            buyer_organization=invoice.buyer_organization,
            buyer_name=invoice.buyer_name,
            buyer_ubn=invoice.buyer_ubn,
            invoice_address=invoice.invoice_address,
            case=invoice.case,
            replaces=invoice,
        )
