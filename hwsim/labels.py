"""Display names and number formats of the verification lab: the one place a code becomes a label.

Every code the simulator speaks (workload keys such as ``resnet50_v1_5``, package codes ``os`` /
``fo-chip-first`` / ``fo-chip-last`` / ``si``, dataflows ``os`` / ``ws`` / ``is``, scenario codes, LoadGen
metric names, the runner's progress messages) is turned into a translated label here, so the pages never
show a raw code (``tests/hwsim/test_labels.py`` renders every lab page and looks for them).

Abbreviations: none on the pages. "OS" would mean both *organic substrate* (package) and *output
stationary* (dataflow) in one table, so both are always written out; the certificate
(:mod:`hwsim.certificate`) defines the few it uses in one legend.

:func:`eng` formats a number with an SI prefix (``5.245e-18`` → ``5.245 a``); :func:`seconds`,
:func:`rate`, :func:`energy` and :func:`duration` are its uses for seconds, samples/s, joules and the
time left of a running job.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hwsim.charts import DEFAULT_LABELS
from hwsim.engine.workloads import BUILTIN_WORKLOADS
from hwsim.enums import PackageType, Scenario
from hwsim.numbers import eng

#: Short model names, as MLPerf's result tables name them (the workload key is the code).
WORKLOAD_NAMES: dict[str, Promise] = {
    "resnet50_v1_5": gettext_lazy("ResNet-50 v1.5"),
    "mobilenet_v1": gettext_lazy("MobileNet v1"),
    "bert_large": gettext_lazy("BERT-Large"),
    "resnet18": gettext_lazy("ResNet-18"),
}
#: What each model does (shown beside its name where there is room).
WORKLOAD_TASKS: dict[str, Promise] = {
    "resnet50_v1_5": gettext_lazy("224×224 image classification"),
    "mobilenet_v1": gettext_lazy("image classification on mobile devices"),
    "bert_large": gettext_lazy("question answering (SQuAD)"),
    "resnet18": gettext_lazy("224×224 image classification"),
}
DATAFLOW_NAMES: dict[str, Promise] = {
    "os": gettext_lazy("Output stationary"),
    "ws": gettext_lazy("Weight stationary"),
    "is": gettext_lazy("Input stationary"),
}
PACKAGE_NAMES: dict[str, Any] = dict(PackageType.choices)
SCENARIO_NAMES: dict[str, Any] = dict(Scenario.choices)
#: Units shown with a value ("s" is the SI symbol in every language).
UNIT_NAMES: dict[str, Any] = {"s": "s", "samples/s": gettext_lazy("samples/s")}


def seconds(value: float | None) -> str:
    """A time in seconds, e.g. ``0.001447`` → ``"1.447 ms"``."""
    return eng(value, str(UNIT_NAMES["s"]))


def rate(value: float | None) -> str:
    """A throughput in samples per second, e.g. ``848.39`` → ``"848.4 samples/s"``."""
    return eng(value, str(UNIT_NAMES["samples/s"]))


def energy(value: float | None) -> str:
    """An energy in joules, e.g. ``0.01234`` → ``"12.34 mJ"``."""
    return eng(value, "J")


def result_value(value: float | None, unit: str) -> str:
    """A scenario's metric value in its unit (``"s"`` or ``"samples/s"``)."""
    return seconds(value) if unit == "s" else rate(value) if unit == "samples/s" else eng(value, unit)


def duration(value_s: float | None) -> str:
    """A time left in words: ``42`` → ``"about 42 s"``, ``200`` → ``"about 3 min 20 s"``; None → ``""``."""
    if value_s is None or not math.isfinite(value_s) or value_s < 0:
        return ""
    total = max(1, round(value_s))
    minutes, secs = divmod(total, 60)
    if not minutes:
        return _("about %(s)d s") % {"s": secs}
    return _("about %(m)d min %(s)d s") % {"m": minutes, "s": secs}


def workload_name(key: str) -> str:
    """The model's display name (a key the lab does not know is shown as given: it is data, not a code)."""
    return str(WORKLOAD_NAMES.get(key, key))


def workload_label(key: str, batch: int) -> str:
    """``"ResNet-50 v1.5, batch 8"`` in the active language."""
    return _("%(model)s, batch %(n)d") % {"model": workload_name(key), "n": batch}


def dataflow_name(code: str) -> str:
    return str(DATAFLOW_NAMES.get(code, code))


def package_name(code: str) -> str:
    return str(PACKAGE_NAMES.get(code, code))


def scenario_name(code: str) -> str:
    return str(SCENARIO_NAMES.get(code, code))


_METRIC_RE = re.compile(r"^p(\d+(?:\.\d+)?) (early-stopping latency estimate|latency)$")


def metric_name(metric: str) -> str:
    """LoadGen's metric name in words: ``"p90 early-stopping latency estimate"`` → "90th-percentile latency
    (early-stopping estimate)"; ``"samples per second"``, ``"scheduled samples per second"``."""
    if metric == "samples per second":
        return _("Samples per second")
    if metric == "scheduled samples per second":
        return _("Scheduled samples per second")
    match = _METRIC_RE.match(metric)
    if match is None:
        return metric
    if match.group(2) == "latency":
        return _("%(p)sth-percentile latency") % {"p": match.group(1)}
    return _("%(p)sth-percentile latency (early-stopping estimate)") % {"p": match.group(1)}


_NAME_BY_EN = {info.name_en: key for key, info in BUILTIN_WORKLOADS.items()}
_PROGRESS = (
    (re.compile(r"^(?P<p>.+): package cost$"), gettext_lazy("%(platform)s: package cost computed")),
    (re.compile(r"^(?P<p>.+) · (?P<w>.+): network simulated$"), gettext_lazy("%(platform)s · %(model)s: network")),
    (re.compile(r"^(?P<p>.+) · (?P<w>.+) · (?P<s>\w+)$"), gettext_lazy("%(platform)s · %(model)s · %(scenario)s")),
)


def progress_message(message: str) -> str:
    """The runner's progress message (English, hwsim.runner) in the active language: ``"starting"`` →
    "Starting"; ``"<platform> · <workload English name> · Server"`` → platform · model · scenario name.
    An unknown message is shown as given; ``""`` stays ``""``."""
    if message == "starting":
        return _("Starting")
    for pattern, template in _PROGRESS:
        match = pattern.match(message)
        if match:
            parts = match.groupdict()
            model = parts.get("w", "")
            return str(template) % {
                "platform": parts["p"],
                "model": workload_name(_NAME_BY_EN.get(model, model)),
                "scenario": scenario_name(parts.get("s", "")),
            }
    return message


def chart_labels() -> dict[str, str]:
    """Every label of :mod:`hwsim.charts` in the active language (the msgids are its DEFAULT_LABELS), with
    the scenario and model names (``scenario:<code>``, ``workload:<key>``)."""
    labels = {key: _(text) for key, text in DEFAULT_LABELS.items()}
    labels.update({f"scenario:{code}": str(name) for code, name in SCENARIO_NAMES.items()})
    labels.update({f"workload:{key}": str(name) for key, name in WORKLOAD_NAMES.items()})
    return labels
