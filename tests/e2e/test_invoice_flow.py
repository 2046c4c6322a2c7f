"""Invoices in real Chromium: finance drafts an invoice, issues it, downloads the stored PDF (its SHA-256 as shown,
the 統一編號 and the capital numerals in it), records a partial then the final payment; the applicant then sees
the paid invoice and opens its PDF. (The statements half of issue 11 drafts its invoices through the same
``billing.services.draft_invoice``.)"""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader

from billing.models import Invoice
from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from tests.factories import OrganizationFactory, TenantFactory, persona

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_finance_issues_and_collects_an_invoice_and_the_applicant_sees_it_paid(page, login):
    tenant = TenantFactory(slug="tsmp", name="臺灣智慧系統整合製造平台推動辦公室", settings={"case_prefix": "TSMP"})
    org = OrganizationFactory(tenant=tenant, name="南方精密金屬股份有限公司", ubn="04595257", address="高雄市楠梓區")
    applicant = persona(tenant, Role.APPLICANT, org, first_name="陳志明")
    finance = persona(tenant, Role.FINANCE, first_name="吳俊傑")

    login(page, finance)
    page.goto("/t/tsmp/billing/invoices/")
    page.click("#new-invoice")
    page.select_option("#id_buyer_organization", str(org.pk))
    page.select_option("#id_line-service", "nre_platform_labour")
    page.fill("#id_line-description", "平台團隊人力 第1期")
    page.fill("#id_line-quantity", "10")
    page.fill("#id_line-unit", "小時")
    page.fill("#id_line-unit_price", "1000")
    page.click("#draft-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#total") == "10,500"  # 10,000 + 5% tax
    page.click("#issue-button")
    page.wait_for_load_state("networkidle")
    number = page.inner_text("#invoice-number")
    assert number.startswith("TSMP-R-")
    sha = page.inner_text("#pdf-sha256")
    response = page.request.get(page.get_attribute("#pdf-link", "href"))  # the link opens it in the browser
    assert response.ok and response.headers["content-type"] == "application/pdf"
    data = response.body()
    assert hashlib.sha256(data).hexdigest() == sha
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace(" ", "")
    assert "04595257" in text and "10,500" in text and "新臺幣壹萬零伍佰元整" in text

    page.fill("#id_amount", "500")
    page.click("#payment-button")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-state]").first.get_attribute("data-state") == "issued"
    assert page.inner_text("#paid") == "500", page.inner_text("main")[:1500]
    page.fill("#id_amount", "10000")
    page.click("#payment-button")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-state]").first.get_attribute("data-state") == "paid"
    assert page.inner_text("#paid") == "10,500"
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_load_state("networkidle")

    login(page, applicant)
    page.goto("/t/tsmp/billing/invoices/")
    row = page.locator("#invoices tbody tr")
    assert row.count() == 1 and number in row.inner_text()
    assert row.locator("[data-state]").get_attribute("data-state") == "paid"
    row.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#payment-form").count() == 0 and page.locator("#pdf-link").count() == 1
    with tenant_scope(tenant):
        assert Invoice.objects.get().state == "paid"
