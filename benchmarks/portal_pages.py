"""Portal list pages at scale, one command: ``python benchmarks/portal_pages.py --tenants 20 --cases 5000``.

Creates a separate benchmark database (Django's test database of the configured one, e.g. ``test_portal``
on PostgreSQL: run it under ``scripts/with-postgres-redis.sh`` for the real figures), migrates it, loads
N tenants × M demand cases with ``bulk_create`` inside each tenant's scope (row-level security applies on
PostgreSQL), then times each page through Django's test Client — the whole middleware stack, sessions,
templates — against a bare view defined here that lists the same visible rows with a trivial template or
JSON. Prints per page: queries (on the big tenant and on a 3-case tenant: they must be equal), p50/p95 ms,
the bare view's p50 and the ratio. The database is dropped at the end (``--keep`` keeps it for the next run).

Targets (issue 6, B8) at 100,000 cases on PostgreSQL: every page ≤ 1.3× the bare view, p95 ≤ 100 ms,
constant queries. Exit status 1 when a page misses one; the unit tests never time anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings")
# Production-like settings, decided before Django reads them (settings.py derives the template engine's debug
# mode, the static-files storage and the security middleware from DJANGO_DEBUG at import): DEBUG off, the
# cached template loader (Django's default loaders), CompressedManifestStaticFilesStorage over a
# collectstatic run into a temporary folder. TLS is the reverse proxy's job, so no HTTPS redirect here.
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "portal-pages-benchmark-only")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "portal-pages-static"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases import queries  # noqa: E402
from cases.enums import CaseState, DocumentKind, Industry  # noqa: E402
from cases.models import CaseDocument, DemandCase  # noqa: E402
from platform_site.activity import history, log_event  # noqa: E402
from platform_site.enums import ActivityAction, Role, TenantKind  # noqa: E402
from platform_site.models import Membership, Organization, Tenant  # noqa: E402
from platform_site.pagination import MAX_PAGES, PAGE_SIZE  # noqa: E402
from platform_site.tenancy import tenant_scope  # noqa: E402

#: Share of cases per state (a programme office a few years in: most cases closed or in service).
STATE_WEIGHTS = {
    CaseState.DRAFT: 10,
    CaseState.SUBMITTED: 6,
    CaseState.QUALIFICATION: 6,
    CaseState.DOCUMENTS_REQUESTED: 3,
    CaseState.REFERRED: 5,
    CaseState.REFERENCE_DESIGN: 5,
    CaseState.PRELIMINARY_REVIEW: 5,
    CaseState.FINAL_REVIEW: 5,
    CaseState.IN_SERVICE: 15,
    CaseState.CLOSED: 35,
    CaseState.WITHDRAWN: 5,
}
ORGS_PER_TENANT = 40
API_PAGE_SIZE = settings.REST_FRAMEWORK["PAGE_SIZE"]

# ---- the bare views: the same visible query (cases.queries), a trivial template / JSON ----------------------
BARE_ROWS = engines["django"].from_string(
    "<table>{% for c in rows %}<tr><td>{{ c.reference }}</td><td>{{ c.title }}</td><td>{{ c.applicant_org.name }}</td>"
    "<td>{{ c.state }}</td></tr>{% endfor %}</table>"
)


def _bare_page(rows: Any) -> HttpResponse:
    return HttpResponse(BARE_ROWS.render({"rows": rows}))


def bare_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    start = (int(request.GET.get("page", "1")) - 1) * PAGE_SIZE
    visible = queries.case_list(request.user, request.tenant)
    if start and "--plain-offset" not in sys.argv:  # the rows by id, as CappedPaginator.page fetches them
        return _bare_page(visible.filter(pk__in=visible.values("pk")[start : start + PAGE_SIZE]))
    return _bare_page(visible[start : start + PAGE_SIZE])


def bare_queue(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    return _bare_page(queries.review_queue(request.user, request.tenant)[:PAGE_SIZE])


BARE_DETAIL = engines["django"].from_string(
    "<h1>{{ case.reference }} {{ case.title }}</h1><p>{{ case.applicant_org.name }} {{ case.state }}</p>"
    "<p>{{ analysis.summary }} {{ analysis.analysed_by.username }}</p>"
    "<ul>{% for d in documents %}<li>{{ d.original_name }}</li>{% endfor %}</ul>"
    "<ol>{% for e in history %}<li>{{ e.at }} {{ e.action }} {{ e.actor.username }}</li>{% endfor %}</ol>"
)


def bare_detail(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """The rows the detail page shows — the case with its organisation and needs analysis, its documents, its
    history — read by the same queries, in a trivial template."""
    case = queries.get_case_for_user(request.user, request.tenant, pk, with_analysis=True)
    return HttpResponse(
        BARE_DETAIL.render(
            {
                "case": case,
                "analysis": queries.needs_analysis_of(case),
                "documents": queries.case_documents(case),
                "history": history(case),
            }
        )
    )


def bare_api_list(request: HttpRequest, tenant_slug: str) -> JsonResponse:
    rows = queries.api_case_list(request.user, request.tenant)[:API_PAGE_SIZE]
    return JsonResponse(  # the fields of the list endpoint (cases.serializers.DemandCaseListSerializer)
        {
            "results": [
                {
                    "id": c.pk,
                    "reference": c.reference,
                    "state": c.state,
                    "closure_reason": c.closure_reason,
                    "applicant_org": c.applicant_org.name,
                    "title": c.title,
                    "submitted_at": c.submitted_at,
                    "qualification_due": c.qualification_due,
                    "qualification_days_left": c.qualification_days_left(),
                    "created_at": c.created_at,
                }
                for c in rows
            ]
        }
    )


def install_urls() -> None:
    """The project's URLs plus the bare views under /bench/t/<slug>/…."""
    module = types.ModuleType("portal_pages_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/t/<slug:tenant_slug>/list/", bare_list, name="bare_list"),
        path("bench/t/<slug:tenant_slug>/queue/", bare_queue, name="bare_queue"),
        path("bench/t/<slug:tenant_slug>/detail/<int:pk>/", bare_detail, name="bare_detail"),
        path("bench/t/<slug:tenant_slug>/api/", bare_api_list, name="bare_api"),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


