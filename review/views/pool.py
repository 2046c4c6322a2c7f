"""Expert-pool pages: the office's list / add / edit (with affiliations) and the expert's own profile."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_site.activity import history
from platform_site.pagination import paginate
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.views import tenant_member_required
from review import queries, services
from review.forms.panel import AffiliationForm, ExpertCreateForm, ExpertEditForm, ExpertProfileForm
from review.models import Expert, ExpertAffiliation

PROFILE_FIELDS = ("kind", "title", "expertise", "phone", "bio")


def _apply_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


@tenant_member_required
def expert_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The pool (office staff): name, sector, expertise, open load; search by name, email, title, expertise."""
    if not can(request.user, "review.view_expert_pool", request.tenant):
        raise Http404
    search = (request.GET.get("q") or "").strip()[: queries.SEARCH_MAX_LENGTH]
    page = paginate(request, queries.expert_pool(request.tenant, search))
    can_manage = can(request.user, "review.manage_experts", request.tenant)
    return render(request, "review/pool/expert_list.html", {"page": page, "q": search, "can_manage": can_manage})


@tenant_member_required
def expert_create(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    if not can(request.user, "review.manage_experts", request.tenant):
        raise Http404
    form = ExpertCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            expert = services.create_expert(request.user, request.tenant, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Expert added; a welcome email is on its way."))
            return redirect("review:expert_detail", tenant_slug=tenant_slug, expert_pk=expert.pk)
    status = 400 if form.errors else 200
    return render(request, "review/pool/expert_form.html", {"form": form}, status=status)


def _profile_page(
    request: HttpRequest, expert: Expert, *, own: bool, form: Any = None, aff_form: Any = None, status: int = 200
) -> HttpResponse:
    form_class = ExpertProfileForm if own else ExpertEditForm
    initial = {name: getattr(expert, name) for name in (*PROFILE_FIELDS, "is_active", "is_core")}
    context = {
        "expert": expert,
        "own": own,
        "form": form or form_class(initial=initial),
        "aff_form": aff_form or AffiliationForm(),
        "affiliations": queries.affiliations_of(expert),
        "history": history(expert) if not own else [],
    }
    return render(request, "review/pool/expert_detail.html", context, status=status)


def _save_profile(request: HttpRequest, expert: Expert, own: bool) -> HttpResponse | None:
    form = (ExpertProfileForm if own else ExpertEditForm)(request.POST)
    if not form.is_valid():
        return _profile_page(request, expert, own=own, form=form, status=400)
    services.update_expert(expert, request.user, form.cleaned_data)
    messages.success(request, _("Profile saved."))
    return None


@tenant_member_required
def expert_detail(request: HttpRequest, tenant_slug: str, expert_pk: int) -> HttpResponse:
    expert = queries.get_expert_for_user(request.user, request.tenant, expert_pk)
    if request.method == "POST":
        response = _save_profile(request, expert, own=False)
        return response or redirect("review:expert_detail", tenant_slug=tenant_slug, expert_pk=expert.pk)
    return _profile_page(request, expert, own=False)


@tenant_member_required
def my_profile(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The expert edits their own profile and affiliations in this tenant's pool."""
    expert = queries.own_expert(request.user, request.tenant, required=False)
    if expert is None:  # an expert membership the office has not entered in the pool yet
        return render(request, "review/pool/not_in_pool.html")
    if request.method == "POST":
        response = _save_profile(request, expert, own=True)
        return response or redirect("review:my_profile", tenant_slug=tenant_slug)
    return _profile_page(request, expert, own=True)


def _add_affiliation(request: HttpRequest, expert: Expert, own: bool) -> HttpResponse | None:
    form = AffiliationForm(request.POST)
    if form.is_valid():
        try:
            services.add_affiliation(expert, request.user, form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
    if form.errors:
        return _profile_page(request, expert, own=own, aff_form=form, status=400)
    messages.success(request, _("Affiliation added."))
    return None


def _delete_affiliation(request: HttpRequest, expert: Expert, aff_pk: Any) -> None:
    affiliation = get_for_tenant_or_404(ExpertAffiliation.objects.filter(expert=expert), pk=aff_pk)
    affiliation.expert = expert
    try:
        services.remove_affiliation(affiliation, request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Affiliation removed."))


@require_POST
@tenant_member_required
def expert_affiliation_add(request: HttpRequest, tenant_slug: str, expert_pk: int) -> HttpResponse:
    expert = queries.get_expert_for_user(request.user, request.tenant, expert_pk)
    response = _add_affiliation(request, expert, own=False)
    return response or redirect("review:expert_detail", tenant_slug=tenant_slug, expert_pk=expert.pk)


@require_POST
@tenant_member_required
def expert_affiliation_delete(request: HttpRequest, tenant_slug: str, expert_pk: int, aff_pk: int) -> HttpResponse:
    expert = queries.get_expert_for_user(request.user, request.tenant, expert_pk)
    _delete_affiliation(request, expert, aff_pk)
    return redirect("review:expert_detail", tenant_slug=tenant_slug, expert_pk=expert.pk)


@require_POST
@tenant_member_required
def my_affiliation_add(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    expert = queries.own_expert(request.user, request.tenant)
    return _add_affiliation(request, expert, own=True) or redirect("review:my_profile", tenant_slug=tenant_slug)


@require_POST
@tenant_member_required
def my_affiliation_delete(request: HttpRequest, tenant_slug: str, aff_pk: int) -> HttpResponse:
    expert = queries.own_expert(request.user, request.tenant)
    _delete_affiliation(request, expert, aff_pk)
    return redirect("review:my_profile", tenant_slug=tenant_slug)
