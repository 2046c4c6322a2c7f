"""Factories of the verification lab: presets like the demo library, requests, jobs (no surprising behaviour)."""

from __future__ import annotations

from typing import Any

import factory

from hwsim.enums import PackageType, Scenario
from hwsim.models import PlatformPreset, RequestPlatform, VerificationJob, VerificationRequest
from platform_site.tenancy import tenant_scope
from tests.factories import TenantOwnedFactory, UserFactory


class PlatformPresetFactory(TenantOwnedFactory):
    class Meta:
        model = PlatformPreset

    key = factory.Sequence(lambda n: f"ws32-7nm-{n}")
    name = factory.Sequence(lambda n: f"32×32 WS 7 nm 單晶片 {n}")
    accelerator = factory.LazyFunction(lambda: {"rows": 32, "cols": 32, "dataflow": "ws", "clock_ghz": 1.0})
    chiplets = 1
    link_bandwidth_gbps = 64.0
    link_latency_ns = 10.0
    node_nm = 7
    chiplet_area_mm2 = 50.0
    package = PackageType.OS


class VerificationRequestFactory(TenantOwnedFactory):
    """A quick request for ResNet-18 (batch 2) on one new preset, SingleStream + Offline; no job yet."""

    class Meta:
        model = VerificationRequest
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"邊緣推論晶片效能驗證 {n}")
    requester = factory.SubFactory(UserFactory)
    requester_org = None
    workloads = factory.LazyFunction(lambda: [{"key": "resnet18", "batch": 2}])
    scenarios = factory.LazyFunction(lambda: [Scenario.SINGLE_STREAM.value, Scenario.OFFLINE.value])
    seed = 7
    quick = True

    @factory.post_generation
    def presets(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        with tenant_scope(self.tenant):
            for index, preset in enumerate(extracted or [PlatformPresetFactory(tenant=self.tenant)]):
                RequestPlatform.objects.create(tenant=self.tenant, request=self, preset=preset, position=index)


class VerificationJobFactory(TenantOwnedFactory):
    """A queued job of a new request, with the request's spec frozen on it."""

    class Meta:
        model = VerificationJob

    request = factory.SubFactory(VerificationRequestFactory, tenant=factory.SelfAttribute("..tenant"))
    spec = factory.LazyAttribute(lambda o: _spec(o.request))


def _spec(request: VerificationRequest) -> dict[str, Any]:
    with tenant_scope(request.tenant):
        return request.build_spec()


def job_in_state(state: str, **kwargs: Any) -> VerificationJob:
    """A job put straight into ``state`` (test set-up only: bypasses the protected field on purpose)."""
    job = VerificationJobFactory(**kwargs)
    with tenant_scope(job.tenant):
        VerificationJob.objects.filter(pk=job.pk).update(state=state, attempt=0 if state == "queued" else 1)
        job.refresh_from_db()
    return job
