"""The stored report of a succeeded job: charts in every language and the PDF certificate, built once.

:func:`build_report` runs in the worker right after the ``succeed`` transition (:func:`hwsim.jobs.run_job`;
the beat sweeper rebuilds a report a lost worker left unbuilt, :func:`unreported_jobs`). It renders the
charts for every language of ``settings.LANGUAGES`` (:func:`hwsim.charts.all_charts` with the translated
labels of :func:`hwsim.labels.chart_labels`) and the certificate (:mod:`hwsim.certificate`, with the
charts of ``settings.LANGUAGE_CODE``), stores the PDF in private storage (``STORAGES["default"]``,
``hwsim/certificates/<tenant id>/<report number>-<sha256[:12]>.pdf``) and records its SHA-256 on an
immutable :class:`~hwsim.models.VerificationReport`. The web pages only read it: the results page's
first view is as fast as any other, and every download is the same bytes.

Two hashes: the PDF file's SHA-256 (``certificate_sha256``; ``sha256sum`` of the downloaded file) cannot be
printed inside that file, so the certificate prints its *digest* (``certificate_digest``: SHA-256 of the
canonical JSON of what it states, :func:`hwsim.certificate.certificate_digest`). The results page shows
both; the public verification page (:func:`verify`) accepts either.

Errors: a build that raises (malformed results) is logged and leaves no report (the pages then say it is
being prepared; the sweeper retries). Imports neither :mod:`hwsim.services` nor :mod:`hwsim.tasks`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from hwsim.charts import all_charts
from hwsim.enums import JobState
from hwsim.labels import chart_labels
from hwsim.models import VerificationJob, VerificationReport

logger = logging.getLogger(__name__)

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def verification_path(tenant: Any, report_number: str) -> str:
    """The public verification page's path: ``/t/<tenant slug>/lab/verify/<report number>/``."""
    from django.urls import reverse

    return reverse("hwsim:verify", kwargs={"tenant_slug": tenant.slug, "report_number": report_number})


def verification_url(tenant: Any, report_number: str) -> str:
    """The verification page's absolute URL on ``settings.PORTAL_BASE_URL`` (printed on the certificate)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + verification_path(tenant, report_number)


def render_charts(results: dict) -> dict[str, dict[str, str]]:
    """``{language code: all_charts(results, labels in that language)}`` for every ``settings.LANGUAGES``."""
    charts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            charts[code] = all_charts(results, chart_labels())
    return charts


def build_report(job_id: int) -> VerificationReport | None:
    """Build and store the report of succeeded job ``job_id`` (current tenant); idempotent.

    Returns the report (the existing one if built already), or ``None`` when the job has not succeeded or
    the build failed (logged). Typical time on 2 cores: ~1.5 s for 1 platform × 1 workload × 2 scenarios
    (quick); ~15 s for 2 platforms × 2 workloads × 4 scenarios (22 charts × 2 languages + 14-page PDF).
    """
    from hwsim.certificate import certificate_pdf

    existing = VerificationReport.objects.filter(job_id=job_id).first()
    if existing is not None:
        return existing
    job = (
        VerificationJob.objects.select_related("request__requester", "request__requester_org", "request__tenant")
        .filter(pk=job_id, state=JobState.SUCCEEDED)
        .first()
    )
    if job is None or not job.request.report_number:
        return None
    started = time.monotonic()
    try:
        charts = render_charts(job.results)
        pdf, digest, face = certificate_pdf(
            job.request, job, charts[settings.LANGUAGE_CODE], verification_url(job.tenant, job.request.report_number)
        )
    except Exception:
        logger.exception("hwsim job %s: building the report failed", job.pk)
        return None
    sha = hashlib.sha256(pdf).hexdigest()
    report = VerificationReport(
        tenant=job.tenant,
        job=job,
        report_number=job.request.report_number,
        charts=charts,
        certificate_sha256=sha,
        certificate_digest=digest,
        certificate_size=len(pdf),
        face=face,
        build_seconds=round(time.monotonic() - started, 3),
    )
    report.certificate.save(f"{job.request.report_number}-{sha[:12]}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # another worker stored it first: keep theirs, drop our copy of the file
        report.certificate.storage.delete(report.certificate.name)
        return VerificationReport.objects.filter(job_id=job_id).first()
    return report


def unreported_jobs(older_than_s: float | None = None) -> list[int]:
    """Succeeded jobs of the current tenant, finished more than ``older_than_s`` (default
    ``HWSIM_JOB_STALE_S``) seconds ago, that have no stored report (their worker was lost mid-build)."""
    cutoff = timezone.now() - timedelta(seconds=settings.HWSIM_JOB_STALE_S if older_than_s is None else older_than_s)
    return list(
        VerificationJob.objects.filter(state=JobState.SUCCEEDED, finished_at__lt=cutoff, report__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def report_of(job: VerificationJob | None) -> VerificationReport | None:
    """The stored report of ``job`` (``None`` if none yet) — without its charts (they are read per language)."""
    if job is None:
        return None
    return VerificationReport.objects.filter(job=job).defer("charts").first()


def charts_in(report: VerificationReport, language: str | None) -> dict[str, str]:
    """The stored charts in ``language`` (one JSON key read by the database), else in LANGUAGE_CODE."""
    code = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    row = VerificationReport.objects.filter(pk=report.pk).values_list(f"charts__{code}", flat=True).first()
    return row or {}


def certificate_bytes(report: VerificationReport) -> bytes:
    """The stored PDF, as stored (byte-identical on every call)."""
    with report.certificate.open("rb") as handle:
        return handle.read()


def normalise_hash(text: str) -> str:
    """A pasted SHA-256: whitespace and an optional ``sha256:`` prefix dropped, lower case."""
    text = re.sub(r"\s+", "", text or "").lower()
    return text.removeprefix("sha256:")


def verify(report_number: str, sha: str) -> dict[str, Any]:
    """Check ``sha`` against the report ``report_number`` of the current tenant.

    ``{"report": VerificationReport | None, "checked": bool (a hash was given), "well_formed": bool,
    "genuine": bool (it equals the file's SHA-256 or the printed digest), "matched": "file" / "digest" / ""}``.
    """
    report = VerificationReport.objects.filter(report_number=report_number).defer("charts").first()
    sha = normalise_hash(sha)
    out: dict[str, Any] = {"report": report, "checked": bool(sha), "well_formed": bool(_HEX64.match(sha))}
    matched = ""
    if report is not None and out["well_formed"]:
        if sha == report.certificate_sha256:
            matched = "file"
        elif sha == report.certificate_digest:
            matched = "digest"
    out.update(genuine=bool(matched), matched=matched)
    return out
