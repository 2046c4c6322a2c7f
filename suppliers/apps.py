from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.enums import Role, TenantKind
from platform_site.extensions import HomePanel, NavEntry

#: Supplier partners belong to programme offices.
OFFICES = frozenset({TenantKind.PLATFORM_OFFICE})


class SuppliersConfig(AppConfig):
    """Supplier partners (供應端): onboarding, the partner directory, reference designs and matchmaking referrals.

    Contributes menu entries (directory and onboarding for office staff; the supplier's own profile), the
    supplier's home panel, its URL modules and ``suppliers/demo.py``.
    """

    name = "suppliers"
    verbose_name = _("Supplier partners")
    nav = (
        NavEntry(
            _("Partner directory"), "suppliers:directory", "suppliers.view_directory", tenant_kinds=OFFICES, order=40
        ),
        NavEntry(
            _("Supplier onboarding"), "suppliers:list", "suppliers.view_profile_list", tenant_kinds=OFFICES, order=41
        ),
        NavEntry(
            _("Reference designs"),
            "suppliers:designs",
            "suppliers.view_design_catalogue",
            tenant_kinds=OFFICES,
            order=42,
        ),
        NavEntry(
            _("Matchmaking referrals"),
            "suppliers:referrals",
            "suppliers.view_referral_list",
            tenant_kinds=OFFICES,
            order=44,
        ),
        NavEntry(_("My partner profile"), "suppliers:mine", "suppliers.home_supplier", tenant_kinds=OFFICES, order=43),
    )
    home_panels = (
        HomePanel(
            "supplier-partner",
            "suppliers/home/supplier.html",
            "suppliers.homes.supplier_panel",
            "suppliers.home_supplier",
            roles=frozenset({Role.SUPPLIER}),
            tenant_kinds=OFFICES,
            order=40,
        ),
        HomePanel(
            "supplier-reviews",
            "suppliers/home/office.html",
            "suppliers.homes.office_panel",
            "suppliers.home_office",  # only while a supplier waits for the 資格審 or the 複審
            roles=frozenset({Role.OFFICE_REVIEWER, Role.CTO, Role.TENANT_ADMIN}),
            tenant_kinds=OFFICES,
            order=35,
        ),
        HomePanel(
            "case-partners",
            "suppliers/home/applicant.html",
            "suppliers.homes.applicant_panel",
            "suppliers.home_applicant",  # only when a case of theirs has a design or referrals
            roles=frozenset({Role.APPLICANT}),
            tenant_kinds=OFFICES,
            order=15,
        ),
    )
    tenant_urls = (("suppliers/", "suppliers.urls"),)
    api_urls = (("suppliers/", "suppliers.api_urls"),)

    def ready(self) -> None:
        from suppliers import final_review  # noqa: F401  (registers the 複審 meeting subject with review.subjects)
