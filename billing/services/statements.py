"""The one place that writes rate cards, NRE / royalty / maintenance statements and agreements — all logged.

Seed 000_9617a3b789ca4d20.txt (收費規範). Every money change writes an activity-log row
(``ActivityAction.MONEY_CHANGED`` with ``data={"field", "before", "after"}``, or ``CREATED`` with the amounts).
Business refusals raise :class:`platform_site.transitions.TransitionRefused` (HTTP 409, translated message and a
stable ``code``); a user without the permission gets ``PermissionDenied``. Royalties are in
:mod:`billing.services.royalties`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import maintenance, money, nre
from billing.models import (
    Equipment,
    MaintenanceFee,
    MaintenanceUsage,
    NreCostItem,
    NreLabourLine,
    NreStatement,
    RateCard,
    RateCardRate,
    SupplierNreAgreement,
)
from billing.services.invoices import draft_invoice
from billing.statement_enums import AgreementState, RateCardState, StatementState, UsageKind
from cases.delivery.queries import billable_hours
from platform_site.activity import log_event
from platform_site.enums import ActivityAction
from platform_site.rules import can
from platform_site.transitions import TransitionRefused, run_transition
from review.enums import DecisionOutcome, DecisionState, ReviewStage
from review.models import ReviewDecision
from suppliers.enums import WorkRole

OPEN_STATES = (StatementState.DRAFT, StatementState.CONFIRMED, StatementState.INVOICED)


def _require(user: Any, perm: str, obj: Any) -> None:
    if not can(user, perm, obj):
        raise PermissionDenied


def _money(subject: Any, actor: Any, field: str, before: Any, after: Any) -> None:
    if before != after:
        log_event(subject, ActivityAction.MONEY_CHANGED, actor, data={"field": field, "before": before, "after": after})


# ---- rate cards ---------------------------------------------------------------------------------------------
def create_rate_card(user: Any, tenant: Any, *, valid_from: dt.date, rates: dict[str, int], note: str = "") -> RateCard:
    """A draft version (number = last + 1) with ``rates`` {WorkRole value: NTD/h}. A new version must start
    after the latest published one starts (refused ``rate_card_order``)."""
    _require(user, "billing.manage_statements", tenant)
    with transaction.atomic():
        latest = RateCard.objects.filter(state=RateCardState.PUBLISHED).order_by("-valid_from").first()
        if latest and valid_from <= latest.valid_from:
            raise TransitionRefused(
                _("A new rate card must start after %(date)s, when version %(v)s starts.")
                % {"date": latest.valid_from, "v": latest.version},
                code="rate_card_order",
            )
        version = (RateCard.objects.aggregate(m=Max("version"))["m"] or 0) + 1
        card = RateCard.objects.create(version=version, valid_from=valid_from, note=note, created_by=user)
        for role, value in rates.items():
            RateCardRate.objects.create(card=card, role=WorkRole(role), hourly_rate=int(value))
        log_event(
            card, ActivityAction.CREATED, user, data={"version": version, "valid_from": str(valid_from), "rates": rates}
        )
    return card


def set_rate(card: RateCard, user: Any, *, role: str, hourly_rate: int) -> None:
    """Change one rate of a draft card (logged). A published card is immutable (refused ``immutable``)."""
    _require(user, "billing.manage_statements", card)
    with transaction.atomic():
        card = RateCard.objects.select_for_update().get(pk=card.pk)
        if card.state != RateCardState.DRAFT:
            raise TransitionRefused(_("A published rate card cannot be changed; make a new version."), code="immutable")
        row, _created = RateCardRate.objects.get_or_create(card=card, role=WorkRole(role), defaults={"hourly_rate": 0})
        before = None if _created else row.hourly_rate
        row.hourly_rate = int(hourly_rate)
        row.save(update_fields=["hourly_rate"])
        _money(card, user, f"rate:{role}", before, row.hourly_rate)


def publish_rate_card(card: RateCard, user: Any) -> None:
    """Publish ``card``; the version in force before it is closed the day before ``card.valid_from``."""
    with transaction.atomic():
        previous = (
            RateCard.objects.select_for_update()
            .filter(state=RateCardState.PUBLISHED, valid_from__lt=card.valid_from)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=card.valid_from))
        )
        run_transition(card, "publish", user)
        for old in previous:
            before = old.valid_to
            old.valid_to = card.valid_from - dt.timedelta(days=1)
            old.save(update_fields=["valid_to"])
            log_event(
                old,
                ActivityAction.EDITED,
                user,
                data={"field": "valid_to", "before": str(before), "after": str(old.valid_to)},
            )


def rate_card_on(day: dt.date) -> RateCard | None:
    """The published version in force on ``day`` (current tenant), with its rates prefetched; None if none."""
    return (
        RateCard.objects.filter(state=RateCardState.PUBLISHED, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .prefetch_related("rates")
        .order_by("-valid_from")
        .first()
    )


def _rate(day: dt.date, role: str, cards: dict[dt.date, RateCard | None]) -> tuple[RateCard, int]:
    if day not in cards:
        cards[day] = rate_card_on(day)
    card = cards[day]
    try:
        if card is None:
            raise KeyError(role)
        return card, card.rate_for(role)
    except KeyError:
        raise TransitionRefused(
            _("No published rate card prices %(role)s on %(date)s.") % {"role": WorkRole(role).label, "date": day},
            code="no_rate",
        ) from None


# ---- NRE ----------------------------------------------------------------------------------------------------
def tier_discount(case: Any) -> Decimal | None:
    """The applicant's share (%) of platform labour from the case's latest recorded final-review pass
    (``ReviewDecision.labour_share_percent``), or None when there is none."""
    share = (
        ReviewDecision.objects.filter(
            meeting__case=case,
            meeting__stage=ReviewStage.FINAL,
            outcome=DecisionOutcome.PASS,
            state__in=[DecisionState.RECORDED, DecisionState.RELEASED],
            labour_share_percent__isnull=False,
        )
        .order_by("-recorded_at", "-pk")
        .values_list("labour_share_percent", flat=True)
        .first()
    )
    return None if share is None else Decimal(share)


def _nre_inputs(statement: NreStatement) -> nre.NreComputation:
    labour = [
        nre.LabourInput(
            line.report_id,
            line.report_label,
            line.report_start,
            line.report_end,
            line.role,
            line.hours,
            line.rate,
            line.rate_card_id,
        )
        for line in statement.labour_lines.all()
    ]
    costs = [nre.CostItem(c.kind, c.description, c.amount) for c in statement.costs.all()]
    suppliers = [
        nre.SupplierItem(s.supplier.name, s.description, s.amount, s.document_reference)
        for s in statement.supplier_items.select_related("supplier")
    ]
    return nre.compute_nre(labour, share_percent=statement.share_percent, costs=costs, supplier_items=suppliers)


def _store_nre(statement: NreStatement, user: Any) -> nre.NreComputation:
    result = _nre_inputs(statement)
    before = statement.subtotal
    for field in (
        "labour_gross",
        "labour_discounted",
        "labour_cap",
        "labour_due",
        "cap_binding",
        "costs_total",
        "supplier_total",
        "subtotal",
    ):
        setattr(statement, field, getattr(result, field))
    statement.trail = result.as_dict()
    statement.save(
        update_fields=[
            "labour_gross",
            "labour_discounted",
            "labour_cap",
            "labour_due",
            "cap_binding",
            "costs_total",
            "supplier_total",
            "subtotal",
            "trail",
        ]
    )
    _money(statement, user, "subtotal", before, statement.subtotal)
    return result


def build_nre_statement(user: Any, case: Any, *, period_start: dt.date, period_end: dt.date) -> NreStatement:
    """A draft NRE statement of ``case`` for [period_start, period_end] from ``delivery.billable_hours`` (the
    acknowledged reports ending in the period), each line priced at the rate card in force on the report's
    last day, at the final review's tier discount; the case's signed, not yet billed supplier NRE agreements
    are attached. Refused: ``period`` (end before start), ``overlap`` (another open statement of the case
    overlaps), ``no_tier_discount``, ``no_rate``, ``empty`` (no hours and no supplier NRE)."""
    _require(user, "billing.manage_statements", case)
    if period_end < period_start:
        raise TransitionRefused(_("The period ends before it starts."), code="period")
    with transaction.atomic():
        clash = NreStatement.objects.filter(
            case=case, state__in=OPEN_STATES, period_start__lte=period_end, period_end__gte=period_start
        ).first()
        if clash:
            raise TransitionRefused(
                _("Statement %(start)s – %(end)s of this case overlaps the period.")
                % {"start": clash.period_start, "end": clash.period_end},
                code="overlap",
            )
        share = tier_discount(case)
        if share is None:
            raise TransitionRefused(
                _("The case has no tier discount: its final review has not passed."), code="no_tier_discount"
            )
        hours = billable_hours(case, start=period_start, end=period_end)
        agreements = list(
            SupplierNreAgreement.objects.select_for_update().filter(
                case=case, state=AgreementState.SIGNED, statement__isnull=True
            )
        )
        if not hours and not agreements:
            raise TransitionRefused(
                _("No acknowledged progress report ends in this period and no supplier NRE is pending."), code="empty"
            )
        statement = NreStatement.objects.create(
            case=case, period_start=period_start, period_end=period_end, share_percent=share
        )
        cards: dict[dt.date, RateCard | None] = {}
        for item in hours:
            card, rate = _rate(item.period_end, item.role, cards)
            NreLabourLine.objects.create(
                statement=statement,
                report_id=item.report_id,
                report_label=item.report_label[:120],
                report_start=item.period_start,
                report_end=item.period_end,
                role=item.role,
                hours=item.hours,
                rate_card=card,
                rate=rate,
                amount=money.times(item.hours, rate),
            )
        for agreement in agreements:
            agreement.statement = statement
            agreement.save(update_fields=["statement"])
        log_event(statement, ActivityAction.CREATED, user, data={"case": case.pk, "share_percent": str(share)})
        _store_nre(statement, user)
    return statement


def _draft(statement: Any) -> Any:
    locked = type(statement).objects.select_for_update().get(pk=statement.pk)
    if locked.state != StatementState.DRAFT:
        raise TransitionRefused(_("Only a draft statement can be changed."), code="not_draft", state=locked.state)
    return locked


def add_cost_item(statement: NreStatement, user: Any, *, kind: str, description: str, amount: int) -> NreCostItem:
    """Add consumables / prototyping / trial production at cost (never discounted) to a draft; logged."""
    _require(user, "billing.manage_statements", statement)
    with transaction.atomic():
        statement = _draft(statement)
        item = NreCostItem.objects.create(statement=statement, kind=kind, description=description, amount=int(amount))
        _store_nre(statement, user)
    return item


def record_supplier_nre(
    user: Any, case: Any, *, supplier: Any, description: str, amount: int, document_reference: str
) -> SupplierNreAgreement:
    """Record a supplier's agreed NRE (seed 000 (a): negotiated, not computed) as a draft agreement; logged."""
    _require(user, "billing.manage_statements", case)
    with transaction.atomic():
        row = SupplierNreAgreement.objects.create(
            case=case,
            supplier=supplier,
            description=description,
            amount=int(amount),
            document_reference=document_reference,
        )
        log_event(row, ActivityAction.CREATED, user, data={"amount": row.amount, "document": document_reference})
    return row


