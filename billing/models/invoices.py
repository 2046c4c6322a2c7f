"""Invoices (發票 / 收據), their lines and payments, the 統一發票 字軌 number ranges, bulk exports.

Issue 11; seed 000_9617a3b789ca4d20.txt (收費規範) for what is billed. An invoice is drafted from
:class:`billing.lines.LineSpec` items, then ``draft → issued → paid`` (payments recorded, partial allowed) or
``issued → voided`` (with a reason; a corrected invoice is drafted anew and linked through ``replaces``).
The number is assigned when issued (gapless per tenant and series, never reused). From ``issued`` on the
content of an invoice and its lines is immutable: :meth:`Invoice.save` and :meth:`InvoiceLine.save` refuse,
and on PostgreSQL a trigger does too (migration ``billing_invoice_immutable``). Money is integer NTD.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from billing.enums import BillableService, DocumentType, ExportState, InvoiceState
from platform_site.enums import OrganizationKind
from platform_site.tenancy import TenantOwnedModel
from platform_site.validators import validate_ubn
from platform_site.workflow import StateMachineMixin, condition, rule_permission

__all__ = ["ExportJob", "Invoice", "InvoiceImmutable", "InvoiceLine", "InvoiceNumberRange", "Payment"]

S = InvoiceState
FINANCE = rule_permission("billing.invoice_transition")

#: Columns of an invoice that never change once it left ``draft`` (the PG trigger lists the same).
CONTENT_FIELDS = (
    "buyer_organization_id",
    "buyer_name",
    "buyer_ubn",
    "invoice_address",
    "case_id",
    "document_type",
    "series",
    "number",
    "number_range_id",
    "issued_on",
    "due_on",
    "sales_amount",
    "taxable_amount",
    "tax_amount",
    "total_amount",
    "replaces_id",
)


class InvoiceImmutable(ValidationError):
    """Raised when code tries to change an issued invoice's content or lines (HTML/API answer 409)."""

    def __init__(self) -> None:
        super().__init__(
            _("An issued invoice cannot be changed. Void it and issue a corrected invoice."), code="invoice_immutable"
        )


def _pdf_path(invoice: Invoice, filename: str) -> str:
    return f"tenants/{invoice.tenant_id}/billing/invoices/{invoice.pk}/{filename}"


def _export_path(job: ExportJob, filename: str) -> str:
    return f"tenants/{job.tenant_id}/billing/exports/{job.pk}/{filename}"


