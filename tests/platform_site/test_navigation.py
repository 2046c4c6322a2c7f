"""The menu comes from the apps' AppConfig declarations (platform_site.extensions).

The menu each persona sees is the one base.html hard-coded before: every member sees "Cases"; office staff
(office reviewer, CTO, tenant admin) also the qualification queue; in a verification-lab tenant every member
also sees "Verification requests". Nobody outside the tenant, and nobody signed out, sees any entry.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from platform_site.enums import Role, TenantKind
from platform_site.extensions import nav_entries, visible_nav
from platform_site.rules import roles_in
from tests.factories import MembershipFactory, OrganizationFactory, TenantFactory, persona

pytestmark = pytest.mark.django_db

CASES, QUEUE, LAB = "/t/{slug}/cases/", "/t/{slug}/review/queue/", "/t/{slug}/lab/requests/"
# The review app: the reviews overview and the meetings (office staff), the expert pool (office staff), the own
# expert profile (experts), the tier-discount table (CTO and tenant admin edit it).
OVERVIEW, MEETINGS = "/t/{slug}/review/", "/t/{slug}/review/meetings/"
POOL, PROFILE = "/t/{slug}/review/experts/", "/t/{slug}/review/profile/"
TIERS = "/t/{slug}/review/tier-discounts/"
# The suppliers app (issue 9): directory, onboarding, reference designs, referrals, the supplier's own profile.
DIRECTORY, ONBOARDING, DESIGNS = (
    "/t/{slug}/suppliers/directory/",
    "/t/{slug}/suppliers/profiles/",
    "/t/{slug}/suppliers/designs/",
)
MINE, REFERRALS = "/t/{slug}/suppliers/mine/", "/t/{slug}/suppliers/referrals/"
SUPPLY = [DIRECTORY, ONBOARDING, DESIGNS, REFERRALS]
SUPPLY_LABELS = ["Partner directory", "Supplier onboarding", "Reference designs", "Matchmaking referrals"]
# Service delivery (issue 10): work groups and progress reports (office staff and case managers).
DELIVERY = ["/t/{slug}/delivery/groups/", "/t/{slug}/delivery/reports/"]
DELIVERY_LABELS = ["Work groups", "Progress reports"]
# Benefit tracking (issue 10): the office dashboard (office roles).
DASHBOARD = "/t/{slug}/benefits/dashboard/"
# The billing app (issue 11): invoices for finance, office staff and applicants (each sees its own rows).
INVOICES = "/t/{slug}/billing/invoices/"
# ... and its statements (finance and office staff; applicants their own), rate cards, a supplier's royalty lines.
STATEMENTS, RATES = "/t/{slug}/billing/statements/", "/t/{slug}/billing/rate-cards/"
ROYALTY_LINES = "/t/{slug}/billing/royalty-lines/"
OFFICE_MENU = {
    "applicant": [CASES, DESIGNS, INVOICES, STATEMENTS],
    "other_applicant": [CASES, DESIGNS, INVOICES, STATEMENTS],
    "supplier": [CASES, DESIGNS, MINE, REFERRALS, ROYALTY_LINES],
    "office_reviewer": [
        CASES,
        QUEUE,
        OVERVIEW,
        MEETINGS,
        POOL,
        *SUPPLY,
        *DELIVERY,
        DASHBOARD,
        INVOICES,
        STATEMENTS,
        RATES,
    ],
    "cto": [CASES, QUEUE, OVERVIEW, MEETINGS, POOL, *SUPPLY, *DELIVERY, DASHBOARD, TIERS, INVOICES, STATEMENTS, RATES],
    "expert": [CASES, PROFILE],
    "case_manager": [CASES, *DELIVERY],
    "finance": [CASES, INVOICES, STATEMENTS, RATES],
    "tenant_admin": [
        CASES,
        QUEUE,
        OVERVIEW,
        MEETINGS,
        POOL,
        *SUPPLY,
        *DELIVERY,
        DASHBOARD,
        TIERS,
        INVOICES,
        STATEMENTS,
        RATES,
    ],
    "b_reviewer": [],
    "outsider": [],
}


def menu(client, url: str) -> list[str]:
    """The hrefs of the app menu (the left navbar list) on the page at ``url``."""
    body = client.get(url, follow=True).content.decode()
    block = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>', body, re.S)
    assert block, body[:500]
    return re.findall(r'href="([^"]+)"', block.group(1))


@pytest.mark.parametrize("persona_name", sorted(OFFICE_MENU))
def test_each_persona_sees_the_menu_of_its_roles_in_a_programme_office(client, world, persona_name):
    client.force_login(world.by_role()[persona_name])
    expected = [u.format(slug="tsmp") for u in OFFICE_MENU[persona_name]]
    assert menu(client, "/t/tsmp/") == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.APPLICANT, [LAB]), (Role.OFFICE_REVIEWER, [LAB, "/t/{slug}/lab/dse/"]), (Role.EXPERT, [LAB])],
)
def test_a_lab_tenant_shows_verification_requests_and_no_case_pages(client, db, role, expected):
    """A verification lab runs no demand-case intake or 5-day qualification (seed 003): its menu is the lab's."""
    lab = TenantFactory(slug="lab", kind=TenantKind.VERIFICATION_LAB)
    org = OrganizationFactory(tenant=lab) if role == Role.APPLICANT else None
    client.force_login(persona(lab, role, org))
    assert menu(client, "/t/lab/") == [u.format(slug="lab") for u in expected]


