"""Bulk export of a period's issued invoices: one ZIP with every invoice PDF plus the register (CSV and XLSX).

The register columns (issue 11): number, date, buyer, 統一編號, sales amount, tax, total, state. "Issued in the
period" = ``issued_on`` within [from, to] (inclusive), whatever happened since (issued, paid or voided — a
voided number stays in the register); drafts have no number and are never exported. The task
:func:`billing.tasks.build_invoice_export` runs :func:`build_export`, which moves ``ExportJob.done`` as it goes
(the page polls it with htmx) and renders a missing PDF on the way.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from billing.enums import NUMBERED_STATES, ExportState
from billing.models import ExportJob, Invoice
from platform_site.activity import log_event
from platform_site.enums import ActivityAction
from platform_site.queueing import enqueue_on_commit
from platform_site.rules import can

logger = logging.getLogger(__name__)

REGISTER_HEADER = ["number", "date", "buyer", "ubn", "sales_amount", "tax", "total", "state"]
#: Progress is written every this many invoices (and at the end).
PROGRESS_EVERY = 10


def period_invoices(start: date, end: date) -> Any:
    """The current tenant's invoices issued in [start, end], by number."""
    return Invoice.objects.filter(state__in=sorted(NUMBERED_STATES), issued_on__gte=start, issued_on__lte=end).order_by(
        "issued_on", "number", "pk"
    )


def register_rows(invoices: list[Invoice]) -> list[list[Any]]:
    """One row per invoice in :data:`REGISTER_HEADER` order (NTD integers, ISO dates, state codes)."""
    return [
        [
            inv.number,
            inv.issued_on.isoformat(),
            inv.buyer_name,
            inv.buyer_ubn,
            inv.sales_amount,
            inv.tax_amount,
            inv.total_amount,
            inv.state,
        ]
        for inv in invoices
    ]


def register_csv(rows: list[list[Any]]) -> bytes:
    """UTF-8 with BOM (so Excel in zh-Hant opens it right), header first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REGISTER_HEADER)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def register_xlsx(rows: list[list[Any]]) -> bytes:
    """The register as one XLSX sheet (openpyxl), header first, amounts as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "register"
    sheet.append(REGISTER_HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def start_export(tenant: Any, by: Any, *, start: date, end: date) -> ExportJob:
    """Queue a bulk export of [start, end] for finance; raises PermissionDenied / ValidationError (bad period)."""
    if not can(by, "billing.manage_invoices", tenant):
        raise PermissionDenied
    if end < start or (end - start).days > 366:
        raise ValidationError(_("Choose a period of at most one year whose end is not before its start."))
    from billing import tasks

    with transaction.atomic():
        job = ExportJob.objects.create(period_start=start, period_end=end, created_by=by)
        log_event(job, ActivityAction.CREATED, by, data={"from": start.isoformat(), "to": end.isoformat()})
        enqueue_on_commit(tasks.build_invoice_export, tenant_id=tenant.pk, job_id=job.pk)
    return job


def build_export(job_id: int) -> bool:
    """Build the ZIP of job ``job_id`` (current tenant scope); return whether it was built now. A job already
    done or failed is left alone (idempotent). A failure marks the job failed with the error text."""
    from billing.pdf import store_invoice_pdf

    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or job.state in (ExportState.DONE, ExportState.FAILED):
        return False
    invoices = list(period_invoices(job.period_start, job.period_end))
    ExportJob.objects.filter(pk=job_id).update(state=ExportState.RUNNING, total=len(invoices), done=0)
    try:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index, invoice in enumerate(invoices, start=1):
                if not invoice.pdf_sha256:
                    store_invoice_pdf(invoice.pk)
                    invoice.refresh_from_db()
                with invoice.pdf.open("rb") as handle:
                    archive.writestr(f"invoices/{invoice.number}.pdf", handle.read())
                if index % PROGRESS_EVERY == 0:
                    ExportJob.objects.filter(pk=job_id).update(done=index)
            rows = register_rows(invoices)
            archive.writestr("register.csv", register_csv(rows))
            archive.writestr("register.xlsx", register_xlsx(rows))
        name = f"invoices-{job.period_start:%Y%m%d}-{job.period_end:%Y%m%d}.zip"
        job.file.save(name, ContentFile(buffer.getvalue()), save=False)
        ExportJob.objects.filter(pk=job_id).update(file=job.file.name, done=len(invoices), state=ExportState.DONE)
    except Exception as exc:  # a failed export must show on the page, not hang "running"
        logger.exception("invoice export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(state=ExportState.FAILED, error=str(exc)[:1000])
        return False
    return True