class InvoiceNumberRange(TenantOwnedModel):
    """A 統一發票 字軌 range allotted for one two-month period, e.g. AB12345678–AB12345727 for 2026-01/02.

    ``period`` is 1-6 (1 = January-February … 6 = November-December) of ``year`` (Gregorian). Numbers are
    drawn in order: ``next_number`` is the next one to use (``end_number + 1`` = exhausted).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    period = models.PositiveSmallIntegerField(_("two-month period"))
    track = models.CharField(_("track (字軌)"), max_length=2)
    start_number = models.PositiveIntegerField(_("first number"))
    end_number = models.PositiveIntegerField(_("last number"))
    next_number = models.PositiveIntegerField(_("next number"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-period", "track", "start_number"]
        verbose_name = _("uniform invoice number range")
        constraints = [
            models.CheckConstraint(condition=models.Q(period__gte=1, period__lte=6), name="invoice_range_period"),
            models.CheckConstraint(
                condition=models.Q(end_number__gte=models.F("start_number")), name="invoice_range_order"
            ),
            models.CheckConstraint(
                condition=models.Q(next_number__gte=models.F("start_number"))
                & models.Q(next_number__lte=models.F("end_number") + 1),
                name="invoice_range_next_inside",
            ),
            models.UniqueConstraint(
                fields=["tenant", "year", "period", "track", "start_number"], name="invoice_range_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "year", "period", "track", "start_number"], name="invoice_range_draw_idx")
        ]

    def __str__(self) -> str:
        return f"{self.track}{self.start_number:08d}–{self.track}{self.end_number:08d}"

    @property
    def size(self) -> int:
        return self.end_number - self.start_number + 1

    @property
    def used(self) -> int:
        return self.next_number - self.start_number

    @property
    def remaining(self) -> int:
        return self.end_number + 1 - self.next_number

    def unused_numbers(self) -> list[str]:
        """The numbers not drawn yet, in order, e.g. ``["AB12345700", …]``."""
        return [f"{self.track}{n:08d}" for n in range(self.next_number, self.end_number + 1)]


class Invoice(StateMachineMixin, TenantOwnedModel):
    """An invoice (統一發票 or 收據) to one buyer; totals in integer NTD, computed from the lines.

    ``sales_amount``: Σ line amounts (tax-exclusive); ``taxable_amount``: Σ of the taxable lines;
    ``tax_amount``: 5% of ``taxable_amount`` half up to whole NTD (:func:`billing.tax.business_tax`);
    ``total_amount`` = sales + tax (tax-inclusive). ``paid_amount``: Σ payments.
    """

    case = models.ForeignKey("cases.DemandCase", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    buyer_organization = models.ForeignKey(
        "platform_site.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_ubn = models.CharField(
        _("buyer's unified business number (統一編號)"), max_length=8, blank=True, validators=[validate_ubn]
    )
    invoice_address = models.CharField(_("invoice address"), max_length=300, blank=True)
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices, blank=True)
    series = models.CharField(_("series"), max_length=20, blank=True)
    number = models.CharField(_("number"), max_length=32, blank=True)
    number_range = models.ForeignKey(
        InvoiceNumberRange, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    sales_amount = models.BigIntegerField(_("sales amount (NTD)"), default=0)
    taxable_amount = models.BigIntegerField(_("taxable amount (NTD)"), default=0)
    tax_amount = models.BigIntegerField(_("business tax (NTD)"), default=0)
    total_amount = models.BigIntegerField(_("total (NTD)"), default=0)
    paid_amount = models.BigIntegerField(_("paid (NTD)"), default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    state = FSMField(_("status"), default=S.DRAFT, choices=S.choices, protected=True)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replacements", verbose_name=_("corrects")
    )
    pdf = models.FileField(upload_to=_pdf_path, max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invoice")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], condition=~models.Q(number=""), name="invoice_number"),
            models.CheckConstraint(condition=models.Q(paid_amount__gte=0), name="invoice_paid_nonnegative"),
        ]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="invoice_list_idx"),
            models.Index(fields=["tenant", "issued_on"], name="invoice_issued_idx"),
            models.Index(fields=["tenant", "buyer_organization", "state"], name="invoice_buyer_idx"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft invoice %(pk)s") % {"pk": self.pk})

    # ---- immutability ------------------------------------------------------------------------------------------
    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; raises :class:`InvoiceImmutable` when the stored row left ``draft`` and content changed."""
        if self.pk is not None and not self._state.adding:
            stored = type(self)._base_manager.filter(pk=self.pk).values("state", *CONTENT_FIELDS).first()
            if stored is not None and stored["state"] != S.DRAFT:
                if any(stored[name] != getattr(self, name) for name in CONTENT_FIELDS):
                    raise InvoiceImmutable()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.state != S.DRAFT:
            raise InvoiceImmutable()
        return super().delete(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.state == S.DRAFT

    @property
    def outstanding(self) -> int:
        """NTD still to pay (0 unless issued)."""
        return max(self.total_amount - self.paid_amount, 0) if self.state == S.ISSUED else 0

    # ---- state machine ----------------------------------------------------------------------------------------
    @condition(message=_("Add at least one line before you issue the invoice."), code="no_lines")
    def has_lines(self) -> bool:
        return self.lines.exists()

    @condition(message=_("The total of an invoice cannot be negative."), code="negative_total")
    def has_nonnegative_total(self) -> bool:
        return self.total_amount >= 0

    @condition(message=_("Enter the buyer's unified business number (統一編號) for a company."), code="ubn_missing")
    def has_company_ubn(self) -> bool:
        org = self.buyer_organization
        return bool(self.buyer_ubn) or org is None or org.kind != OrganizationKind.COMPANY

    @transition(
        field=state,
        source=S.DRAFT,
        target=S.ISSUED,
        conditions=[has_lines, has_nonnegative_total, has_company_ubn],
        permission=FINANCE,
        custom={"label": _("Issue"), "refused": _("Only a draft invoice can be issued.")},
    )
    def issue(self, *, by: Any, comment: str = "", number: str, series: str, document_type: str, **fields: Any) -> None:
        """Give the invoice its number (drawn by :func:`billing.services.numbering.draw_number`) and dates."""
        self.number, self.series, self.document_type = number, series, document_type
        for name, value in fields.items():
            setattr(self, name, value)

    @condition(message=_("The invoice is not fully paid yet."), code="not_fully_paid")
    def is_fully_paid(self) -> bool:
        return self.paid_amount >= self.total_amount

    @transition(
        field=state,
        source=S.ISSUED,
        target=S.PAID,
        conditions=[is_fully_paid],
        permission=FINANCE,
        custom={"label": _("Mark paid")},
    )
    def mark_paid(self, *, by: Any, comment: str = "", paid_on: Any) -> None:
        self.paid_on = paid_on

    @condition(message=_("Payments were recorded on this invoice: it cannot be voided."), code="has_payments")
    def has_no_payments(self) -> bool:
        return self.paid_amount == 0

    @condition(message=_("Give the reason for voiding."), code="reason_missing")
    def has_void_reason(self) -> bool:
        return bool(self.void_reason.strip())

    @transition(
        field=state,
        source=S.ISSUED,
        target=S.VOIDED,
        conditions=[has_no_payments, has_void_reason],
        permission=FINANCE,
        custom={"label": _("Void"), "refused": _("Only an issued, unpaid invoice can be voided.")},
    )
    def void(self, *, by: Any, comment: str = "", at: Any) -> None:
        self.voided_at = at


class InvoiceLine(TenantOwnedModel):
    """One line of an invoice, copied from a :class:`billing.lines.LineSpec` (NTD integers, quantity Decimal)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    service = models.CharField(_("service"), max_length=32, choices=BillableService.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.BigIntegerField(_("unit price (NTD)"))
    amount = models.BigIntegerField(_("amount (NTD)"))
    taxable = models.BooleanField(_("taxable"), default=True)
    source_kind = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("invoice line")
        indexes = [models.Index(fields=["tenant", "invoice", "position"], name="invoice_line_idx")]

    def _check_editable(self) -> None:
        state = Invoice._base_manager.filter(pk=self.invoice_id).values_list("state", flat=True).first()
        if state is not None and state != S.DRAFT:
            raise InvoiceImmutable()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._check_editable()
        return super().delete(*args, **kwargs)


class Payment(TenantOwnedModel):
    """A payment received on an issued invoice (NTD > 0); partial payments add up to ``Invoice.paid_amount``."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField(_("amount (NTD)"))
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("payment")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="invoice_payment_positive")]


class ExportJob(TenantOwnedModel):
    """A bulk export of one period's issued invoices: a ZIP of their PDFs plus the register as CSV and XLSX."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    state = models.CharField(max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=_export_path, max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invoice export")

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED)
