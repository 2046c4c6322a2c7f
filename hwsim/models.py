"""Verification lab records: platform presets, verification requests and their simulation jobs.

Seed 003_fa9863a310fbdc37.txt: the lab certifies AI-chip platforms (fan-out chiplet integration) with
MLPerf-style cross-platform performance reports. A :class:`VerificationRequest` asks for 1–n
:class:`PlatformPreset` × workloads × scenarios; each run of it is a :class:`VerificationJob`, a django-fsm
machine (``state``, protected) queued → running → succeeded / failed / cancelled. Transitions only change
fields; :mod:`hwsim.services` runs them through :func:`platform_site.transitions.run_transition`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from hwsim.engine.config import AcceleratorConfig, ConfigError
from hwsim.engine.packaging import KNOWN_NODES
from hwsim.enums import JobState, PackageType
from platform_site.tenancy import TenantOwnedModel
from platform_site.workflow import StateMachineMixin, rule_permission

S = JobState


SYSTEM = rule_permission("hwsim.system_job_transition")
CANCEL = rule_permission("hwsim.cancel_job")


def validate_accelerator(value: Any) -> None:
    """``value`` must be a JSON object of AcceleratorConfig fields (rows and cols required); ValidationError else."""
    if not isinstance(value, dict):
        raise ValidationError(_("The accelerator must be an object of configuration fields."))
    known = set(AcceleratorConfig.__dataclass_fields__)
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValidationError(_("Unknown accelerator field(s): %(names)s.") % {"names": ", ".join(unknown)})
    if "rows" not in value or "cols" not in value:
        raise ValidationError(_("The accelerator needs rows and cols."))
    try:
        AcceleratorConfig(**value)
    except ConfigError as exc:
        raise ValidationError(str(exc)) from exc


def runner_spec(*, presets: Any, workloads: Any, scenarios: Any, seed: int, quick: bool) -> dict[str, Any]:
    """The one place a runner spec (hwsim.runner) is built — for a stored request (:meth:`VerificationRequest.
    build_spec`), the request form and the API serializer. ``presets``: PlatformPresets in order;
    ``workloads``: ``[{"key", "batch"}]``; ``scenarios``: Scenario codes."""
    return {
        "seed": seed,
        "quick": quick,
        "platforms": [preset.to_spec() for preset in presets],
        "workloads": [{"key": w["key"], "batch": int(w["batch"]), "params": {}} for w in workloads],
        "scenarios": list(scenarios),
    }


def spec_refusal(spec: dict[str, Any]) -> str | None:
    """Why the simulator would reject ``spec`` (a translated message for a form / API 400), or None."""
    from hwsim.runner import validate_spec

    try:
        validate_spec(spec)
    except ValueError as exc:
        return _("The simulator cannot run this request: %(reason)s") % {"reason": exc}
    return None


class PlatformPreset(TenantOwnedModel):
    """A platform in the lab's library: accelerator chiplet × count, die-to-die link, node, package.

    Units: link bandwidth GB/s per chiplet port, link latency ns, chiplet area mm², node nm.
    """

    key = models.SlugField(_("key"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    accelerator = models.JSONField(_("accelerator"), validators=[validate_accelerator])
    chiplets = models.PositiveSmallIntegerField(
        _("chiplets"), default=1, validators=[MinValueValidator(1), MaxValueValidator(64)]
    )
    link_bandwidth_gbps = models.FloatField(
        _("D2D link bandwidth (GB/s)"), default=64.0, validators=[MinValueValidator(0.001)]
    )
    link_latency_ns = models.FloatField(_("D2D link latency (ns)"), default=10.0, validators=[MinValueValidator(0.0)])
    node_nm = models.PositiveSmallIntegerField(_("process node (nm)"), choices=[(n, f"{n} nm") for n in KNOWN_NODES])
    chiplet_area_mm2 = models.FloatField(_("chiplet area (mm²)"), validators=[MinValueValidator(0.01)])
    package = models.CharField(_("package"), max_length=16, choices=PackageType.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("platform preset")
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="hwsim_preset_unique_key")]

    def __str__(self) -> str:
        return self.name

    def get_dataflow_display(self) -> str:
        """The accelerator's dataflow in words (hwsim.labels; "Weight stationary" when not set)."""
        from hwsim.labels import dataflow_name

        return dataflow_name(self.accelerator.get("dataflow", "ws"))

    def accelerator_config(self) -> AcceleratorConfig:
        """The validated chiplet configuration (raises ConfigError for a bad stored value)."""
        return AcceleratorConfig(**self.accelerator)

    def to_spec(self) -> dict[str, Any]:
        """This platform as one entry of the runner spec's ``platforms`` list (hwsim.runner)."""
        return {
            "key": self.key,
            "name": self.name,
            "accelerator": dict(self.accelerator),
            "chiplets": self.chiplets,
            "link_bandwidth_gbps": self.link_bandwidth_gbps,
            "link_latency_ns": self.link_latency_ns,
            "node_nm": self.node_nm,
            "chiplet_area_mm2": self.chiplet_area_mm2,
            "package": self.package,
        }