# ---- data ------------------------------------------------------------------------------------------------
def _user(username: str) -> Any:
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": username, "email": f"{username}@example.tw"}
    )
    return user


def load_tenant(slug: str, index: int, n_cases: int, rng: random.Random, cycle: tuple[str, ...] = ()) -> Tenant:
    """One programme office: organisations, a reviewer and an applicant, ``n_cases`` cases (states drawn by
    :data:`STATE_WEIGHTS`, or taken in turn from ``cycle``), two documents on the newest case."""
    tenant = Tenant.objects.create(
        slug=slug,
        name=f"推動辦公室 {index}",
        kind=TenantKind.PLATFORM_OFFICE,
        settings={"case_prefix": f"B{index:02d}"},
    )
    reviewer, applicant = _user(f"reviewer-{slug}"), _user(f"applicant-{slug}")
    with tenant_scope(tenant):
        orgs = Organization.objects.bulk_create(
            Organization(tenant=tenant, name=f"測試科技股份有限公司 {index}-{n}") for n in range(ORGS_PER_TENANT)
        )
        Membership.objects.create(user=reviewer, tenant=tenant, role=Role.OFFICE_REVIEWER)
        Membership.objects.create(user=applicant, tenant=tenant, role=Role.APPLICANT, organization=orgs[0])
        states, weights = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
        today, now = timezone.localdate(), timezone.now()
        batch: list[DemandCase] = []
        for n in range(n_cases):
            state = cycle[n % len(cycle)] if cycle else rng.choices(states, weights)[0]
            submitted = state != CaseState.DRAFT
            batch.append(
                DemandCase(
                    tenant=tenant,
                    applicant_org=orgs[n % ORGS_PER_TENANT],
                    created_by=applicant,
                    state=state,
                    reference=f"B{index:02d}-{n + 1:06d}" if submitted else "",
                    title=f"智慧製造需求 {index}-{n}",
                    industry=rng.choice(Industry.values),
                    application_field="瑕疵檢測",
                    problem_statement="…",
                    smart_system_need="…",
                    customisations=["software"],
                    contact_name="王小明",
                    contact_email="a@example.tw",
                    submitted_at=now - dt.timedelta(days=rng.randint(0, 700)) if submitted else None,
                    qualification_due=today + dt.timedelta(days=rng.randint(-5, 10))
                    if state in (CaseState.SUBMITTED, CaseState.QUALIFICATION)
                    else None,
                    qualification_days_remaining=rng.randint(1, 5) if state == CaseState.DOCUMENTS_REQUESTED else None,
                )
            )
            if len(batch) == 2000:
                DemandCase.objects.bulk_create(batch)
                batch = []
        DemandCase.objects.bulk_create(batch)
        # The detail page's case (the newest): under qualification review — the reviewer sees the decision
        # form and the actions — with two documents and a history of six entries of four kinds.
        newest = DemandCase.objects.order_by("-pk")[:1]
        DemandCase.objects.filter(pk__in=newest.values("pk")).update(  # the state field is protected
            state=CaseState.QUALIFICATION,
            reference=f"B{index:02d}-{n_cases:06d}",
            submitted_at=now - dt.timedelta(days=2),
            qualification_due=today + dt.timedelta(days=3),
        )
        case = newest.get()
        CaseDocument.objects.bulk_create(
            CaseDocument(
                tenant=tenant,
                case=case,
                kind=kind,
                file=f"tenant-{tenant.pk}/cases/{case.pk}/{kind}.pdf",
                original_name=f"{kind}.pdf",
                content_type="application/pdf",
                size=1234,
                uploaded_by=applicant,
            )
            for kind in (DocumentKind.COMPANY_REGISTRATION, DocumentKind.NEEDS_DESCRIPTION)
        )
        log_event(case, ActivityAction.CREATED, applicant, data={"title": case.title})
        log_event(case, ActivityAction.EDITED, applicant, data={"changes": {"title": {"before": "x", "after": "y"}}})
        for kind in (DocumentKind.COMPANY_REGISTRATION, DocumentKind.NEEDS_DESCRIPTION):
            log_event(case, ActivityAction.DOCUMENT_UPLOADED, applicant, data={"kind": kind, "name": f"{kind}.pdf"})
        for action, source, target, actor in (
            ("submit", CaseState.DRAFT, CaseState.SUBMITTED, applicant),
            ("start_qualification", CaseState.SUBMITTED, CaseState.QUALIFICATION, reviewer),
        ):
            log_event(case, action, actor, field_name="state", source_state=source, target_state=target, comment="…")
    return tenant


