"""Billing pages (thin views)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from platform_site.rules import can
from platform_site.views import tenant_member_required


@tenant_member_required
def invoice_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The tenant's invoices the user may see."""
    if not can(request.user, "billing.view_invoice_list", request.tenant):
        raise Http404
    return render(request, "billing/invoice_list.html", {"invoices": []})