def test_signed_out_visitors_see_no_app_menu(client, world):
    assert menu(client, "/t/tsmp/") == []
    assert menu(client, "/") == []


def test_a_superuser_sees_only_what_their_membership_allows(client, world):
    root = get_user_model().objects.create_superuser("root@example.tw", "root@example.tw", "pw-for-tests-2026")
    MembershipFactory(user=root, tenant=world.a, role=Role.APPLICANT, organization=world.org_a)
    client.force_login(root)
    assert menu(client, "/t/tsmp/cases/") == [
        "/t/tsmp/cases/",
        "/t/tsmp/suppliers/designs/",
        "/t/tsmp/billing/invoices/",
        "/t/tsmp/billing/statements/",
    ]


def test_labels_are_translated_and_ordered_by_the_declared_order(world):
    entries = nav_entries()
    assert [e.order for e in entries] == sorted(e.order for e in entries)
    with translation.override("en"):
        labels = [
            "Cases",
            "Qualification queue",
            "Reviews",
            "Review meetings",
            "Expert pool",
            *SUPPLY_LABELS,
            *DELIVERY_LABELS,
            "Office dashboard",
            "Invoices",
            "Statements",
            "Rate cards",
        ]
        assert [str(i.label) for i in visible_nav(world.reviewer, world.a)] == labels
    with translation.override("zh-hant"):
        assert [str(i.label) for i in visible_nav(world.reviewer, world.a)][:2] != labels[:2]


def test_the_menu_reuses_the_request_role_cache(world, django_assert_num_queries):
    roles_in(world.reviewer, world.a)  # the context processor's tenant_roles fills the per-user cache
    with django_assert_num_queries(0):
        assert len(visible_nav(world.reviewer, world.a)) == 15


def test_an_entry_may_use_a_predicate_and_a_tenant_kind_filter(world):
    from platform_site.extensions import NavEntry, _allowed
    from platform_site.rules import is_office_staff

    entry = NavEntry("x", "cases:list", is_office_staff, tenant_kinds=frozenset({TenantKind.PLATFORM_OFFICE}))
    assert _allowed(entry.permission, entry.tenant_kinds, world.reviewer, world.a)
    assert not _allowed(entry.permission, entry.tenant_kinds, world.applicant, world.a)
    lab = TenantFactory(kind=TenantKind.VERIFICATION_LAB)
    MembershipFactory(user=world.reviewer, tenant=lab, role=Role.OFFICE_REVIEWER)
    assert not _allowed(entry.permission, entry.tenant_kinds, world.reviewer, lab)


def test_demo_modules_are_found_in_installed_apps_order():
    from platform_site.extensions import demo_seeders

    assert [label for label, _seed in demo_seeders()] == [
        "cases",
        "review",
        "suppliers",
        "delivery",
        "billing",
        "hwsim",
        "benefits",
    ]
