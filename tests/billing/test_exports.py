"""Bulk export: the ZIP holds exactly the period's issued invoices (PDFs + register CSV/XLSX), tenant only."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from billing import services
from billing.exports import build_export, start_export
from billing.models import ExportJob
from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from tests.billing.factories import draft, issued
from tests.factories import persona

pytestmark = pytest.mark.django_db


def test_the_zip_holds_exactly_the_periods_invoices(client, world, django_capture_on_commit_callbacks) -> None:
    first = issued(world, 1000, on=date(2026, 1, 5))
    second = issued(world, 210, on=date(2026, 1, 31), org=world.org_a2)
    voided = issued(world, 300, on=date(2026, 1, 20))
    with tenant_scope(world.a):
        services.void_invoice(voided, world.finance, reason="Duplicate", reissue=False)
    issued(world, 400, on=date(2026, 2, 1))  # outside the period
    issued(world, 400, on=date(2025, 12, 31))  # outside the period
    draft(world, 500)  # never exported
    b_finance = persona(world.b, Role.FINANCE)
    issued(world, 600, on=date(2026, 1, 10), tenant=world.b, org=world.org_b, by=b_finance)
    client.force_login(world.finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/t/tsmp/billing/exports/", {"start": "2026-01-01", "end": "2026-01-31"})
    assert response.status_code == 302
    with tenant_scope(world.a):
        job = ExportJob.objects.get()
    assert (job.state, job.total, job.done, job.percent) == ("done", 3, 3, 100)
    status = client.get(f"/t/tsmp/billing/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="done"' in status and "hx-trigger" not in status
    download = client.get(f"/t/tsmp/billing/exports/{job.pk}/download/")
    data = b"".join(download.streaming_content)
    download.close()
    archive = zipfile.ZipFile(io.BytesIO(data))
    expected = sorted([first.number, second.number, voided.number])
    pdfs = sorted(name for name in archive.namelist() if name.startswith("invoices/"))
    assert pdfs == [f"invoices/{n}.pdf" for n in expected]
    assert all(archive.read(name).startswith(b"%PDF") for name in pdfs)
    rows = list(csv.reader(io.StringIO(archive.read("register.csv").decode("utf-8-sig"))))
    assert rows[0] == ["number", "date", "buyer", "ubn", "sales_amount", "tax", "total", "state"]
    by_number = {row[0]: row for row in rows[1:]}
    assert sorted(by_number) == expected
    assert by_number[second.number] == [
        second.number,
        "2026-01-31",
        "織采紡織股份有限公司",
        "22099131",
        "210",
        "11",
        "221",
        "issued",
    ]
    assert by_number[voided.number][-1] == "voided"
    sheet = load_workbook(io.BytesIO(archive.read("register.xlsx"))).active
    values = list(sheet.values)
    assert values[0][0] == "number" and sorted(v[0] for v in values[1:]) == expected
    assert {v[0]: v[6] for v in values[1:]}[first.number] == 1050


def test_an_export_job_runs_once_and_only_finance_starts_it(world, django_capture_on_commit_callbacks) -> None:
    from django.core.exceptions import PermissionDenied

    with tenant_scope(world.a):
        with pytest.raises(PermissionDenied):
            start_export(world.a, world.reviewer, start=date(2026, 1, 1), end=date(2026, 1, 31))
        with django_capture_on_commit_callbacks(execute=True):
            job = start_export(world.a, world.finance, start=date(2026, 1, 1), end=date(2026, 1, 31))
        job.refresh_from_db()
        assert job.state == "done" and job.total == 0
        assert build_export(job.pk) is False  # a finished job is left alone


def test_a_pending_export_page_polls(client, world) -> None:
    with tenant_scope(world.a):
        job = ExportJob.objects.create(period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), total=4, done=1)
    client.force_login(world.finance)
    page = client.get(f"/t/tsmp/billing/exports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "25%" in page
