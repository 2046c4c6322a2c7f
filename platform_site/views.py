"""Portal-wide pages: home, tenant home (or its public landing page), after-login redirect, applicant
registration, health check; view helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from platform_site import services
from platform_site.consent import consent_paragraphs
from platform_site.forms import ApplicantRegistrationForm
from platform_site.homes import home_context, role_labels
from platform_site.models import Membership, Tenant
from platform_site.rules import is_member


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
    """The user's programme offices (each with the labels of the user's roles there), or the public list to
    sign in or register."""
    offices: dict[int, dict[str, Any]] = {}
    if request.user.is_authenticated:
        for m in Membership.objects.filter(user=request.user).select_related("tenant").order_by("tenant__slug"):
            offices.setdefault(m.tenant_id, {"tenant": m.tenant, "roles": set()})["roles"].add(m.role)
    memberships = [
        {"tenant": o["tenant"], "role_labels": role_labels(o["roles"], o["tenant"].kind)} for o in offices.values()
    ]
    tenants = Tenant.objects.filter(is_active=True)
    return render(request, "platform_site/home.html", {"memberships": memberships, "tenants": tenants})


def tenant_home(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """A member's home: their work inbox, built from the panels the apps contribute for their roles
    (platform_site.homes). Anyone else — signed out, or a member of other tenants only — sees the tenant's
    public landing page, which shows no data of the tenant."""
    if is_member(request.user, request.tenant):
        return render(request, "platform_site/tenant_home.html", home_context(request, request.tenant))
    return render(request, "platform_site/tenant_landing.html")


def after_login(request: HttpRequest) -> HttpResponse:
    """Where ``LOGIN_REDIRECT_URL`` sends a user who signed in without a ``?next=``: the home of their one
    tenant, else the portal home (which lists their tenants)."""
    if request.user.is_authenticated:
        slugs = list(
            Membership.objects.filter(user=request.user, tenant__is_active=True)
            .order_by("tenant__slug")
            .values_list("tenant__slug", flat=True)
            .distinct()[:2]
        )
        if len(slugs) == 1:
            return redirect("tenant_home", tenant_slug=slugs[0])
    return redirect("home")


def register_applicant(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """An SME registers its organisation and a first applicant account in this tenant, and is signed in."""
    form = ApplicantRegistrationForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            language = translation.get_language() or ""
            user = services.register_applicant(request.tenant, language=language, **form.service_arguments())
        except ValidationError as exc:  # a concurrent registration took the 統一編號 or email first
            form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your organisation is registered. You can now start a demand case."))
            return redirect("tenant_home", tenant_slug=tenant_slug)  # → the applicant's home
    context = {"form": form, "consent_paragraphs": consent_paragraphs(request.tenant)}
    return render(request, "platform_site/register.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """Health of the web process as JSON: database, broker and the outbox backlog.

    ``{"status": "ok" | "degraded" | "error", "database": "ok" | "error", "broker": {"reachable", "error"},
    "outbox": {"pending", "oldest_age_s", "given_up"}}``. HTTP 200 while the database answers, 503 when it
    does not. A broker outage only makes the status ``degraded`` (still 200): the web process keeps serving
    and queues work durably in the outbox meanwhile, so a liveness/readiness probe must not restart or drain
    it for that — alert on ``broker.reachable`` and ``outbox.oldest_age_s`` instead. The broker gets
    ``HEALTHZ_BROKER_TIMEOUT_S`` seconds to answer.
    """
    from django.conf import settings

    from platform_site.outbox import backlog, broker_status

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        outbox = backlog()
    except Exception as exc:  # the database is down: this instance cannot serve
        return JsonResponse({"status": "error", "database": "error", "error": type(exc).__name__}, status=503)
    broker = broker_status(settings.HEALTHZ_BROKER_TIMEOUT_S)
    status = "ok" if broker["reachable"] else "degraded"
    return JsonResponse({"status": status, "database": "ok", "broker": broker, "outbox": outbox})
