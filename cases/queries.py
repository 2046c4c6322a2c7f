"""Reads of demand cases, with role-aware visibility (the writes are in :mod:`cases.services`).

Every function takes the user and the tenant (never the HttpRequest), so the pages, the API and later
apps share one answer to "which cases may this user see". The tenant must be the current scope's.

Visibility (seed 000_9617a3b789ca4d20.txt, "Actors"): office staff (office reviewer, CTO, tenant admin) see
every case of the tenant; an applicant sees the cases of the organisations they apply for. Assigned
experts, suppliers, case managers and finance see nothing yet: the review, suppliers, service-delivery
and billing apps add their rule with ``@case_visibility.rule(Role.…)`` (one function each).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, Q, QuerySet

from cases import models as case_models
from cases.enums import QUALIFICATION_CLOCK_STATES, QUEUE_STATES, CaseState
from cases.models import CaseDocument, DemandCase, NeedsAnalysis
from platform_site.enums import OFFICE_ROLES, Role
from platform_site.models import ActivityLog, Organization
from platform_site.rules import organizations_in
from platform_site.visibility import FUTURE_ROLES, Visibility, every_row, get_visible_or_404

case_visibility = Visibility("cases.DemandCase", rules={role: every_row for role in OFFICE_ROLES}, pending=FUTURE_ROLES)


@case_visibility.rule(Role.APPLICANT)
def _applicant_cases(user: Any, tenant: Any) -> Q:
    """An applicant: the cases of the organisations they hold the applicant role for."""
    return Q(applicant_org_id__in=sorted(organizations_in(user, tenant, Role.APPLICANT)))


#: The list page's sort order; ``case_active_list_idx`` (tenant, -created_at, -id; without withdrawn cases,
#: as the default list) serves it.
LIST_ORDER = ("-created_at", "-pk")
#: Columns the case list shows (cases/case_list.html and the cells of cases/templatetags/case_cells.py); the
#: organisation's name comes from :func:`_with_org_names`.
LIST_COLUMNS = (
    "id",
    "reference",
    "title",
    "state",
    "closure_reason",
    "qualification_due",
    "qualification_days_remaining",
    "applicant_org",
)
#: Order of the qualification queue: soonest due first (``case_queue_idx``, partial on the queue states).
#: NULLS LAST on every database (SQLite sorts NULL first): paused clocks have no due date and go last.
QUEUE_ORDER = (F("qualification_due").asc(nulls_last=True), "submitted_at", "pk")
QUEUE_COLUMNS = (
    *LIST_COLUMNS,
    "submitted_at",
    "qualification_reviewer__first_name",
    "qualification_reviewer__last_name",
)
#: Columns of the API list (cases.serializers.DemandCaseListSerializer's fields; ``state`` and
#: ``qualification_due`` also give ``qualification_days_left``).
API_LIST_COLUMNS = (
    "id",
    "reference",
    "state",
    "closure_reason",
    "applicant_org",
    "title",
    "submitted_at",
    "qualification_due",
    "created_at",
)
#: Longest search text used (longer input is cut, never an error).
SEARCH_MAX_LENGTH = 100


def _with_org_names(qs: QuerySet[DemandCase]) -> QuerySet[DemandCase]:
    """The applicant organisations' names in one second query (``id IN`` the page's ≤ 20 ids), not a join.

    Why not ``select_related``: with row-level security on both tables PostgreSQL infers
    ``organization.tenant_id = case.tenant_id = <tenant>`` and multiplies the two selectivities, estimates
    1/20 of the tenant's cases, and sorts the whole tenant (top-N heapsort of 5,000 rows, 10-20 ms) instead
    of reading the first 20 entries of ``case_active_list_idx`` (0.1 ms). EXPLAIN ANALYZE: benchmarks/portal_pages.py.
    """
    return qs.select_related(None).prefetch_related(
        Prefetch("applicant_org", queryset=Organization.objects.only("id", "name"))
    )


def visible_cases(user: Any, tenant: Any) -> QuerySet[DemandCase]:
    """Whole cases of ``tenant`` that ``user`` may see, with the applicant organisation joined."""
    return case_visibility.apply(DemandCase.objects.select_related("applicant_org"), user, tenant)


def get_case_for_user(
    user: Any, tenant: Any, pk: Any, perm: str = "cases.view_case", *, with_analysis: bool = False
) -> DemandCase:
    """The case ``pk`` of ``tenant``: Http404 if ``user`` may not see it (or ``pk`` is malformed),
    PermissionDenied (403) if they may see it but not ``perm``. ``with_analysis``: the needs analysis and its
    author joined in the same query (the detail page; read it with :func:`needs_analysis_of`)."""
    qs = visible_cases(user, tenant)
    if with_analysis:
        qs = qs.select_related("needs_analysis__analysed_by")
    return get_visible_or_404(qs, user, tenant, pk, view_perm="cases.view_case", perm=perm)


def needs_analysis_of(case: DemandCase) -> NeedsAnalysis | None:
    """The case's needs analysis with its author, or None: no query when it was joined
    (``get_case_for_user(..., with_analysis=True)``), else one."""
    if DemandCase.needs_analysis.related.is_cached(case):
        return getattr(case, "needs_analysis", None)
    return NeedsAnalysis.objects.filter(case=case).select_related("analysed_by").first()


def case_documents(case: DemandCase) -> QuerySet[CaseDocument]:
    """The case's documents with their uploaders (lazy, one query)."""
    return case.documents.select_related("uploaded_by")


