"""Reference designs, matchmaking for a case and referrals (thin views; services.py writes)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases.queries import get_case_for_user
from platform_site.activity import history
from platform_site.pagination import paginate
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.transitions import TransitionRefused
from platform_site.views import tenant_member_required
from suppliers import matching, queries, services
from suppliers.enums import DesignState, OnboardingState
from suppliers.forms import AnswerForm, DesignForm, GiveDesignForm, ReasonForm, ReferForm
from suppliers.models import SupplierProfile
from suppliers.views import available_actions


# ---- reference designs ----------------------------------------------------------------------------------
@tenant_member_required
def design_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The catalogue (``?state=approved``) or every design the user may list; prices for office staff only."""
    state = request.GET.get("state", "")
    page = paginate(request, queries.design_list(request.user, request.tenant, state))
    own = queries.own_profile(request.user, request.tenant)
    context = {
        "page": page,
        "state": state,
        "states": DesignState.choices,
        "can_create": own is not None and own.state == OnboardingState.APPROVED,
        "office": can(request.user, "suppliers.view_profile_list", request.tenant),
        "own_profile_id": own.pk if own else None,
    }
    return render(request, "suppliers/design_list.html", context)


@tenant_member_required
def design_create(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    own = queries.own_profile(request.user, request.tenant)
    if own is None:
        raise Http404
    form = DesignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        design = services.create_design(own, request.user, form.cleaned_data)
        return redirect("suppliers:design", tenant_slug=tenant_slug, pk=design.pk)
    return render(request, "suppliers/design_form.html", {"form": form})


def _design_context(request: HttpRequest, design: Any, **extra: Any) -> dict[str, Any]:
    return {
        "design": design,
        "show_price": can(request.user, "suppliers.view_confidential", design.profile),
        "actions": available_actions(design, services.DESIGN_TRANSITIONS, request.user),
        "reason_form": ReasonForm(),
        "history": history(design),
        **extra,
    }


@tenant_member_required
def design_detail(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    design = queries.get_design_for_user(request.user, request.tenant, pk)
    return render(request, "suppliers/design_detail.html", _design_context(request, design))


@require_POST
@tenant_member_required
def design_transition(request: HttpRequest, tenant_slug: str, pk: Any, action: str) -> HttpResponse:
    design = queries.get_design_for_user(request.user, request.tenant, pk)
    if action not in services.DESIGN_TRANSITIONS:
        raise Http404
    form = ReasonForm(request.POST)
    comment = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.transition_design(design, action, request.user, comment=comment)
    except TransitionRefused as exc:
        context = _design_context(request, design, error=exc.message)
        return render(request, "suppliers/design_detail.html", context, status=409)
    return redirect("suppliers:design", tenant_slug=tenant_slug, pk=pk)


# ---- a case: matchmaking (office) and what the case was given (office, the applicant) --------------------------
def _case_context(request: HttpRequest, case: Any, **extra: Any) -> dict[str, Any]:
    office = can(request.user, "suppliers.matchmake", case)
    designs = queries.approved_designs(request.tenant)
    return {
        "case": case,
        "office": office,
        "ranking": matching.ranking(case) if office else [],
        # the applicant sees the partners that accepted (not the declines, their reasons or the ranking)
        "referrals": [r for r in queries.case_referrals(case) if office or r.state == "accepted"],
        "given": queries.case_design(case),
        "design_form": GiveDesignForm(designs=designs)
        if can(request.user, "suppliers.give_reference_design", case)
        else None,
        **extra,
    }


@tenant_member_required
def case_services(request: HttpRequest, tenant_slug: str, case_pk: Any) -> HttpResponse:
    """For office staff: the ranked partners per required role, refer, give a design. For the case's
    applicant: the reference design the case was given and the referrals' outcomes (no ranking, no prices)."""
    case = get_case_for_user(request.user, request.tenant, case_pk)
    return render(request, "suppliers/case_services.html", _case_context(request, case))


def _case_refused(request: HttpRequest, case: Any, message: str) -> HttpResponse:
    return render(request, "suppliers/case_services.html", _case_context(request, case, error=message), status=409)


@require_POST
@tenant_member_required
def refer(request: HttpRequest, tenant_slug: str, case_pk: Any) -> HttpResponse:
    case = get_case_for_user(request.user, request.tenant, case_pk, perm="suppliers.matchmake")
    form = ReferForm(request.POST)
    if not form.is_valid():
        return render(
            request, "suppliers/case_services.html", _case_context(request, case, refer_errors=form.errors), status=400
        )
    profile = get_for_tenant_or_404(
        SupplierProfile.objects.select_related("organization"), pk=form.cleaned_data["profile"]
    )
    reasons = []
    for role, _label, candidates in matching.ranking(case):
        if role == form.cleaned_data["role"]:
            reasons = next((c.reasons for c in candidates if c.profile.pk == profile.pk), [])
    try:
        services.refer(
            case,
            request.user,
            profile,
            form.cleaned_data["role"],
            note=form.cleaned_data["note"],
            rank=form.cleaned_data["rank"],
            reasons=reasons,
        )
    except TransitionRefused as exc:
        return _case_refused(request, case, exc.message)
    return redirect("suppliers:case", tenant_slug=tenant_slug, case_pk=case.pk)


@require_POST
@tenant_member_required
def give_design(request: HttpRequest, tenant_slug: str, case_pk: Any) -> HttpResponse:
    case = get_case_for_user(request.user, request.tenant, case_pk, perm="suppliers.give_reference_design")
    form = GiveDesignForm(request.POST, designs=queries.approved_designs(request.tenant))
    if not form.is_valid():
        return render(
            request, "suppliers/case_services.html", _case_context(request, case, design_form=form), status=400
        )
    try:
        services.give_reference_design(case, request.user, form.cleaned_data["design"], note=form.cleaned_data["note"])
    except TransitionRefused as exc:
        return _case_refused(request, case, exc.message)
    return redirect("suppliers:case", tenant_slug=tenant_slug, case_pk=case.pk)


# ---- referrals ------------------------------------------------------------------------------------------------------
@tenant_member_required
def referral_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    page = paginate(request, queries.referral_list(request.user, request.tenant))
    return render(request, "suppliers/referral_list.html", {"page": page})


def _referral_context(request: HttpRequest, referral: Any, **extra: Any) -> dict[str, Any]:
    return {
        "referral": referral,
        "can_answer": bool(available_actions(referral, frozenset({"accept", "decline"}), request.user)),
        "can_withdraw": bool(available_actions(referral, frozenset({"withdraw"}), request.user)),
        "answer_form": AnswerForm(),
        "history": history(referral),
        **extra,
    }


@tenant_member_required
def referral_detail(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    """The referral brief: the case's need (title, field, need) — what the partner needs to answer."""
    referral = queries.get_referral_for_user(request.user, request.tenant, pk)
    return render(request, "suppliers/referral_detail.html", _referral_context(request, referral))


@require_POST
@tenant_member_required
def referral_answer(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    referral = queries.get_referral_for_user(request.user, request.tenant, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        context = _referral_context(request, referral, answer_form=form)
        return render(request, "suppliers/referral_detail.html", context, status=400)
    try:
        if form.cleaned_data["decision"] == "withdraw":
            services.withdraw_referral(referral, request.user, reason=form.cleaned_data["reason"])
        else:
            accept = form.cleaned_data["decision"] == "accept"
            services.answer_referral(referral, request.user, accept, reason=form.cleaned_data["reason"])
    except TransitionRefused as exc:
        context = _referral_context(request, referral, error=exc.message, answer_form=form)
        return render(request, "suppliers/referral_detail.html", context, status=409)
    return redirect("suppliers:referral", tenant_slug=tenant_slug, pk=pk)
