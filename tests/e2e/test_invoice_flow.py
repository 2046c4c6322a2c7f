"""Issue 11's browser test in real Chromium: finance builds the NRE statement of a case for a period from its
acknowledged progress reports (set up through the services and factories, not the browser: a published rate card
v1, a final-review pass at a 25% tier discount, reports 1-2 acknowledged), checks the computation trail on the
page (each report's hours × rate line, Σ, the discount, the 50% check), confirms it, drafts the invoice from it,
issues it, downloads the stored PDF (its SHA-256 as shown, the 統一編號 and the capital numerals in it), records a
partial then the final payment; the applicant then sees the paid invoice and opens it.

Golden values: the trail of docs/billing.md (tests/billing/test_nre_statements.py), rates RATES_V1 of
tests/billing/statement_factories.py: 12.50 h × 1,800 + 20.00 h × 1,600 + 7.25 h × 1,600 + 3.75 h × 1,850
= 73,038; × 25% = 18,259.5 → 18,260 (half up); cap floor(36,519) not binding; tax 5% of 18,260 = 913;
total 19,173 = 新臺幣壹萬玖仟壹佰柒拾參元整 (seed 000_9617a3b789ca4d20.txt, 收費規範).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from pypdf import PdfReader

from billing.models import Invoice, NreStatement
from platform_site.tenancy import tenant_scope
from tests.billing.statement_factories import delivered_case, rate_cards
from tests.e2e.browser import click_through
from tests.factories import set_fields

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_finance_builds_the_nre_statement_invoices_it_and_the_applicant_sees_it_paid(page, login, world):
    set_fields(world.org_a, address="高雄市楠梓區")
    rate_cards(world)
    case = delivered_case(world, share=25)

    login(page, world.finance)
    page.goto("/t/tsmp/billing/statements/")
    page.select_option("#id_case", str(case.pk))
    page.fill("#id_period_start", "2027-01-01")
    page.fill("#id_period_end", "2027-01-31")  # reports 1 and 2 end in January; 3 (Feb) and 4 (not acked) don't
    click_through(page, "#build-nre button[type=submit]")
    trail = page.locator("#labour-trail tbody tr")
    assert trail.count() == 4
    assert [" ".join(trail.nth(i).inner_text().split()[-3:]) for i in range(4)] == [
        "1,800 v1 22,500",
        "1,600 v1 32,000",
        "1,600 v1 11,600",
        "1,850 v1 6,938",
    ]
    assert page.inner_text("#labour-gross") == "73,038"
    assert page.inner_text("#labour-discounted") == "18,260"
    assert page.inner_text("#labour-cap") == "36,519"
    assert page.get_attribute("#cap-state", "data-binding") == "0"
    assert page.inner_text("#labour-due") == "18,260" and page.inner_text("#subtotal") == "18,260"
    click_through(page, "#confirm-button")
    assert page.get_attribute("p [data-state]", "data-state") == "confirmed"
    click_through(page, "#invoice-button")  # the draft invoice's page

    assert page.inner_text("#total") == "19,173"  # 18,260 + 913 tax
    click_through(page, "#issue-button")
    number = page.inner_text("#invoice-number")
    assert number.startswith("TSMP-R-")
    sha = page.inner_text("#pdf-sha256")
    response = page.request.get(page.get_attribute("#pdf-link", "href"))  # the link opens it in the browser
    assert response.ok and response.headers["content-type"] == "application/pdf"
    data = response.body()
    assert hashlib.sha256(data).hexdigest() == sha
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace(" ", "")
    assert "04595257" in text and "19,173" in text and "新臺幣壹萬玖仟壹佰柒拾參元整" in text

    page.fill("#id_amount", "9000")
    click_through(page, "#payment-button")
    assert page.locator("[data-state]").first.get_attribute("data-state") == "issued"
    assert page.inner_text("#paid") == "9,000", page.inner_text("main")[:1500]
    page.fill("#id_amount", "10173")
    click_through(page, "#payment-button")
    assert page.locator("[data-state]").first.get_attribute("data-state") == "paid"
    assert page.inner_text("#paid") == "19,173"
    click_through(page, "form[action='/accounts/logout/'] button")

    login(page, world.applicant)
    page.goto("/t/tsmp/billing/invoices/")
    row = page.locator("#invoices tbody tr")
    assert row.count() == 1 and number in row.inner_text()
    assert row.locator("[data-state]").get_attribute("data-state") == "paid"
    click_through(page, row.locator("a"))
    assert page.locator("#payment-form").count() == 0 and page.locator("#pdf-link").count() == 1
    with tenant_scope(world.a):
        invoice = Invoice.objects.get()
        statement = NreStatement.objects.get()
        assert (invoice.state, invoice.case_id, invoice.total_amount) == ("paid", case.pk, 19173)
        assert (statement.state, statement.period_end) == ("invoiced", dt.date(2027, 1, 31))
