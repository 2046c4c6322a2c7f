"""An invited colleague joins an existing organisation through the emailed link (real Chromium, real email
through Django's locmem backend, the invitation task run by the outbox on commit) and sees its cases on the
home page and in the case list."""

from __future__ import annotations

import re

import pytest

from platform_site.enums import Role
from platform_site.models import Membership
from tests.e2e.browser import click_through
from tests.factories import DemandCaseFactory, OrganizationFactory, TenantFactory, persona

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_invited_colleague_joins_and_sees_the_organisations_cases(page, login, live_server, mailoutbox, settings):
    settings.PORTAL_BASE_URL = live_server.url
    tenant = TenantFactory(slug="tsmp", name="臺灣智慧系統整合製造平台推動辦公室", settings={"case_prefix": "TSMP"})
    org = OrganizationFactory(tenant=tenant, name="南方精密金屬股份有限公司", ubn="04595257")
    admin = persona(tenant, Role.APPLICANT, org, first_name="陳志明")
    Membership.objects.filter(user=admin).update(is_org_admin=True)
    DemandCaseFactory(tenant=tenant, applicant_org=org, created_by=admin, title="金屬加工件表面瑕疵 AI 檢測")
    other_org = OrganizationFactory(tenant=tenant, name="織采紡織股份有限公司", ubn="22099131")
    DemandCaseFactory(tenant=tenant, applicant_org=other_org, title="織品色差檢測")

    # 1. The organisation admin invites a colleague from the Members page (user menu).
    login(page, admin)
    page.goto("/t/tsmp/cases/")
    page.click("#members-link")
    page.wait_for_url("**/t/tsmp/members/")
    page.fill("#id_email", "lin@metal.example.tw")
    click_through(page, "#invite-form button[type=submit]")
    assert page.locator("#pending-invitations [data-invitation='lin@metal.example.tw']").count() == 1
    click_through(page, "form[action='/accounts/logout/'] button")

    # 2. The email holds the link (on PORTAL_BASE_URL); the colleague opens it and sets name + password.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["lin@metal.example.tw"]
    link = re.search(re.escape(live_server.url) + r"/t/tsmp/join/\d+/[0-9a-f]+/", mailoutbox[0].body).group(0)
    page.goto(link)
    assert page.locator("#consent-notice").is_visible()
    page.fill("#id_full_name", "林怡君")
    page.fill("#id_password1", "Str0ng-pass-2026")
    page.fill("#id_password2", "Str0ng-pass-2026")
    page.click("#join-form button[type=submit]")
    assert page.locator("#id_consent.is-invalid, .invalid-feedback").first.is_visible()  # consent is required
    page.fill("#id_password1", "Str0ng-pass-2026")
    page.fill("#id_password2", "Str0ng-pass-2026")
    page.check("#id_consent")
    click_through(page, "#join-form button[type=submit]")

    # 3. Signed in as a member of the organisation, on the tenant's home: its cases, not another organisation's.
    page.wait_for_url(re.compile(r".*/t/tsmp/$"))
    assert page.locator("main").get_by_text("金屬加工件表面瑕疵 AI 檢測").count() == 1
    assert page.locator("main").get_by_text("織品色差檢測").count() == 0
    page.goto("/t/tsmp/cases/")
    assert page.locator("main").get_by_text("金屬加工件表面瑕疵 AI 檢測").count() == 1
    assert page.locator("main").get_by_text("織品色差檢測").count() == 0
    assert page.locator("#profile-link").inner_text().strip() == "林怡君"

    # 4. The link worked once.
    page.goto(link)
    assert page.locator("#invitation-problem").get_attribute("data-reason") == "accepted"
