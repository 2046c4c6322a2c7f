"""Supplier pages: registration, the partner profile and its onboarding, the directory (thin views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_site.activity import history
from platform_site.consent import consent_paragraphs
from platform_site.enums import Role
from platform_site.forms import ApplicantRegistrationForm
from platform_site.pagination import paginate
from platform_site.rules import can, primary_organisation
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.transitions import TransitionRefused
from platform_site.views import tenant_member_required
from review.enums import OPEN_MEETING_STATES
from review.forms.meetings import ScheduleMeetingForm
from suppliers import final_review, queries, services
from suppliers.enums import OnboardingState
from suppliers.forms import BackgroundIPForm, DirectoryFilterForm, ObligationsForm, ProfileForm, ReasonForm
from suppliers.models import OBLIGATIONS_TEXT, OBLIGATIONS_VERSION, BackgroundIP, SupplierProfile


def available_actions(obj: Any, names: frozenset[str], user: Any) -> list[tuple[str, str]]:
    """``[(name, label)]`` of the transitions ``names`` that ``obj``'s state allows and ``user`` may run."""
    result = []
    for name in sorted(names):
        meta = getattr(type(obj), name)._django_fsm
        if meta.has_transition(obj.state) and meta.has_transition_perm(obj, obj.state, user):
            transition = meta.get_transition(obj.state)
            result.append((name, str(transition.custom.get("label", name))))
    return result


def _profile_context(request: HttpRequest, profile: SupplierProfile, **extra: Any) -> dict[str, Any]:
    user = request.user
    confidential = can(user, "suppliers.view_confidential", profile)
    return {
        "profile": profile,
        "confidential": confidential,
        "background_ip": list(profile.background_ip.all()) if confidential else [],
        "acceptance": profile.acceptances.filter(version=OBLIGATIONS_VERSION).select_related("accepted_by").first(),
        "obligations": OBLIGATIONS_TEXT,
        "obligations_version": OBLIGATIONS_VERSION,
        "can_edit": can(user, "suppliers.edit_profile", profile),
        "is_own": can(user, "suppliers.supplier_transition", profile),
        "actions": available_actions(profile, services.BUTTON_TRANSITIONS, user),
        "reason_actions": services.REASON_TRANSITIONS,
        "reason_form": ReasonForm(),
        "ip_form": BackgroundIPForm(),
        "obligations_form": ObligationsForm(),
        "history": history(profile),
        "referral_counts": queries.partner_history([profile])[profile.pk],
        **_final_review_context(request, profile),
        **extra,
    }


def _final_review_context(request: HttpRequest, profile: SupplierProfile) -> dict[str, Any]:
    """The 複審 card: the profile's review meetings (every viewer: the supplier attends), links to the review
    pages for office staff, and the CTO's scheduling form while the profile waits without an open meeting."""
    user = request.user
    meetings = list(final_review.meetings_of(profile))
    open_meeting = next((m for m in meetings if m.state in OPEN_MEETING_STATES), None)
    can_schedule = (
        profile.state == OnboardingState.FINAL_REVIEW
        and open_meeting is None
        and can(user, "suppliers.schedule_final_review", profile)
    )
    return {
        "final_meetings": meetings,
        "meeting_links": can(user, "review.view_meeting", request.tenant),
        "schedule_form": ScheduleMeetingForm() if can_schedule else None,
    }


