from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.enums import TenantKind
from platform_site.extensions import NavEntry


class HwsimConfig(AppConfig):
    """The verification lab's portal side: platform presets, verification requests, jobs, certificates.

    Contributes (platform_site.extensions): the "Verification requests" menu entry in lab tenants, URL modules
    under ``lab/`` and ``hwsim/demo.py``.
    """

    name = "hwsim"
    verbose_name = _("Verification lab")
    nav = (
        NavEntry(
            _("Verification requests"),
            "hwsim:list",
            "hwsim.view_request_list",
            tenant_kinds=frozenset({TenantKind.VERIFICATION_LAB}),
            order=30,
        ),
    )
    tenant_urls = (("lab/", "hwsim.urls"),)
    api_urls = (("lab/", "hwsim.api_urls"),)
