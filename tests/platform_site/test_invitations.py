"""Organisation members: the org admin invites a colleague by email; the link works once, expires, and is
refused (with a clear page, never a 500) when revoked, tampered with or opened in another tenant."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from platform_site import invitations, tasks
from platform_site.consent import CONSENT_VERSION
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, ConsentRecord, Invitation, Membership, SentNotification
from platform_site.tenancy import tenant_scope
from tests.factories import InvitationFactory, MembershipFactory, UserFactory, persona

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
JOIN = {"full_name": "林怡君", "password1": "Str0ng-pass-2026", "password2": "Str0ng-pass-2026", "consent": "on"}


@pytest.fixture
def org_admin(world):
    """world.applicant as the admin of world.org_a (the first registered applicant)."""
    Membership.objects.filter(user=world.applicant, tenant=world.a).update(is_org_admin=True)
    return world.applicant


def _invite_by_page(client, admin, email, mailoutbox, capture):
    client.force_login(admin)
    with capture(execute=True):
        response = client.post("/t/tsmp/members/", {"email": email}, **EN)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(mailoutbox) == 1
    return re.search(r"http://\S+/join/\d+/[0-9a-f]+/", mailoutbox[0].body).group(0)


def test_the_org_admin_invites_and_the_email_is_bilingual_with_a_base_url_link(
    client, world, org_admin, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://portal.example.tw"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]  # even an accepted Host header is not used
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/t/tsmp/members/", {"email": "Lin@Metal.example.TW"}, HTTP_HOST="evil.example")
    assert response.status_code == 302
    mail = mailoutbox[0]
    assert mail.to == ["lin@metal.example.tw"]
    assert world.org_a.name in mail.subject
    assert "You are invited to join" in mail.subject  # the English half
    link = re.search(r"\S+/join/\d+/[0-9a-f]+/", mail.body).group(0)
    assert link.startswith("https://portal.example.tw/t/tsmp/join/")  # never the request's Host
    with tenant_scope(world.a):
        invitation = Invitation.objects.get()
        entry = ActivityLog.objects.get(action=ActivityAction.MEMBER_INVITED)
        assert (entry.object_id, entry.actor_id) == (invitation.pk, org_admin.pk)
        assert abs(invitation.expires_at - invitation.created_at - timedelta(days=7)) < timedelta(seconds=1)
    # A redelivered task sends nothing more (claimed once).
    assert tasks.send_invitation_email(tenant_id=world.a.pk, log_id=entry.pk) is False
    assert tasks.send_invitation_email(tenant_id=world.b.pk, log_id=entry.pk) is False
    assert len(mailoutbox) == 1
    with tenant_scope(world.a):
        assert SentNotification.objects.filter(entry=entry).count() == 1


def test_the_invitation_validity_is_a_tenant_setting(world, org_admin):
    world.a.settings = {**world.a.settings, "invitation_valid_days": 3}
    world.a.save()
    with tenant_scope(world.a):
        invitation = invitations.invite(org_admin, world.a, "lin@metal.example.tw")
    assert timedelta(days=3) - timedelta(seconds=5) < invitation.expires_at - timezone.now() <= timedelta(days=3)


def test_a_new_colleague_joins_once_and_the_link_then_fails(
    client, world, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    link = _invite_by_page(client, org_admin, "lin@metal.example.tw", mailoutbox, django_capture_on_commit_callbacks)
    path = "/" + link.split("/", 3)[3]
    client.logout()
    page = client.get(path, **EN)
    assert page.status_code == 200 and b"join-form" in page.content and b"consent-notice" in page.content
    # Without consent: a field error and no account.
    refused = client.post(path, {**JOIN, "consent": ""}, **EN)
    assert refused.status_code == 400 and "consent" in refused.context["form"].errors
    assert not get_user_model().objects.filter(username="lin@metal.example.tw").exists()

    response = client.post(path, JOIN, **EN)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="lin@metal.example.tw")
    membership = Membership.objects.get(user=user)
    assert (membership.tenant_id, membership.role, membership.organization_id) == (
        world.a.pk,
        Role.APPLICANT,
        world.org_a.pk,
    )
    assert not membership.is_org_admin
    assert ConsentRecord.objects.get(user=user).version == CONSENT_VERSION
    assert client.get("/t/tsmp/cases/").status_code == 200  # signed in, sees the organisation's cases
    with tenant_scope(world.a):
        joined = ActivityLog.objects.get(action=ActivityAction.MEMBER_JOINED)
        assert joined.actor_id == user.pk
        assert Invitation.objects.get().accepted_by_id == user.pk

    # The link works once: for the new member, for anyone else, and on POST.
    for who in (user, None, world.outsider):
        client.logout()
        if who:
            client.force_login(who)
        again = client.get(path, **EN)
        assert again.status_code == 410 and b'data-reason="accepted"' in again.content
        assert client.post(path, JOIN, **EN).status_code == 410
    assert Membership.objects.filter(organization=world.org_a, role=Role.APPLICANT).count() == 2


def test_an_expired_link_gives_a_clear_page(client, world, org_admin):
    with tenant_scope(world.a):
        invitation = invitations.invite(org_admin, world.a, "lin@metal.example.tw")
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        path = "/" + invitations.invitation_url(invitation).split("/", 3)[3]
    response = client.get(path, **EN)
    assert response.status_code == 410
    assert b'data-reason="expired"' in response.content and b"has expired" in response.content
    assert client.post(path, JOIN, **EN).status_code == 410
    assert not get_user_model().objects.filter(username="lin@metal.example.tw").exists()


def test_revoked_tampered_and_other_tenant_links_are_refused(client, world, org_admin):
    with tenant_scope(world.a):
        invitation = invitations.invite(org_admin, world.a, "lin@metal.example.tw")
        token = invitations.token_for(invitation)
    good = f"/t/tsmp/join/{invitation.pk}/{token}/"
    assert client.get(good).status_code == 200
    tampered = f"/t/tsmp/join/{invitation.pk}/{token[:-1]}{'0' if token[-1] != '0' else '1'}/"
    other_tenant = f"/t/ailab/join/{invitation.pk}/{token}/"
    for url in (tampered, other_tenant, f"/t/tsmp/join/{invitation.pk + 1}/{token}/", "/t/tsmp/join/1/x/"):
        response = client.get(url, **EN)
        assert response.status_code == 404 and b'data-reason="invalid"' in response.content, url
        assert b"not valid" in response.content
        assert client.post(url, JOIN, **EN).status_code == 404
    client.force_login(org_admin)
    assert client.post(f"/t/tsmp/members/invitations/{invitation.pk}/revoke/").status_code == 302
    client.logout()
    response = client.get(good, **EN)
    assert response.status_code == 410 and b'data-reason="revoked"' in response.content
    assert client.post(good, JOIN, **EN).status_code == 410
    with tenant_scope(world.a):
        assert (
            ActivityLog.objects.filter(action=ActivityAction.INVITATION_REVOKED, object_id=invitation.pk).count() == 1
        )
    assert not get_user_model().objects.filter(username="lin@metal.example.tw").exists()


def test_an_existing_account_signs_in_and_accepts(client, world, org_admin):
    colleague = UserFactory(username="wu@metal.example.tw", email="wu@metal.example.tw")
    with tenant_scope(world.a):
        invitation = invitations.invite(org_admin, world.a, "WU@metal.example.tw")
        path = "/" + invitations.invitation_url(invitation).split("/", 3)[3]
    page = client.get(path, **EN)
    assert b"sign-in-to-accept" in page.content and b"join-form" not in page.content
    assert client.post(path, JOIN, **EN).status_code == 200  # no account is created over the existing one
    # Another signed-in account may not take it.
    client.force_login(world.outsider)
    assert client.post(path, **EN).status_code == 403
    assert not Membership.objects.filter(user=world.outsider).exists()
    client.force_login(colleague)
    assert b"confirm-join" in client.get(path, **EN).content
    assert client.post(path, **EN).status_code == 302
    assert Membership.objects.get(user=colleague).organization_id == world.org_a.pk
    assert client.post(path, **EN).status_code == 410


def test_invitations_refused_for_members_and_other_organisations_members(client, world, org_admin):
    client.force_login(org_admin)
    for email, message in (
        (world.applicant.email, "already a member of your organisation"),
        (world.other_applicant.email, "represents another organisation"),
    ):
        response = client.post("/t/tsmp/members/", {"email": email}, **EN)
        assert response.status_code == 400 and message in response.content.decode()
    assert client.post("/t/tsmp/members/", {"email": "x@example.tw"}, **EN).status_code == 302
    again = client.post("/t/tsmp/members/", {"email": "X@example.tw"}, **EN)
    assert again.status_code == 400 and "pending invitation already" in again.content.decode()
    assert client.post("/t/tsmp/members/", {"email": "not-an-email"}, **EN).status_code == 400


def test_only_the_org_admin_invites_or_revokes(client, world, org_admin):
    colleague = persona(world.a, Role.APPLICANT, world.org_a)
    invitation = InvitationFactory(tenant=world.a, organization=world.org_a)
    client.force_login(colleague)
    page = client.get("/t/tsmp/members/", **EN)
    assert page.status_code == 200 and b"invite-form" not in page.content  # sees colleagues, cannot invite
    assert client.post("/t/tsmp/members/", {"email": "y@example.tw"}, **EN).status_code == 403
    assert client.post(f"/t/tsmp/members/invitations/{invitation.pk}/revoke/").status_code == 403
    with tenant_scope(world.a):
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
        assert not Invitation.objects.filter(email="y@example.tw").exists()
    client.force_login(world.reviewer)  # office staff have no organisation here
    assert client.get("/t/tsmp/members/").status_code == 404


def test_an_org_admin_cannot_reach_another_organisation_or_tenant(client, world, org_admin):
    other_org_invitation = InvitationFactory(tenant=world.a, organization=world.org_a2)
    other_tenant_invitation = InvitationFactory(tenant=world.b, organization=world.org_b)
    client.force_login(org_admin)
    page = client.get("/t/tsmp/members/").content.decode()
    assert other_org_invitation.email not in page and world.other_applicant.email not in page
    assert client.post(f"/t/tsmp/members/invitations/{other_org_invitation.pk}/revoke/").status_code == 404
    assert client.post(f"/t/tsmp/members/invitations/{other_tenant_invitation.pk}/revoke/").status_code == 404
    assert client.get("/t/ailab/members/").status_code == 404
    assert client.post("/t/ailab/members/", {"email": "z@example.tw"}).status_code == 404
    with tenant_scope(world.a):
        assert Invitation.objects.get(pk=other_org_invitation.pk).revoked_at is None
    with tenant_scope(world.b):
        assert Invitation.objects.get(pk=other_tenant_invitation.pk).revoked_at is None
        assert not Invitation.objects.filter(email="z@example.tw").exists()


@pytest.mark.parametrize("rows", [1, 12])
def test_the_members_page_has_a_bounded_query_count(client, world, org_admin, rows, django_assert_max_num_queries):
    for _ in range(rows):
        MembershipFactory(tenant=world.a, role=Role.APPLICANT, organization=world.org_a)
        InvitationFactory(tenant=world.a, organization=world.org_a, invited_by=org_admin)
    client.force_login(org_admin)
    # tenant, session, user, roles, membership, members, invitations (+2 set_config of the scope on PostgreSQL)
    with django_assert_max_num_queries(9):
        response = client.get("/t/tsmp/members/")
    assert response.status_code == 200
    assert response.content.decode().count("data-member=") == rows + 1
    assert response.content.decode().count("data-invitation=") == rows


def test_the_migration_makes_first_applicants_org_admins(world):
    from importlib import import_module

    from django.apps import apps

    later = persona(world.a, Role.APPLICANT, world.org_a)
    Membership.objects.update(is_org_admin=False)
    import_module("platform_site.migrations.0009_accounts").first_applicants_become_org_admins(apps, None)
    admins = set(Membership.objects.filter(is_org_admin=True).values_list("user_id", flat=True))
    assert admins == {world.applicant.pk, world.other_applicant.pk, world.b_applicant.pk}
    assert later.pk not in admins


def test_pending_invitations_are_capped_per_organisation(world, org_admin):
    with tenant_scope(world.a):
        for n in range(invitations.MAX_PENDING):
            invitations.invite(org_admin, world.a, f"c{n}@metal.example.tw")
        with pytest.raises(ValidationError) as refused:
            invitations.invite(org_admin, world.a, "one-more@metal.example.tw")
    assert f"貴單位已有 {invitations.MAX_PENDING} 份待接受的邀請" in str(refused.value.message_dict["email"][0])


def test_joining_is_refused_clearly_for_an_account_of_another_organisation(client, world, org_admin):
    with tenant_scope(world.a):
        invitation = invitations.invite(org_admin, world.a, "lin@metal.example.tw")
        path = "/" + invitations.invitation_url(invitation).split("/", 3)[3]
    # Meanwhile the person registered another organisation of this office.
    elsewhere = persona(
        world.a, Role.APPLICANT, world.org_a2, username="lin@metal.example.tw", email="lin@metal.example.tw"
    )
    client.force_login(elsewhere)
    response = client.post(path, **EN)
    assert response.status_code == 409 and b"one organisation per office" in response.content
    assert list(Membership.objects.filter(user=elsewhere).values_list("organization_id", flat=True)) == [
        world.org_a2.pk
    ]
    with tenant_scope(world.a):
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_no_email_for_a_revoked_invitation_or_another_entry(world, org_admin, mailoutbox):
    with tenant_scope(world.a):
        invitation = invitations.invite(org_admin, world.a, "lin@metal.example.tw")  # not committed: no mail yet
        entry = ActivityLog.objects.get(action=ActivityAction.MEMBER_INVITED)
        invitations.revoke(org_admin, world.a, invitation)
        revoked = ActivityLog.objects.get(action=ActivityAction.INVITATION_REVOKED)
    assert tasks.send_invitation_email(tenant_id=world.a.pk, log_id=entry.pk) is False
    assert tasks.send_invitation_email(tenant_id=world.a.pk, log_id=revoked.pk) is False
    assert tasks.send_invitation_email(tenant_id=world.a.pk, log_id=999999) is False
    assert mailoutbox == []


def test_the_join_page_takes_a_bounded_number_of_queries(client, world, org_admin, django_assert_max_num_queries):
    """Opening an emailed link (signed out, and signed in as someone else) reads a fixed number of rows
    (+2 ``set_config`` of the tenant scope on PostgreSQL)."""
    with tenant_scope(world.a):
        invitation = invitations.invite(org_admin, world.a, "new.colleague@metal.example.tw")
        path = "/" + invitations.invitation_url(invitation).split("/", 3)[3]
    with django_assert_max_num_queries(5):
        assert client.get(path).status_code == 200
    client.force_login(world.other_applicant)
    with django_assert_max_num_queries(9):
        assert client.get(path).status_code in (200, 403, 409)
