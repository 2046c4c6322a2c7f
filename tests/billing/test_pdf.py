"""The invoice PDF: rendered once when issued (Celery task via the outbox), stored, SHA-256 recorded; read back
with pypdf it holds the buyer's 統一編號, the total and the amount in capital numerals."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from pypdf import PdfReader

from billing import services
from billing.pdf import store_invoice_pdf
from platform_site.tenancy import tenant_scope
from tests.billing.factories import draft

pytestmark = pytest.mark.django_db(transaction=True)


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


def test_issuing_renders_and_stores_the_pdf_once(client, world) -> None:
    invoice = draft(world, 1000)  # 1,000 + 50 tax = 1,050 → 壹仟零伍拾元整
    with tenant_scope(world.a):
        services.issue_invoice(invoice, world.finance, on=date(2026, 1, 15))  # commits → task runs (eager)
        invoice.refresh_from_db()
        assert invoice.pdf_sha256 and invoice.pdf.name.startswith(f"tenants/{world.a.pk}/billing/invoices/")
        with invoice.pdf.open("rb") as handle:
            stored = handle.read()
        assert hashlib.sha256(stored).hexdigest() == invoice.pdf_sha256
        assert store_invoice_pdf(invoice.pk) is False  # idempotent: a second run stores nothing
        invoice.refresh_from_db()
        with invoice.pdf.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == invoice.pdf_sha256
    text = _text(stored)
    assert "04595257" in text and "南方精密金屬股份有限公司" in text
    assert "1,050" in text and "新臺幣壹仟零伍拾元整" in text
    assert "TSMP-R-2026-00001" in text and "營業稅" in text
    client.force_login(world.applicant)
    response = client.get(f"/t/tsmp/billing/invoices/{invoice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    response.close()
    assert hashlib.sha256(body).hexdigest() == invoice.pdf_sha256
    page = client.get(f"/t/tsmp/billing/invoices/{invoice.pk}/").content.decode()
    assert invoice.pdf_sha256 in page


def test_a_draft_has_no_pdf(client, world) -> None:
    invoice = draft(world, 10)
    with tenant_scope(world.a):
        assert store_invoice_pdf(invoice.pk) is False
    client.force_login(world.finance)
    assert client.get(f"/t/tsmp/billing/invoices/{invoice.pk}/pdf/").status_code == 404