def load(n_tenants: int, n_cases: int) -> None:
    if (
        Tenant.objects.filter(slug="bench-tiny").exists()
        and Tenant.objects.filter(slug__startswith="bench-").count() == n_tenants + 1
    ):
        with tenant_scope(Tenant.objects.get(slug="bench-00")):
            if DemandCase.objects.count() == n_cases:
                print("benchmark data already loaded (--keep)")
                return
    rng = random.Random(2026)
    started = time.perf_counter()
    for index in range(n_tenants):
        load_tenant(f"bench-{index:02d}", index, n_cases, rng)
    load_tenant("bench-tiny", 99, 3, rng, cycle=(CaseState.SUBMITTED, CaseState.DOCUMENTS_REQUESTED, CaseState.CLOSED))
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor
        ):  # what autovacuum does after a bulk load (planner statistics, visibility map)
            cursor.execute(f"VACUUM ANALYZE {DemandCase._meta.db_table}")
    print(f"loaded {n_tenants} tenants × {n_cases:,} cases in {time.perf_counter() - started:.1f} s")


# ---- measuring -------------------------------------------------------------------------------------------
def _time(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed * 1e3


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured.captured_queries)


def _cursor_url(client: Client, url: str, pages: int) -> str:
    """The API URL of page ``pages`` + 1, reached by following ``next`` (a keyset cursor)."""
    for _ in range(pages):
        url = client.get(url).json()["next"]
    return url


