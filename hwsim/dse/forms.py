"""The form that defines a design-space sweep (one workload × one scenario × the platform axes).

List axes are typed as comma-separated values (``16x16, 32x32, 32x128``; ``64, 256``); choices as check
boxes. ``cleaned_data["spec"]`` is the validated :class:`hwsim.engine.dse.SweepSpec`. Every bad input is a
translated error on its field (never a 500): malformed numbers, values out of range, duplicates, and a
sweep larger than :data:`hwsim.dse.services.MAX_PORTAL_CONFIGS`.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hwsim.dse.services import MAX_PORTAL_CONFIGS
from hwsim.engine import dse, packaging
from hwsim.engine.workloads import BUILTIN_WORKLOADS
from hwsim.enums import PackageType, Scenario
from hwsim.runner import MAX_BATCH
from platform_site.forms import BootstrapFormMixin

DATAFLOW_CHOICES = [
    ("os", _("Output stationary")),
    ("ws", _("Weight stationary")),
    ("is", _("Input stationary")),
]
PARTITIONING_CHOICES = [
    ("replicate", _("Each chiplet holds the whole array")),
    ("split", _("The array is split across the chiplets")),
]
_SHAPE = re.compile(r"^\s*(\d+)\s*[x×*]\s*(\d+)\s*$", re.IGNORECASE)


def _items(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace("，", ",").split(",") if part.strip()]


def _no_duplicates(values: list[Any]) -> list[Any]:
    if len(set(values)) != len(values):
        raise ValidationError(_("A value is listed twice."), code="duplicate")
    return values


class DseRequestForm(BootstrapFormMixin, forms.Form):
    """A sweep: title, workload, batch, scenario, the platform axes, DRAM bandwidth and the NRE volume."""

    title = forms.CharField(label=_("Title"), max_length=200)
    workload = forms.ChoiceField(
        label=_("Workload"), choices=[(k, info.name_en) for k, info in BUILTIN_WORKLOADS.items()]
    )
    batch = forms.IntegerField(label=_("Batch size"), min_value=1, max_value=MAX_BATCH, initial=8)
    scenario = forms.ChoiceField(label=_("Scenario"), choices=Scenario.choices, initial=Scenario.OFFLINE)
    shapes = forms.CharField(
        label=_("Array shapes (rows × columns)"),
        initial="16x16, 32x32, 64x64",
        help_text=_("Comma-separated, e.g. 16x16, 32x32, 32x128 (1 to 1024 each)."),
    )
    dataflows = forms.MultipleChoiceField(
        label=_("Dataflows"), choices=DATAFLOW_CHOICES, widget=forms.CheckboxSelectMultiple, initial=["os", "ws"]
    )
    sram_kib = forms.CharField(
        label=_("SRAM sizes (KiB)"),
        initial="64, 256",
        help_text=_("Each of the input, filter and output SRAMs; comma-separated whole KiB."),
    )
    clock_ghz = forms.CharField(label=_("Clocks (GHz)"), initial="1.0", help_text=_("Comma-separated, e.g. 0.8, 1.2."))
    chiplets = forms.CharField(label=_("Chiplet counts"), initial="1, 2, 4", help_text=_("Comma-separated, 1 to 64."))
    partitioning = forms.MultipleChoiceField(
        label=_("Partitioning"),
        choices=PARTITIONING_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["replicate"],
    )
    nodes = forms.TypedMultipleChoiceField(
        label=_("Process nodes"),
        choices=[(n, f"{n} nm") for n in packaging.KNOWN_NODES],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[7, 28],
    )
    packages = forms.MultipleChoiceField(
        label=_("Packages"),
        choices=PackageType.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[PackageType.OS, PackageType.FO_CHIP_LAST],
    )
    bandwidth_gbps = forms.FloatField(
        label=_("DRAM bandwidth per chiplet (GB/s)"),
        min_value=0.001,
        max_value=1e6,
        required=False,
        initial=64.0,
        help_text=_("Leave empty for unlimited bandwidth (no stalls)."),
    )
    volume = forms.IntegerField(
        label=_("Production volume (units)"),
        min_value=1,
        max_value=10**12,
        initial=100_000,
        help_text=_("The one-time engineering cost (NRE) is spread over this many units."),
    )

    def clean_shapes(self) -> list[list[int]]:
        shapes = []
        for item in _items(self.cleaned_data["shapes"]):
            match = _SHAPE.match(item)
            if not match:
                raise ValidationError(
                    _("“%(item)s” is not a shape: write rows x columns, e.g. 32x32.") % {"item": item}, code="shape"
                )
            rows, cols = int(match[1]), int(match[2])
            if not (1 <= rows <= 1024 and 1 <= cols <= 1024):
                raise ValidationError(
                    _("“%(item)s”: rows and columns must be between 1 and 1024.") % {"item": item}, code="range"
                )
            shapes.append([rows, cols])
        if not shapes:
            raise ValidationError(_("Give at least one array shape."), code="required")
        _no_duplicates([tuple(s) for s in shapes])
        return shapes

    def _numbers(self, name: str, *, integer: bool, lo: float, hi: float) -> list[Any]:
        values = []
        for item in _items(self.cleaned_data[name]):
            try:
                value = int(item) if integer else float(item)
            except ValueError:
                message = _("“%(item)s” is not a whole number.") if integer else _("“%(item)s” is not a number.")
                raise ValidationError(message % {"item": item}, code="invalid") from None
            if not (lo <= value <= hi):  # also refuses nan
                raise ValidationError(
                    _("“%(item)s” must be between %(lo)s and %(hi)s.")
                    % {"item": item, "lo": f"{lo:g}", "hi": f"{hi:g}"},
                    code="range",
                )
            values.append(value)
        if not values:
            raise ValidationError(_("Give at least one value."), code="required")
        return _no_duplicates(values)

    def clean_sram_kib(self) -> list[int]:
        return self._numbers("sram_kib", integer=True, lo=1, hi=65536)

    def clean_clock_ghz(self) -> list[float]:
        return self._numbers("clock_ghz", integer=False, lo=0.01, hi=10)

    def clean_chiplets(self) -> list[int]:
        return self._numbers("chiplets", integer=True, lo=1, hi=64)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        raw = {
            name: data[name]
            for name in (
                "workload",
                "batch",
                "scenario",
                "shapes",
                "dataflows",
                "sram_kib",
                "clock_ghz",
                "chiplets",
                "partitioning",
                "nodes",
                "packages",
                "bandwidth_gbps",
                "volume",
            )
        }
        size = 1
        for axis in dse.AXES:
            size *= len(raw[axis])
        if size > MAX_PORTAL_CONFIGS:
            raise ValidationError(
                _("This sweep has %(n)s configurations; at most %(max)s are allowed. Remove some values.")
                % {"n": f"{size:,}", "max": f"{MAX_PORTAL_CONFIGS:,}"},
                code="too_large",
            )
        try:
            data["spec"] = dse.parse_sweep(raw, max_configs=MAX_PORTAL_CONFIGS)
        except dse.SweepError as exc:  # the field checks above make this unexpected; still a form error
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, _("Invalid value: %(detail)s") % {"detail": exc.message})
        return data
