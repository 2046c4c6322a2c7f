"""Billing pages for invoices (thin views): list, manual draft, detail with its actions, PDF, ranges, exports.

Visibility (issue 11): finance and office staff see all of the tenant's invoices; an applicant only its own
organisation's issued ones; everyone else gets 404. Writes are finance's (403 otherwise); a refused action
re-renders the page with its message and HTTP 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from billing import exports, queries, services
from billing.enums import InvoiceState
from billing.forms import DraftForm, ExportForm, HeaderForm, LineForm, PaymentForm, RangeForm, VoidForm
from billing.models import Invoice
from billing.services import numbering
from platform_site.activity import history
from platform_site.pagination import paginate
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.transitions import TransitionRefused
from platform_site.views import tenant_member_required


def _finance_or_404(request: HttpRequest) -> None:
    if not can(request.user, "billing.manage_invoices", request.tenant):
        raise Http404


@tenant_member_required
def invoice_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The invoices the user may see, newest first, filterable by state (bounded queries whatever the count)."""
    if not can(request.user, "billing.view_invoice_list", request.tenant):
        raise Http404
    state = request.GET.get("state", "")
    page = paginate(request, queries.invoice_list(request.user, request.tenant, state=state))
    context = {
        "page": page,
        "state": state,
        "states": InvoiceState.choices,
        "can_manage": can(request.user, "billing.manage_invoices", request.tenant),
    }
    return render(request, "billing/invoice_list.html", context)


