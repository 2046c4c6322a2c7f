"""The portal side of hwsim has one dependency direction (services → tasks → jobs → reports), builds the
runner spec in one place and keeps the chart labels in one list."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from hwsim.forms import VerificationRequestForm
from hwsim.models import runner_spec
from hwsim.serializers import VerificationRequestCreateSerializer
from platform_site.tenancy import tenant_scope
from tests.hwsim.factories import PlatformPresetFactory, VerificationRequestFactory

HWSIM = Path(__file__).resolve().parents[2] / "hwsim"


def _imports(module: str) -> set[str]:
    """Every ``hwsim.*`` module ``hwsim/<module>.py`` imports, at the top or inside a function."""
    tree = ast.parse((HWSIM / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("hwsim.")}


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("tasks", {"hwsim.services"}),
        ("jobs", {"hwsim.services", "hwsim.tasks"}),
        ("reports", {"hwsim.services", "hwsim.tasks", "hwsim.jobs"}),
        ("certificate", {"hwsim.services", "hwsim.tasks", "hwsim.jobs", "hwsim.reports"}),
    ],
)
def test_no_import_cycle_between_services_tasks_and_jobs(module: str, forbidden: set[str]) -> None:
    assert _imports(module) & forbidden == set()


def test_the_chart_labels_are_one_list() -> None:
    assert not (HWSIM / "chart_labels.py").exists()
    assert "DEFAULT_LABELS" in (HWSIM / "labels.py").read_text()


def test_form_serializer_and_stored_request_build_the_same_spec(lab: Any) -> None:
    """One builder (hwsim.models.runner_spec) for all three: the same choices give the same spec."""
    with tenant_scope(lab.a):
        a = PlatformPresetFactory(tenant=lab.a)
        b = PlatformPresetFactory(tenant=lab.a, chiplets=2, package="si")
        vr = VerificationRequestFactory(
            tenant=lab.a,
            presets=[b, a],
            workloads=[{"key": "resnet18", "batch": 4}],
            scenarios=["Server", "Offline"],
            seed=11,
            quick=True,
        )
        stored = vr.build_spec()
        form = VerificationRequestForm(
            {
                "title": "t",
                "platforms": [a.pk, b.pk],
                "workload_keys": ["resnet18"],
                "batch_resnet18": 4,
                "scenarios": ["Server", "Offline"],
                "seed": 11,
                "quick": "on",
            }
        )
        assert form.is_valid(), form.errors
        serializer = VerificationRequestCreateSerializer(
            data={
                "title": "t",
                "platforms": [b.key, a.key],
                "workloads": [{"key": "resnet18", "batch": 4}],
                "scenarios": ["Server", "Offline"],
                "seed": 11,
                "quick": True,
            }
        )
        assert serializer.is_valid(), serializer.errors
        data = serializer.validated_data
        from_api = runner_spec(
            presets=data["platforms"],
            workloads=data["workloads"],
            scenarios=data["scenarios"],
            seed=data["seed"],
            quick=data["quick"],
        )
        fd = form.cleaned_data
        from_form = runner_spec(
            presets=[b, a], workloads=fd["workloads"], scenarios=fd["scenarios"], seed=fd["seed"], quick=fd["quick"]
        )
    assert stored == from_api == from_form
    for source in ("forms.py", "serializers.py"):
        assert '"platforms": [' not in (HWSIM / source).read_text(), source