def clean_list_filters(state: str | None, search: str | None) -> tuple[str, str]:
    """``(state, search)`` from raw query parameters: an unknown state becomes "" (all), the search text is
    stripped and cut to :data:`SEARCH_MAX_LENGTH` characters."""
    state = state if state in CaseState.values else ""
    return state, (search or "").strip()[:SEARCH_MAX_LENGTH]


def case_list(user: Any, tenant: Any, state: str = "", search: str = "") -> QuerySet[DemandCase]:
    """The case list: visible cases, newest first, only :data:`LIST_COLUMNS` loaded.

    ``state`` filters on one state (already cleaned); "" = every state but withdrawn (撤案 cases leave the
    default list; ``state="withdrawn"`` shows them). ``search`` matches the title, the case number or the
    applicant organisation's name, case-insensitively.
    """
    qs = visible_cases(user, tenant)
    if state:
        qs = qs.filter(state=state)
    else:
        qs = qs.exclude(state=CaseState.WITHDRAWN)
    if search:
        qs = qs.filter(
            Q(title__icontains=search) | Q(reference__icontains=search) | Q(applicant_org__name__icontains=search)
        )
    return _with_org_names(qs.only(*LIST_COLUMNS).order_by(*LIST_ORDER))


def review_queue(user: Any, tenant: Any) -> QuerySet[DemandCase]:
    """The qualification queue: visible cases submitted, under review or waiting for documents, soonest due
    first (paused clocks — no due date — last), with the reviewer joined."""
    qs = _with_org_names(visible_cases(user, tenant).filter(state__in=QUEUE_STATES))
    return qs.select_related("qualification_reviewer").only(*QUEUE_COLUMNS).order_by(*QUEUE_ORDER)


#: Rows each home panel lists (its "see all" link leads to the full list or queue).
HOME_ROWS = 10


def _today(today: dt.date | None) -> dt.date:
    # Looked up on the module at call time, so tests that pin cases.models.taipei_today pin the homes too.
    return today if today is not None else case_models.taipei_today()


