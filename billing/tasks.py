"""Celery tasks of billing: thin — take ids + tenant_id, re-fetch in the tenant scope, idempotent."""

from __future__ import annotations

from celery import shared_task

from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=180)
def render_invoice_pdf(*, tenant_id: int, invoice_id: int) -> bool:
    """Render and store the PDF of an issued invoice once (:func:`billing.pdf.store_invoice_pdf`); queued on
    commit by :func:`billing.services.invoices.issue_invoice`. Returns whether a file was stored."""
    from billing.pdf import store_invoice_pdf

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        return store_invoice_pdf(invoice_id)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=1800, time_limit=1900)
def build_invoice_export(*, tenant_id: int, job_id: int) -> bool:
    """Build the ZIP of a bulk export (:func:`billing.exports.build_export`); a finished job is left alone."""
    from billing.exports import build_export

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        return build_export(job_id)
