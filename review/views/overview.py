"""The reviews overview page (審查總覽) of a programme office: thin — permission, read, render."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from platform_site.rules import can
from platform_site.views import tenant_member_required
from review import queries
from review.apps import REVIEW_TENANT_KINDS


@tenant_member_required
def overview(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """Meetings this week, cases waiting for scheduling, final reviews overdue or due soon, expert workload.

    404 outside a programme or grant-call office (and for non-members); 403 for members who are not office
    staff (``review.view_overview``)."""
    if request.tenant.kind not in REVIEW_TENANT_KINDS:
        raise Http404
    if not can(request.user, "review.view_overview", request.tenant):
        raise PermissionDenied
    context = queries.reviews_overview(request.tenant)
    context["can_schedule"] = can(request.user, "review.schedule_meeting", request.tenant)
    return render(request, "review/overview.html", context)