def pages_for(slug: str) -> tuple[list[tuple[str, str, str, str]], dict[str, Client]]:
    """``[(label, persona, url, bare url)]`` for one tenant, and a logged-in client per persona."""
    tenant = Tenant.objects.get(slug=slug)
    clients = {}
    for persona in ("reviewer", "applicant"):
        clients[persona] = Client()
        clients[persona].force_login(get_user_model().objects.get(username=f"{persona}-{slug}"))
    with tenant_scope(tenant):
        case_pk = DemandCase.objects.order_by("-pk").values_list("pk", flat=True).first()
    kw = {"tenant_slug": slug}
    api = f"/api/v1/t/{slug}/cases/"
    rows = queries_count(tenant)
    deep = min(MAX_PAGES, 1 + (rows - 1) // PAGE_SIZE)  # the deepest browsable page
    hops = min(39, (rows - 1) // API_PAGE_SIZE)  # 40th API page (following "next"), or the last one
    return [
        ("case list, page 1", "reviewer", reverse("cases:list", kwargs=kw), reverse("bare_list", kwargs=kw)),
        (
            f"case list, page {deep} (deepest)",
            "reviewer",
            reverse("cases:list", kwargs=kw) + f"?page={deep}",
            reverse("bare_list", kwargs=kw) + f"?page={deep}",
        ),
        ("case list, applicant", "applicant", reverse("cases:list", kwargs=kw), reverse("bare_list", kwargs=kw)),
        ("review queue", "reviewer", reverse("cases:queue", kwargs=kw), reverse("bare_queue", kwargs=kw)),
        (
            "case detail",
            "reviewer",
            reverse("cases:detail", kwargs={**kw, "pk": case_pk}),
            reverse("bare_detail", kwargs={**kw, "pk": case_pk}),
        ),
        ("API case list", "reviewer", api, reverse("bare_api", kwargs=kw)),
        (
            f"API case list, cursor page {hops + 1}",
            "reviewer",
            _cursor_url(clients["reviewer"], api, hops),
            reverse("bare_api", kwargs=kw),
        ),
    ], clients


def queries_count(tenant: Tenant) -> int:
    with tenant_scope(tenant):
        return DemandCase.objects.count()


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def measure(repeat: int) -> int:
    big, big_clients = pages_for("bench-00")
    tiny, tiny_clients = pages_for("bench-tiny")
    missed = 0
    print(
        f"{'page':<34} {'queries':>9} {'p50 ms':>8} {'p95 ms':>8} {'bare p50':>9} {'ratio':>6} {'min/min':>8}  verdict"
    )
    for (label, persona, url, bare_url), (_, _, tiny_url, _) in zip(big, tiny, strict=True):
        client = big_clients[persona]
        for _ in range(5):  # warm-up: template compilation, connection, caches
            _time(client, url), _time(client, bare_url)
        n_big, n_tiny = _queries(client, url), _queries(tiny_clients[persona], tiny_url)
        real, bare = [], []
        for _ in range(repeat):  # interleaved, so drift of the machine hits both alike
            real.append(_time(client, url))
            bare.append(_time(client, bare_url))
        p50, p95, bare50 = statistics.median(real), _percentile(real, 95), statistics.median(bare)
        ratio = p50 / bare50
        problems = [
            name for name, bad in (("ratio", ratio > 1.3), ("p95", p95 > 100), ("queries", n_big != n_tiny)) if bad
        ]
        missed += bool(problems)
        verdict = "ok" if not problems else "MISSED " + ",".join(problems)
        figures = f"{p50:>8.2f} {p95:>8.2f} {bare50:>9.2f} {ratio:>6.2f} {min(real) / min(bare):>8.2f}"
        print(f"{label:<34} {n_big:>4}/{n_tiny:<4} {figures}  {verdict}")
    print(
        "queries: on the big tenant / on a 3-case tenant; ratio: p50 / bare view's p50 (target ≤ 1.3; min/min, the\n"
        "fastest runs' ratio, is shown because it is the least disturbed by other load on the machine); p95 ≤ 100 ms"
    )
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--cases", type=int, default=5000, help="cases per tenant")
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per page")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database (and reuse it next time)")
    parser.add_argument(
        "--plain-offset",
        action="store_true",
        help="the bare deep page uses Django's plain OFFSET (what Paginator does)",
    )
    args = parser.parse_args()
    assert not settings.DEBUG and not engines["django"].engine.debug, "run with DJANGO_DEBUG=false"
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest {% static %} reads
    logging.getLogger("axes").setLevel(logging.WARNING)  # force_login's "successful login" lines
    install_urls()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=args.keep)
    try:
        print(
            f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
            f"{args.tenants} tenants × {args.cases:,} cases = {args.tenants * args.cases:,}"
        )
        load(args.tenants, args.cases)
        missed = measure(args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keep)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
