"""Royalty agreements (shares Σ = 100, frozen when signed, a change is a new version), sales reports filed by the
applicant in the mass-production stage, statements recomputed identically from frozen inputs; maintenance fees
at actual cost (seed 000_9617a3b789ca4d20.txt, 收費規範 ◆ 權利金 / ◆ 維護費)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing.enums import BillableService
from billing.models import RoyaltyAgreement, RoyaltyLine, RoyaltyParty
from billing.services import royalties
from billing.services import statements as svc
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, Organization
from platform_site.rules import organizations_in
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from tests.billing.statement_factories import delivered_case, in_mass_production, rate_cards
from tests.factories import OrganizationFactory, reload


def _parties(world, shares=("40", "35", "25")):
    (org_id,) = organizations_in(world.supplier, world.a, Role.SUPPLIER)
    with tenant_scope(world.a):
        s1 = Organization.objects.get(pk=org_id)  # world.supplier's organisation
    s2 = OrganizationFactory(tenant=world.a, name="邊緣智能股份有限公司")
    return [
        {"organization": None, "label": "平台", "share": Decimal(shares[0])},
        {"organization": s1, "label": s1.name, "share": Decimal(shares[1])},
        {"organization": s2, "label": s2.name, "share": Decimal(shares[2])},
    ]


def _signed(world, case, **kw):
    with tenant_scope(world.a):
        agreement = royalties.create_agreement(
            world.finance,
            case,
            basis=kw.pop("basis", "percent_of_net_sales"),
            parties=kw.pop("parties", None) or _parties(world),
            rate_percent=kw.pop("rate_percent", Decimal("3")),
            **kw,
        )
        royalties.sign_agreement(agreement, world.finance)
    return reload(agreement)


def test_two_sales_periods_split_by_contribution_share(world):
    case = delivered_case(world)
    in_mass_production(case, dt.date(2027, 9, 1))
    agreement = _signed(world, case)
    with tenant_scope(world.a):
        q3 = royalties.file_sales_report(
            world.applicant,
            agreement,
            period_start=dt.date(2027, 9, 1),
            period_end=dt.date(2027, 9, 30),
            net_sales=1234567,
            units=0,
        )
        q4 = royalties.file_sales_report(
            world.applicant,
            agreement,
            period_start=dt.date(2027, 10, 1),
            period_end=dt.date(2027, 10, 31),
            net_sales=2000000,
            units=0,
        )
        st3, st4 = q3.statement, q4.statement
        # 3% × 1,234,567 = 37,037.01 → 37,037; 40/35/25 = 14,814.80 / 12,962.95 / 9,259.25 → largest remainder
        assert st3.due == 37037
        assert list(st3.lines.values_list("amount", "rounded_up")) == [(14815, True), (12963, True), (9259, False)]
        assert st4.due == 60000 and list(st4.lines.values_list("amount", flat=True)) == [24000, 21000, 15000]
        again = st3.recompute()
        assert again.due == st3.due and [p.amount for p in again.parts] == [14815, 12963, 9259]
        # the frozen inputs do not move when the agreement is superseded by a new version
        new = royalties.create_agreement(
            world.finance,
            case,
            basis="per_unit",
            amount_per_unit=Decimal("12.50"),
            parties=_parties(world, ("50", "25", "25")),
        )
        royalties.sign_agreement(new, world.finance)
        assert reload(agreement).state == "superseded" and reload(new).version == 2
        assert reload(st3).recompute() == again
        RoyaltyParty.objects.filter(agreement=agreement).update(share=Decimal("1"))  # the live rows move…
        assert reload(st3).recompute() == again  # …the frozen inputs do not
        logged = ActivityLog.objects.filter(object_id=st3.pk, action=ActivityAction.MONEY_CHANGED).get()
        assert logged.data == {"field": "due", "before": None, "after": 37037, "parts": [14815, 12963, 9259]}
        assert logged.actor_id == world.applicant.pk
        line = st3.invoice_lines()[0]
        assert (line.service, line.amount, line.source_kind) == (BillableService.ROYALTY, 37037, "royalty_statement")


def test_three_equal_thirds_sum_to_the_total(world):
    case = delivered_case(world)
    in_mass_production(case)
    agreement = _signed(world, case, parties=_parties(world, ("33.34", "33.33", "33.33")), rate_percent=Decimal("1"))
    with tenant_scope(world.a):
        report = royalties.file_sales_report(
            world.applicant,
            agreement,
            period_start=dt.date(2027, 9, 1),
            period_end=dt.date(2027, 9, 30),
            net_sales=10100,
            units=0,
        )
        assert report.statement.due == 101
        assert list(report.statement.lines.values_list("amount", flat=True)) == [34, 34, 33]


def test_shares_not_summing_to_100_are_refused(world):
    case = delivered_case(world)
    with tenant_scope(world.a), pytest.raises(ValidationError) as err:
        royalties.create_agreement(
            world.finance,
            case,
            basis="percent_of_net_sales",
            rate_percent=Decimal("3"),
            parties=_parties(world, ("40", "35", "24.99")),
        )
    assert err.value.code == "shares" and "99.99" in err.value.messages[0]
    agreement = _signed(world, case)
    with tenant_scope(world.a):  # a signed agreement is frozen; a direct edit of a share fails the condition
        RoyaltyParty.objects.filter(agreement=agreement).update(share=Decimal("10"))
        fresh = royalties.create_agreement(
            world.finance, case, basis="percent_of_net_sales", rate_percent=Decimal("3"), parties=_parties(world)
        )
        RoyaltyParty.objects.filter(agreement=fresh, position=0).update(share=Decimal("41"))
        with pytest.raises(TransitionRefused) as refused:
            royalties.sign_agreement(fresh, world.finance)
        assert refused.value.code == "shares"


def test_sales_reports_only_in_mass_production_by_the_applicant(world):
    case = delivered_case(world)
    agreement = _signed(world, case)
    kwargs = {"period_start": dt.date(2027, 9, 1), "period_end": dt.date(2027, 9, 30), "net_sales": 100, "units": 0}
    with tenant_scope(world.a):
        with pytest.raises(TransitionRefused) as refused:
            royalties.file_sales_report(world.applicant, agreement, **kwargs)
        assert refused.value.code == "not_in_mass_production"
        in_mass_production(case, dt.date(2027, 9, 1))
        with pytest.raises(PermissionDenied):
            royalties.file_sales_report(world.other_applicant, agreement, **kwargs)
        with pytest.raises(ValidationError):
            royalties.file_sales_report(world.applicant, agreement, **{**kwargs, "net_sales": -1})
        royalties.file_sales_report(world.applicant, agreement, **kwargs)
        with pytest.raises(TransitionRefused) as refused:
            royalties.file_sales_report(world.applicant, agreement, **kwargs)
        assert refused.value.code == "duplicate"
        assert RoyaltyLine.objects.count() == 3 and RoyaltyAgreement.objects.count() == 1


def test_maintenance_fee_at_actual_cost(world):
    rate_cards(world)
    case = delivered_case(world)
    with tenant_scope(world.a):
        prober = svc.create_equipment(world.finance, world.a, name="晶圓探針台", hourly_rate=2400)
        chamber = svc.create_equipment(world.finance, world.a, name="恆溫恆濕箱", hourly_rate=1250)
        fee = svc.create_maintenance_fee(
            world.finance,
            case,
            period_start=dt.date(2027, 10, 1),
            period_end=dt.date(2027, 10, 31),
            usage=[
                {"equipment": prober, "hours": Decimal("3.50")},
                {"equipment": chamber, "hours": Decimal("0.75")},
                {"role": "system_integration", "hours": Decimal("4.25")},
            ],
        )
        assert (fee.equipment_total, fee.labour_total, fee.total) == (9338, 7863, 17201)  # 4.25 × 1,850 = 7,862.5
        assert [(x.service, x.amount) for x in fee.invoice_lines()] == [
            (BillableService.MAINTENANCE_EQUIPMENT, 8400),
            (BillableService.MAINTENANCE_EQUIPMENT, 938),
            (BillableService.MAINTENANCE_LABOUR, 7863),
        ]
