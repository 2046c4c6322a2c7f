"""Writes of royalty agreements, sales reports and royalty statements (權利金) — all logged.

Seed 000_9617a3b789ca4d20.txt (收費規範 ◆ 權利金; 分潤機制: 權利金於量產/銷售階段收取，依據平台與各供應端成員貢獻比重
進行分配). Shares are ``Decimal`` percent summing to exactly 100 (billing.royalty.validate_shares); a signed
agreement is frozen and a change is a new version; the applicant files a sales report per period once the case
is in mass production / sales (``delivery.mass_production_started_on``); the statement freezes its inputs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import royalty
from billing.models import RoyaltyAgreement, RoyaltyLine, RoyaltyParty, RoyaltyStatement, SalesReport
from billing.statement_enums import AgreementState, RoyaltyBasis
from cases.delivery.queries import mass_production_started_on
from platform_site.activity import log_event
from platform_site.enums import ActivityAction
from platform_site.rules import can
from platform_site.transitions import TransitionRefused, run_transition


def validate_parties(parties: list[dict[str, Any]]) -> None:
    """``ValidationError`` (translated, code ``shares``) unless the shares are > 0, 2 places, Σ = 100."""
    try:
        royalty.validate_shares([Decimal(str(p["share"])) for p in parties])
    except ValueError:
        raise ValidationError(
            _("The contribution shares must be greater than 0 and sum to exactly 100%% (they sum to %(sum)s%%).")
            % {"sum": sum((Decimal(str(p["share"])) for p in parties), Decimal(0))},
            code="shares",
        ) from None


def create_agreement(
    user: Any,
    case: Any,
    *,
    basis: str,
    parties: list[dict[str, Any]],
    rate_percent: Decimal | None = None,
    amount_per_unit: Decimal | None = None,
) -> RoyaltyAgreement:
    """A draft agreement version (last + 1) for ``case``. ``parties``: ``[{"organization": Organization | None
    (None = the platform), "label": str, "share": Decimal}]`` in agreement order. ValidationError for shares."""
    if not can(user, "billing.manage_statements", case):
        raise PermissionDenied
    validate_parties(parties)
    with transaction.atomic():
        version = (RoyaltyAgreement.objects.filter(case=case).aggregate(m=Max("version"))["m"] or 0) + 1
        agreement = RoyaltyAgreement.objects.create(
            case=case,
            version=version,
            basis=RoyaltyBasis(basis),
            rate_percent=rate_percent,
            amount_per_unit=amount_per_unit,
            created_by=user,
        )
        for position, p in enumerate(parties):
            RoyaltyParty.objects.create(
                agreement=agreement,
                organization=p.get("organization"),
                label=p["label"],
                share=Decimal(str(p["share"])),
                position=position,
            )
        log_event(
            agreement,
            ActivityAction.CREATED,
            user,
            data={
                "version": version,
                "basis": basis,
                "rate_percent": None if rate_percent is None else str(rate_percent),
                "amount_per_unit": None if amount_per_unit is None else str(amount_per_unit),
                "shares": [str(p["share"]) for p in parties],
            },
        )
    return agreement


def sign_agreement(agreement: RoyaltyAgreement, user: Any) -> None:
    """draft → signed (frozen; conditions: the base has its rate, shares sum to 100); the case's previously
    signed version is superseded in the same transaction."""
    with transaction.atomic():
        previous = list(
            RoyaltyAgreement.objects.select_for_update()
            .filter(case_id=agreement.case_id, state=AgreementState.SIGNED)
            .exclude(pk=agreement.pk)
        )
        run_transition(agreement, "sign", user)
        RoyaltyAgreement.objects.filter(pk=agreement.pk).update(signed_at=timezone.now())
        for old in previous:
            run_transition(old, "supersede", user, comment=f"v{agreement.version}")


def file_sales_report(
    user: Any, agreement: RoyaltyAgreement, *, period_start: dt.date, period_end: dt.date, net_sales: int, units: int
) -> SalesReport:
    """The applicant files its sales for a period; the royalty statement is computed at once (draft).

    Refused: ``not_signed`` (the agreement is not the signed version), ``not_in_mass_production`` (the case has
    not entered 量產/銷售, or the period ends before it did), ``period``, ``duplicate`` (a report for the same
    period start). ValidationError for negative sales or units."""
    if not can(user, "billing.file_sales_report", agreement):
        raise PermissionDenied
    if net_sales < 0 or units < 0:
        raise ValidationError(_("Net sales and units cannot be negative."), code="negative")
    if period_end < period_start:
        raise TransitionRefused(_("The period ends before it starts."), code="period")
    with transaction.atomic():
        agreement = RoyaltyAgreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.state != AgreementState.SIGNED:
            raise TransitionRefused(_("Sales are reported under the signed agreement only."), code="not_signed")
        started = mass_production_started_on(agreement.case)
        if started is None or period_end < started:
            raise TransitionRefused(
                _("Royalties are due in the mass-production / sales stage: the case has not entered it by then."),
                code="not_in_mass_production",
            )
        if SalesReport.objects.filter(agreement__case_id=agreement.case_id, period_start=period_start).exists():
            raise TransitionRefused(_("Sales for this period have already been reported."), code="duplicate")
        report = SalesReport.objects.create(
            agreement=agreement,
            period_start=period_start,
            period_end=period_end,
            net_sales=net_sales,
            units=units,
            filed_by=user,
        )
        log_event(report, ActivityAction.CREATED, user, data={"net_sales": net_sales, "units": units})
        compute_statement(report, user)
    return report


def frozen_inputs(report: SalesReport) -> dict[str, Any]:
    """Everything the computation reads, JSON-ready: base, rate, sales, units, parties (key, label, share, org)."""
    agreement = report.agreement
    return {
        "agreement_id": agreement.pk,
        "agreement_version": agreement.version,
        "basis": agreement.basis,
        "rate_percent": None if agreement.rate_percent is None else str(agreement.rate_percent),
        "amount_per_unit": None if agreement.amount_per_unit is None else str(agreement.amount_per_unit),
        "net_sales": report.net_sales,
        "units": report.units,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "parties": [
            {"key": p.key, "label": p.label, "share": str(p.share), "organization_id": p.organization_id}
            for p in agreement.parties.all()
        ],
    }


def compute_statement(report: SalesReport, user: Any) -> RoyaltyStatement:
    """The royalty statement of ``report``: inputs frozen, due and one line per party (largest remainder)."""
    inputs = frozen_inputs(report)
    statement = RoyaltyStatement(sales_report=report, agreement=report.agreement, inputs=inputs)
    result = statement.recompute()
    statement.due = result.due
    statement.save()
    orgs = {p["key"]: p["organization_id"] for p in inputs["parties"]}
    for position, part in enumerate(result.parts):
        RoyaltyLine.objects.create(
            statement=statement,
            organization_id=orgs[part.party.key],
            label=part.party.label,
            share=part.party.share,
            amount=part.amount,
            rounded_up=part.rounded_up,
            position=position,
        )
    log_event(
        statement,
        ActivityAction.MONEY_CHANGED,
        user,
        data={"field": "due", "before": None, "after": result.due, "parts": [p.amount for p in result.parts]},
    )
    return statement
