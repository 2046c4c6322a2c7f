"""The demo data of the verification lab: a preset library and one verified request with its report number."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from hwsim.models import PlatformPreset, VerificationJob, VerificationRequest
from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope


def test_seed_demo_loads_the_lab_library_and_one_verified_request(db: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    lab = Tenant.objects.get(slug="ailab")
    with tenant_scope(lab):
        assert PlatformPreset.objects.count() == 4
        request = VerificationRequest.objects.get()
        job = VerificationJob.objects.get(request=request)
        assert request.report_number == f"VR-{timezone.localdate().year}-0001"
        assert job.state == "succeeded"
        assert len(job.results["summary"]) == 2 * 2 * 3
    with tenant_scope(Tenant.objects.get(slug="tsmp")):
        assert not PlatformPreset.objects.exists()
