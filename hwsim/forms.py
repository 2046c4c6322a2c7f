"""Forms of the verification-lab screens: the verification request (platforms × workloads × scenarios)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hwsim.engine.workloads import BUILTIN_WORKLOADS
from hwsim.enums import Scenario
from hwsim.labels import WORKLOAD_TASKS, workload_name
from hwsim.models import PlatformPreset, runner_spec, spec_refusal
from hwsim.runner import MAX_BATCH
from platform_site.forms import BootstrapFormMixin
from platform_site.models import Organization

#: Upper bounds that keep one request a reasonable job for one worker.
MAX_PLATFORMS = 6


def workload_choices() -> list[tuple[str, str]]:
    return [(key, info.name_en) for key, info in BUILTIN_WORKLOADS.items()]


def batch_field_name(key: str) -> str:
    return f"batch_{key}"


class VerificationRequestForm(BootstrapFormMixin, forms.Form):
    """1–6 presets × 1–n built-in workloads (each with its batch size) × 1–4 scenarios.

    ``cleaned_data`` adds ``workloads`` as ``[{"key", "batch"}]`` in the registry's order. The resulting
    spec is checked with :func:`hwsim.runner.validate_spec`, so a request the runner would reject is a
    form error, never a failed job.
    """

    title = forms.CharField(label=_("Title"), max_length=200)
    platforms = forms.ModelMultipleChoiceField(
        label=_("Platforms"),
        queryset=PlatformPreset.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more platforms from the lab's library."),
    )
    workload_keys = forms.MultipleChoiceField(
        label=_("Workloads"), choices=workload_choices, widget=forms.CheckboxSelectMultiple
    )
    scenarios = forms.MultipleChoiceField(
        label=_("Scenarios"),
        choices=Scenario.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scenario.SINGLE_STREAM, Scenario.OFFLINE],
    )
    quick = forms.BooleanField(
        label=_("Quick preview"),
        required=False,
        initial=True,
        help_text=_("Shortened runs that finish in seconds; the results are indicative only (not MLPerf-valid)."),
    )
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, max_value=2**31 - 1, initial=2026)
    requester_org = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("The organisation whose applicants may see the request and download its certificate."),
    )

    def __init__(self, *args: Any, can_choose_org: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platforms"].queryset = PlatformPreset.objects.order_by("name", "pk")
        for key in BUILTIN_WORKLOADS:
            self.fields[batch_field_name(key)] = forms.IntegerField(
                label=_("Batch size"), min_value=1, max_value=MAX_BATCH, initial=1, required=False
            )
            self.fields[batch_field_name(key)].widget.attrs["class"] = "form-control form-control-sm"
        if can_choose_org:
            self.fields["requester_org"].queryset = Organization.objects.order_by("name")
        else:
            del self.fields["requester_org"]

    def workload_rows(self) -> list[dict[str, Any]]:
        """For the template: one row per built-in workload with its checkbox state and batch field."""
        chosen = set(self["workload_keys"].value() or [])
        return [
            {
                "key": key,
                "name": workload_name(key),
                "task": WORKLOAD_TASKS.get(key, ""),
                "checked": key in chosen,
                "batch": self[batch_field_name(key)],
            }
            for key in BUILTIN_WORKLOADS
        ]

    def clean_platforms(self) -> Any:
        platforms = self.cleaned_data["platforms"]
        if len(platforms) > MAX_PLATFORMS:
            raise ValidationError(_("Choose at most %(n)d platforms.") % {"n": MAX_PLATFORMS})
        return platforms

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        keys = data.get("workload_keys") or []
        data["workloads"] = [
            {"key": key, "batch": data.get(batch_field_name(key)) or 1} for key in BUILTIN_WORKLOADS if key in keys
        ]
        if not self.errors and data.get("platforms"):
            spec = runner_spec(
                presets=data["platforms"],
                workloads=data["workloads"],
                scenarios=data["scenarios"],
                seed=data["seed"],
                quick=data["quick"],
            )
            refusal = spec_refusal(spec)
            if refusal:
                raise ValidationError(refusal)
        return data
