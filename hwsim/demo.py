"""Demo data of the verification lab: a small platform library and one verified request (quick run).

The presets follow seed 003_fa9863a310fbdc37.txt (fan-out chiplet integration of logic dies, cross-platform
comparison): a monolithic baseline on an organic substrate, a 4-chiplet fan-out (chip-last) part, a
2-chiplet silicon-interposer part and an output-stationary edge NPU.
"""

from __future__ import annotations

from hwsim import services
from hwsim.models import PlatformPreset
from platform_site.enums import Role, TenantKind
from platform_site.extensions import DemoSite
from platform_site.models import Organization
from platform_site.rules import organizations_in

PRESETS = [
    {
        "key": "ws32-7nm-os",
        "name": "單晶片 32×32 WS · 7 nm · 有機基板",
        "description": "Monolithic baseline: one 32×32 weight-stationary array at 1 GHz on an organic substrate.",
        "accelerator": {"rows": 32, "cols": 32, "dataflow": "ws", "clock_ghz": 1.0, "bandwidth_gbps": 25.6},
        "chiplets": 1,
        "link_bandwidth_gbps": 64.0,
        "link_latency_ns": 10.0,
        "node_nm": 7,
        "chiplet_area_mm2": 60.0,
        "package": "os",
    },
    {
        "key": "fo4x16-5nm",
        "name": "4 小晶片 16×16 · 5 nm · 扇出型 chip-last",
        "description": "Four 16×16 chiplets joined by fan-out RDL (chip-last), 128 GB/s per D2D port.",
        "accelerator": {"rows": 16, "cols": 16, "dataflow": "ws", "clock_ghz": 1.2, "bandwidth_gbps": 25.6},
        "chiplets": 4,
        "link_bandwidth_gbps": 128.0,
        "link_latency_ns": 8.0,
        "node_nm": 5,
        "chiplet_area_mm2": 18.0,
        "package": "fo-chip-last",
    },
    {
        "key": "si2x64-5nm",
        "name": "2 小晶片 64×64 · 5 nm · 矽中介層",
        "description": "Two large 64×64 chiplets on a silicon interposer (2.5D), 256 GB/s per D2D port.",
        "accelerator": {
            "rows": 64,
            "cols": 64,
            "dataflow": "ws",
            "clock_ghz": 1.0,
            "ifmap_sram_kib": 256,
            "filter_sram_kib": 256,
            "ofmap_sram_kib": 128,
            "bandwidth_gbps": 102.4,
        },
        "chiplets": 2,
        "link_bandwidth_gbps": 256.0,
        "link_latency_ns": 5.0,
        "node_nm": 5,
        "chiplet_area_mm2": 110.0,
        "package": "si",
    },
    {
        "key": "os16-28nm-edge",
        "name": "邊緣 NPU 16×16 OS · 28 nm",
        "description": "Low-cost edge NPU: one 16×16 output-stationary array at 500 MHz.",
        "accelerator": {"rows": 16, "cols": 16, "dataflow": "os", "clock_ghz": 0.5, "bandwidth_gbps": 6.4},
        "chiplets": 1,
        "link_bandwidth_gbps": 64.0,
        "link_latency_ns": 10.0,
        "node_nm": 28,
        "chiplet_area_mm2": 12.0,
        "package": "os",
    },
]


def seed(site: DemoSite) -> None:
    """Create the preset library and one succeeded quick request in ``site.tenant`` (verification labs only).

    The request is made by the demo applicant for their organisation and run synchronously (no broker
    needed). Idempotent: a no-op when the tenant has presets. Runs inside ``tenant_scope(site.tenant)``.
    """
    tenant = site.tenant
    if tenant.kind != TenantKind.VERIFICATION_LAB or PlatformPreset.objects.exists():
        return
    presets = {spec["key"]: PlatformPreset.objects.create(tenant=tenant, **spec) for spec in PRESETS}
    applicant = site.people[Role.APPLICANT]
    orgs = sorted(organizations_in(applicant, tenant, Role.APPLICANT))
    request = services.create_request(
        applicant,
        title="邊緣 AI 推論晶片跨平台效能驗證（預覽）",
        presets=[presets["ws32-7nm-os"], presets["fo4x16-5nm"]],
        workloads=[{"key": "resnet50_v1_5", "batch": 8}, {"key": "mobilenet_v1", "batch": 8}],
        scenarios=["SingleStream", "Server", "Offline"],
        seed=2026,
        quick=True,
        requester_org=Organization.objects.get(pk=orgs[0]) if orgs else None,
        submit_now=False,
    )
    job = services.submit(request, applicant, enqueue=False)
    services.run_job(job.pk)
