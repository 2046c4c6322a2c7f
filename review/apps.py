from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.enums import TenantKind
from platform_site.extensions import NavEntry

#: The committee sits in programme offices and grant-call offices (where cases are).
REVIEW_TENANT_KINDS = frozenset({TenantKind.PLATFORM_OFFICE, TenantKind.GRANT_CALL})


class ReviewConfig(AppConfig):
    """The review committee (審查委員會): expert pool, preliminary (初審) and final (複審) meetings, panels with
    conflict-of-interest checks, scoring on per-tenant rubrics, consensus decisions and minutes.

    Contributes (platform_site.extensions): menu entries, home panels, URL modules and ``review/demo.py``.
    """

    name = "review"
    verbose_name = _("Review committee")
    nav = (
        NavEntry(
            _("Tier discounts"),
            "review:tier_discounts",
            "review.edit_tier_discounts",
            tenant_kinds=REVIEW_TENANT_KINDS,
            order=60,
        ),
    )
    tenant_urls = (("review/", "review.urls"),)
    api_urls = (("review/", "review.api_urls"),)

    def ready(self) -> None:
        from cases import page_links
        from review import rules  # noqa: F401  (registers the permissions)
        from review.case_links import committee_links

        page_links.register(committee_links)
