"""The first slice end to end in real Chromium: an SME registers, submits a demand case with documents,
the office reviewer proceeds it to 初審 (preliminary review), and the applicant sees the new status."""

from __future__ import annotations

import pytest

from platform_site.enums import Role
from tests.e2e.browser import click_through
from tests.factories import MINIMAL_PDF, TenantFactory, persona

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _upload(page, kind: str, name: str) -> None:
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "application/pdf", "buffer": MINIMAL_PDF}])
    click_through(page, "#upload-form button[type=submit]")


def test_applicant_registers_submits_and_reviewer_proceeds_to_preliminary(page, login):
    tenant = TenantFactory(slug="tsmp", name="臺灣智慧系統整合製造平台推動辦公室", settings={"case_prefix": "TSMP"})
    reviewer = persona(tenant, Role.OFFICE_REVIEWER, first_name="王美玲")

    # 1. The SME registers its organisation (統一編號 validated) and is signed in.
    page.goto("/t/tsmp/register/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    page.fill("#id_org_name", "南方精密金屬股份有限公司")
    page.fill("#id_ubn", "12345678")  # invalid check digit
    page.fill("#id_full_name", "陳志明")
    page.fill("#id_email", "chen@metal.example.tw")
    page.fill("#id_password1", "Str0ng-pass-2026")
    page.fill("#id_password2", "Str0ng-pass-2026")
    page.click("main button[type=submit]")
    assert page.locator(".invalid-feedback").first.is_visible()
    page.fill("#id_ubn", "04595257")
    page.fill("#id_password1", "Str0ng-pass-2026")
    page.fill("#id_password2", "Str0ng-pass-2026")
    page.check("#id_consent")
    page.click("main button[type=submit]")
    page.wait_for_url("**/t/tsmp/")  # the applicant's home

    # 2. A demand case: saved as a draft, documents uploaded, submitted.
    page.click("a[href='/t/tsmp/cases/new/']")
    page.fill("#id_title", "金屬加工件表面瑕疵 AI 檢測")
    page.select_option("#id_industry", "manufacturing")
    page.fill("#id_application_field", "金屬加工瑕疵檢測")
    page.fill("#id_problem_statement", "夜班人工目檢漏檢率高。")
    page.fill("#id_smart_system_need", "產線即時影像辨識。")
    page.check("input[name=customisations][value=chip]")
    page.check("#id_supply_chain_consulted")
    page.fill("#id_supply_chain_outcome", "既有設備商無法提供。")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/t/tsmp/cases/*/")
    assert page.locator("#case-status [data-state]").get_attribute("data-state") == "draft"
    _upload(page, "company_registration", "公司登記.pdf")
    _upload(page, "needs_description", "需求說明書.pdf")
    assert page.locator("#documents li").count() == 2
    click_through(page, "button[value=submit]")
    assert page.locator("#case-status [data-state]").get_attribute("data-state") == "submitted"
    case_url = page.url
    page.click("form[action='/accounts/logout/'] button")

    # 3. The office reviewer takes it from the queue, fills in the checklist (eligible; the existing chain
    #    cannot serve; the applicant needs a custom chip) and proceeds to 初審.
    login(page, reviewer)
    page.goto("/t/tsmp/review/queue/")
    assert page.locator("[data-days-left='5']").count() == 1
    page.click("text=金屬加工件表面瑕疵 AI 檢測")
    click_through(page, "button[value=start_qualification]")
    page.check("#id_eligible_applicant_type")
    page.check("#id_eligible_need")
    page.check("input[name=existing_supply_chain_can_serve][value=no]")  # chip customisation: 初審 (seed 000)
    page.check("input[name=decision][value=proceed]")
    page.fill("#decision-form textarea[name=comment]", "符合資格，排入初審。")
    click_through(page, "#decision-form button[type=submit]")
    assert page.locator("#case-status [data-state]").get_attribute("data-state") == "preliminary_review"
    page.click("form[action='/accounts/logout/'] button")

    # 4. The applicant sees the new status and the full history.
    page.goto("/accounts/login/")
    page.fill("#id_username", "chen@metal.example.tw")
    page.fill("#id_password", "Str0ng-pass-2026")
    page.click("main button[type=submit]")
    page.goto(case_url)
    assert page.locator("#case-status [data-state]").get_attribute("data-state") == "preliminary_review"
    transitions = page.locator("#history li[data-transition]").evaluate_all(
        "items => items.map(i => i.dataset.transition)"
    )
    assert transitions == ["submit", "start_qualification", "proceed_to_preliminary"]
    actions = page.locator("#history li").evaluate_all("items => items.map(i => i.dataset.action)")
    assert actions[0] == "created" and "document_uploaded" in actions and "checklist_saved" in actions
    assert "符合資格，排入初審。" in page.locator("#history").inner_text()
