from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The review committee (審查委員會): expert pool, preliminary (初審) and final (複審) meetings, panels with
    conflict-of-interest checks, scoring on per-tenant rubrics, consensus decisions and minutes.

    Contributes (platform_site.extensions): menu entries, home panels, URL modules and ``review/demo.py``.
    """

    name = "review"
    verbose_name = _("Review committee")

    def ready(self) -> None:
        from review import rules  # noqa: F401  (registers the permissions)
