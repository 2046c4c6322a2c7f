from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.enums import Role, TenantKind
from platform_site.extensions import HomePanel, NavEntry

#: The committee works in programme offices and grant-call offices (as the cases it reviews).
REVIEW_TENANT_KINDS = frozenset({TenantKind.PLATFORM_OFFICE, TenantKind.GRANT_CALL})


class ReviewConfig(AppConfig):
    """The review committee (審查委員會): expert pool, preliminary (初審) and final (複審) meetings, panels with
    conflict-of-interest checks, scoring on per-tenant rubrics, consensus decisions and minutes.

    Contributes (platform_site.extensions): menu entries, home panels, URL modules and ``review/demo.py``; a
    section of the case page through :mod:`cases.hooks` (the final-review due date).
    """

    name = "review"
    verbose_name = _("Review committee")
    nav = (
        NavEntry(_("Reviews"), "review:overview", "review.view_overview", tenant_kinds=REVIEW_TENANT_KINDS, order=28),
        NavEntry(
            _("Review meetings"), "review:meetings", "review.view_meeting", tenant_kinds=REVIEW_TENANT_KINDS, order=30
        ),
        NavEntry(
            _("Expert pool"),
            "review:expert_list",
            "review.view_expert_pool",
            tenant_kinds=REVIEW_TENANT_KINDS,
            order=40,
        ),
        NavEntry(
            _("My review profile"),
            "review:my_profile",
            "review.edit_own_profile",
            tenant_kinds=REVIEW_TENANT_KINDS,
            order=45,
        ),
        NavEntry(
            _("Tier discounts"),
            "review:tier_discounts",
            "review.edit_tier_discounts",
            tenant_kinds=REVIEW_TENANT_KINDS,
            order=60,
        ),
    )
    home_panels = (
        HomePanel(
            "review-invitations",
            "review/home/invitations.html",
            "review.panel_homes.expert_panel",
            "review.home_expert",
            roles=frozenset({Role.EXPERT}),
            tenant_kinds=REVIEW_TENANT_KINDS,
            order=15,
        ),
        HomePanel(
            "panel-replacements",
            "review/home/replacements.html",
            "review.panel_homes.replacements_panel",
            "review.home_replacements",
            roles=frozenset({Role.CTO}),
            tenant_kinds=REVIEW_TENANT_KINDS,
            order=35,
        ),
        HomePanel(
            "final-reviews-due",
            "review/home/final_due.html",
            "review.homes.final_due_panel",
            "review.home_final_due",
            roles=frozenset({Role.CTO}),
            tenant_kinds=REVIEW_TENANT_KINDS,
            order=31,
        ),
    )
    tenant_urls = (("review/", "review.urls"),)
    api_urls = (("review/", "review.api_urls"),)

    def ready(self) -> None:
        from review import case_page, rules  # noqa: F401  (registers the permissions and the case-page section)
