"""Portal-wide pages: home, tenant landing, applicant registration, health check; view helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from platform_site.enums import OFFICE_ROLES, Role
from platform_site.forms import ApplicantRegistrationForm
from platform_site.models import Membership, Tenant
from platform_site.rules import is_member, roles_in


def tenant_member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; a user who holds no role in the URL's tenant gets 404 (tenant B never shows to A)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_member(request.user, request.tenant):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def home(request: HttpRequest) -> HttpResponse:
    """The user's programme offices, or the public list to sign in or register."""
    memberships = []
    if request.user.is_authenticated:
        memberships = list(Membership.objects.filter(user=request.user).select_related("tenant").order_by("tenant__slug"))
    tenants = Tenant.objects.filter(is_active=True)
    return render(request, "platform_site/home.html", {"memberships": memberships, "tenants": tenants})


def tenant_home(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """Tenant landing: members go to their work list; others see the office's public page."""
    if request.user.is_authenticated:
        roles = roles_in(request.user, request.tenant)
        if roles & OFFICE_ROLES:
            return redirect("cases:queue", tenant_slug=tenant_slug)
        if Role.APPLICANT in roles:
            return redirect("cases:list", tenant_slug=tenant_slug)
        if roles:
            return render(request, "platform_site/tenant_member.html", {"roles": sorted(roles)})
    return render(request, "platform_site/tenant_landing.html")


def register_applicant(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """An SME registers its organisation and a first applicant account in this tenant, and is signed in."""
    form = ApplicantRegistrationForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your organisation is registered. You can now start a demand case."))
        return redirect("cases:list", tenant_slug=tenant_slug)
    return render(request, "platform_site/register.html", {"form": form})


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness/readiness for the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
