"""Stored reports: built by the worker when the job succeeds, immutable, downloaded byte-identical, the hash
on the results page; the public verification page (genuine / tampered / unknown / other tenant / throttled)."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from hwsim import reports
from hwsim.models import VerificationReport
from platform_site.tenancy import tenant_scope
from tests.hwsim.test_views import _succeeded_request, _url


@pytest.fixture(autouse=True)
def _english(client: Any) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def certified(lab: Any) -> tuple[Any, VerificationReport]:
    vr = _succeeded_request(lab, scenarios=["SingleStream", "Server", "Offline"])
    with tenant_scope(lab.a):
        return vr, VerificationReport.objects.get(job__request=vr)


def _verify(tenant: Any, number: str, sha: str | None = None) -> str:
    url = reverse("hwsim:verify", kwargs={"tenant_slug": tenant.slug, "report_number": number})
    return url if sha is None else f"{url}?sha256={sha}"


def test_the_worker_stores_charts_in_every_language_and_the_certificate(lab: Any, certified: Any) -> None:
    vr, report = certified
    assert set(report.charts) == {"zh-hant", "en"}
    assert (
        set(report.charts["en"]) == set(report.charts["zh-hant"]) and len(report.charts["en"]) == 6
    )  # layers, 3 latency, cost, perf
    with tenant_scope(lab.a):
        pdf = reports.certificate_bytes(report)
    assert pdf.startswith(b"%PDF-") and len(pdf) == report.certificate_size
    assert hashlib.sha256(pdf).hexdigest() == report.certificate_sha256
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", " ")
    assert report.certificate_digest in text.replace(" ", "")  # printed on the certificate
    assert reports.verification_url(lab.a, vr.report_number) in text.replace(" ", "")
    assert report.report_number == vr.report_number and report.face["title"] == vr.title
    with pytest.raises(ValueError, match="immutable"):
        report.save()
    with tenant_scope(lab.a):
        assert reports.build_report(report.job_id).pk == report.pk  # idempotent: no second report, no new file


def test_every_download_is_the_stored_bytes_and_the_results_page_shows_the_hash(
    client: Any, lab: Any, certified: Any, django_assert_max_num_queries: Any
) -> None:
    vr, report = certified
    client.force_login(lab.applicant)
    downloads = [client.get(_url("certificate", lab.a, vr.pk)) for _ in range(3)]
    assert all(r.status_code == 200 for r in downloads)
    assert len({r.content for r in downloads}) == 1
    assert hashlib.sha256(downloads[0].content).hexdigest() == report.certificate_sha256
    assert downloads[0]["ETag"] == f'"{report.certificate_sha256}"'
    with django_assert_max_num_queries(14):
        page = client.get(_url("results", lab.a, vr.pk)).content.decode()
    assert report.certificate_sha256 in page and report.certificate_digest in page
    assert reports.verification_path(lab.a, vr.report_number) in page
    # the page shows the stored charts themselves (built by the worker, not in this request)
    assert all(svg in page for svg in report.charts["en"].values())


def test_a_genuine_certificate_verifies_by_file_hash_and_by_printed_digest(
    client: Any, lab: Any, certified: Any, django_assert_max_num_queries: Any
) -> None:
    vr, report = certified
    with django_assert_max_num_queries(6):
        by_file = client.get(_verify(lab.a, vr.report_number, report.certificate_sha256.upper()))  # no login
    assert by_file.status_code == 200
    body = by_file.content.decode()
    assert 'data-result="genuine"' in body and "matches the PDF file" in body
    assert vr.title in body and "晶創科技股份有限公司" in body and "ResNet-18, batch 2" in body
    by_digest = client.get(_verify(lab.a, vr.report_number, f"sha256:{report.certificate_digest}"))
    assert 'data-result="genuine"' in by_digest.content.decode()
    assert "certificate digest printed" in by_digest.content.decode()


def test_a_tampered_hash_does_not_verify_and_shows_nothing_of_the_certificate(
    client: Any, lab: Any, certified: Any
) -> None:
    vr, report = certified
    tampered = ("0" if report.certificate_sha256[0] != "0" else "1") + report.certificate_sha256[1:]
    for sha in (tampered, hashlib.sha256(b"%PDF-1.7 forged").hexdigest()):
        body = client.get(_verify(lab.a, vr.report_number, sha)).content.decode()
        assert 'data-result="not-genuine"' in body
        assert vr.title not in body and "晶創科技" not in body and report.certificate_sha256 not in body
    malformed = client.get(_verify(lab.a, vr.report_number, "not-a-hash")).content.decode()
    assert 'data-result="malformed"' in malformed and vr.title not in malformed
    bare = client.get(_verify(lab.a, vr.report_number))  # the number alone: issued, and the form; no face
    assert bare.status_code == 200 and 'id="verify-form"' in bare.content.decode()
    assert vr.title not in bare.content.decode() and "data-result" not in bare.content.decode()


def test_unknown_numbers_and_other_tenants_are_not_found(client: Any, lab: Any, certified: Any) -> None:
    vr, report = certified
    for tenant, number in (
        (lab.a, "VR-2099-9999"),
        (lab.a, "-VR-2026-0001"),
        (lab.a, "x" * 200),
        (lab.b, vr.report_number),  # lab B's address never reaches lab A's certificate
    ):
        response = client.get(_verify(tenant, number, report.certificate_sha256))
        assert response.status_code == 404, (tenant, number)
        assert 'data-result="not-found"' in response.content.decode()
        assert vr.title not in response.content.decode()
    assert client.get(f"/t/no-such-lab/lab/verify/{vr.report_number}/").status_code == 404


def test_look_ups_are_rate_limited_per_client_address(client: Any, lab: Any, certified: Any, settings: Any) -> None:
    vr, _report = certified
    settings.HWSIM_VERIFY_PER_IP = 3
    statuses = [client.get(_verify(lab.a, f"VR-2099-{n:04d}")).status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert client.get(_verify(lab.a, vr.report_number), REMOTE_ADDR="198.51.100.7").status_code == 200


def test_pages_before_the_report_is_stored_say_so(client: Any, lab: Any, certified: Any) -> None:
    """A succeeded job whose report is not stored yet (worker lost mid-build): no results page, no PDF, and
    the sweeper finds it."""
    vr, report = certified
    with tenant_scope(lab.a):
        VerificationReport.objects.filter(pk=report.pk).delete()
        assert reports.unreported_jobs(older_than_s=-1) == [report.job_id]
    client.force_login(lab.engineer)
    assert client.get(_url("results", lab.a, vr.pk)).status_code == 302
    assert client.get(_url("certificate", lab.a, vr.pk)).status_code == 404
    with tenant_scope(lab.a):
        rebuilt = reports.build_report(report.job_id)
    # the same inputs give the same certificate digest; the file is rebuilt from the same results
    assert rebuilt.certificate_digest == report.certificate_digest
