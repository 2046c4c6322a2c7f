"""Results page and certificate download of a big verification request, before and after the stored report.

``python benchmarks/hwsim_report_bench.py`` (a throw-away SQLite database in a temporary folder). The request:
2 platforms × 2 workloads (ResNet-18, MobileNet v1) × 4 scenarios, quick — 22 charts, a 14-page certificate
(the run length does not change the charts or the PDF). Prints:

* ``worker build``: what the worker now spends once, after the job succeeded (charts in both languages + PDF);
* ``before: in-request …``: what the web request used to build on a first view (hwsim before issue 12: the
  charts in the user's language for the results page; charts + PDF for the certificate) — measured with the
  same functions;
* ``after: GET …``: the pages now, first and second view (they only read the stored report).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_DIR = tempfile.mkdtemp(prefix="hwsim-report-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings")
os.environ["SQLITE_PATH"] = str(Path(_DIR) / "bench.sqlite3")
os.environ["PORTAL_PRIVATE_MEDIA_ROOT"] = str(Path(_DIR) / "private")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from hwsim import reports, services  # noqa: E402
from hwsim.certificate import certificate_pdf  # noqa: E402
from hwsim.charts import all_charts  # noqa: E402
from hwsim.labels import chart_labels  # noqa: E402
from hwsim.models import PlatformPreset, VerificationJob  # noqa: E402
from platform_site.enums import Role, TenantKind  # noqa: E402
from platform_site.models import Membership, Organization, Tenant  # noqa: E402
from platform_site.tenancy import tenant_scope  # noqa: E402


def _timed(fn):  # noqa: ANN001, ANN202
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> int:
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    tenant = Tenant.objects.create(
        slug="ailab", name="AI晶片驗證實驗室", name_en="AI Lab", kind=TenantKind.VERIFICATION_LAB
    )
    user = get_user_model().objects.create_user("engineer", password="x")
    with tenant_scope(tenant):
        Membership.objects.create(tenant=tenant, user=user, role=Role.OFFICE_REVIEWER)
        org = Organization.objects.create(tenant=tenant, name="晶創科技股份有限公司")
        presets = [
            PlatformPreset.objects.create(
                tenant=tenant,
                key=f"p{i}",
                name=name,
                accelerator={"rows": 32, "cols": 32, "dataflow": "ws"},
                chiplets=chiplets,
                node_nm=7,
                chiplet_area_mm2=40.0,
                package=package,
            )
            for i, (name, chiplets, package) in enumerate(
                [("單晶片 32×32 WS 7 nm", 1, "os"), ("4 小晶片 32×32 扇出型 7 nm", 4, "fo-chip-last")]
            )
        ]
        vr = services.create_request(
            user,
            title="效能驗證",
            presets=presets,
            workloads=[{"key": "resnet18", "batch": 2}, {"key": "mobilenet_v1", "batch": 2}],
            scenarios=["SingleStream", "MultiStream", "Server", "Offline"],
            seed=1,
            quick=True,
            requester_org=org,
            submit_now=False,
        )
        job = services.submit(vr, user, enqueue=False)
        _state, run_s = _timed(lambda: services.run_job(job.pk))
        job = VerificationJob.objects.get(pk=job.pk)
        vr.refresh_from_db()
        report = reports.report_of(job)
        with translation.override("zh-hant"):
            charts, charts_s = _timed(lambda: all_charts(job.results, chart_labels()))
        _pdf, pdf_s = _timed(lambda: certificate_pdf(vr, job, charts))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    results_url = reverse("hwsim:results", kwargs={"tenant_slug": tenant.slug, "pk": vr.pk})
    pdf_url = reverse("hwsim:certificate", kwargs={"tenant_slug": tenant.slug, "pk": vr.pk})
    timings = []
    for name, url in (("results page", results_url), ("certificate download", pdf_url)):
        for view in ("first", "second"):
            response, seconds = _timed(lambda url=url: client.get(url))
            assert response.status_code == 200, (url, response.status_code)
            timings.append((f"after: GET {name} ({view} view)", seconds))
    print(f"charts: {len(charts)}, certificate: {report.certificate_size / 1e6:.2f} MB")
    rows = [
        ("worker: run + build + store (once)", run_s),
        ("  of which stored report build", report.build_seconds),
        ("before: in-request results page build", charts_s),
        ("before: in-request certificate build", charts_s + pdf_s),
        *timings,
    ]
    for name, seconds in rows:
        print(f"{name:<46} {seconds * 1e3:>10.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
