"""The one place that writes benefit tracking: recording a KPI measurement (validated, logged)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases.benefits import formulas
from cases.benefits.enums import INTEGER_KINDS, NON_NEGATIVE_KINDS, UNIT_OF_KIND, KpiKind
from cases.benefits.models import KpiMeasurement
from cases.enums import CaseState
from platform_site.activity import log_event
from platform_site.enums import ActivityAction
from platform_site.rules import can
from platform_site.uploads import check_upload

#: States in which measurements may be recorded: after closing (效益追蹤), and a baseline while in service.
RECORDING_STATES = frozenset({CaseState.IN_SERVICE, CaseState.CLOSED})


def _date(data: dict[str, Any], name: str, errors: dict[str, list]) -> dt.date | None:
    value = data.get(name)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors[name] = [_("Enter a valid date (YYYY-MM-DD).")]
    return None


def clean_measurement(case: Any, data: dict[str, Any], *, has_upload: bool = False) -> dict[str, Any]:
    """The model fields of a new measurement of ``case`` from ``data`` — ``kind``, ``period_start``,
    ``period_end`` (dates or ISO strings), ``is_baseline``; for OEE ``availability``, ``performance``,
    ``quality`` (fractions 0–1, seed 001); for ROI ``total_profit_ntd`` and ``invested_cost_ntd`` (NTD ints,
    cost > 0); for revenue, investment induced, jobs and products ``amount`` (a whole number ≥ 0);
    ``evidence_reference`` and ``note`` (text). Evidence is required: a file (``has_upload``) or a reference.

    Raises ValidationError ``{field: [message, …]}`` (translated) listing every problem; a case that is not
    closed may only take a baseline (in service), other states none.
    """
    errors: dict[str, list] = {}
    kind = data.get("kind")
    if kind not in KpiKind.values:
        raise ValidationError({"kind": [_("Choose a KPI.")]})
    start, end = _date(data, "period_start", errors), _date(data, "period_end", errors)
    if start and end and end < start:
        errors["period_end"] = [_("The period cannot end before it starts.")]
    baseline = bool(data.get("is_baseline"))
    if case.state not in RECORDING_STATES:
        errors["__all__"] = [_("KPIs are recorded for cases in service (the baseline) or closed.")]
    elif case.state != CaseState.CLOSED and not baseline:
        errors["is_baseline"] = [_("Before the case is closed only the baseline can be recorded.")]
    fields: dict[str, Any] = {"kind": kind, "unit": UNIT_OF_KIND[KpiKind(kind)], "is_baseline": baseline}
    try:
        if kind == KpiKind.OEE:
            factors = {name: data.get(name) for name in formulas.OEE_FACTORS}
            fields["value"] = formulas.oee(**factors)
            fields.update({name: formulas.as_decimal(v, name) for name, v in factors.items()})
        elif kind == KpiKind.ROI:
            profit, cost = data.get("total_profit_ntd"), data.get("invested_cost_ntd")
            fields["value"] = formulas.roi(profit, cost)
            fields["total_profit_ntd"] = int(formulas.as_decimal(profit, "total_profit_ntd"))
            fields["invested_cost_ntd"] = int(formulas.as_decimal(cost, "invested_cost_ntd"))
        else:
            fields["value"] = _amount(kind, data.get("amount"))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    reference = str(data.get("evidence_reference") or "").strip()[:300]
    if not has_upload and not reference:
        errors["evidence_reference"] = [_("Attach the evidence or give a reference to it.")]
    if errors:
        raise ValidationError(errors)
    return {
        **fields,
        "period_start": start,
        "period_end": end,
        "evidence_reference": reference,
        "note": str(data.get("note") or "").strip(),
    }


def _amount(kind: str, raw: Any) -> int:
    """A whole NTD amount or count (≥ 0 for counts, investment and revenue). Raises ValidationError."""
    if raw is None or raw == "":
        raise ValidationError({"amount": [_("Enter the value.")]})
    number = formulas.as_decimal(raw, "amount")
    if number != number.to_integral_value():
        raise ValidationError({"amount": [_("Enter a whole number.")]})
    if kind in NON_NEGATIVE_KINDS and number < 0:
        raise ValidationError({"amount": [_("The value cannot be negative.")]})
    if abs(number) >= 10**15:
        raise ValidationError({"amount": [_("The value is too large.")]})
    return int(number)


def record_measurement(
    user: Any, case: Any, data: dict[str, Any], evidence: UploadedFile | None = None
) -> KpiMeasurement:
    """Record one KPI measurement of ``case`` (fields as :func:`clean_measurement` reads them) with an optional
    evidence file (``platform_site.uploads.check_upload``: type by content, the tenant's size limit); logs
    ``kpi_recorded`` on the case. Raises PermissionDenied unless ``user`` may record (``benefits.record_kpi``:
    the case's case manager or an office reviewer / tenant admin), ValidationError for bad input (nothing is
    stored then)."""
    if not can(user, "benefits.record_kpi", case):
        raise PermissionDenied
    fields = clean_measurement(case, data, has_upload=evidence is not None)
    measurement = KpiMeasurement(tenant=case.tenant, case=case, recorded_by=user, **fields)
    if evidence is not None:
        checked = check_upload(evidence, case.tenant.config.upload_max_bytes)
        measurement.evidence_name = checked.original_name
        measurement.evidence_content_type = checked.content_type
        measurement.evidence.save(checked.storage_name, evidence, save=False)
    try:
        with transaction.atomic():
            measurement.save()
            log_event(case, ActivityAction.KPI_RECORDED, user, data=_log_data(measurement))
    except Exception:
        if measurement.evidence:
            measurement.evidence.delete(save=False)
        raise
    return measurement


def _log_data(m: KpiMeasurement) -> dict[str, Any]:
    return {
        "measurement_id": m.pk,
        "kind": m.kind,
        "value": str(m.value) if m.kind not in INTEGER_KINDS else int(m.value),
        "unit": m.unit,
        "period_start": m.period_start.isoformat(),
        "period_end": m.period_end.isoformat(),
        "baseline": m.is_baseline,
        "evidence": m.evidence_name or m.evidence_reference,
    }
