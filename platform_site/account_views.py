"""Account pages: profile (name, login email, language), organisation members and invitations, password reset.

Thin views: forms validate, :mod:`platform_site.profiles` and :mod:`platform_site.invitations` write.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_site import invitations, profiles
from platform_site.account_forms import InviteForm, JoinForm, PortalPasswordResetForm, ProfileForm, reset_throttled
from platform_site.consent import consent_paragraphs
from platform_site.middleware import client_ip
from platform_site.models import Invitation
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.views import tenant_member_required


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's name, login email and preferred language; the language applies at once."""
    user = request.user
    current = profiles.preferred_language(user) or translation.get_language()
    initial = {"full_name": user.first_name, "email": user.username, "language": current}
    form = ProfileForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profiles.update_profile(user, full_name=data["full_name"], email=data["email"], language=data["language"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            translation.activate(data["language"])
            messages.success(request, _("Your profile is saved."))
            response = redirect("profile")
            profiles.set_language_cookie(response, data["language"])
            return response
    return render(request, "registration/profile.html", {"form": form})


def _org_membership(request: HttpRequest) -> Any:
    """The user's applicant membership here (its organisation's members page), else 404."""
    membership = invitations.admin_membership(request.user, request.tenant)
    if membership is None:
        raise Http404
    return membership


@tenant_member_required
def members(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The organisation's members and pending invitations; its admin also invites and revokes here.

    Any applicant of the organisation sees the page; other members of the tenant (office staff) get 404
    (no organisation of theirs). Four queries besides the session and user.
    """
    membership = _org_membership(request)
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not membership.is_org_admin:
            raise PermissionDenied(_("Only the organisation's admin can invite colleagues."))
        if form.is_valid():
            try:
                invitation = invitations.invite(request.user, request.tenant, form.cleaned_data["email"])
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 400
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
                return redirect("members", tenant_slug=tenant_slug)
        else:
            status = 400
    context = {
        "membership": membership,
        "organization": membership.organization,
        "form": form,
        **invitations.members_page(request.tenant, membership.organization),
    }
    return render(request, "platform_site/members.html", context, status=status)


@require_POST
@tenant_member_required
def revoke_invitation(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """The org admin withdraws a pending invitation of their organisation (another organisation's: 404)."""
    membership = _org_membership(request)
    invitation = get_for_tenant_or_404(Invitation.objects.all(), pk=pk, organization=membership.organization)
    try:
        invitations.revoke(request.user, request.tenant, invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email})
    return redirect("members", tenant_slug=tenant_slug)


INVALID_STATUS = {"invalid": 404, "expired": 410, "accepted": 410, "revoked": 410}


def accept_invitation(request: HttpRequest, tenant_slug: str, pk: int, token: str) -> HttpResponse:
    """The emailed link: a new colleague sets name + password (+ 個資 consent); an existing account signs in
    and confirms. An unusable link gets a page saying why (404 invalid / 410 expired, used, revoked)."""
    try:
        invitation = invitations.check_link(pk, token)
    except invitations.InvitationInvalid as exc:
        context = {"reason": exc.reason, "invitation": exc.invitation}
        return render(request, "platform_site/invitation_invalid.html", context, status=INVALID_STATUS[exc.reason])
    context: dict[str, Any] = {"invitation": invitation, "organization": invitation.organization}
    user = request.user
    existing = user.is_authenticated or get_user_model().objects.filter(username__iexact=invitation.email).exists()
    if existing:
        return _accept_existing(request, invitation, context)
    form = JoinForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_user = invitations.accept_new(
                invitation,
                full_name=data["full_name"],
                password=data["password1"],
                consent=data["consent"],
                language=translation.get_language() or "",
            )
        except invitations.InvitationInvalid as exc:
            return render(request, "platform_site/invitation_invalid.html", {"reason": exc.reason}, status=410)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            return _joined(request, invitation)
    context.update(form=form, consent_paragraphs=consent_paragraphs(request.tenant))
    return render(request, "platform_site/invitation_accept.html", context, status=400 if form.errors else 200)


def _accept_existing(request: HttpRequest, invitation: Invitation, context: dict[str, Any]) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:  # the email has an account: sign in with it, then come back here
        context["login_url"] = f"{reverse('login')}?next={request.get_full_path()}"
        return render(request, "platform_site/invitation_accept.html", context)
    if user.username.lower() != invitation.email.lower():
        context["wrong_account"] = True
        return render(request, "platform_site/invitation_accept.html", context, status=403)
    if request.method == "POST":
        try:
            invitations.accept_existing(invitation, user)
        except invitations.InvitationInvalid as exc:
            return render(request, "platform_site/invitation_invalid.html", {"reason": exc.reason}, status=410)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            return render(request, "platform_site/invitation_accept.html", context, status=409)
        return _joined(request, invitation)
    context["confirm"] = True
    return render(request, "platform_site/invitation_accept.html", context)


def _joined(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    messages.success(request, _("Welcome to %(org)s!") % {"org": invitation.organization.name})
    request.user._tenant_memberships = None  # the new membership counts from now on
    return redirect("tenant_home", tenant_slug=invitation.tenant.slug)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request page with the portal's bilingual mail and a per-IP / per-email hourly limit."""

    form_class = PortalPasswordResetForm
    email_template_name = "registration/email/password_reset_body.txt"
    subject_template_name = "registration/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: PortalPasswordResetForm) -> HttpResponse:
        over = reset_throttled(form.cleaned_data["email"], client_ip(self.request))
        if over == "ip":
            form.add_error(None, _("Too many password reset requests from your network. Try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if over == "email":  # say the same as for a sent mail: the page never tells whether an account exists
            return redirect(self.success_url)
        return super().form_valid(form)