def applicant_home(user: Any, tenant: Any) -> dict[str, Any]:
    """An applicant's home (seed 000 需求端): what is asked of them and their organisations' cases.

    ``{"asked": [case], "drafts": [case], "cases": [case], "case_count": int}``, at most :data:`HOME_ROWS`
    each: ``asked`` — cases waiting for documents (補件), oldest request first, each with ``request_comment``
    (the reviewer's comment on the latest request, "" if none) and the paused clock's
    ``qualification_days_remaining``; ``drafts`` — not yet submitted, newest first; ``cases`` — submitted
    ones in any other state except withdrawn, newest first, ``case_count`` of them all. Four or five queries
    whatever the number of cases.
    """
    visible = visible_cases(user, tenant).select_related(None).only(*LIST_COLUMNS, "updated_at")
    asked = list(visible.filter(state=CaseState.DOCUMENTS_REQUESTED).order_by("updated_at", "pk")[:HOME_ROWS])
    comments: dict[int, str] = {}
    if asked:
        requests = ActivityLog.objects.filter(
            content_type=ContentType.objects.get_for_model(DemandCase),
            object_id__in=[case.pk for case in asked],
            action="request_documents",
        ).order_by("object_id", "at", "pk")
        comments = dict(requests.values_list("object_id", "comment"))  # the latest request's comment wins
    for case in asked:
        case.request_comment = comments.get(case.pk, "")
    submitted = visible.exclude(state__in=(CaseState.DRAFT, CaseState.WITHDRAWN, CaseState.DOCUMENTS_REQUESTED))
    return {
        "asked": asked,
        "drafts": list(visible.filter(state=CaseState.DRAFT).order_by(*LIST_ORDER)[:HOME_ROWS]),
        "cases": list(submitted.order_by(*LIST_ORDER)[:HOME_ROWS]),
        "case_count": submitted.count(),
    }


def queue_summary(user: Any, tenant: Any, today: dt.date | None = None) -> dict[str, Any]:
    """The office reviewer's home: the qualification queue by urgency, with counts per group.

    ``{"counts": {"overdue", "due_today", "later", "paused", "total"}: int, "rows": [case]}``: ``rows`` are
    the first :data:`HOME_ROWS` of :func:`review_queue` (overdue first, then soonest due, paused clocks —
    documents requested, no due date — last). ``today`` (Asia/Taipei) defaults to
    ``cases.models.taipei_today()``. Three queries whatever the length of the queue.
    """
    today = _today(today)
    running = Q(state__in=QUALIFICATION_CLOCK_STATES)
    counts = (
        visible_cases(user, tenant)
        .filter(state__in=QUEUE_STATES)
        .aggregate(
            overdue=Count("pk", filter=running & Q(qualification_due__lt=today)),
            due_today=Count("pk", filter=running & Q(qualification_due=today)),
            later=Count("pk", filter=running & (Q(qualification_due__gt=today) | Q(qualification_due__isnull=True))),
            paused=Count("pk", filter=Q(state=CaseState.DOCUMENTS_REQUESTED)),
            total=Count("pk"),
        )
    )
    return {"counts": counts, "rows": list(review_queue(user, tenant)[:HOME_ROWS])}


#: The committee stages the CTO (技術長) chairs (seed 000: 初審, 複審).
COMMITTEE_STATES = (CaseState.PRELIMINARY_REVIEW, CaseState.FINAL_REVIEW)


def committee_waiting(user: Any, tenant: Any) -> dict[str, Any]:
    """The CTO's home: cases waiting for the preliminary (初審) and the final review (複審).

    ``{"stages": [{"state": str, "label": str, "count": int, "rows": [case]}]}`` in :data:`COMMITTEE_STATES`
    order; ``rows`` — at most :data:`HOME_ROWS`, longest waiting (least recently changed) first. Five
    queries at most whatever the number of cases.
    """
    visible = visible_cases(user, tenant)
    counts = dict(
        visible.filter(state__in=COMMITTEE_STATES).values_list("state").annotate(n=Count("pk")).order_by("state")
    )
    stages = []
    for state in COMMITTEE_STATES:
        count = counts.get(state, 0)
        rows = []
        if count:
            qs = visible.filter(state=state).only(*LIST_COLUMNS, "updated_at").order_by("updated_at", "pk")
            rows = list(_with_org_names(qs)[:HOME_ROWS])
        stages.append({"state": state, "label": CaseState(state).label, "count": count, "rows": rows})
    return {"stages": stages}


def api_case_list(user: Any, tenant: Any) -> QuerySet[DemandCase]:
    """The API list: visible cases with only :data:`API_LIST_COLUMNS` loaded (read-only use: never save these)."""
    return _with_org_names(visible_cases(user, tenant).only(*API_LIST_COLUMNS).order_by(*LIST_ORDER))