def register(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """A supplier registers its organisation and first account in this programme office (public page)."""
    form = ApplicantRegistrationForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            language = translation.get_language() or ""
            user = services.register_supplier(request.tenant, language=language, **form.service_arguments())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("suppliers:mine", tenant_slug=tenant_slug)
    context = {"form": form, "consent_paragraphs": consent_paragraphs(request.tenant)}
    return render(request, "suppliers/register.html", context)


@tenant_member_required
def mine(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The supplier's own profile (a draft is made on first visit); 404 for anyone without the supplier role."""
    no_org = primary_organisation(request.user, request.tenant, Role.SUPPLIER) is None
    if no_org or not can(request.user, "suppliers.register_profile", request.tenant):
        raise Http404
    profile = queries.own_profile(request.user, request.tenant) or services.create_profile(request.user, request.tenant)
    return redirect("suppliers:detail", tenant_slug=tenant_slug, pk=profile.pk)


@tenant_member_required
def profile_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """Onboarding list for office staff (``?state=``), newest first, with due dates."""
    if not can(request.user, "suppliers.view_profile_list", request.tenant):
        raise Http404
    state = request.GET.get("state", "")
    page = paginate(request, queries.profile_list(request.user, request.tenant, state))
    context = {"page": page, "state": state, "states": OnboardingState.choices}
    return render(request, "suppliers/profile_list.html", context)


@tenant_member_required
def profile_detail(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    profile = queries.get_profile_for_user(request.user, request.tenant, pk)
    return render(request, "suppliers/profile_detail.html", _profile_context(request, profile))


def _refused(request: HttpRequest, profile: SupplierProfile, message: str) -> HttpResponse:
    profile.refresh_from_db()
    context = _profile_context(request, profile, error=message)
    return render(request, "suppliers/profile_detail.html", context, status=409)


@tenant_member_required
def profile_edit(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    profile = queries.get_profile_for_user(request.user, request.tenant, pk, perm="suppliers.supplier_transition")
    if not can(request.user, "suppliers.edit_profile", profile):
        return _refused(request, profile, str(services.NOT_EDITABLE))
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        fresh = SupplierProfile.objects.get(pk=profile.pk)
        try:
            services.update_profile(fresh, request.user, data)
        except TransitionRefused as exc:
            return _refused(request, profile, exc.message)
        return redirect("suppliers:detail", tenant_slug=tenant_slug, pk=pk)
    return render(request, "suppliers/profile_form.html", {"form": form, "profile": profile})


@require_POST
@tenant_member_required
def accept_obligations(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    profile = queries.get_profile_for_user(request.user, request.tenant, pk, perm="suppliers.supplier_transition")
    form = ObligationsForm(request.POST)
    if not form.is_valid():
        context = _profile_context(request, profile, obligations_form=form)
        return render(request, "suppliers/profile_detail.html", context, status=400)
    services.accept_obligations(profile, request.user)
    return redirect("suppliers:detail", tenant_slug=tenant_slug, pk=pk)


@require_POST
@tenant_member_required
def add_ip(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    profile = queries.get_profile_for_user(request.user, request.tenant, pk, perm="suppliers.supplier_transition")
    if not can(request.user, "suppliers.edit_profile", profile):
        return _refused(request, profile, str(services.NOT_EDITABLE))
    form = BackgroundIPForm(request.POST)
    if not form.is_valid():
        return render(
            request, "suppliers/profile_detail.html", _profile_context(request, profile, ip_form=form), status=400
        )
    services.add_background_ip(profile, request.user, **form.cleaned_data)
    return redirect("suppliers:detail", tenant_slug=tenant_slug, pk=pk)


@require_POST
@tenant_member_required
def remove_ip(request: HttpRequest, tenant_slug: str, pk: Any, ip_pk: Any) -> HttpResponse:
    profile = queries.get_profile_for_user(request.user, request.tenant, pk, perm="suppliers.supplier_transition")
    item = get_for_tenant_or_404(BackgroundIP.objects.filter(profile=profile), pk=ip_pk)
    if not can(request.user, "suppliers.edit_profile", profile):
        return _refused(request, profile, str(services.NOT_EDITABLE))
    services.remove_background_ip(item, request.user)
    return redirect("suppliers:detail", tenant_slug=tenant_slug, pk=pk)


@require_POST
@tenant_member_required
def profile_transition(request: HttpRequest, tenant_slug: str, pk: Any, action: str) -> HttpResponse:
    """Run onboarding action ``action`` (reason from the form); 404 for an unknown action, 409 when refused."""
    profile = queries.get_profile_for_user(request.user, request.tenant, pk)
    if action not in services.PROFILE_TRANSITIONS:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.transition_profile(profile, action, request.user, reason=reason)
    except TransitionRefused as exc:
        return _refused(request, profile, exc.message)
    return redirect("suppliers:detail", tenant_slug=tenant_slug, pk=pk)


@require_POST
@tenant_member_required
def schedule_final_review(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    """The CTO schedules the supplier final review (複審) meeting; it then runs on the review app's pages (panel,
    invitations, attendance, decision). 400 for a form error, 409 when the profile or an open round refuses."""
    profile = queries.get_profile_for_user(request.user, request.tenant, pk, perm="suppliers.schedule_final_review")
    form = ScheduleMeetingForm(request.POST)
    if not form.is_valid():
        context = _profile_context(request, profile, error=_("Please correct the errors below."))
        context["schedule_form"] = form
        return render(request, "suppliers/profile_detail.html", context, status=400)
    try:
        meeting = final_review.schedule(request.user, profile, **form.cleaned_data)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        context = _profile_context(request, profile, error=_("Please correct the errors below."))
        context["schedule_form"] = form
        return render(request, "suppliers/profile_detail.html", context, status=400)
    except TransitionRefused as exc:
        return _refused(request, profile, exc.message)
    messages.success(request, _("Final review scheduled. Invite the panel of core platform members next."))
    if profile.final_review_due and timezone.localdate(meeting.scheduled_at) > profile.final_review_due:
        due = profile.final_review_due
        messages.warning(request, _("This date is after the final review's due date (%(due)s).") % {"due": due})
    return redirect("review:panel", tenant_slug=tenant_slug, meeting_pk=meeting.pk)


@tenant_member_required
def directory(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The approved partners, filterable by role, domain and certification, with the Chinese keyword search;
    paginated, with the number of results. Office staff (incl. the CTO) only."""
    if not can(request.user, "suppliers.view_directory", request.tenant):
        raise Http404
    form = DirectoryFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    rows, ranked = queries.directory(request.user, request.tenant, **filters)
    page = paginate(request, rows)
    if ranked:
        page.object_list = queries.rows_for_ids(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "ranked": ranked, "query": query.urlencode()}
    return render(request, "suppliers/directory.html", context)
