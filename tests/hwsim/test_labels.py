"""Labels of the lab pages: SI number formats, display names from translatable mappings, no raw code on any
lab page (rendered in English and in zh-Hant) — workload keys, package / dataflow codes, scenario codes,
LoadGen metric names, the runner's "starting", scientific notation."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from hwsim import labels
from hwsim.engine.packaging import PACKAGE_TYPES
from hwsim.engine.workloads import BUILTIN_WORKLOADS
from hwsim.models import VerificationJob
from platform_site.tenancy import tenant_scope
from tests.hwsim.factories import PlatformPresetFactory, VerificationRequestFactory, job_in_state
from tests.hwsim.test_views import _succeeded_request


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (5.245e-18, "samples/s", "5.245 a samples/s"),  # the example: no "e-18"
        (0.001447127, "s", "1.447 ms"),
        (848.3854588, "samples/s", "848.4 samples/s"),
        (698975.4, "samples/s", "699.0 k samples/s"),
        (999.96, "", "1.000 k"),  # rounding carries into the next prefix
        (0.0009999, "s", "999.9 µs"),
        (12, "s", "12.00 s"),
        (-0.5, "J", "-500.0 mJ"),
        (1234567, "", "1.235 M"),
        (0, "s", "0 s"),
        (float("nan"), "s", "—"),
        (None, "s", "—"),
    ],
)
def test_eng_uses_si_prefixes(value: Any, unit: str, expected: str) -> None:
    assert labels.eng(value, unit) == expected


def test_metric_names_and_progress_messages_in_words() -> None:
    with translation.override("en"):
        assert labels.metric_name("p90 early-stopping latency estimate") == (
            "90th-percentile latency (early-stopping estimate)"
        )
        assert labels.metric_name("p99 latency") == "99th-percentile latency"
        assert labels.metric_name("scheduled samples per second") == "Scheduled samples per second"
        assert labels.progress_message("starting") == "Starting"
        name = BUILTIN_WORKLOADS["resnet50_v1_5"].name_en
        assert labels.progress_message(f"P1 · {name} · SingleStream") == "P1 · ResNet-50 v1.5 · Single stream"
        assert labels.progress_message(f"P1 · {name}: network simulated") == "P1 · ResNet-50 v1.5: network"
        assert labels.workload_label("resnet50_v1_5", 8) == "ResNet-50 v1.5, batch 8"
        assert labels.duration(200) == "about 3 min 20 s" and labels.duration(None) == ""


def test_every_code_has_a_translatable_display_name() -> None:
    """Each mapping covers every code the simulator knows, and each label is a lazy gettext string (so the
    zh-Hant catalogue translates it): nothing is shown as a code, whatever the language."""
    assert set(labels.WORKLOAD_NAMES) == set(BUILTIN_WORKLOADS) == set(labels.WORKLOAD_TASKS)
    assert set(labels.PACKAGE_NAMES) == set(PACKAGE_TYPES)
    assert set(labels.DATAFLOW_NAMES) == {"os", "ws", "is"}
    mappings = (labels.WORKLOAD_NAMES, labels.WORKLOAD_TASKS, labels.DATAFLOW_NAMES, labels.PACKAGE_NAMES)
    for mapping in (*mappings, labels.SCENARIO_NAMES):
        for code, label in mapping.items():
            assert isinstance(label, Promise), (code, label)
    # "OS" never stands for two things: the package and the dataflow have different, written-out names
    with translation.override("en"):
        assert labels.package_name("os") == "Organic substrate (MCM)"
        assert labels.dataflow_name("os") == "Output stationary"


class _Text(HTMLParser):
    """Visible text of a page (and of its inline SVG charts), without <code>, <script>, <style>, attributes."""

    SKIP = {"code", "script", "style"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in self.SKIP

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in self.SKIP

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


RAW = [
    *(re.compile(rf"(?<![\w-]){re.escape(key)}(?![\w-])") for key in BUILTIN_WORKLOADS),
    *(re.compile(rf"(?<![\w-]){re.escape(code)}(?![\w-])") for code in PACKAGE_TYPES),
    re.compile(r"(?<![\w-])(OS|WS|IS|ws)(?![\w-])"),  # dataflow / package abbreviations
    re.compile(r"\b(SingleStream|MultiStream)\b"),
    re.compile(r"early-stopping latency estimate|(?<![Ss]cheduled )\bsamples per second|\bscheduled samples"),
    re.compile(r"\bstarting\b"),
    re.compile(r"\d[eE][+-]?\d"),  # scientific notation
]


def _raw_codes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    return [m.group(0) for pattern in RAW for m in pattern.finditer(text)]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_no_raw_code_on_any_lab_page(client: Any, lab: Any, language: str) -> None:
    """Every lab page a user sees — library, list, form, a running request, a succeeded one, its results
    and its public verification — with presets in every package and dataflow, every workload."""
    presets = [
        PlatformPresetFactory(
            tenant=lab.a,
            name=f"測試平台 {index}",
            package=package,
            accelerator={"rows": 8, "cols": 8, "dataflow": dataflow},
            chiplets=2 if package != "os" else 1,
        )
        for index, (package, dataflow) in enumerate(zip(PACKAGE_TYPES, ["os", "ws", "is", "os"], strict=True))
    ]
    vr = _succeeded_request(
        lab,
        presets=presets[:2],
        workloads=[{"key": "resnet18", "batch": 2}, {"key": "mobilenet_v1", "batch": 1}],
        scenarios=["SingleStream", "MultiStream", "Server", "Offline"],
    )
    running = job_in_state(
        "running", tenant=lab.a, request=VerificationRequestFactory(tenant=lab.a, presets=presets[2:])
    )
    with tenant_scope(lab.a):
        VerificationJob.objects.filter(pk=running.pk).update(progress=0.0, message="starting")
        report = vr.jobs.get().report
    client.cookies["django_language"] = language
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(lab.engineer)
    slug = {"tenant_slug": lab.a.slug}
    urls = [
        reverse("hwsim:presets", kwargs=slug),
        reverse("hwsim:list", kwargs=slug),
        reverse("hwsim:create", kwargs=slug),
        reverse("hwsim:detail", kwargs={**slug, "pk": running.request_id}),
        reverse("hwsim:status", kwargs={**slug, "pk": running.request_id}),
        reverse("hwsim:detail", kwargs={**slug, "pk": vr.pk}),
        reverse("hwsim:results", kwargs={**slug, "pk": vr.pk}),
        reverse("hwsim:verify", kwargs={**slug, "report_number": vr.report_number})
        + f"?sha256={report.certificate_sha256}",
    ]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        codes = _raw_codes(response.content.decode())
        if codes:
            found[url] = sorted(set(codes))
    assert found == {}


def test_the_raw_code_finder_finds_codes() -> None:
    """The check above can fail: each kind of code is found in a page that shows it."""
    html = "<td>resnet50_v1_5 · 批次 8</td><td>fo-chip-last</td><td>si</td><p>starting 5.245e-18 WS</p>"
    assert _raw_codes(html) == ["resnet50_v1_5", "fo-chip-last", "si", "WS", "starting", "5e-1"]
    assert _raw_codes("<code>fo-chip-last</code><p>Fan-out RDL, chip-last · ws32-7nm-os-1</p>") == []
