from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformSiteConfig(AppConfig):
    name = "platform_site"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from platform_site import profiles, queueing, tenancy

        tenancy.connect_signals()
        queueing.connect_signals()
        profiles.connect_signals()
