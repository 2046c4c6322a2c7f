"""Every demo persona's home in real Chromium, zh-Hant (issue 7 item 1): after signing in through the login form
each lands on its tenant's home, which names its roles by their translated labels and shows no role code.

Data: ``manage.py seed_demo`` (platform_site/management/commands/seed_demo.py, cases/demo.py, hwsim/demo.py).
"""

from __future__ import annotations

import os
import re

import pytest
from django.core.management import call_command
from django.utils import translation

from platform_site.enums import Role
from platform_site.homes import role_label
from platform_site.management.commands.seed_demo import DEMO_PASSWORD, ROLE_LOGINS
from platform_site.models import Tenant
from tests.e2e.browser import click_through

SCREENSHOTS = os.environ.get("PORTAL_HOME_SCREENSHOTS", "")  # a folder: keep a picture of each home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: Role codes that must never show (every code, as a whole word).
CODE_PATTERN = re.compile(r"\b(" + "|".join(role.value for role in Role) + r")\b")
#: Which panels each demo role's home shows, per tenant (the lab has no qualification queue or committee).
PANELS = {
    "tsmp": {  # suppliers/demo.py and review/demo.py: partners, referrals, panels, final reviews by due date
        Role.APPLICANT: ["my-cases", "case-partners"],
        Role.OFFICE_REVIEWER: ["qualification-queue", "overdue-reports", "supplier-reviews"],
        Role.TENANT_ADMIN: ["qualification-queue", "overdue-reports", "supplier-reviews"],
        Role.CTO: ["committee-reviews", "final-reviews-due", "panel-replacements", "supplier-reviews"],
        Role.SUPPLIER: ["supplier-partner", "partner-assignments"],  # the demo lab is assigned in a work group
        Role.EXPERT: ["review-invitations"],  # review/demo.py seats the demo expert on panels
        Role.FINANCE: ["billing-receivables"],  # billing/demo.py: unpaid and overdue invoices
        Role.CASE_MANAGER: ["case-manager-groups"],  # cases/delivery/demo.py: the demo manager leads two groups
    },
    "ailab": {
        Role.APPLICANT: ["my-requests"],
        Role.OFFICE_REVIEWER: ["lab-queue"],
        Role.TENANT_ADMIN: ["lab-queue"],
        Role.CTO: ["lab-queue"],
    },
}


def _sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    click_through(page, "main button[type=submit]")


def _sign_out(page) -> None:
    click_through(page, "form[action='/accounts/logout/'] button")


def test_each_demo_persona_lands_on_a_home_with_role_labels_and_no_role_codes(page):
    if SCREENSHOTS:
        page.set_viewport_size({"width": 1200, "height": 900})
    call_command("seed_demo")
    with translation.override("zh-hant"):
        kinds = {slug: Tenant.objects.get(slug=slug).kind for slug in ("tsmp", "ailab")}
        labels = {(slug, role): role_label(role, kinds[slug]) for slug in kinds for role in Role}
    assert labels["tsmp", Role.CASE_MANAGER] != "Case manager"  # the labels are translated
    assert "推動辦公室" not in "".join(label for (slug, _r), label in labels.items() if slug == "ailab")
    for slug in ("tsmp", "ailab"):
        for role, prefix, _name in ROLE_LOGINS:
            _sign_in(page, f"{prefix}@{slug}.demo")
            assert page.url.endswith(f"/t/{slug}/"), (slug, role, page.url)
            assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
            main = page.locator("main").inner_text()
            assert labels[slug, role] in page.locator("#home-header .role-label").all_inner_texts(), (slug, role)
            assert CODE_PATTERN.search(main) is None, (slug, role, CODE_PATTERN.search(main))
            shown = [el.get_attribute("data-panel") for el in page.locator("[data-panel]").all()]
            assert shown == PANELS[slug].get(role, ["empty-state"]), (slug, role, shown)
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/{slug}-{prefix}.png", full_page=True)
            _sign_out(page)

    # The applicant asked for more documents sees it as a banner and opens the case from it.
    _sign_in(page, "textile@tsmp.demo")  # cases/demo.py: 染整廢水水質即時監測 waits for documents
    banner = page.locator(".documents-requested")
    assert banner.count() == 1
    click_through(page, banner.locator("a"))
    assert page.locator("#case-status [data-state]").get_attribute("data-state") == "documents_requested"
