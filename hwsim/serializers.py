"""API representations of the verification lab: presets, requests (read / create), job status, results."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hwsim.engine.workloads import BUILTIN_WORKLOADS
from hwsim.enums import JobState, Scenario
from hwsim.forms import MAX_PLATFORMS
from hwsim.models import PlatformPreset, VerificationJob, VerificationRequest, runner_spec, spec_refusal
from hwsim.runner import MAX_BATCH

_STATE_SCHEMA = {
    "type": "string",
    "enum": list(JobState.values),
    "description": "queued, running, then succeeded, failed or cancelled",
}


@extend_schema_field(_STATE_SCHEMA, component_name="JobState")
class JobStateField(serializers.ChoiceField):
    """The job state, documented inline (its own enum component would collide with the cases' ``state``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=JobState.choices, **kwargs)


class PlatformPresetSerializer(serializers.ModelSerializer):
    """A platform of the lab's library. Units: GB/s, ns, nm, mm²."""

    class Meta:
        model = PlatformPreset
        fields = [
            "id",
            "key",
            "name",
            "description",
            "accelerator",
            "chiplets",
            "link_bandwidth_gbps",
            "link_latency_ns",
            "node_nm",
            "chiplet_area_mm2",
            "package",
        ]
        read_only_fields = fields


class WorkloadSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=sorted(BUILTIN_WORKLOADS))
    batch = serializers.IntegerField(min_value=1, max_value=MAX_BATCH, default=1)


class JobStatusSerializer(serializers.ModelSerializer):
    """One simulation run: ``state``, ``progress`` (fraction 0..1), the worker's last ``message``, ``error``."""

    state = JobStateField(read_only=True)

    class Meta:
        model = VerificationJob
        fields = ["id", "state", "progress", "message", "error", "attempt", "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class VerificationRequestSerializer(serializers.ModelSerializer):
    """A request with the state and progress of its latest job (``null`` before the first submission)."""

    requester = serializers.SerializerMethodField()
    requester_org = serializers.CharField(source="requester_org.name", read_only=True, allow_null=True, default=None)
    platforms = serializers.SerializerMethodField()
    workloads = WorkloadSerializer(many=True, read_only=True)
    state = JobStateField(source="job_state", read_only=True, allow_null=True)
    progress = serializers.FloatField(source="job_progress", read_only=True, allow_null=True)

    class Meta:
        model = VerificationRequest
        fields = [
            "id",
            "title",
            "report_number",
            "requester",
            "requester_org",
            "platforms",
            "workloads",
            "scenarios",
            "seed",
            "quick",
            "state",
            "progress",
            "created_at",
        ]
        read_only_fields = fields

    def get_requester(self, obj: VerificationRequest) -> str:
        return obj.requester.get_full_name() or obj.requester.username

    def get_platforms(self, obj: VerificationRequest) -> list[str]:
        return [link.preset.key for link in obj.platform_links.all()]


class VerificationRequestCreateSerializer(serializers.Serializer):
    """Create and submit a request: preset keys (1–6, in order) × workloads × scenarios.

    The spec is checked with :func:`hwsim.runner.validate_spec`: what the simulator would reject is a 400.
    """

    title = serializers.CharField(max_length=200)
    platforms = serializers.ListField(
        child=serializers.SlugField(max_length=64), min_length=1, max_length=MAX_PLATFORMS
    )
    workloads = WorkloadSerializer(many=True, allow_empty=False)
    scenarios = serializers.ListField(child=serializers.ChoiceField(choices=Scenario.choices), min_length=1)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=2026)
    quick = serializers.BooleanField(default=False)

    def validate_platforms(self, keys: list[str]) -> list[PlatformPreset]:
        if len(set(keys)) != len(keys):
            raise serializers.ValidationError(_("Each platform may be chosen once."))
        presets = {p.key: p for p in PlatformPreset.objects.filter(key__in=keys)}
        unknown = [k for k in keys if k not in presets]
        if unknown:
            raise serializers.ValidationError(_("Unknown platform(s): %(keys)s.") % {"keys": ", ".join(unknown)})
        return [presets[k] for k in keys]

    def validate_workloads(self, workloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len({w["key"] for w in workloads}) != len(workloads):
            raise serializers.ValidationError(_("Each workload may be chosen once."))
        return workloads

    def validate_scenarios(self, scenarios: list[str]) -> list[str]:
        return list(dict.fromkeys(scenarios))

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        spec = runner_spec(
            presets=data["platforms"],
            workloads=data["workloads"],
            scenarios=data["scenarios"],
            seed=data["seed"],
            quick=data["quick"],
        )
        refusal = spec_refusal(spec)
        if refusal:
            raise serializers.ValidationError(refusal)
        return data


class ResultsSerializer(serializers.Serializer):
    """The results of the succeeded job (shape: hwsim.runner.run_verification's return value)."""

    report_number = serializers.CharField()
    finished_at = serializers.DateTimeField()
    results = serializers.JSONField()
