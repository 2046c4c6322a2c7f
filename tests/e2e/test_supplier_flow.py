"""Issue 9 end to end in real Chromium: a supplier registers and submits its capability profile, the office
qualifies it, the CTO approves it in a meeting (schedules the 複審 from the profile, invites three core platform
members, they accept, the CTO closes the meeting with "approve" on the review app's decision page), it appears in
the directory under a two-character search, and the office refers a case to it, which it accepts.

Where signing in is not the point, a user is signed in by a session cookie (Django's test client logs in, the
browser gets its session id) instead of the login form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cases.enums import CaseState
from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from review import services as review_services
from review.models import Expert, PanelInvitation
from tests.factories import OrganizationFactory, TenantFactory, complete_case, persona, set_fields
from tests.review import factories as rf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _act(page, action: str, reason: str = "") -> None:
    form = page.locator(f"#actions form[data-action={action}]")
    if reason:
        form.locator("textarea[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def _state(page) -> str:
    return page.locator("#profile-status [data-state]").get_attribute("data-state")


def _logout(page) -> None:
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_load_state("networkidle")


def _as(page, live_server, user) -> None:
    """Sign ``user`` in by a session cookie (the test client's login; the login form is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def _click(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state("networkidle")


def test_supplier_onboarding_directory_and_referral(page, live_server):
    tenant = TenantFactory(slug="tsmp", name="臺灣智慧系統整合製造平台推動辦公室", settings={"case_prefix": "TSMP"})
    reviewer = persona(tenant, Role.OFFICE_REVIEWER, first_name="王美玲")
    cto = persona(tenant, Role.CTO, first_name="李技術長")
    org = OrganizationFactory(tenant=tenant, name="南方精密金屬股份有限公司", ubn="04595257")
    applicant = persona(tenant, Role.APPLICANT, org)
    case = complete_case(tenant=tenant, applicant_org=org, created_by=applicant, title="沖壓模具異音預知保養")
    set_fields(case, state=CaseState.REFERRED, customisations=["hardware"], smart_system_need="振動感測與異常偵測。")
    core = [rf.expert(tenant, first_name=name) for name in ("陳建宏", "劉怡君", "郭家銘")]  # core platform members
    outsider_expert = rf.expert(tenant, first_name="一般委員")
    with tenant_scope(tenant):
        Expert.objects.filter(pk__in=[e.pk for e in core]).update(is_core=True)

    # 1. The supplier registers, fills in its profile, accepts the obligations and submits.
    page.goto("/t/tsmp/suppliers/register/")
    page.fill("#id_org_name", "南方感測元件股份有限公司")
    page.fill("#id_ubn", "22099131")
    page.fill("#id_full_name", "黃怡君")
    page.fill("#id_email", "huang@sensor.example.tw")
    page.fill("#id_password1", "Str0ng-pass-2026")
    page.fill("#id_password2", "Str0ng-pass-2026")
    page.check("#id_consent")
    page.click("#supplier-register button[type=submit]")
    page.wait_for_url("**/t/tsmp/suppliers/profiles/*/")
    assert _state(page) == "draft"
    page.click("#edit-profile")
    page.fill("#id_summary", "MEMS 振動感測模組與工業感測器校正。")
    page.check("input[name=roles][value=module]")
    page.check("input[name=roles][value=field_validation]")
    page.check("input[name=domains][value=sensors]")
    page.check("input[name=certifications][value=iso_9001]")
    page.fill("#id_keywords", "感測器、MEMS、振動感測")
    page.fill("#id_reference_prices", "振動感測模組每組 NT$3,500")
    page.click("#profile-form button[type=submit]")
    page.wait_for_url("**/t/tsmp/suppliers/profiles/*/")
    page.check("#id_accept")
    page.click("#accept-obligations")
    page.wait_for_load_state("networkidle")
    assert page.locator("#accepted").is_visible()
    _act(page, "submit")
    assert _state(page) == "submitted"
    assert page.locator("[data-due=qualification]").is_visible()
    profile_url = page.url
    _logout(page)

    # 2. The office reviewer takes the qualification review and qualifies it.
    _as(page, live_server, reviewer)
    page.goto("/t/tsmp/suppliers/profiles/?state=submitted")
    page.click("text=南方感測元件股份有限公司")
    _act(page, "start_qualification")
    _act(page, "qualify")
    assert _state(page) == "final_review"
    assert page.locator("[data-due=final]").is_visible()
    assert page.locator("#actions form[data-action=approve]").count() == 0  # decided in the meeting only

    # 3. The CTO schedules the 複審 from the profile (within the two weeks shown), invites three core platform
    #    members on the review app's panel page; they declare no conflict and accept.
    _as(page, live_server, cto)
    page.goto(profile_url)
    assert page.locator("#final-review-due").is_visible()
    when = timezone.localtime(timezone.now() + dt.timedelta(days=3)).replace(hour=10, minute=0)
    page.fill("#id_scheduled_at", when.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_mode", "in_person")
    page.fill("#id_room", "推動辦公室 3 樓第二會議室")
    _click(page, "#schedule-final-review button[type=submit]")
    assert "/review/meetings/" in page.url and page.url.endswith("/panel/"), page.url
    meeting_pk = int(page.url.rstrip("/").split("/")[-2])
    assert page.locator(f"#picker tr[data-expert='{outsider_expert.pk}']").count() == 0  # not a core member
    for member in core:
        page.locator(f"#picker tr[data-expert='{member.pk}'] button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#error").count() == 0, page.locator("#error").inner_text()
    assert page.locator("#panel tr[data-state='invited']").count() == 3
    _as(page, live_server, core[0].user)  # one member through the pages, from their home
    page.goto("/t/tsmp/")
    with tenant_scope(tenant):
        seats = {inv.expert_id: inv for inv in PanelInvitation.objects.filter(meeting_id=meeting_pk)}
    _click(page, f"[data-panel='review-invitations'] [data-invitation='{seats[core[0].pk].pk}'] a")
    assert "南方感測元件股份有限公司" in page.locator("#case-title").inner_text()
    page.check("input[name=has_conflict][value=no]")
    _click(page, "#declaration-form button[type=submit]")
    _click(page, "#accept-form button[type=submit]")
    _click(page, "#case-link")  # the panel member may now read the profile (without prices)
    assert page.locator("#reference-prices").count() == 0 and _state(page) == "final_review"
    with tenant_scope(tenant):  # the other two through the services the pages call
        for member in core[1:]:
            review_services.declare_conflicts(seats[member.pk], member.user, has_conflict=False)
            review_services.accept_invitation(seats[member.pk], member.user)

    # 4. The CTO closes the meeting with the consensus "approve as a partner".
    _as(page, live_server, cto)
    page.goto(f"/t/tsmp/review/meetings/{meeting_pk}/")
    assert "南方感測元件股份有限公司" in page.locator("#meeting-facts").inner_text()
    _click(page, "#decision-link")
    page.check("input[name=outcome][value=pass]")
    page.fill("#id_reasons", "感測模組技術能量與交付實績符合要求，核心成員共識通過。")
    _click(page, "#decision-form button[type=submit]")
    assert page.locator("#error").count() == 0, page.locator("#error").inner_text()
    assert page.locator("#recorded-decision").count() == 1
    _click(page, "#subject-link")
    assert _state(page) == "approved"
    assert page.locator("#final-meetings [data-outcome=pass]").count() == 1

    # 5. The office finds it under a two-character search and refers the case to it for ⑤ module design.
    _as(page, live_server, reviewer)
    page.goto("/t/tsmp/suppliers/directory/")
    page.fill("#id_q", "感測")
    page.click("#directory-filter button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#partners tbody tr[data-profile]").count() == 1
    assert "南方感測元件股份有限公司" in page.locator("#partners").inner_text()
    page.goto(f"/t/tsmp/suppliers/cases/{case.pk}/")
    candidate = page.locator("[data-role=module] li[data-candidate]").first
    assert "南方感測元件股份有限公司" in candidate.inner_text()
    candidate.locator("input[name=note]").fill("請評估振動感測模組導入。")
    candidate.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#referrals [data-state=proposed]").count() == 1

    # 6. The supplier sees the referral on its home and accepts it; the case shows the outcome.
    _as(page, live_server, get_user_model().objects.get(username="huang@sensor.example.tw"))
    page.goto("/t/tsmp/")
    page.click("[data-panel=supplier-partner] >> text=沖壓模具異音預知保養")
    page.click("#answer button[value=accept]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-state=accepted]").count() == 1
    _as(page, live_server, applicant)
    page.goto(f"/t/tsmp/suppliers/cases/{case.pk}/")
    assert page.locator("#referrals [data-state=accepted]").count() == 1
