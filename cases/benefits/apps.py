from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from cases.apps import CASE_TENANT_KINDS
from platform_site.extensions import NavEntry


class BenefitsConfig(AppConfig):
    """Benefit tracking (效益追蹤) and the office dashboard (seed 001_f4b2551ebc037df1.txt OEE / ROI, seed
    003_fa9863a310fbdc37.txt programme KPIs).

    Contributes (platform_site.extensions): the dashboard menu entry, URL modules and ``demo.py``; through
    :mod:`cases.hooks` a KPI section on the case page, the funnel stages from case states and the dashboard
    tables of cases, review and suppliers (funnel, SLA breaches, programme KPIs per year).
    """

    name = "cases.benefits"
    label = "benefits"
    verbose_name = _("Benefit tracking")
    nav = (
        NavEntry(
            _("Office dashboard"),
            "benefits:dashboard",
            "benefits.view_dashboard",
            tenant_kinds=CASE_TENANT_KINDS,
            order=55,
        ),
    )
    tenant_urls = (("benefits/", "cases.benefits.urls"),)
    api_urls = (("benefits/", "cases.benefits.api_urls"),)

    def ready(self) -> None:
        from cases.benefits import case_page, dashboard, rules  # noqa: F401  (permissions, section, dashboard)
