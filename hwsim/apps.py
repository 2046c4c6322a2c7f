from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from platform_site.enums import OFFICE_ROLES, Role, TenantKind
from platform_site.extensions import HomePanel, NavEntry

LAB = frozenset({TenantKind.VERIFICATION_LAB})


class HwsimConfig(AppConfig):
    """The verification lab's portal side: platform presets, verification requests, jobs, certificates.

    Contributes (platform_site.extensions): the "Verification requests" menu entry in lab tenants, the lab's
    home panels (lab staff: the queued / running / failed requests; applicants: their requests), URL modules
    under ``lab/`` and ``hwsim/demo.py``.
    """

    name = "hwsim"
    verbose_name = _("Verification lab")
    nav = (
        NavEntry(_("Verification requests"), "hwsim:list", "hwsim.view_request_list", tenant_kinds=LAB, order=30),
        NavEntry(_("Design-space exploration"), "hwsim_dse:list", "hwsim.view_dse", tenant_kinds=LAB, order=35),
    )
    home_panels = (
        HomePanel(
            "lab-queue",
            "hwsim/home/staff.html",
            "hwsim.homes.staff_panel",
            "hwsim.home_lab_queue",
            roles=frozenset(OFFICE_ROLES),
            tenant_kinds=LAB,
            order=20,
        ),
        HomePanel(
            "my-requests",
            "hwsim/home/applicant.html",
            "hwsim.homes.applicant_panel",
            "hwsim.home_my_requests",
            roles=frozenset({Role.APPLICANT}),
            tenant_kinds=LAB,
            order=10,
        ),
    )
    tenant_urls = (("lab/", "hwsim.urls"), ("lab/dse/", "hwsim.dse.urls"))
    api_urls = (("lab/", "hwsim.api_urls"), ("lab/", "hwsim.dse.api_urls"))

    def ready(self) -> None:
        # Design-space exploration registers its rules and Celery tasks (modules outside the autodiscovered names).
        from hwsim.dse import rules, tasks  # noqa: F401
