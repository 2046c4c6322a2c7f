"""Browser test of service delivery (seed 000_9617a3b789ca4d20.txt, 組成工作小組 → 每兩週填報個案進度): the office
forms a work group from the matchmaking ranking, the partners accept, the office kicks off, the case manager
files the first biweekly report with hours, the office acknowledges it, and the applicant sees it — without the
hours. Users sign in by session cookie (login itself is tested elsewhere)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cases.delivery import services
from cases.delivery.models import ProgressReport, WorkGroup
from platform_site.tenancy import tenant_scope
from tests.delivery.factories import in_service_case
from tests.suppliers.factories import partner

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def _as(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_office_forms_group_partners_accept_manager_reports_office_acknowledges_applicant_sees(
    page: Any, live_server: Any, world: Any
) -> None:
    case = in_service_case(world, customisations=["software"])  # software design project ②③⑦
    ai = partner(world.a, "深度視覺人工智慧", roles=["model_training", "software"], keywords="AI、瑕疵檢測")
    si = partner(world.a, "南方系統整合", roles=["system_integration"])
    with tenant_scope(world.a):
        group = services.derive_service_projects(case, world.reviewer)
        services.set_lead(group, world.reviewer, world.case_manager)
    base = "/t/tsmp/delivery"

    # The office assigns one partner per required role from the ranking.
    _as(page, live_server, world.reviewer)
    for role, profile in (("model_training", ai), ("software", ai), ("system_integration", si)):
        page.goto(f"{base}/groups/{group.pk}/assign/")
        page.select_option("#id_choice", f"{role}:{profile.pk}")
        page.fill("#id_scope", "依需求規格執行")
        page.fill("#id_planned_start", "2027-01-04")
        page.fill("#id_planned_end", "2027-06-30")
        page.fill("#id_deliverables", "成果報告")
        page.click("#assign-form button[type=submit]")
        page.wait_for_selector("#group-state")
    assert page.locator("#assignments tr[data-assignment] [data-state=proposed]").count() == 3

    # The partners accept their own assignments.
    for profile in (ai, si):
        _as(page, live_server, profile.member)
        page.goto(f"{base}/assignments/")
        links = page.locator("#assignments tr[data-assignment] a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert len(hrefs) == (2 if profile is ai else 1)
        for href in hrefs:
            page.goto(href)
            page.click("button[data-action=accept]")
            page.wait_for_selector("#assignment-state[data-state=accepted]")

    # Formed; the office kicks off (yesterday), which opens report 1.
    _as(page, live_server, world.reviewer)
    page.goto(f"{base}/groups/{group.pk}/")
    assert page.locator("#group-state").get_attribute("data-state") == "formed"
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page.fill("#id_on", yesterday.isoformat())
    page.click("button[data-action=kickoff]")
    page.wait_for_selector("#group-state[data-state=active]")
    with tenant_scope(world.a):
        report = ProgressReport.objects.get(work_group=group, number=1)

    # The case manager files it with hours per role.
    _as(page, live_server, world.case_manager)
    page.goto("/t/tsmp/")
    assert page.locator(f"#manager-reports [data-report='{report.pk}']").count() == 1
    page.goto(f"{base}/reports/{report.pk}/")
    page.fill("#id_work_done", "完成 2,000 張瑕疵影像標註與模型 v1。")
    page.fill("#id_hours_model_training", "16")
    page.fill("#id_hours_software", "24.5")
    page.click("#submit-report")
    page.wait_for_selector("[data-state=submitted]")
    assert page.locator("#hours tr[data-role=software]").inner_text().endswith("24.50")

    # The office acknowledges.
    _as(page, live_server, world.reviewer)
    page.goto(f"{base}/reports/{report.pk}/")
    page.click("button[data-action=acknowledge]")
    page.wait_for_selector("[data-state=acknowledged]")

    # The applicant sees it on the case page and opens it: no hours.
    _as(page, live_server, world.applicant)
    page.goto(f"/t/tsmp/cases/{case.pk}/")
    page.click(f"#delivery-reports [data-report='{report.pk}'] a")
    page.wait_for_selector("#report-body")
    assert "完成 2,000 張瑕疵影像標註" in page.inner_text("#report-body")
    assert page.locator("#hours").count() == 0 and "24.50" not in page.content()
    with tenant_scope(world.a):
        assert WorkGroup.objects.get(pk=group.pk).state == "active"
