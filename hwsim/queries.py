"""Reads of the verification lab, with role-aware visibility (the writes are in :mod:`hwsim.services`).

Functions take the user and the tenant (never the HttpRequest); the tenant must be the current scope's.
Lab staff (the office roles of the lab tenant) see every request; an applicant sees the requests made for
the organisations they apply for. Experts, suppliers, case managers and finance see none until an app
adds their rule with ``@request_visibility.rule(Role.…)``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from hwsim.enums import JobState
from hwsim.models import PlatformPreset, VerificationJob, VerificationRequest
from platform_site.enums import OFFICE_ROLES, Role
from platform_site.rules import organizations_in
from platform_site.visibility import FUTURE_ROLES, Visibility, every_row, get_visible_or_404

request_visibility = Visibility(
    "hwsim.VerificationRequest", rules={role: every_row for role in OFFICE_ROLES}, pending=FUTURE_ROLES
)

#: Newest first; ``hwsim_request_list_idx`` (tenant, -created_at, -id) serves it.
LIST_ORDER = ("-created_at", "-pk")


@request_visibility.rule(Role.APPLICANT)
def _applicant_requests(user: Any, tenant: Any) -> Q:
    """An applicant: the requests made for the organisations they hold the applicant role for."""
    return Q(requester_org_id__in=sorted(organizations_in(user, tenant, Role.APPLICANT)))


def _latest_job_subquery(field: str) -> Subquery:
    latest = VerificationJob.objects.filter(request=OuterRef("pk")).order_by("-created_at", "-pk")
    return Subquery(latest.values(field)[:1])


def visible_requests(user: Any, tenant: Any) -> QuerySet[VerificationRequest]:
    """Requests of ``tenant`` that ``user`` may see, newest first, with the latest job's state and progress
    annotated as ``job_state`` / ``job_progress`` (one query for a whole page)."""
    qs = VerificationRequest.objects.select_related("requester", "requester_org").annotate(
        job_state=_latest_job_subquery("state"), job_progress=_latest_job_subquery("progress")
    )
    return request_visibility.apply(qs, user, tenant).order_by(*LIST_ORDER)


def request_list(user: Any, tenant: Any, state: str | None = "") -> QuerySet[VerificationRequest]:
    """The request list: visible requests whose latest job is in ``state`` (unknown or "" = all)."""
    qs = visible_requests(user, tenant)
    return qs.filter(job_state=state) if state in JobState.values else qs


#: Rows each home panel lists (its link leads to the full list).
HOME_ROWS = 10
#: The lab staff's queue on their home: requests whose latest job is waiting, running or failed.
LAB_QUEUE_STATES = (JobState.RUNNING, JobState.QUEUED, JobState.FAILED)


def lab_queue(user: Any, tenant: Any) -> dict[str, Any]:
    """Lab staff's home: the requests whose latest job is queued, running or failed.

    ``{"counts": {"queued", "running", "failed"}: int, "rows": [request]}`` — ``rows``: at most
    :data:`HOME_ROWS`, newest first, annotated as in :func:`visible_requests`. Two queries.
    """
    qs = visible_requests(user, tenant).filter(job_state__in=LAB_QUEUE_STATES)
    counts = dict.fromkeys(LAB_QUEUE_STATES, 0)
    counts.update(qs.order_by().values_list("job_state").annotate(n=Count("pk")).values_list("job_state", "n"))
    return {"counts": {str(state): n for state, n in counts.items()}, "rows": list(qs[:HOME_ROWS])}


def my_requests(user: Any, tenant: Any) -> dict[str, Any]:
    """A lab applicant's home: their organisations' requests, newest first.

    ``{"rows": [request], "count": int}`` — at most :data:`HOME_ROWS` rows; ``count`` of them all. Two queries.
    """
    qs = visible_requests(user, tenant)
    return {"rows": list(qs[:HOME_ROWS]), "count": qs.count()}


def get_request_for_user(user: Any, tenant: Any, pk: Any, perm: str = "hwsim.view_request") -> VerificationRequest:
    """The request ``pk`` of ``tenant``: Http404 if ``user`` may not see it (or ``pk`` is malformed),
    PermissionDenied (403) if they may see it but not ``perm``."""
    return get_visible_or_404(
        visible_requests(user, tenant), user, tenant, pk, view_perm="hwsim.view_request", perm=perm
    )


def latest_job(vr: VerificationRequest) -> VerificationJob | None:
    """The request's most recent job (any state), or None if it was never submitted."""
    return VerificationJob.objects.filter(request=vr).order_by("-created_at", "-pk").first()


def succeeded_job(vr: VerificationRequest) -> VerificationJob | None:
    """The request's succeeded job (at most one: a succeeded request is never run again), or None."""
    return VerificationJob.objects.filter(request=vr, state=JobState.SUCCEEDED).first()


def preset_library() -> QuerySet[PlatformPreset]:
    """The current lab's platform presets by name (every lab member may browse them)."""
    return PlatformPreset.objects.order_by("name", "pk")


def completed_verifications_by_year() -> dict[int, int]:
    """Verification cases completed (驗證案, seed 003_fa9863a310fbdc37.txt KPI "完成 N 案驗證") in the current
    tenant per calendar year (Asia/Taipei): ``{year: count}`` of requests by the year their first job
    succeeded. For the programme office dashboard (cases.benefits). One query."""
    counts: dict[int, int] = {}
    firsts = (
        VerificationJob.objects.filter(state=JobState.SUCCEEDED, finished_at__isnull=False)
        .values("request_id")
        .annotate(first=Min("finished_at"))
        .values_list("first", flat=True)
    )
    for finished in firsts:
        year = timezone.localtime(finished).year
        counts[year] = counts.get(year, 0) + 1
    return counts