@tenant_member_required
def invoice_create(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """Finance drafts an invoice by hand: buyer and first line (statements draft theirs from their lines)."""
    _finance_or_404(request)
    form = DraftForm(request.POST or None)
    line_form = LineForm(request.POST or None, prefix="line")
    if request.method == "POST" and form.is_valid() and line_form.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.draft_invoice(
                request.tenant,
                lines=[line_form.spec()],
                by=request.user,
                buyer_organization=data["buyer_organization"],
                buyer_name=data["buyer_name"],
                buyer_ubn=data["buyer_ubn"] or None,
                invoice_address=data["invoice_address"] or None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("billing:invoice", tenant_slug=tenant_slug, pk=invoice.pk)
    return render(request, "billing/invoice_form.html", {"form": form, "line_form": line_form})


def _detail(
    request: HttpRequest, invoice: Invoice, *, status: int = 200, error: str = "", **forms: Any
) -> HttpResponse:
    manage = can(request.user, "billing.manage_invoices", invoice)
    editable = manage and invoice.state == InvoiceState.DRAFT
    context = {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "payments": list(invoice.payments.select_related("recorded_by")),
        "replacements": list(invoice.replacements.all()),
        "history": history(invoice),
        "manage": manage,
        "editable": editable,
        "error": error,
        "header_form": forms.get("header_form") or HeaderForm(initial=_header(invoice)),
        "line_form": forms.get("line_form") or LineForm(prefix="line"),
        "payment_form": forms.get("payment_form") or PaymentForm(initial={"amount": invoice.outstanding or None}),
        "void_form": forms.get("void_form") or VoidForm(),
    }
    return render(request, "billing/invoice_detail.html", context, status=status)


def _header(invoice: Invoice) -> dict[str, Any]:
    return {name: getattr(invoice, name) for name in services.invoices.EDITABLE_FIELDS}


@tenant_member_required
def invoice_detail(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    return _detail(request, queries.get_invoice_for_user(request.user, request.tenant, pk))


def _write(request: HttpRequest, pk: Any) -> Invoice:
    invoice = queries.get_invoice_for_user(request.user, request.tenant, pk)
    if not can(request.user, "billing.manage_invoices", invoice):
        raise PermissionDenied
    return invoice


@tenant_member_required
@require_POST
def invoice_edit(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    """Change a draft's buyer fields; 409 once issued."""
    invoice = _write(request, pk)
    form = HeaderForm(request.POST)
    if not form.is_valid():
        return _detail(request, invoice, status=400, header_form=form)
    try:
        services.update_draft(invoice, request.user, form.cleaned_data)
    except TransitionRefused as exc:
        return _detail(request, invoice, status=409, error=exc.message)
    return redirect("billing:invoice", tenant_slug=tenant_slug, pk=pk)


@tenant_member_required
@require_POST
def line_add(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    invoice = _write(request, pk)
    form = LineForm(request.POST, prefix="line")
    if not form.is_valid():
        return _detail(request, invoice, status=400, line_form=form)
    try:
        services.add_line(invoice, form.spec(), request.user)
    except TransitionRefused as exc:
        return _detail(request, invoice, status=409, error=exc.message)
    return redirect("billing:invoice", tenant_slug=tenant_slug, pk=pk)


@tenant_member_required
@require_POST
def line_remove(request: HttpRequest, tenant_slug: str, pk: Any, line_pk: int) -> HttpResponse:
    invoice = _write(request, pk)
    try:
        services.remove_line(invoice, line_pk, request.user)
    except ValueError as exc:
        raise Http404 from exc
    except TransitionRefused as exc:
        return _detail(request, invoice, status=409, error=exc.message)
    return redirect("billing:invoice", tenant_slug=tenant_slug, pk=pk)


@tenant_member_required
@require_POST
def invoice_issue(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    invoice = _write(request, pk)
    try:
        services.issue_invoice(invoice, request.user)
    except TransitionRefused as exc:
        return _detail(request, invoice, status=409, error=exc.message)
    return redirect("billing:invoice", tenant_slug=tenant_slug, pk=pk)


@tenant_member_required
@require_POST
def invoice_void(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    invoice = _write(request, pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        return _detail(request, invoice, status=400, void_form=form)
    try:
        corrected = services.void_invoice(
            invoice, request.user, reason=form.cleaned_data["reason"], reissue=form.cleaned_data["reissue"]
        )
    except TransitionRefused as exc:
        return _detail(request, invoice, status=409, error=exc.message, void_form=form)
    target = corrected.pk if corrected is not None else pk
    return redirect("billing:invoice", tenant_slug=tenant_slug, pk=target)


@tenant_member_required
@require_POST
def payment_add(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    invoice = _write(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_payment(
                invoice, request.user, amount=data["amount"], paid_on=data["paid_on"], reference=data["reference"]
            )
        except TransitionRefused as exc:
            return _detail(request, invoice, status=409, error=exc.message)
        except ValidationError as exc:
            form.add_error("amount", exc)
        else:
            return redirect("billing:invoice", tenant_slug=tenant_slug, pk=pk)
    return _detail(request, invoice, status=400, payment_form=form)


@tenant_member_required
def invoice_pdf(request: HttpRequest, tenant_slug: str, pk: Any) -> FileResponse:
    """The stored PDF (rendered once when issued); 404 until it exists."""
    invoice = queries.get_invoice_for_user(request.user, request.tenant, pk)
    if not invoice.pdf:
        raise Http404
    name = f"invoice-{invoice.number}.pdf"
    return FileResponse(invoice.pdf.open("rb"), content_type="application/pdf", filename=name)


@tenant_member_required
def range_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The 統一發票 字軌 ranges per two-month period with their unused numbers; finance enters new ones."""
    _finance_or_404(request)
    form = RangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                numbering.add_range(request.tenant, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("billing:ranges", tenant_slug=tenant_slug)
        status = 400
    context = {
        "form": form,
        "periods": numbering.ranges_by_period(request.tenant),
        "document_type": request.tenant.config.billing_document_type,
    }
    return render(request, "billing/ranges.html", context, status=status)


@tenant_member_required
def export_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """Bulk exports (ZIP of a period's invoice PDFs + register CSV/XLSX); finance starts one."""
    _finance_or_404(request)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = exports.start_export(
                request.tenant, request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("billing:export", tenant_slug=tenant_slug, pk=job.pk)
    jobs = paginate(request, queries.export_jobs(request.tenant))
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/export_list.html", {"form": form, "page": jobs}, status=status)


@tenant_member_required
def export_detail(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    """An export's progress bar (the htmx request gets only the bar, polled every second until finished)."""
    _finance_or_404(request)
    job = get_for_tenant_or_404(queries.export_jobs(request.tenant), pk=pk)
    template = "billing/_export_status.html" if request.headers.get("HX-Request") else "billing/export_detail.html"
    return render(request, template, {"job": job})


@tenant_member_required
def export_download(request: HttpRequest, tenant_slug: str, pk: Any) -> FileResponse:
    _finance_or_404(request)
    job = get_for_tenant_or_404(queries.export_jobs(request.tenant), pk=pk)
    if not job.file:
        raise Http404
    name = f"invoices-{job.period_start:%Y%m%d}-{job.period_end:%Y%m%d}.zip"
    return FileResponse(job.file.open("rb"), content_type="application/zip", filename=name, as_attachment=True)