class VerificationRequest(TenantOwnedModel):
    """A request for a performance verification: platforms × workloads × scenarios.

    ``workloads`` is ``[{"key": <BUILTIN_WORKLOADS key>, "batch": int}, …]``; ``scenarios`` a list of
    :class:`~hwsim.enums.Scenario` codes. ``report_number`` (``VR-<year>-<nnnn>``, gapless per tenant) is set
    when the first job succeeds and is printed on the certificate.
    """

    title = models.CharField(_("title"), max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requester")
    )
    requester_org = models.ForeignKey(
        "platform_site.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requesting organisation"),
    )
    platforms = models.ManyToManyField(
        PlatformPreset, through="RequestPlatform", related_name="+", verbose_name=_("platforms")
    )
    workloads = models.JSONField(_("workloads"), default=list)
    scenarios = models.JSONField(_("scenarios"), default=list)
    seed = models.PositiveIntegerField(_("random seed"), default=2026)
    quick = models.BooleanField(_("quick preview"), default=False)
    report_number = models.CharField(_("report number"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("verification request")
        # Tenant first, then the list's ORDER BY (hwsim.queries.LIST_ORDER): a page is an index range.
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="hwsim_request_list_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "report_number"],
                condition=~models.Q(report_number=""),
                name="hwsim_request_unique_report",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def build_spec(self) -> dict[str, Any]:
        """The runner spec (see hwsim.runner.run_verification): platforms in the order they were chosen."""
        links = RequestPlatform.objects.filter(request=self).select_related("preset").order_by("position", "pk")
        return runner_spec(
            presets=[link.preset for link in links],
            workloads=self.workloads,
            scenarios=self.scenarios,
            seed=self.seed,
            quick=self.quick,
        )


class RequestPlatform(TenantOwnedModel):
    """One chosen platform of a request, in order (the M2M table, tenant-owned so it carries RLS)."""

    request = models.ForeignKey(VerificationRequest, on_delete=models.CASCADE, related_name="platform_links")
    preset = models.ForeignKey(PlatformPreset, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "request", "preset"], name="hwsim_request_platform_unique"),
        ]