def sign_supplier_nre(agreement: SupplierNreAgreement, user: Any, *, signed_on: dt.date | None = None) -> None:
    """Mark the agreement signed (frozen); it is billed on the next NRE statement of its case."""
    with transaction.atomic():
        run_transition(agreement, "sign", user, signed_on=signed_on or timezone.localdate())


def confirm_statement(statement: Any, user: Any, comment: str = "") -> None:
    """draft → confirmed (frozen); refused ``empty`` when nothing is charged."""
    with transaction.atomic():
        run_transition(statement, "confirm", user, comment=comment)
        type(statement).objects.filter(pk=statement.pk).update(confirmed_at=timezone.now())


def cancel_statement(statement: Any, user: Any, comment: str = "") -> None:
    """draft/confirmed → cancelled; supplier NRE attached to an NRE statement is released for the next one."""
    with transaction.atomic():
        run_transition(statement, "cancel", user, comment=comment)
        if isinstance(statement, NreStatement):
            SupplierNreAgreement.objects.filter(statement=statement).update(statement=None)


# ---- maintenance --------------------------------------------------------------------------------------------
def create_equipment(user: Any, tenant: Any, *, name: str, hourly_rate: int) -> Equipment:
    """A piece of equipment with its hourly rate (NTD); logged."""
    _require(user, "billing.manage_statements", tenant)
    with transaction.atomic():
        row = Equipment.objects.create(name=name, hourly_rate=int(hourly_rate))
        log_event(row, ActivityAction.CREATED, user, data={"hourly_rate": row.hourly_rate})
    return row


