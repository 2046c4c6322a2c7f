"""Chart text in the user's language: :data:`hwsim.charts.DEFAULT_LABELS` passed through Django's gettext."""

from __future__ import annotations

from django.utils.translation import gettext as _


def chart_labels() -> dict[str, str]:
    """Every label of :mod:`hwsim.charts` translated to the active language (same keys as DEFAULT_LABELS)."""
    return {
        "layers_title": _("Per-layer cycles and utilisation: {platform} / {workload}"),
        "layer": _("Layer"),
        "cycles": _("Cycles"),
        "utilization": _("PE utilisation (%)"),
        "latency_title": _("Latency distribution: {platform} / {workload} / {scenario}"),
        "latency_ms": _("Latency (ms)"),
        "count": _("Count"),
        "bound": _("Latency bound"),
        "valid": _("VALID"),
        "invalid": _("INVALID"),
        "cost_title": _("Recurring cost per good package (Chiplet Actuary)"),
        "usd": _("USD"),
        "raw_chips_usd": _("Raw chips"),
        "chip_defects_usd": _("Chip defects"),
        "raw_package_usd": _("Raw package"),
        "package_defects_usd": _("Package defects"),
        "wasted_kgd_usd": _("Wasted KGD"),
        "perf_title": _("Performance per dollar"),
        "perf_offline_samples_per_s": _("Offline samples/s per USD"),
        "perf_inverse_latency_per_s": _("1 / latency (1/s) per USD"),
    }
