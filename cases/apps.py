from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.enums import Role, TenantKind
from platform_site.extensions import HomePanel, NavEntry

#: Demand cases run in programme offices (and grant-call offices), not in a verification lab.
CASE_TENANT_KINDS = frozenset({TenantKind.PLATFORM_OFFICE, TenantKind.GRANT_CALL})


class CasesConfig(AppConfig):
    """Demand cases (需求案): intake, qualification review 資格審, committee reviews, service.

    Contributes to the platform (platform_site.extensions): menu entries, home panels (an applicant's cases and
    what is asked of them; the office reviewer's queue by urgency; the CTO's cases waiting for 初審 / 複審),
    URL modules and ``cases/demo.py``.
    """

    name = "cases"
    verbose_name = _("Demand cases")
    nav = (
        NavEntry(_("Cases"), "cases:list", "cases.view_case_list", tenant_kinds=CASE_TENANT_KINDS, order=10),
        NavEntry(_("Qualification queue"), "cases:queue", "cases.view_queue", tenant_kinds=CASE_TENANT_KINDS, order=20),
    )
    home_panels = (
        HomePanel(
            "my-cases",
            "cases/home/applicant.html",
            "cases.homes.applicant_panel",
            "cases.home_applicant",
            roles=frozenset({Role.APPLICANT}),
            tenant_kinds=CASE_TENANT_KINDS,
            order=10,
        ),
        HomePanel(
            "qualification-queue",
            "cases/home/queue.html",
            "cases.homes.queue_panel",
            "cases.decide_qualification",
            roles=frozenset({Role.OFFICE_REVIEWER, Role.TENANT_ADMIN}),
            tenant_kinds=CASE_TENANT_KINDS,
            order=20,
        ),
        HomePanel(
            "committee-reviews",
            "cases/home/committee.html",
            "cases.homes.committee_panel",
            "cases.home_committee",
            roles=frozenset({Role.CTO}),
            tenant_kinds=CASE_TENANT_KINDS,
            order=30,
        ),
    )
    tenant_urls = (("", "cases.urls"),)
    api_urls = (("", "cases.api_urls"),)
