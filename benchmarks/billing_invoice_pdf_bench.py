"""Invoice PDF and bulk export figures (issue 11): ``python benchmarks/billing_invoice_pdf_bench.py``.

A throw-away SQLite database and private media folder in a temporary directory. Prints:

* ``invoice PDF``: seconds per invoice for :func:`billing.pdf.store_invoice_pdf` (context from the database,
  template, WeasyPrint with the embedded Noto Sans CJK TC subset, SHA-256, storing the file, the log row) over
  ``--pdfs`` issued invoices of 6 lines each;
* ``bare WeasyPrint``: seconds per render of the same, already rendered HTML straight through
  ``weasyprint.HTML(string=…).write_pdf()``, and the ratio portal / bare (the portal's overhead);
* ``bulk export``: seconds for :func:`billing.exports.build_export` of ``--export`` (default 500) issued
  invoices in one period — the ZIP of their stored PDFs plus the register CSV and XLSX. The PDFs exist already
  (rendered when issued, as in production); to keep the set-up short, each invoice stores a copy of a real
  rendered invoice PDF unless ``--render-all`` renders every one.

Options: ``--pdfs N`` (default 20), ``--export N`` (default 500), ``--render-all``. Never run by the tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_DIR = tempfile.mkdtemp(prefix="billing-pdf-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings")
os.environ["SQLITE_PATH"] = str(Path(_DIR) / "bench.sqlite3")
os.environ["PORTAL_PRIVATE_MEDIA_ROOT"] = str(Path(_DIR) / "private")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ["DATABASE_URL"] = ""
os.environ["REDIS_URL"] = ""
os.environ["CELERY_FILESYSTEM_BROKER_DIR"] = str(Path(_DIR) / "broker")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

from billing import exports, pdf, services  # noqa: E402
from billing.enums import BillableService  # noqa: E402
from billing.lines import LineSpec  # noqa: E402
from billing.models import ExportJob, Invoice  # noqa: E402
from platform_site.enums import Role  # noqa: E402
from platform_site.models import Membership, Organization, Tenant  # noqa: E402
from platform_site.tenancy import tenant_scope  # noqa: E402

DAY = date(2026, 1, 15)


def _lines(i: int) -> list[LineSpec]:
    from decimal import Decimal

    return [
        LineSpec(
            BillableService.NRE_PLATFORM_LABOUR, f"平台團隊人力 第{i}期 系統架構", Decimal("32.5"), "小時", 1700, 55250
        ),
        LineSpec(BillableService.NRE_PLATFORM_LABOUR, "平台團隊人力 軟體開發", Decimal("40"), "小時", 1500, 60000),
        LineSpec(BillableService.CONSUMABLES, "感測器與治具耗材（實支）", Decimal("1"), "式", 18600, 18600),
        LineSpec(BillableService.PROTOTYPING, "PCB 打樣（實支）", Decimal("2"), "批", 12000, 24000),
        LineSpec(BillableService.TRIAL_PRODUCTION, "試產 50 台", Decimal("50"), "台", 820, 41000),
        LineSpec(BillableService.MAINTENANCE_EQUIPMENT, "設備使用 AOI 檢測機", Decimal("6"), "小時", 2400, 14400),
    ]


def _issued(tenant: Tenant, finance, org: Organization, count: int) -> list[Invoice]:  # noqa: ANN001
    made = []
    for i in range(count):
        invoice = services.draft_invoice(tenant, lines=_lines(i), by=finance, buyer_organization=org)
        services.issue_invoice(invoice, finance, on=DAY)  # no worker: the queued PDF task waits in the outbox
        invoice.refresh_from_db()
        made.append(invoice)
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--export", type=int, default=500)
    parser.add_argument("--render-all", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    tenant = Tenant.objects.create(
        slug="tsmp", name="臺灣智慧系統整合製造平台推動辦公室", settings={"case_prefix": "TSMP"}
    )
    finance = get_user_model().objects.create_user("finance", password="x")
    with tenant_scope(tenant):
        Membership.objects.create(tenant=tenant, user=finance, role=Role.FINANCE)
        org = Organization.objects.create(
            tenant=tenant, name="南方精密金屬股份有限公司", ubn="04595257", address="高雄市"
        )
        sample = _issued(tenant, finance, org, args.pdfs)
        pdf.html_to_pdf(pdf.render_invoice_html(sample[0]))  # warm up fonts and WeasyPrint
        pages = [pdf.render_invoice_html(invoice) for invoice in sample]
        portal = bare = 0.0
        for invoice, html in zip(sample, pages, strict=True):  # interleaved, so machine noise hits both alike
            start = time.perf_counter()
            pdf.store_invoice_pdf(invoice.pk)
            middle = time.perf_counter()
            pdf.html_to_pdf(html)
            portal += middle - start
            bare += time.perf_counter() - middle
        portal, bare = portal / len(sample), bare / len(sample)
        print(f"invoice PDF (store_invoice_pdf)   {portal:8.3f} s per invoice  ({len(sample)} invoices, 6 lines)")
        print(f"bare WeasyPrint of the same HTML  {bare:8.3f} s per invoice  ratio portal/bare {portal / bare:5.2f}")

        more = _issued(tenant, finance, org, max(args.export - len(sample), 0))
        template = Invoice.objects.get(pk=sample[0].pk).pdf.open("rb").read()
        for invoice in more:
            if args.render_all:
                pdf.store_invoice_pdf(invoice.pk)
            else:
                invoice.pdf.save(f"invoice-{invoice.number}.pdf", ContentFile(template), save=False)
                Invoice.objects.filter(pk=invoice.pk).update(pdf=invoice.pdf.name, pdf_sha256="copy")
        job = ExportJob.objects.create(period_start=DAY, period_end=DAY)
        start = time.perf_counter()
        exports.build_export(job.pk)
        seconds = time.perf_counter() - start
        job.refresh_from_db()
        size = job.file.size
        print(
            f"bulk export of {job.total} invoices      {seconds:8.2f} s  (ZIP {size / 1e6:.1f} MB, state {job.state})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
