"""The public verification page of certificates: ``/t/<tenant slug>/lab/verify/<report number>/`` (no login).

Placed under the issuing lab's URL space — report numbers are unique per tenant (``VR-<year>-<nnnn>``), so
the lab in the URL names the issuer the certificate prints, and a lookup never reaches another tenant's
rows (the tenant scope and row-level security apply as on every tenant page). The certificate prints the
full address (:func:`hwsim.reports.verification_url`).

What it shows, and to whom:

* without a hash: only that the lab issued a certificate under this number, and a form for the hash;
* with the SHA-256 of the PDF file or the digest printed on the certificate (``?sha256=…``): "genuine"
  and the statements of the certificate's face (:attr:`VerificationReport.face` — title, requester,
  issue date, platforms, models, scenarios, VALID / INVALID counts) — nothing the holder does not already
  have in hand; a hash that matches neither: "not genuine", and nothing more;
* an unknown or malformed number: the "not found" page, HTTP 404; a tenant that is not a lab: 404.

Rate limit: :data:`VERIFY_LIMIT` look-ups per client IP per :data:`VERIFY_WINDOW_S` (Django's cache, as the
password-reset limit), then HTTP 429 — enumerating report numbers is slow and shows no more than above.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hwsim import labels, reports
from platform_site.enums import TenantKind
from platform_site.middleware import client_ip

#: Look-ups per client IP per window (settings ``HWSIM_VERIFY_PER_IP`` overrides) and the window (seconds).
VERIFY_LIMIT = 30
VERIFY_WINDOW_S = 600
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


def _throttled(request: HttpRequest) -> bool:
    """Count one look-up for the client's IP; True when that exceeds the limit of the window."""
    key = f"hwsim:verify:{client_ip(request) or 'unknown'}"
    limit = getattr(settings, "HWSIM_VERIFY_PER_IP", VERIFY_LIMIT)
    cache.add(key, 0, timeout=VERIFY_WINDOW_S)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=VERIFY_WINDOW_S)
        count = 1
    return count > limit


def _face(face: dict[str, Any]) -> dict[str, Any]:
    """The certificate's face with its codes as labels in the user's language."""
    return {
        **face,
        "workloads": [labels.workload_label(w["key"], w["batch"]) for w in face.get("workloads", [])],
        "scenarios": ", ".join(labels.scenario_name(code) for code in face.get("scenarios", [])),
    }


@never_cache
@require_GET
def verify(request: HttpRequest, tenant_slug: str, report_number: str) -> HttpResponse:
    """Check a certificate: its number (URL) and, if given, its hash (``?sha256=``). See the module docstring."""
    if request.tenant.kind != TenantKind.VERIFICATION_LAB:
        raise Http404
    context: dict[str, Any] = {"report_number": report_number, "sha256": request.GET.get("sha256", "")[:200]}
    if _throttled(request):
        return render(request, "hwsim/verify.html", {**context, "throttled": True}, status=429)
    result = reports.verify(report_number, context["sha256"]) if _NUMBER.match(report_number) else {"report": None}
    if result["report"] is None:
        return render(request, "hwsim/verify.html", {**context, "not_found": True}, status=404)
    context.update(result)
    if result["genuine"]:
        context["face"] = _face(result["report"].face)
    return render(request, "hwsim/verify.html", context)
