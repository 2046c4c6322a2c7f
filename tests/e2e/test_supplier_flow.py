"""Issue 9 end to end in real Chromium: a supplier registers and submits its capability profile, the office
qualifies it, the CTO approves it (the final-review transition the review meeting will call: docs/suppliers.md),
it appears in the directory under a two-character search, and the office refers a case to it, which it accepts."""

from __future__ import annotations

import pytest

from cases.enums import CaseState
from platform_site.enums import Role
from tests.factories import OrganizationFactory, TenantFactory, complete_case, persona, set_fields

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


def test_supplier_onboarding_directory_and_referral(page, login):
    tenant = TenantFactory(slug="tsmp", name="臺灣智慧系統整合製造平台推動辦公室", settings={"case_prefix": "TSMP"})
    reviewer = persona(tenant, Role.OFFICE_REVIEWER, first_name="王美玲")
    cto = persona(tenant, Role.CTO, first_name="李技術長")
    org = OrganizationFactory(tenant=tenant, name="南方精密金屬股份有限公司", ubn="04595257")
    applicant = persona(tenant, Role.APPLICANT, org)
    case = complete_case(tenant=tenant, applicant_org=org, created_by=applicant, title="沖壓模具異音預知保養")
    set_fields(case, state=CaseState.REFERRED, customisations=["hardware"], smart_system_need="振動感測與異常偵測。")

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
    login(page, reviewer)
    page.goto("/t/tsmp/suppliers/profiles/?state=submitted")
    page.click("text=南方感測元件股份有限公司")
    _act(page, "start_qualification")
    _act(page, "qualify")
    assert _state(page) == "final_review"
    assert page.locator("[data-due=final]").is_visible()
    _logout(page)

    # 3. The CTO records the final review's consensus.
    login(page, cto)
    page.goto(profile_url)
    _act(page, "approve")
    assert _state(page) == "approved"
    _logout(page)

    # 4. The office finds it under a two-character search and refers the case to it for ⑤ module design.
    login(page, reviewer)
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
    _logout(page)

    # 5. The supplier sees the referral on its home and accepts it; the case shows the outcome.
    page.goto("/accounts/login/")
    page.fill("#id_username", "huang@sensor.example.tw")
    page.fill("#id_password", "Str0ng-pass-2026")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto("/t/tsmp/")
    page.click("[data-panel=supplier-partner] >> text=沖壓模具異音預知保養")
    page.click("#answer button[value=accept]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-state=accepted]").count() == 1
    _logout(page)
    login(page, applicant)
    page.goto(f"/t/tsmp/suppliers/cases/{case.pk}/")
    assert page.locator("#referrals [data-state=accepted]").count() == 1
