from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.enums import TenantKind
from platform_site.extensions import NavEntry

#: Committee reviews run where demand cases do (programme and grant-call offices).
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
            _("Review meetings"), "review:meetings", "review.view_meeting", tenant_kinds=REVIEW_TENANT_KINDS, order=30
        ),
    )
    tenant_urls = (("review/", "review.urls"),)
    api_urls = (("review/", "review.api_urls"),)

    def ready(self) -> None:
        from review import rules  # noqa: F401  (registers the permissions)
