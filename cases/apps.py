from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.extensions import LandingPage, NavEntry


class CasesConfig(AppConfig):
    """Demand cases (需求案): intake, qualification review 資格審, committee reviews, service.

    Contributes to the platform (platform_site.extensions): menu entries, landing pages (office staff land on
    the qualification queue, applicants on their cases), URL modules and ``cases/demo.py``.
    """

    name = "cases"
    verbose_name = _("Demand cases")
    nav = (
        NavEntry(_("Cases"), "cases:list", "cases.view_case_list", order=10),
        NavEntry(_("Qualification queue"), "cases:queue", "cases.view_queue", order=20),
    )
    landing_pages = (
        LandingPage("cases:queue", "cases.view_queue", priority=10),
        LandingPage("cases:list", "cases.create_case", priority=20),
    )
    tenant_urls = (("", "cases.urls"),)
    api_urls = (("", "cases.api_urls"),)
