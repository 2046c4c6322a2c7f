"""The invoice PDF (統一發票 / 收據 print-out) in Traditional Chinese: rendered once when issued, stored, SHA-256 kept.

Fields a Taiwanese accountant expects (issue 11): date, number, buyer and 統一編號, invoice address, items with
quantity, unit price and amount, sales amount (銷售額), business tax (營業稅 5%), total (總計) and the total in
capital numerals (新臺幣…元整, :func:`billing.numerals.ntd_in_words`). Rendering follows
:mod:`review.minutes`: a private template engine on this app's ``templates``, WeasyPrint, every text in
"Noto Sans CJK TC" (subset-embedded with a ToUnicode map, so pypdf reads the text back). The PDF's metadata
dates are the issue date, so a re-render is the same document. :func:`store_invoice_pdf` is idempotent.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from billing.enums import DocumentType, InvoiceState
from billing.models import Invoice
from billing.numerals import ntd_in_words
from billing.services.numbering import period_label, period_of
from platform_site.activity import log_event
from platform_site.actors import SYSTEM
from platform_site.enums import ActivityAction

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TITLE_ZH = {DocumentType.UNIFORM_INVOICE: "統一發票（三聯式）", DocumentType.RECEIPT: "收據"}


@lru_cache(maxsize=1)
def template_engine() -> Any:
    from django.template import Engine

    return Engine(dirs=[str(TEMPLATES_DIR)], app_dirs=False)


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    """What ``billing/pdf/invoice.html`` sees (pre-formatted strings; zh-Hant whatever the reader's language)."""
    issued = invoice.issued_on
    lines = [
        {
            "description": line.description,
            "quantity": f"{line.quantity.normalize():f}",
            "unit": line.unit,
            "unit_price": f"{line.unit_price:,}",
            "amount": f"{line.amount:,}",
            "taxable": line.taxable,
        }
        for line in invoice.lines.all()
    ]
    period = period_label(*period_of(issued)) if issued else ""
    return {
        "tenant_name": invoice.tenant.name,
        "title": TITLE_ZH.get(invoice.document_type, "收據"),
        "is_uniform": invoice.document_type == DocumentType.UNIFORM_INVOICE,
        "period": period,
        "invoice": invoice,
        "date": issued.strftime("%Y-%m-%d") if issued else "",
        "roc_date": f"中華民國 {issued.year - 1911} 年 {issued.month} 月 {issued.day} 日" if issued else "",
        "w3c": f"{issued.isoformat()}T00:00:00+08:00" if issued else "",
        "lines": lines,
        "sales": f"{invoice.sales_amount:,}",
        "tax": f"{invoice.tax_amount:,}",
        "total": f"{invoice.total_amount:,}",
        "in_words": ntd_in_words(invoice.total_amount),
        "due": invoice.due_on.strftime("%Y-%m-%d") if invoice.due_on else "",
    }


def render_invoice_html(invoice: Invoice) -> str:
    from django.template import Context

    template = template_engine().get_template("billing/pdf/invoice.html")
    return template.render(Context(invoice_context(invoice), autoescape=True))


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint ``html`` → PDF bytes (base URL: this app's templates)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf()


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as PDF bytes (A4, one page for up to ~25 lines; ~0.3-1 s on a 2-core machine)."""
    return html_to_pdf(render_invoice_html(invoice))


def _invoice(invoice_id: int) -> Invoice | None:
    return Invoice.objects.select_related("tenant").filter(pk=invoice_id).first()


def store_invoice_pdf(invoice_id: int) -> bool:
    """Render and store the PDF of issued invoice ``invoice_id`` (current tenant scope) unless it has one; return
    whether a file was stored. Drafts get none. Rendered outside the row lock, re-checked under it, so two
    workers store one file. Logs ``document_uploaded`` with the SHA-256 (hex) and size."""
    invoice = _invoice(invoice_id)
    if invoice is None or invoice.state == InvoiceState.DRAFT or invoice.pdf_sha256:
        return False
    pdf = render_invoice_pdf(invoice)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice_id)
        if locked.pdf_sha256:
            return False
        safe = locked.number.replace("/", "-")
        locked.pdf.save(f"invoice-{safe}-{digest[:12]}.pdf", ContentFile(pdf), save=False)
        Invoice.objects.filter(pk=invoice_id).update(pdf=locked.pdf.name, pdf_sha256=digest)
        log_event(locked, ActivityAction.DOCUMENT_UPLOADED, SYSTEM, data={"sha256": digest, "bytes": len(pdf)})
    return True
