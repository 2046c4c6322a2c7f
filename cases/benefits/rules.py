"""Who may see and record KPI measurements and see the office dashboard (seed 000_9617a3b789ca4d20.txt: the
case manager 個案管理師 appointed at the final review leads the service; the office oversees the programme).

- Office staff (office reviewer, CTO, tenant admin) see every case's KPIs and the dashboard; the office
  reviewer and tenant admin record KPIs (``is_office_reviewer``), the CTO reads.
- The case manager of a case (``review.models.ReviewDecision.case_manager`` of its final-review decision) sees
  and records its KPIs.
- The applicant sees its own case's KPIs (they are its company's figures) but does not record them; it does
  not see the dashboard. Everyone else: nothing.
"""

from __future__ import annotations

from typing import Any

import rules

from platform_site.enums import Role
from platform_site.rules import is_office_reviewer, is_office_staff, organizations_in, roles_in
from review.enums import ReviewStage
from review.models import ReviewDecision


def _case_of(obj: Any) -> Any:
    """A case, or the case of a measurement."""
    return getattr(obj, "case", obj)


@rules.predicate
def is_case_manager_of(user: Any, obj: Any) -> bool:
    """The user is the case manager the final-review decision of the case names (one query, cached on the
    case object for the request)."""
    case = _case_of(obj)
    if case is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if Role.CASE_MANAGER not in roles_in(user, case.tenant):
        return False
    cache = case.__dict__.setdefault("_benefits_managers", {})
    if user.pk not in cache:
        cache[user.pk] = ReviewDecision.objects.filter(
            meeting__case_id=case.pk, meeting__stage=ReviewStage.FINAL, case_manager_id=user.pk
        ).exists()
    return cache[user.pk]


@rules.predicate
def is_case_applicant(user: Any, obj: Any) -> bool:
    """The user holds the applicant role for the case's organisation."""
    case = _case_of(obj)
    return case is not None and case.applicant_org_id in organizations_in(user, case.tenant, Role.APPLICANT)


can_view_kpis = is_office_staff | is_case_manager_of | is_case_applicant
can_record_kpis = is_office_reviewer | is_case_manager_of

rules.add_perm("benefits.view_kpis", can_view_kpis)  # checked with the case or a measurement
rules.add_perm("benefits.record_kpi", can_record_kpis)  # checked with the case
rules.add_perm("benefits.view_dashboard", is_office_staff)  # checked with the tenant
