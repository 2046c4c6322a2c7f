from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.enums import Role, TenantKind
from platform_site.extensions import HomePanel, NavEntry

#: Billing belongs to programme offices (seed 000_9617a3b789ca4d20.txt, 收費規範).
OFFICES = frozenset({TenantKind.PLATFORM_OFFICE})


class BillingConfig(AppConfig):
    """Billing (收費): rate cards, NRE / royalty / maintenance statements, invoices with gapless numbers and 5% tax.

    Contributes the "Billing" menu entry (finance, office staff, applicants — each sees its own rows), the
    finance home panel (receivables: unpaid and overdue invoices per applicant), URL modules under
    ``billing/`` and ``billing/demo.py``.
    """

    name = "billing"
    verbose_name = _("Billing")
    nav = (
        NavEntry(_("Invoices"), "billing:invoices", "billing.view_invoice_list", tenant_kinds=OFFICES, order=70),
        # statements (rate cards, NRE, royalties, maintenance)
        NavEntry(_("Statements"), "billing:statements", "billing.view_statement_list", tenant_kinds=OFFICES, order=71),
        NavEntry(_("Rate cards"), "billing:rate_cards", "billing.view_rate_cards", tenant_kinds=OFFICES, order=72),
        NavEntry(_("Royalties"), "billing:royalty_lines", "billing.nav_royalty_lines", tenant_kinds=OFFICES, order=73),
    )
    home_panels = (
        HomePanel(
            "billing-receivables",
            "billing/home/finance.html",
            "billing.homes.finance_panel",
            "billing.home_finance",
            roles=frozenset({Role.FINANCE}),
            tenant_kinds=OFFICES,
            order=20,
        ),
    )
    tenant_urls = (("billing/", "billing.urls"),)
    api_urls = (("billing/", "billing.api_urls"),)