class VerificationJob(StateMachineMixin, TenantOwnedModel):
    """One simulation run of a request (a Celery task). ``progress`` is a fraction 0..1.

    ``spec`` is frozen at submission (later preset edits do not change a running or certified job);
    ``results`` is the runner's output dict, written in the same save as the ``succeed`` transition.
    ``attempt`` counts deliveries that started the run (a worker lost mid-run makes a second attempt).
    ``heartbeat_at`` is written by the running attempt every ``HWSIM_JOB_HEARTBEAT_S``; a running job whose
    heartbeat is older than ``HWSIM_JOB_STALE_S`` lost its worker and is requeued by the sweeper
    (:func:`hwsim.services.sweep_stale_jobs`).
    """

    request = models.ForeignKey(VerificationRequest, on_delete=models.CASCADE, related_name="jobs")
    state = FSMField(_("status"), default=S.QUEUED, choices=S.choices, protected=True, db_index=True)
    spec = models.JSONField(default=dict, editable=False)
    progress = models.FloatField(
        _("progress"), default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    message = models.CharField(_("message"), max_length=200, blank=True)
    results = models.JSONField(null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    celery_task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("verification job")
        indexes = [models.Index(fields=["tenant", "state"], name="hwsim_job_tenant_state_idx")]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.pk} {self.state}"

    @property
    def is_terminal(self) -> bool:
        return self.state in (S.SUCCEEDED, S.FAILED, S.CANCELLED)

    def seconds_left(self, now: Any = None) -> float | None:
        """Estimated seconds until a running job ends: elapsed × (1 − progress) / progress, from ``started_at``
        (the current attempt); ``None`` unless running with progress ≥ 2 % (too early to tell)."""
        if self.state != S.RUNNING or self.started_at is None or self.progress < 0.02:
            return None
        elapsed = ((now or timezone.now()) - self.started_at).total_seconds()
        return max(0.0, elapsed * (1.0 - self.progress) / self.progress)

    @property
    def percent(self) -> int:
        """Progress in whole percent (0–100) for the progress bar."""
        return max(0, min(100, round(self.progress * 100)))

    # ---- transitions (named after the action; the worker's are system-only) -----------------------------
    @transition(
        field=state, source=S.QUEUED, target=S.RUNNING, custom={"label": _("Simulation started")}, permission=SYSTEM
    )
    def start(self, *, by: Any, comment: str = "") -> None:
        """A worker picked the job up (first delivery)."""
        self.attempt += 1
        self.started_at = self.heartbeat_at = timezone.now()
        self.progress, self.message, self.error = 0.0, "", ""

    @transition(
        field=state,
        source=S.RUNNING,
        target=S.QUEUED,
        custom={"label": _("Requeued after a lost worker")},
        permission=SYSTEM,
    )
    def requeue(self, *, by: Any, comment: str = "") -> None:
        """The sweeper found the running attempt's heartbeat stale (its worker was lost): queue a new attempt."""
        self.heartbeat_at = None
        self.progress, self.message = 0.0, ""

    @transition(
        field=state, source=S.RUNNING, target=S.SUCCEEDED, custom={"label": _("Simulation finished")}, permission=SYSTEM
    )
    def succeed(self, *, by: Any, comment: str = "", results: dict[str, Any]) -> None:
        """The run finished: keep its results (same save as the state change)."""
        self.results = results
        self.progress, self.message = 1.0, ""
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=[S.QUEUED, S.RUNNING],
        target=S.FAILED,
        custom={"label": _("Simulation failed")},
        permission=SYSTEM,
    )
    def fail(self, *, by: Any, comment: str = "", error: str) -> None:
        """The run raised (bad spec, time limit): record the error text."""
        self.error = error
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=[S.QUEUED, S.RUNNING],
        target=S.CANCELLED,
        custom={"label": _("Cancelled"), "refused": _("The job has already ended and cannot be cancelled.")},
        permission=CANCEL,
    )
    def cancel(self, *, by: Any, comment: str = "") -> None:
        """The requester or lab staff stop the job; the running attempt's watcher notices within
        ``hwsim.jobs.CANCEL_POLL_S`` (0.25 s) and the run stops at its next progress call (milliseconds later)."""
        self.finished_at = timezone.now()


# ---- design-space exploration (hwsim.dse.services; engine hwsim.engine.dse) ----------------------------------
DSE_SYSTEM = rule_permission("hwsim.system_job_transition")
DSE_CANCEL = rule_permission("hwsim.cancel_dse")


