"""Stable codes of the verification lab (seed 003_fa9863a310fbdc37.txt: MLPerf-style certification)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    """Lifecycle of one simulation run: queued → running → succeeded / failed / cancelled."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


#: A job in one of these states never changes again.
TERMINAL_STATES = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED})
#: A job in one of these states is still on its way (the page keeps polling).
ACTIVE_STATES = frozenset({JobState.QUEUED, JobState.RUNNING})


class Scenario(models.TextChoices):
    """MLPerf Inference scenarios (codes are hwsim.engine.loadgen.SCENARIOS)."""

    SINGLE_STREAM = "SingleStream", _("Single stream")
    MULTI_STREAM = "MultiStream", _("Multi stream")
    SERVER = "Server", _("Server")
    OFFLINE = "Offline", _("Offline")


class PackageType(models.TextChoices):
    """Packaging technologies of the Chiplet Actuary model (codes are hwsim.engine.packaging.PACKAGE_TYPES)."""

    OS = "os", _("Organic substrate (MCM)")
    FO_CHIP_FIRST = "fo-chip-first", _("Fan-out RDL, chip-first")
    FO_CHIP_LAST = "fo-chip-last", _("Fan-out RDL, chip-last")
    SI = "si", _("Silicon interposer (2.5D)")
