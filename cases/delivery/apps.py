from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    """Service delivery (服務流程, seed 000_9617a3b789ca4d20.txt): service projects derived from the customisation
    needs, the work group (工作小組) over the eight roles, milestones, biweekly progress reports with the platform
    team's hours, closure and mass production (量產/銷售).

    Contributes (platform_site.extensions) menu entries, home panels (the case manager's groups and due reports,
    the partner's assignments, the office's overdue reports), URL modules, a case-page section and dashboard
    tables / funnel stages (cases.hooks), and ``cases/delivery/demo.py``.
    """

    name = "cases.delivery"
    label = "delivery"
    verbose_name = _("Service delivery")
