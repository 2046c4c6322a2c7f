"""Account basics: password reset by email, the profile (name, login email, language applied at login),
個資 consent at registration, the register link on the login page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from platform_site.consent import CONSENT_VERSION
from platform_site.enums import Role
from platform_site.models import ConsentRecord, Membership, Profile
from tests.factories import UserFactory
from tests.platform_site.test_views import FORM

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PASSWORD = "pw-for-tests-2026"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _reset_link(mail) -> str:
    return re.search(r"https?://\S+/accounts/reset/\S+/\S+/", mail.body).group(0)


def test_password_reset_mails_a_base_url_link_that_changes_the_password_once(client, world, mailoutbox, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.tw"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    user = world.applicant
    response = client.post("/accounts/password_reset/", {"email": user.email.upper()}, HTTP_HOST="evil.example")
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [user.email] and "Reset your password" in mail.subject  # zh-Hant, then English
    assert "within 3 days" in mail.body  # PASSWORD_RESET_TIMEOUT
    link = _reset_link(mail)
    assert link.startswith("https://portal.example.tw/accounts/reset/")  # never the request's Host header
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "N3w-secret-2026", "new_password2": "N3w-secret-2026"})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password("N3w-secret-2026") and not user.check_password(PASSWORD)
    # The old link fails now (the token covers the password hash).
    again = client.get(path, follow=True, **EN)
    assert again.context["validlink"] is False and b"reset-invalid" in again.content
    assert client.login(username=user.username, password="N3w-secret-2026")


def test_password_reset_for_an_unknown_email_says_the_same_and_sends_nothing(client, world, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.tw"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert mailoutbox == []


def test_password_reset_requests_are_limited_per_email_and_per_ip(client, world, mailoutbox, settings):
    settings.PORTAL_PASSWORD_RESET_PER_EMAIL = 2
    settings.PORTAL_PASSWORD_RESET_PER_IP = 4
    for _ in range(3):
        assert client.post("/accounts/password_reset/", {"email": world.applicant.email}).status_code == 302
    assert len(mailoutbox) == 2  # the third request looks the same but sends nothing
    assert client.post("/accounts/password_reset/", {"email": world.reviewer.email}).status_code == 302
    assert len(mailoutbox) == 3
    refused = client.post("/accounts/password_reset/", {"email": world.cto.email}, **EN)
    assert refused.status_code == 429 and b"Too many password reset requests" in refused.content
    assert len(mailoutbox) == 3
    other_ip = client.post("/accounts/password_reset/", {"email": world.cto.email}, REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302 and len(mailoutbox) == 4


def test_the_login_page_links_to_registration_and_password_reset(client, world):
    page = client.get("/accounts/login/", **EN).content.decode()
    assert 'id="register-link" href="/#offices"' in page and 'href="/accounts/password_reset/"' in page
    home = client.get("/", **EN).content.decode()
    assert 'id="offices"' in home and "/t/tsmp/register/" in home and "/t/ailab/register/" in home


def test_registration_records_consent_version_org_admin_and_language(client, world):
    page = client.get("/t/tsmp/register/", **EN).content.decode()
    assert 'id="consent-notice"' in page and world.a.name in page and "Personal Data Protection Act" in page
    response = client.post("/t/tsmp/register/", {**FORM, "ubn": "00000074"}, **EN)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="lin@shoes.example.tw")
    consent = ConsentRecord.objects.get(user=user)
    assert (consent.version, consent.tenant_id) == (CONSENT_VERSION, world.a.pk)
    assert Membership.objects.get(user=user).is_org_admin
    assert Profile.objects.get(user=user).language == "en"


def test_registration_without_consent_is_refused_with_a_field_error(client, world):
    data = {**FORM, "ubn": "00000074"}
    del data["consent"]
    response = client.post("/t/tsmp/register/", data, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["consent"] == ["Please agree to the personal-data notice to register."]
    assert not get_user_model().objects.filter(username="lin@shoes.example.tw").exists()
    assert not ConsentRecord.objects.exists()


def test_the_duplicate_ubn_message_points_to_the_invitation_path(client, world):
    response = client.post("/t/tsmp/register/", {**FORM, "ubn": "04595257"}, **EN)
    assert "invite you on the portal's Members page" in response.context["form"].errors["ubn"][0]


def test_the_preferred_language_is_applied_at_login(client, world):
    user = UserFactory()
    Profile.objects.create(user=user, language="en")
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-TW"
    )
    assert response.status_code == 302
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert 'lang="en"' in page
    # Without a preference the browser's language stays in charge (no cookie is set).
    plain = UserFactory()
    client.logout()
    response = client.post("/accounts/login/", {"username": plain.username, "password": PASSWORD})
    assert django_settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_profile_saves_name_and_language_at_once(client, world):
    client.force_login(world.applicant)
    page = client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert page.status_code == 200 and page.context["form"].initial["language"] == "zh-hant"
    data = {"full_name": "陳志明 Chen", "email": world.applicant.email, "language": "en", "current_password": ""}
    response = client.post("/accounts/profile/", data)
    assert response.status_code == 302
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert Profile.objects.get(user=world.applicant).language == "en"
    world.applicant.refresh_from_db()
    assert world.applicant.first_name == "陳志明 Chen"
    assert 'lang="en"' in client.get("/accounts/profile/").content.decode()


def test_changing_the_email_keeps_the_login_in_sync_and_unique(client, world):
    user = world.applicant
    client.force_login(user)
    base = {"full_name": user.first_name, "language": "en"}
    # Another account's email, in other letter case: refused.
    taken = client.post(
        "/accounts/profile/", {**base, "email": world.reviewer.email.upper(), "current_password": PASSWORD}
    )
    assert taken.status_code == 200 and "email" in taken.context["form"].errors
    # Without the current password: refused.
    nopass = client.post("/accounts/profile/", {**base, "email": "chen.new@metal.example.tw"})
    assert "current_password" in nopass.context["form"].errors
    ok = client.post("/accounts/profile/", {**base, "email": "Chen.New@Metal.example.TW", "current_password": PASSWORD})
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.username == user.email == "chen.new@metal.example.tw"
    client.logout()
    assert client.login(username="chen.new@metal.example.tw", password=PASSWORD)


def test_the_profile_needs_a_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_user_menu_links_profile_and_members_for_applicants_only(client, world):
    client.force_login(world.applicant)
    page = client.get("/t/tsmp/cases/").content.decode()
    assert 'id="profile-link" href="/accounts/profile/"' in page and 'id="members-link" href="/t/tsmp/members/"' in page
    client.force_login(world.reviewer)
    page = client.get("/t/tsmp/cases/").content.decode()
    assert 'id="profile-link"' in page and 'id="members-link"' not in page


@pytest.mark.parametrize("n_memberships", [1, 5])
def test_the_profile_and_the_after_login_page_take_a_bounded_number_of_queries(
    client, world, n_memberships, django_assert_max_num_queries
):
    """The same bound with one or five memberships (no query per tenant or role)."""
    from tests.factories import MembershipFactory, TenantFactory

    user = world.applicant
    for i in range(n_memberships - 1):
        MembershipFactory(user=user, tenant=TenantFactory(slug=f"office-{i}"), role=Role.CTO)
    client.force_login(user)
    with django_assert_max_num_queries(5):
        assert client.get("/accounts/profile/").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/start/").status_code == 302
