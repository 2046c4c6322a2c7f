"""NRE statements built from the acknowledged progress reports (delivery.billable_hours), priced at the rate-card
version in force, at the final review's tier discount (seed 000_9617a3b789ca4d20.txt, 收費規範 (b)); rate-card
versioning; the log of every money change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from billing.enums import BillableService
from billing.models import NreStatement, RateCard, SupplierNreAgreement
from billing.services import statements as svc
from platform_site.enums import ActivityAction
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from tests.billing.statement_factories import delivered_case, rate_cards
from tests.factories import OrganizationFactory, reload

JAN = (dt.date(2027, 1, 1), dt.date(2027, 1, 31))
FEB = (dt.date(2027, 2, 1), dt.date(2027, 2, 28))


def _build(world, case, period=JAN):
    with tenant_scope(world.a):
        return svc.build_nre_statement(world.finance, case, period_start=period[0], period_end=period[1])


def test_january_statement_trail_with_the_tier_discount_and_undiscounted_consumables(world):
    v1, _v2 = rate_cards(world)
    case = delivered_case(world, share=25)
    st = _build(world, case)
    with tenant_scope(world.a):
        lines = list(st.labour_lines.values_list("report_id", "role", "hours", "rate", "rate_card_id", "amount"))
        r1, r2 = sorted({line[0] for line in lines})
        assert lines == [
            (r1, "model_training", Decimal("12.50"), 1800, v1.pk, 22500),
            (r1, "software", Decimal("20.00"), 1600, v1.pk, 32000),
            (r2, "software", Decimal("7.25"), 1600, v1.pk, 11600),
            (r2, "system_integration", Decimal("3.75"), 1850, v1.pk, 6938),  # 6,937.5 half-up
        ]
        assert (st.labour_gross, st.share_percent, st.labour_discounted) == (73038, Decimal("25.00"), 18260)
        assert (st.labour_cap, st.cap_binding, st.labour_due) == (36519, False, 18260)
        svc.add_cost_item(st, world.finance, kind="consumables", description="探針卡耗材", amount=3200)
        st.refresh_from_db()
        assert (st.costs_total, st.subtotal) == (3200, 18260 + 3200)  # consumables at cost, not × 25%
        assert st.trail["labour_lines"][3]["amount"] == 6938 and st.trail["cap_binding"] is False
        lines = st.invoice_lines()
        assert [(x.service, x.amount, x.source_kind, x.source_id) for x in lines] == [
            (BillableService.NRE_PLATFORM_LABOUR, 18260, "nre_statement", st.pk),
            (BillableService.CONSUMABLES, 3200, "nre_statement", st.pk),
        ]
        money = ActivityLog.objects.filter(object_id=st.pk, action=ActivityAction.MONEY_CHANGED).order_by("pk")
        assert [(e.data["before"], e.data["after"]) for e in money] == [(0, 18260), (18260, 21460)]


def test_february_uses_rate_card_v2_and_excludes_unacknowledged_reports(world):
    _v1, v2 = rate_cards(world)
    case = delivered_case(world, share=25)
    st = _build(world, case, FEB)
    with tenant_scope(world.a):
        assert list(st.labour_lines.values_list("role", "hours", "rate", "rate_card_id")) == [
            ("software", Decimal("10.00"), 1700, v2.pk)
        ]  # report 4 (99 h, submitted, ends 03-14) is not billed
        assert (st.labour_gross, st.labour_due) == (17000, 4250)


def test_supplier_nre_is_the_agreed_amount_billed_once(world):
    rate_cards(world)
    case = delivered_case(world, share=25)
    supplier = OrganizationFactory(tenant=world.a, name="晶心模組股份有限公司")
    with tenant_scope(world.a):
        agreement = svc.record_supplier_nre(
            world.finance,
            case,
            supplier=supplier,
            description="模組設計 NRE",
            amount=120000,
            document_reference="NRE 協議書 2027-014",
        )
        svc.sign_supplier_nre(agreement, world.finance)
    jan = _build(world, case)
    feb = _build(world, case, FEB)
    with tenant_scope(world.a):
        assert (jan.supplier_total, jan.subtotal) == (120000, 18260 + 120000)
        assert feb.supplier_total == 0
        assert SupplierNreAgreement.objects.get().statement_id == jan.pk
        assert jan.invoice_lines()[-1].service == BillableService.NRE_SUPPLIER


def test_refusals(world):
    rate_cards(world)
    case = delivered_case(world, share=25)
    _build(world, case)
    with pytest.raises(TransitionRefused) as refused:
        _build(world, case, (dt.date(2027, 1, 20), dt.date(2027, 2, 10)))
    assert refused.value.code == "overlap"
    with pytest.raises(TransitionRefused) as refused:
        _build(world, case, (dt.date(2027, 3, 1), dt.date(2027, 3, 5)))
    assert refused.value.code == "empty"
    with pytest.raises(TransitionRefused) as refused:
        _build(world, case, (dt.date(2027, 3, 5), dt.date(2027, 3, 1)))
    assert refused.value.code == "period"
    other = delivered_case(world, share=25, reference="TSMP-2027-0002")
    with tenant_scope(world.a):
        from review.models import ReviewDecision

        ReviewDecision.objects.filter(meeting__case=other).update(state="draft")
    with pytest.raises(TransitionRefused) as refused:
        _build(world, other)
    assert refused.value.code == "no_tier_discount"
    with tenant_scope(world.a), pytest.raises(PermissionDenied):
        svc.build_nre_statement(world.applicant, case, period_start=FEB[0], period_end=FEB[1])


def test_no_rate_card_in_force_is_refused(world):
    case = delivered_case(world, share=25)
    with pytest.raises(TransitionRefused) as refused:
        _build(world, case)
    assert refused.value.code == "no_rate"


def test_the_50_percent_ceiling_is_also_a_database_rule(world):
    rate_cards(world)
    st = _build(world, delivered_case(world, share=50))
    assert (st.labour_gross, st.labour_discounted, st.labour_cap, st.labour_due) == (73038, 36519, 36519, 36519)
    with tenant_scope(world.a), pytest.raises(IntegrityError), transaction.atomic():
        NreStatement.objects.filter(pk=st.pk).update(labour_due=36520)


def test_confirm_freezes_and_cancel(world):
    rate_cards(world)
    case = delivered_case(world, share=25)
    st = _build(world, case)
    with tenant_scope(world.a):
        with pytest.raises(PermissionDenied):
            svc.confirm_statement(st, world.applicant)
        svc.confirm_statement(st, world.finance)
        with pytest.raises(TransitionRefused) as refused:
            svc.add_cost_item(st, world.finance, kind="consumables", description="x", amount=1)
        assert refused.value.code == "not_draft"
        svc.cancel_statement(st, world.finance, comment="重開")
    assert reload(st).state == "cancelled"
    _build(world, case)  # a cancelled statement no longer blocks the period


def test_rate_card_versions_are_immutable_once_published(world):
    v1, v2 = rate_cards(world)
    v1, v2 = reload(v1), reload(v2)
    assert (v1.version, v1.valid_from, v1.valid_to) == (1, dt.date(2026, 1, 1), dt.date(2027, 1, 31))
    assert (v2.version, v2.valid_to) == (2, None)
    with tenant_scope(world.a):
        with pytest.raises(TransitionRefused) as refused:
            svc.set_rate(v1, world.finance, role="software", hourly_rate=9999)
        assert refused.value.code == "immutable"
        assert svc.rate_card_on(dt.date(2027, 1, 31)).pk == v1.pk
        assert svc.rate_card_on(dt.date(2027, 2, 1)).pk == v2.pk
        assert svc.rate_card_on(dt.date(2025, 12, 31)) is None
        with pytest.raises(TransitionRefused) as refused:
            svc.create_rate_card(world.finance, world.a, valid_from=dt.date(2027, 1, 15), rates={})
        assert refused.value.code == "rate_card_order"
        v3 = svc.create_rate_card(world.finance, world.a, valid_from=dt.date(2027, 6, 1), rates={"software": 1750})
        with pytest.raises(TransitionRefused) as refused:
            svc.publish_rate_card(v3, world.finance)
        assert refused.value.code == "incomplete"
        svc.set_rate(v3, world.finance, role="software", hourly_rate=1800)
        entry = ActivityLog.objects.filter(action=ActivityAction.MONEY_CHANGED, object_id=v3.pk).get()
        assert entry.data == {"field": "rate:software", "before": 1750, "after": 1800}
        assert RateCard.objects.count() == 3


def test_a_confirmed_statement_drafts_its_invoice_through_the_invoices_half(world):
    """Contract 3: ``draft_invoice_for`` hands a confirmed statement's ``invoice_lines()`` to the invoices half's
    ``draft_invoice`` (buyer: the case's applicant) and marks the statement invoiced; once only."""
    rate_cards(world)
    st = _build(world, delivered_case(world, share=25))
    with tenant_scope(world.a):
        with pytest.raises(TransitionRefused) as refused:
            svc.draft_invoice_for(st, world.finance)
        assert refused.value.code == "not_confirmed"
        svc.confirm_statement(st, world.finance)
        invoice = svc.draft_invoice_for(st, world.finance)
        assert reload(st).state == "invoiced"
        assert [line.amount for line in invoice.lines.all()] == [18260]
        line = invoice.lines.get()
        assert (line.service, line.source_kind, line.source_id) == ("nre_platform_labour", "nre_statement", st.pk)
        assert (invoice.state, invoice.case_id, invoice.buyer_ubn) == ("draft", st.case_id, "04595257")
        assert (invoice.sales_amount, invoice.tax_amount, invoice.total_amount) == (18260, 913, 19173)
        with pytest.raises(TransitionRefused) as twice:
            svc.draft_invoice_for(reload(st), world.finance)
        assert twice.value.code == "not_confirmed"
