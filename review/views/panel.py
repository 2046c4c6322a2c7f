"""Panel pages: the CTO's invitation picker (load, conflict flag, override), withdraw, lead reviewer; the
expert's invitation page (declaration of conflicts of interest, accept / decline)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_site.activity import history
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.transitions import TransitionRefused
from platform_site.views import tenant_member_required
from review import queries, services, subjects
from review.conflicts import DECLARATION_TEXT, DECLARATION_VERSION
from review.enums import InvitationState, ReviewStage
from review.forms.panel import CommentForm, DeclarationForm, InviteForm
from review.models import Expert, PanelInvitation


def _panel_page(
    request: HttpRequest, meeting: Any, *, status: int = 200, error: str = "", invite: Any = None
) -> HttpResponse:
    search = (request.GET.get("q") or "").strip()[: queries.SEARCH_MAX_LENGTH]
    panel = queries.panel_of(meeting)
    context = {
        "meeting": meeting,
        "case": meeting.case,
        "subject_url": subjects.subject_url(meeting, request.tenant.slug),
        "subject_ubn": subjects.ubn_of(meeting) if meeting.case_id is None else "",
        "panel": panel,
        "counts": queries.seat_counts(meeting, panel),
        "experts": queries.picker(meeting, search),
        "q": search,
        "is_final": meeting.stage == ReviewStage.FINAL,
        "years": request.tenant.config.review_conflict_lookback_years,
        "error": error,
        "invite": invite,  # (expert id, bound form) of a refused invitation, to keep what was typed
    }
    return render(request, "review/panel/panel.html", context, status=status)


@tenant_member_required
def panel(request: HttpRequest, tenant_slug: str, meeting_pk: int) -> HttpResponse:
    """The meeting's panel and the picker (CTO): each pool expert's open load and the automatic conflict flag."""
    return _panel_page(request, queries.get_panel_meeting(request.user, request.tenant, meeting_pk))


@require_POST
@tenant_member_required
def panel_invite(request: HttpRequest, tenant_slug: str, meeting_pk: int) -> HttpResponse:
    meeting = queries.get_panel_meeting(request.user, request.tenant, meeting_pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _panel_page(request, meeting, status=400, error=_("Please correct the errors below."))
    expert = get_for_tenant_or_404(Expert.objects.select_related("user"), pk=form.cleaned_data["expert"])
    try:
        services.invite_expert(
            meeting,
            expert,
            request.user,
            is_lead=form.cleaned_data["is_lead"],
            override_reason=form.cleaned_data["override_reason"],
        )
    except TransitionRefused as exc:
        return _panel_page(request, meeting, status=409, error=exc.message, invite=(expert.pk, form))
    messages.success(request, _("%(name)s invited; the invitation email is on its way.") % {"name": expert})
    return redirect("review:panel", tenant_slug=tenant_slug, meeting_pk=meeting.pk)


def _managed_invitation(request: HttpRequest, inv_pk: Any) -> PanelInvitation:
    invitation = queries.get_invitation_for_user(request.user, request.tenant, inv_pk)
    invitation.meeting.tenant = request.tenant
    if not can(request.user, "review.manage_panel", invitation):
        raise Http404
    return invitation


@require_POST
@tenant_member_required
def panel_withdraw(request: HttpRequest, tenant_slug: str, inv_pk: int) -> HttpResponse:
    invitation = _managed_invitation(request, inv_pk)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.withdraw_invitation(invitation, request.user, comment=comment)
    except TransitionRefused as exc:
        return _panel_page(
            request,
            queries.get_panel_meeting(request.user, request.tenant, invitation.meeting_id),
            status=409,
            error=exc.message,
        )
    messages.success(request, _("Invitation withdrawn."))
    return redirect("review:panel", tenant_slug=tenant_slug, meeting_pk=invitation.meeting_id)


@require_POST
@tenant_member_required
def panel_lead(request: HttpRequest, tenant_slug: str, inv_pk: int) -> HttpResponse:
    invitation = _managed_invitation(request, inv_pk)
    try:
        services.designate_lead(invitation, request.user)
    except TransitionRefused as exc:
        return _panel_page(
            request,
            queries.get_panel_meeting(request.user, request.tenant, invitation.meeting_id),
            status=409,
            error=exc.message,
        )
    messages.success(request, _("Lead reviewer designated."))
    return redirect("review:panel", tenant_slug=tenant_slug, meeting_pk=invitation.meeting_id)


def _invitation_page(
    request: HttpRequest, invitation: PanelInvitation, *, form: Any = None, status: int = 200, error: str = ""
) -> HttpResponse:
    declaration = getattr(invitation, "declaration", None)
    is_invitee = can(request.user, "review.respond_invitation", invitation)
    context = {
        "invitation": invitation,
        "meeting": invitation.meeting,
        "declaration": declaration,
        "is_invitee": is_invitee,
        "can_declare": is_invitee
        and declaration is None
        and invitation.state in (InvitationState.INVITED, InvitationState.ACCEPTED),
        "can_respond": is_invitee and invitation.state == InvitationState.INVITED,
        "case_visible": subjects.subject_visible(request.user, invitation.meeting),
        "subject_url": subjects.subject_url(invitation.meeting, request.tenant.slug),
        "declaration_text": DECLARATION_TEXT,
        "declaration_version": DECLARATION_VERSION,
        "form": form or DeclarationForm(initial={"text_version": DECLARATION_VERSION}),
        "history": history(invitation),
        "error": error,
    }
    return render(request, "review/panel/invitation.html", context, status=status)


def _own_invitation(request: HttpRequest, inv_pk: Any) -> PanelInvitation:
    invitation = queries.get_invitation_for_user(request.user, request.tenant, inv_pk)
    invitation.meeting.tenant = request.tenant
    if invitation.meeting.case is not None:
        invitation.meeting.case.tenant = request.tenant
    return invitation


@tenant_member_required
def invitation(request: HttpRequest, tenant_slug: str, inv_pk: int) -> HttpResponse:
    """The invitation: meeting and case title only, the declaration (利益迴避), then accept / decline."""
    return _invitation_page(request, _own_invitation(request, inv_pk))


@require_POST
@tenant_member_required
def invitation_declare(request: HttpRequest, tenant_slug: str, inv_pk: int) -> HttpResponse:
    invitation = _own_invitation(request, inv_pk)
    if not can(request.user, "review.respond_invitation", invitation):
        raise Http404
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        return _invitation_page(request, invitation, form=form, status=400, error=_("Please correct the errors below."))
    try:
        services.declare_conflicts(invitation, request.user, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _invitation_page(request, invitation, form=form, status=400)
    except TransitionRefused as exc:
        return _invitation_page(request, _own_invitation(request, inv_pk), form=form, status=409, error=exc.message)
    if form.cleaned_data["has_conflict"]:
        messages.success(request, _("Thank you: you are recused from this review and the CTO has been told."))
    else:
        messages.success(request, _("Declaration recorded. You may now read the case file and accept or decline."))
    return redirect("review:invitation", tenant_slug=tenant_slug, inv_pk=invitation.pk)


def _respond(request: HttpRequest, tenant_slug: str, inv_pk: Any, respond: Any, done: str) -> HttpResponse:
    invitation = _own_invitation(request, inv_pk)
    if not can(request.user, "review.respond_invitation", invitation):
        raise Http404
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        respond(invitation, request.user, comment=comment)
    except TransitionRefused as exc:
        return _invitation_page(request, _own_invitation(request, inv_pk), status=409, error=exc.message)
    messages.success(request, done)
    return redirect("review:invitation", tenant_slug=tenant_slug, inv_pk=invitation.pk)


@require_POST
@tenant_member_required
def invitation_accept(request: HttpRequest, tenant_slug: str, inv_pk: int) -> HttpResponse:
    return _respond(request, tenant_slug, inv_pk, services.accept_invitation, _("Invitation accepted."))


@require_POST
@tenant_member_required
def invitation_decline(request: HttpRequest, tenant_slug: str, inv_pk: int) -> HttpResponse:
    return _respond(request, tenant_slug, inv_pk, services.decline_invitation, _("Invitation declined."))
