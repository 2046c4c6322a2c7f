"""Reads of benefit tracking, role-aware (writes are in :mod:`cases.benefits.services`; the dashboard's reads
are in :mod:`cases.benefits.dashboard`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cases.benefits.enums import KpiKind
from cases.benefits.models import KpiMeasurement
from cases.models import DemandCase
from platform_site.enums import OFFICE_ROLES, Role
from platform_site.rules import can, organizations_in
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.visibility import Visibility, every_row, get_visible_or_404
from review.enums import ReviewStage
from review.models import ReviewDecision

kpi_visibility = Visibility(
    "benefits.KpiMeasurement",
    rules={role: every_row for role in OFFICE_ROLES},
    pending=(Role.EXPERT, Role.SUPPLIER, Role.FINANCE),
)


@kpi_visibility.rule(Role.APPLICANT)
def _applicant_measurements(user: Any, tenant: Any) -> Q:
    """An applicant: the measurements of its organisations' cases."""
    return Q(case__applicant_org_id__in=sorted(organizations_in(user, tenant, Role.APPLICANT)))


@kpi_visibility.rule(Role.CASE_MANAGER)
def _managed_measurements(user: Any, tenant: Any) -> Q:
    """A case manager: the measurements of the cases whose final-review decision names them."""
    managed = ReviewDecision.objects.filter(
        meeting__case_id=OuterRef("case_id"), meeting__stage=ReviewStage.FINAL, case_manager_id=user.pk
    )
    return Q(Exists(managed))


def get_case_for_kpis(user: Any, tenant: Any, case_pk: Any, perm: str = "benefits.view_kpis") -> DemandCase:
    """The case ``case_pk`` of ``tenant`` (applicant organisation joined): Http404 unless ``user`` may see its
    KPIs (``benefits.view_kpis``) — also for a malformed id; PermissionDenied-free: a different ``perm`` that
    fails is a 404 too when the user may not even see them, else the caller checks it."""
    case = get_for_tenant_or_404(DemandCase.objects.select_related("applicant_org"), pk=case_pk)
    case.tenant = tenant
    if not can(user, "benefits.view_kpis", case):
        raise Http404
    return case


def case_measurements(case: DemandCase) -> list[KpiMeasurement]:
    """Every measurement of ``case``, by kind then period end (one query; ``kpi_case_trend_idx``)."""
    return list(
        KpiMeasurement.objects.filter(case=case).select_related("recorded_by").order_by("kind", "period_end", "pk")
    )


def by_kind(measurements: list[KpiMeasurement]) -> dict[str, list[KpiMeasurement]]:
    """``{kind: [measurement, …]}`` in :class:`KpiKind` order, kinds without a measurement left out."""
    grouped: dict[str, list[KpiMeasurement]] = defaultdict(list)
    for m in measurements:
        grouped[m.kind].append(m)
    return {kind: grouped[kind] for kind in KpiKind.values if grouped.get(kind)}


def measurement_list(user: Any, tenant: Any, case_id: Any = None) -> QuerySet[KpiMeasurement]:
    """Measurements ``user`` may list in ``tenant`` (optionally of one case), newest period first."""
    qs = kpi_visibility.apply(KpiMeasurement.objects.select_related("recorded_by"), user, tenant)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return qs.order_by("-period_end", "-pk")


def get_measurement_for_user(user: Any, tenant: Any, pk: Any) -> KpiMeasurement:
    """The measurement ``pk``: Http404 if ``user`` may not see it (or ``pk`` is malformed)."""
    qs = kpi_visibility.apply(KpiMeasurement.objects.select_related("case"), user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="benefits.view_kpis")
