"""The office dashboard in real Chromium on the demo data (issue 10): the office reviewer opens it from the
menu, the funnel counts match the demo cases (counted from the database by the same rule), the XLSX download
holds the page's numbers, and the demo's closed case shows its KPI trends as SVG with the baseline marked.

Data: ``manage.py seed_demo`` (cases/demo.py, review/demo.py, cases/delivery/demo.py, cases/benefits/demo.py:
the KPIs sit on the delivery demo's closed case in mass production).
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command

from cases.benefits.demo import CLOSED_TITLE
from cases.delivery.demo import mass_production_case
from cases.hooks import collect_funnel
from platform_site.management.commands.seed_demo import DEMO_PASSWORD
from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_funnel_matches_the_demo_data_and_the_xlsx_the_page(page):
    call_command("seed_demo")
    tsmp = Tenant.objects.get(slug="tsmp")
    with tenant_scope(tsmp):
        stages = collect_funnel(tsmp)  # the case stages (benefits) and the delivery stages, in funnel order
        expected = [s.count for s in stages]
        closed = mass_production_case()
    by_key = {s.key: s.count for s in stages}
    assert expected[0] >= 10  # every demo case was submitted
    assert by_key["closed"] == 1 and by_key["mass_production"] == 1  # one closed after service: in mass production
    assert closed.title == CLOSED_TITLE and by_key["work_group_formed"] >= 3
    page.goto("/accounts/login/")
    page.fill("#id_username", "reviewer@tsmp.demo")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("#nav a[href='/t/tsmp/benefits/dashboard/']")
    page.wait_for_load_state("networkidle")
    counts = [
        int(n)
        for n in page.locator("#funnel [data-stage-count]").evaluate_all("els => els.map(e => e.dataset.stageCount)")
    ]
    assert counts == expected
    table = page.locator("#table-funnel tbody tr")
    rows = [[cell.strip() for cell in table.nth(i).locator("td").all_inner_texts()] for i in range(table.count())]
    with page.expect_download() as info:
        page.click("#table-funnel a[data-format='xlsx']")
    with open(info.value.path(), "rb") as downloaded:
        sheet = openpyxl.load_workbook(io.BytesIO(downloaded.read())).active
    assert [[str(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)] == rows
    assert [int(row[1]) for row in rows][: len(expected)] == expected

    page.goto(f"/t/tsmp/benefits/cases/{closed.pk}/")
    oee = page.locator("#kpi-oee svg")
    assert oee.get_attribute("role") == "img"
    assert oee.locator("g.baseline").count() == 1
    assert oee.locator("g.points circle").count() == 12
