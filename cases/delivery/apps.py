from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.enums import Role, TenantKind
from platform_site.extensions import HomePanel, NavEntry

#: Service delivery runs in programme offices.
OFFICES = frozenset({TenantKind.PLATFORM_OFFICE})


class DeliveryConfig(AppConfig):
    """Service delivery (服務流程, seed 000_9617a3b789ca4d20.txt): service projects derived from the customisation
    needs, the work group (工作小組) over the eight roles, milestones, biweekly progress reports with the platform
    team's hours, closure and mass production (量產/銷售).

    Contributes (platform_site.extensions) menu entries, home panels (the case manager's groups and due reports,
    the partner's assignments, the office's overdue reports), URL modules, a case-page section and dashboard
    tables / funnel stages (cases.hooks, registered in :meth:`ready`), and ``cases/delivery/demo.py``; queues
    the derivation when a case passes the final review (cases.delivery.signals).
    """

    name = "cases.delivery"
    label = "delivery"
    verbose_name = _("Service delivery")
    nav = (
        NavEntry(_("Work groups"), "delivery:groups", "delivery.view_groups", tenant_kinds=OFFICES, order=50),
        NavEntry(_("Progress reports"), "delivery:reports", "delivery.view_reports", tenant_kinds=OFFICES, order=51),
        NavEntry(_("My assignments"), "delivery:assignments", "delivery.home_partner", tenant_kinds=OFFICES, order=52),
    )
    home_panels = (
        HomePanel(
            "case-manager-groups",
            "delivery/home/manager.html",
            "cases.delivery.homes.manager_panel",
            "delivery.home_manager",
            roles=frozenset({Role.CASE_MANAGER}),
            tenant_kinds=OFFICES,
            order=5,
        ),
        HomePanel(
            "partner-assignments",
            "delivery/home/partner.html",
            "cases.delivery.homes.partner_panel",
            "delivery.home_partner",
            roles=frozenset({Role.SUPPLIER}),
            tenant_kinds=OFFICES,
            order=41,
        ),
        HomePanel(
            "overdue-reports",
            "delivery/home/office.html",
            "cases.delivery.homes.office_panel",
            "delivery.home_office",
            roles=frozenset({Role.OFFICE_REVIEWER, Role.TENANT_ADMIN}),
            tenant_kinds=OFFICES,
            order=25,
        ),
    )
    tenant_urls = (("delivery/", "cases.delivery.urls"),)
    api_urls = (("delivery/", "cases.delivery.api_urls"),)

    def ready(self) -> None:
        from cases.delivery import case_page, dashboard, signals  # noqa: F401  (registers the hooks)

        signals.connect()
