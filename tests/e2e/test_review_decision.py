"""The committee's decision in real Chromium: the CTO passes a final review on the decision page (tier, rating,
case manager; the discount read from the table), the minutes PDF is produced and opens with the decision in
it, the CTO releases the decision and the applicant sees it — without any expert's score or name."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from cases.enums import CaseState
from platform_site.actors import SYSTEM
from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from review import services
from review.enums import ApplicantAttendance, ReviewStage
from tests.e2e.browser import click_through
from tests.factories import OrganizationFactory, TenantFactory, persona, reload, set_fields
from tests.review import factories as rf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_cto_passes_a_final_review_and_the_applicant_sees_the_released_decision(page, login):
    tenant = TenantFactory(slug="tsmp", name="臺灣智慧系統整合製造平台推動辦公室", settings={"case_prefix": "TSMP"})
    with tenant_scope(tenant):
        services.install_tier_discounts(SYSTEM)
    org = OrganizationFactory(tenant=tenant, name="南方精密金屬股份有限公司", ubn="04595257")
    applicant = persona(tenant, Role.APPLICANT, org, first_name="陳志明")
    cto = persona(tenant, Role.CTO, first_name="林技術長")
    manager = persona(tenant, Role.CASE_MANAGER, first_name="張管理師")
    case = rf.case_in(tenant, CaseState.FINAL_REVIEW, applicant_org=org, created_by=applicant)
    mtg = rf.meeting(tenant, case, stage=ReviewStage.FINAL, chair=cto)
    seats = [rf.seat(mtg, rf.expert(tenant, first_name=f"專家{i}")) for i in range(5)]
    set_fields(seats[0], is_lead=True)
    set_fields(mtg, applicant_attendance=ApplicantAttendance.IN_PERSON)

    login(page, cto)
    page.goto(f"/t/tsmp/review/meetings/{mtg.pk}/decision/")
    page.check("input[name=outcome][value=pass]")
    page.fill("#id_reasons", "具市場開創性，與在地半導體供應鏈連結緊密。")
    page.fill("#id_applicant_comments", "恭喜通過複審，請與個案管理師聯繫啟動會議。")
    page.select_option("#id_value_creation_tier", "1")
    page.select_option("#id_local_linkage_rating", "4")
    page.select_option("#id_case_manager", str(manager.pk))
    click_through(page, "#decision-form button[type=submit]")
    assert "25%" in page.inner_text("#labour-share")  # TSMP table: tier 1, rating 4
    sha = page.inner_text("#minutes-sha256")
    assert len(sha) == 64
    response = page.request.get(f"/t/tsmp/review/meetings/{mtg.pk}/minutes.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "通過複審" in text and "張管理師" in text and "25%" in text
    click_through(page, "#release-form button[type=submit]")
    assert reload(case).state == CaseState.IN_SERVICE

    page.context.clear_cookies()
    login(page, applicant)
    page.goto(f"/t/tsmp/cases/{case.pk}/")
    click_through(page, "#committee-link")
    decision = page.inner_text(".released-decision")
    assert "恭喜通過複審" in decision and "張管理師" in decision
    body = page.inner_text("main")
    assert not any(f"專家{i}" in body for i in range(5)) and "具市場開創性" not in body
