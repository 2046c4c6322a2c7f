"""Benefit-tracking test data: cases arranged in a state (``set_fields``, as a fixture would load them), a
final-review decision naming a case manager, measurements recorded through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cases.benefits import services
from cases.enums import CaseState
from platform_site.tenancy import tenant_scope
from review.enums import DecisionOutcome, ReviewStage
from review.models import ReviewDecision
from tests.factories import complete_case, reload, set_fields


def case_in(tenant: Any, org: Any, creator: Any, state: str = CaseState.CLOSED, ref: str = "") -> Any:
    """A complete case of ``org`` arranged in ``state`` with a reference."""
    case = complete_case(tenant=tenant, applicant_org=org, created_by=creator)
    set_fields(case, state=state, reference=ref or f"TSMP-B{case.pk:04d}")
    return reload(case)


def manage(case: Any, manager: Any, cto: Any) -> ReviewDecision:
    """A passed final-review decision of ``case`` naming ``manager`` its case manager."""
    from tests.review import factories as rf

    meeting = rf.meeting(case.tenant, case, stage=ReviewStage.FINAL, chair=cto)
    with tenant_scope(case.tenant):
        return ReviewDecision.objects.create(meeting=meeting, outcome=DecisionOutcome.PASS, case_manager=manager)


def record(user: Any, case: Any, **data: Any) -> Any:
    """Record a measurement through the service (defaults: a January 2026 revenue figure with a reference)."""
    fields = {
        "kind": "revenue",
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 1, 31),
        "amount": 1000,
        "evidence_reference": "月報",
        **data,
    }
    with tenant_scope(case.tenant):
        return services.record_measurement(user, reload(case), fields)