class DseRequest(StateMachineMixin, TenantOwnedModel):
    """A design-space sweep for one workload × scenario, and its run: queued → running → succeeded / failed /
    cancelled (``state``, django-fsm, protected; the worker's transitions are the system actor's).

    ``spec`` is the canonical sweep (:meth:`hwsim.engine.dse.SweepSpec.to_dict`), ``size`` its number of
    configurations, split into ``n_chunks`` chunks of ``chunk_size`` (the last shorter), each computed by one
    Celery task into a :class:`DseChunk`. ``results`` (written with ``succeed``): ``{"size", "feasible",
    "reasons": {code: n}, "fronts": {"cost": [index], "energy": [index]}, "points": {index: point}}`` with
    the points of both fronts (:func:`hwsim.dse.services.summarise`).
    """

    title = models.CharField(_("title"), max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requester")
    )
    spec = models.JSONField(_("sweep"), editable=False)
    size = models.PositiveIntegerField(_("configurations"))
    chunk_size = models.PositiveIntegerField(default=500)
    n_chunks = models.PositiveIntegerField(default=1)
    state = FSMField(_("status"), default=S.QUEUED, choices=S.choices, protected=True, db_index=True)
    chunks_done = models.PositiveIntegerField(default=0)
    results = models.JSONField(null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("design-space exploration")
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="hwsim_dse_list_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_terminal(self) -> bool:
        return self.state in (S.SUCCEEDED, S.FAILED, S.CANCELLED)

    @property
    def percent(self) -> int:
        """Chunks stored, in whole percent (0–100), for the one progress bar over all chunks."""
        return 100 if self.state == S.SUCCEEDED else min(100, self.chunks_done * 100 // max(1, self.n_chunks))

    @transition(
        field=state, source=S.QUEUED, target=S.RUNNING, custom={"label": _("Sweep started")}, permission=DSE_SYSTEM
    )
    def start(self, *, by: Any, comment: str = "") -> None:
        """The chunk tasks were queued (in the same transaction)."""
        self.started_at = timezone.now()

    @transition(
        field=state, source=S.RUNNING, target=S.SUCCEEDED, custom={"label": _("Sweep finished")}, permission=DSE_SYSTEM
    )
    def succeed(self, *, by: Any, comment: str = "", results: dict[str, Any]) -> None:
        """Every chunk is stored: keep the fronts (same save as the state change)."""
        self.results = results
        self.chunks_done = self.n_chunks
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=[S.QUEUED, S.RUNNING],
        target=S.FAILED,
        custom={"label": _("Sweep failed")},
        permission=DSE_SYSTEM,
    )
    def fail(self, *, by: Any, comment: str = "", error: str) -> None:
        self.error = error
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=[S.QUEUED, S.RUNNING],
        target=S.CANCELLED,
        custom={"label": _("Cancelled"), "refused": _("The sweep has already ended and cannot be cancelled.")},
        permission=DSE_CANCEL,
    )
    def cancel(self, *, by: Any, comment: str = "") -> None:
        """Lab staff stop the sweep; chunk tasks still queued find it cancelled and do nothing."""
        self.finished_at = timezone.now()


class DseChunk(TenantOwnedModel):
    """The points of configurations ``start .. stop−1`` of a sweep (one chunk task's work).

    ``rows``: ``[hwsim.engine.dse.pack(point), …]`` in index order. At most one row per (request, index):
    the unique constraint makes a chunk computed twice (a redelivered task) store nothing new.
    """

    request = models.ForeignKey(DseRequest, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    stop = models.PositiveIntegerField()
    rows = models.JSONField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "index"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "request", "index"], name="hwsim_dse_chunk_unique"),
        ]


def _certificate_path(report: VerificationReport, filename: str) -> str:
    return f"hwsim/certificates/{report.tenant_id}/{filename}"


class VerificationReport(TenantOwnedModel):
    """What the worker builds once a job has succeeded (:mod:`hwsim.reports`): the stored charts and the PDF
    certificate. Written once, never changed (:meth:`save` refuses an update; the file is never rewritten).

    ``charts``: ``{language code: {chart key: svg}}`` for every language of ``settings.LANGUAGES``;
    ``certificate``: the PDF in private storage; ``certificate_sha256``: SHA-256 (hex) of the PDF file's
    bytes; ``certificate_digest``: SHA-256 (hex) printed *on* the certificate — of what it states (a file
    cannot print its own hash); ``face``: what the certificate's first page states (the only data the public
    verification page shows); ``build_seconds``: the worker's time to build it all.
    """

    job = models.OneToOneField(VerificationJob, on_delete=models.PROTECT, related_name="report")
    report_number = models.CharField(_("report number"), max_length=32)
    charts = models.JSONField(default=dict, editable=False)
    certificate = models.FileField(_("certificate"), upload_to=_certificate_path, max_length=255, editable=False)
    certificate_sha256 = models.CharField(_("certificate file SHA-256"), max_length=64, editable=False)
    certificate_digest = models.CharField(_("certificate digest"), max_length=64, editable=False)
    certificate_size = models.PositiveIntegerField(default=0, editable=False)
    face = models.JSONField(default=dict, editable=False)
    build_seconds = models.FloatField(default=0.0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("verification report")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "report_number"], name="hwsim_report_unique_number"),
        ]

    def __str__(self) -> str:
        return self.report_number

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: a stored report is immutable (ValueError on an update)."""
        if not self._state.adding:
            raise ValueError("a verification report is immutable")
        super().save(*args, **kwargs)
