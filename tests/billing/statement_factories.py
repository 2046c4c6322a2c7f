"""Set-up of the statement tests: published rate cards, a case past its final review with a tier discount,
acknowledged progress reports with hours, a case in mass production (rows made in their tenant's scope)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from billing.services import statements as svc
from platform_site.tenancy import tenant_scope
from review.enums import DecisionOutcome, ReviewStage
from review.models import ReviewDecision
from tests.delivery.factories import group, in_service_case, report
from tests.factories import set_fields
from tests.review import factories as rf

#: Rate card v1 (NTD per hour, per WorkRole), from 2026-01-01.
RATES_V1 = {
    "architecture": 2000,
    "model_training": 1800,
    "software": 1600,
    "chip": 2200,
    "module": 1700,
    "trial_production": 1500,
    "system_integration": 1850,
    "field_validation": 1400,
}
#: v2 from 2027-02-01: software design 1,600 → 1,700.
RATES_V2 = {**RATES_V1, "software": 1700}


def rate_cards(world: Any) -> tuple[Any, Any]:
    """v1 (2026-01-01) and v2 (2027-02-01), both published by finance."""
    with tenant_scope(world.a):
        v1 = svc.create_rate_card(world.finance, world.a, valid_from=dt.date(2026, 1, 1), rates=RATES_V1)
        svc.publish_rate_card(v1, world.finance)
        v2 = svc.create_rate_card(world.finance, world.a, valid_from=dt.date(2027, 2, 1), rates=RATES_V2)
        svc.publish_rate_card(v2, world.finance)
    return v1, v2


def final_pass(case: Any, share: int) -> ReviewDecision:
    """A recorded final-review pass of ``case`` with tier discount ``share`` (%)."""
    mtg = rf.meeting(case.tenant, case, stage=ReviewStage.FINAL)
    with tenant_scope(case.tenant):
        decision = ReviewDecision.objects.create(
            tenant=case.tenant,
            meeting=mtg,
            outcome=DecisionOutcome.PASS,
            value_creation_tier=1,
            local_linkage_rating=4,
            labour_share_percent=share,
        )
    set_fields(decision, state="recorded", recorded_at=timezone.now())
    return decision


def delivered_case(world: Any, *, share: int = 25, reference: str = "TSMP-2027-0001", applicant_org: Any = None) -> Any:
    """A case of ``world.org_a`` (or ``applicant_org``) with a final pass at ``share``% and a work group whose
    reports 1-3 (2027-01-04 – 01-17, 01-18 – 01-31, 02-01 – 02-14) are acknowledged, plus report 4 still due:

    1: model training 12.50 h, software 20.00 h; 2: software 7.25 h, system integration 3.75 h;
    3: software 10.00 h; 4 (not acknowledged): software 99.00 h.
    """
    case = in_service_case(world, reference=reference)
    if applicant_org is not None:
        set_fields(case, applicant_org=applicant_org)
        case.applicant_org = applicant_org
    final_pass(case, share)
    wg = group(case, state="active", kickoff_on=dt.date(2027, 1, 4))
    report(wg, 1, state="acknowledged", hours={"model_training": "12.50", "software": "20.00"})
    report(wg, 2, state="acknowledged", hours={"software": "7.25", "system_integration": "3.75"})
    report(wg, 3, state="acknowledged", hours={"software": "10.00"})
    report(wg, 4, state="submitted", hours={"software": "99.00"})
    case.work_group = wg
    return case


def in_mass_production(case: Any, on: dt.date = dt.date(2027, 9, 1)) -> None:
    """Close the case's work group into mass production / sales (量產/銷售) on ``on``."""
    set_fields(case.work_group, state="closed", outcome="completed", mass_production=True, mass_production_on=on)
