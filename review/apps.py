from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.enums import Role, TenantKind
from platform_site.extensions import HomePanel, NavEntry

#: Committee reviews run in programme offices and grant-call offices, not in a verification lab.
REVIEW_KINDS = frozenset({TenantKind.PLATFORM_OFFICE, TenantKind.GRANT_CALL})


class ReviewConfig(AppConfig):
    """The review committee (審查委員會): expert pool, preliminary (初審) and final (複審) meetings, panels with
    conflict-of-interest checks, scoring on per-tenant rubrics, consensus decisions and minutes.

    Contributes (platform_site.extensions): menu entries, home panels, URL modules and ``review/demo.py``; a
    section of the case page through :mod:`cases.hooks` (the final-review due date).
    """

    name = "review"
    verbose_name = _("Review committee")
    nav = (NavEntry(_("Reviews"), "review:overview", "review.view_overview", tenant_kinds=REVIEW_KINDS, order=30),)
    home_panels = (
        HomePanel(
            "final-reviews-due",
            "review/home/final_due.html",
            "review.homes.final_due_panel",
            "review.home_final_due",
            roles=frozenset({Role.CTO}),
            tenant_kinds=REVIEW_KINDS,
            order=31,
        ),
    )
    tenant_urls = (("review/", "review.urls"),)

    def ready(self) -> None:
        from review import case_page, rules  # noqa: F401  (registers the permissions and the case-page section)
