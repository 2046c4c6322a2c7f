"""Portal-wide pages: registration, language switch, login throttling, home."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from platform_site.models import Membership, Organization
from platform_site.tenancy import tenant_scope

pytestmark = pytest.mark.django_db

FORM = {
    "org_name": "步履製鞋有限公司",
    "org_kind": "company",
    "ubn": "22099131",
    "size": "sme",
    "is_domestic": "on",
    "full_name": "林怡君",
    "email": "Lin@Shoes.example.tw",
    "password1": "Str0ng-pass-2026",
    "password2": "Str0ng-pass-2026",
    "consent": "on",
}


def test_registration_creates_org_user_and_applicant_membership(client, world):
    response = client.post("/t/tsmp/register/", {**FORM, "ubn": "00000074"})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="lin@shoes.example.tw")
    membership = Membership.objects.get(user=user)
    assert (membership.tenant_id, membership.role) == (world.a.pk, "applicant")
    with tenant_scope(world.a):
        assert Organization.objects.get(pk=membership.organization_id).ubn == "00000074"
    assert client.get("/t/tsmp/cases/").status_code == 200  # signed in


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ubn": "12345678"}, "ubn"),
        ({"ubn": ""}, "ubn"),
        ({"ubn": "04595257"}, "ubn"),  # already registered in this tenant (world.org_a)
        ({"ubn": "22099131"}, "ubn"),  # world.org_a2
        ({"password2": "different"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password1"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_registration_errors_are_field_messages(client, world, changes, field):
    response = client.post("/t/tsmp/register/", {**FORM, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not get_user_model().objects.filter(username="lin@shoes.example.tw").exists()


def test_the_same_ubn_may_register_in_another_tenant(client, world):
    response = client.post("/t/ailab/register/", {**FORM, "ubn": "04595257"})
    assert response.status_code == 302


def test_default_language_is_traditional_chinese_and_english_by_switch(client, world):
    client.force_login(world.applicant)
    page = client.get("/t/tsmp/cases/", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert 'lang="zh-Hant-TW"' in page and "需求" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/t/tsmp/cases/"})
    page = client.get("/t/tsmp/cases/").content.decode()
    assert 'lang="en"' in page and "Demand cases" in page


def test_login_is_throttled_after_repeated_failures(client, world, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": world.applicant.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": world.applicant.username, "password": "pw-for-tests-2026"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_home_lists_the_users_offices(client, world):
    client.force_login(world.applicant)
    page = client.get("/").content.decode()
    assert world.a.name in page


def test_admin_pages_for_tenants_and_memberships_render(client, world):
    admin = get_user_model().objects.create_superuser("root@example.tw", "root@example.tw", "pw-for-tests-2026")
    client.force_login(admin)
    membership = Membership.objects.filter(tenant=world.a).first()
    for url in (
        "/admin/platform_site/tenant/",
        f"/admin/platform_site/tenant/{world.a.pk}/change/",
        "/admin/platform_site/membership/",
        f"/admin/platform_site/membership/{membership.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url


def test_admin_shows_queued_tasks_read_only(client, world):
    """An operator reads a given-up task's error in the admin; queued tasks cannot be added or edited there."""
    from platform_site.outbox import OutboxMessage

    row = OutboxMessage.objects.create(
        task="cases.tasks.notify_case_transition",
        kwargs={"tenant_id": world.a.pk, "log_id": 1},
        available_at=timezone.now(),
        failures=10,
        last_error="SMTPServerDisconnected: gone",
        done_at=timezone.now(),
    )
    admin = get_user_model().objects.create_superuser("root@example.tw", "root@example.tw", "pw-for-tests-2026")
    client.force_login(admin)
    listing = client.get("/admin/platform_site/outboxmessage/")
    assert listing.status_code == 200 and "cases.tasks.notify_case_transition" in listing.content.decode()
    detail = client.get(f"/admin/platform_site/outboxmessage/{row.pk}/change/")
    assert detail.status_code == 200 and "SMTPServerDisconnected: gone" in detail.content.decode()
    assert client.get("/admin/platform_site/outboxmessage/add/").status_code == 403