def create_maintenance_fee(
    user: Any, case: Any, *, period_start: dt.date, period_end: dt.date, usage: list[dict[str, Any]]
) -> MaintenanceFee:
    """A draft maintenance fee (實報實收, no discount). ``usage`` items: ``{"equipment": Equipment, "hours":
    Decimal}`` or ``{"role": WorkRole value, "hours": Decimal}`` (labour at the rate card in force on
    ``period_end``). Refused ``period``, ``no_rate``, ``empty``."""
    _require(user, "billing.manage_statements", case)
    if period_end < period_start:
        raise TransitionRefused(_("The period ends before it starts."), code="period")
    with transaction.atomic():
        fee = MaintenanceFee.objects.create(case=case, period_start=period_start, period_end=period_end)
        cards: dict[dt.date, RateCard | None] = {}
        for item in usage:
            hours = money.hours(item["hours"])
            if item.get("equipment") is not None:
                eq = item["equipment"]
                MaintenanceUsage.objects.create(
                    fee=fee,
                    kind=UsageKind.EQUIPMENT,
                    equipment=eq,
                    label=eq.name,
                    hours=hours,
                    rate=eq.hourly_rate,
                    amount=money.times(hours, eq.hourly_rate),
                )
            else:
                card, rate = _rate(period_end, item["role"], cards)
                MaintenanceUsage.objects.create(
                    fee=fee,
                    kind=UsageKind.LABOUR,
                    role=item["role"],
                    rate_card=card,
                    label=str(WorkRole(item["role"]).label),
                    hours=hours,
                    rate=rate,
                    amount=money.times(hours, rate),
                )
        result = maintenance.compute_maintenance(
            [maintenance.UsageInput(u.kind, u.label, u.hours, u.rate) for u in fee.usage.all()]
        )
        if result.total <= 0:
            raise TransitionRefused(_("A maintenance fee needs usage with an amount."), code="empty")
        fee.equipment_total, fee.labour_total, fee.total = result.equipment_total, result.labour_total, result.total
        fee.save(update_fields=["equipment_total", "labour_total", "total"])
        log_event(fee, ActivityAction.CREATED, user, data={"case": case.pk})
        _money(fee, user, "total", 0, fee.total)
    return fee


# ---- invoicing (contract 3: statement.invoice_lines() -> billing.services.invoices.draft_invoice) --------------
def draft_invoice_for(statement: Any, user: Any) -> Any:
    """Draft the invoice of a confirmed statement (NRE, royalty or maintenance) from its ``invoice_lines()``
    through the invoices half's ``draft_invoice`` (buyer: the case's applicant), and mark it invoiced; both in
    one transaction. Returns the draft ``Invoice``. Refused ``not_confirmed``; PermissionDenied unless finance."""
    with transaction.atomic():
        locked = type(statement).objects.select_for_update().get(pk=statement.pk)
        if locked.state != StatementState.CONFIRMED:
            raise TransitionRefused(_("Only a confirmed statement can be invoiced."), code="not_confirmed")
        case = locked.agreement.case if hasattr(locked, "agreement") else locked.case
        invoice = draft_invoice(locked.tenant, lines=locked.invoice_lines(), by=user, case=case)
        run_transition(statement, "mark_invoiced", user, comment=str(invoice.pk))
    return invoice
