from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HwsimConfig(AppConfig):
    """The verification lab's portal side: platform presets, verification requests, jobs, certificates."""

    name = "hwsim"
    verbose_name = _("Verification lab")
