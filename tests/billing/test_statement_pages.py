"""Statement pages: finance sees every statement with the whole trail, builds NRE statements and drafts royalty
agreements; an applicant sees only its own and files its sales reports; a supplier sees only the royalty lines
paid to it; bad input gives translated errors (never a 500); the list pages' query counts are bounded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from billing.models import NreStatement, RoyaltyAgreement, SalesReport
from billing.services import royalties
from billing.services import statements as svc
from platform_site.enums import Role
from platform_site.models import Organization
from platform_site.rules import organizations_in
from platform_site.tenancy import tenant_scope
from tests.billing.statement_factories import delivered_case, in_mass_production, rate_cards
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
JAN = {"period_start": dt.date(2027, 1, 1), "period_end": dt.date(2027, 1, 31)}


def url(name, **kwargs):
    return reverse(f"billing:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


def _extra():
    return 2 if connection.vendor == "postgresql" else 0


@pytest.fixture
def setup(world):
    """org_a's case: NRE January + a signed 3-party agreement with one sales period; org_a2's case: NRE January."""
    rate_cards(world)
    own = delivered_case(world, share=25)
    other = delivered_case(world, share=30, reference="TSMP-2027-0002", applicant_org=world.org_a2)
    in_mass_production(own)
    (supplier_org_id,) = organizations_in(world.supplier, world.a, Role.SUPPLIER)
    with tenant_scope(world.a):
        supplier_org = Organization.objects.get(pk=supplier_org_id)
        third = OrganizationFactory(tenant=world.a, name="邊緣智能股份有限公司")
        nre_own = svc.build_nre_statement(world.finance, own, **JAN)
        nre_other = svc.build_nre_statement(world.finance, other, **JAN)
        agreement = royalties.create_agreement(
            world.finance,
            own,
            basis="percent_of_net_sales",
            rate_percent=Decimal("3"),
            parties=[
                {"organization": None, "label": "平台", "share": Decimal("40")},
                {"organization": supplier_org, "label": supplier_org.name, "share": Decimal("35")},
                {"organization": third, "label": third.name, "share": Decimal("25")},
            ],
        )
        royalties.sign_agreement(agreement, world.finance)
        report = royalties.file_sales_report(
            world.applicant,
            agreement,
            period_start=dt.date(2027, 9, 1),
            period_end=dt.date(2027, 9, 30),
            net_sales=1234567,
            units=0,
        )
    return {
        "own": own,
        "other": other,
        "nre_own": nre_own,
        "nre_other": nre_other,
        "agreement": agreement,
        "report": report,
    }


def test_finance_sees_every_statement_and_the_whole_trail(client, world, setup):
    client.force_login(world.finance)
    page = client.get(url("statements"), **EN).content.decode()
    assert f'data-statement="{setup["nre_own"].pk}"' in page and f'data-statement="{setup["nre_other"].pk}"' in page
    detail = client.get(url("nre", pk=setup["nre_own"].pk), **EN).content.decode()
    assert 'id="labour-gross">73,038<' in detail and 'id="labour-discounted">18,260<' in detail
    assert 'id="labour-cap">36,519<' in detail and 'data-binding="0"' in detail and "within the ceiling" in detail
    assert detail.count("data-line=") == 4 and "6,938" in detail
    zh = client.get(url("nre", pk=setup["nre_own"].pk), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert 'id="labour-gross">73,038<' in zh  # grouped in every language (billing_money.ntd, not intcomma)
    response = client.post(
        url("nre", pk=setup["nre_own"].pk),
        {"kind": "trial_production", "description": "少量試製 20 片", "amount": "40000"},
        **EN,
    )
    assert response.status_code == 302
    detail = client.get(url("nre", pk=setup["nre_own"].pk), **EN).content.decode()
    assert 'id="subtotal">58,260<' in detail  # 18,260 + 40,000 (not discounted)
    assert client.post(url("statement_action", kind="nre", pk=setup["nre_own"].pk, action="confirm")).status_code == 302
    with tenant_scope(world.a):
        assert NreStatement.objects.get(pk=setup["nre_own"].pk).state == "confirmed"
    again = client.post(url("statement_action", kind="nre", pk=setup["nre_own"].pk, action="confirm"), **EN)
    assert again.status_code == 409


def test_finance_builds_from_the_form_and_bad_input_is_a_clear_error(client, world, setup):
    client.force_login(world.finance)
    data = {"case": setup["own"].pk, "period_start": "2027-02-01", "period_end": "2027-02-28"}
    response = client.post(url("statements"), data, **EN)
    assert response.status_code == 302
    with tenant_scope(world.a):
        st = NreStatement.objects.get(case=setup["own"], period_start=dt.date(2027, 2, 1))
    assert (st.labour_gross, st.labour_due) == (17000, 4250)
    clash = client.post(url("statements"), data, **EN)
    assert clash.status_code == 409 and "overlaps the period" in clash.content.decode()
    backwards = client.post(url("statements"), {**data, "period_start": "2027-03-01"}, **EN)
    assert backwards.status_code == 400 and "The period ends before it starts." in backwards.content.decode()


def test_applicant_sees_only_its_own_and_files_sales(client, world, setup):
    client.force_login(world.applicant)
    page = client.get(url("statements"), **EN).content.decode()
    assert f'data-statement="{setup["nre_own"].pk}"' in page
    assert f'data-statement="{setup["nre_other"].pk}"' not in page
    assert client.get(url("nre", pk=setup["nre_other"].pk)).status_code == 404
    assert client.get(url("nre", pk=setup["nre_own"].pk)).status_code == 200
    assert client.post(url("nre", pk=setup["nre_own"].pk), {"kind": "consumables"}).status_code == 403
    assert client.get(url("rate_cards")).status_code == 404
    agreement_url = url("agreement", pk=setup["agreement"].pk)
    bad = client.post(
        agreement_url, {"period_start": "2027-10-01", "period_end": "2027-10-31", "net_sales": "-5", "units": "0"}, **EN
    )
    assert bad.status_code == 400 and "Net sales cannot be negative." in bad.content.decode()
    ok = client.post(
        agreement_url,
        {"period_start": "2027-10-01", "period_end": "2027-10-31", "net_sales": "2000000", "units": "0"},
        **EN,
    )
    assert ok.status_code == 302
    with tenant_scope(world.a):
        assert SalesReport.objects.count() == 2
        statement = SalesReport.objects.get(period_start=dt.date(2027, 10, 1)).statement
    page = client.get(url("royalty_statement", pk=statement.pk), **EN).content.decode()
    assert 'id="royalty-due">60,000<' in page
    client.force_login(world.other_applicant)
    assert client.get(agreement_url).status_code == 404
    assert client.get(url("royalty_statement", pk=statement.pk)).status_code == 404


def test_supplier_sees_only_the_royalty_lines_paid_to_it(client, world, setup):
    client.force_login(world.supplier)
    page = client.get(url("royalty_lines"), **EN).content.decode()
    assert page.count("data-line=") == 1 and "12,963" in page and "14,815" not in page and "9,259" not in page
    assert client.get(url("statements")).status_code == 404
    assert client.get(url("royalty_statement", pk=setup["report"].statement.pk)).status_code == 404
    assert client.get(url("nre", pk=setup["nre_own"].pk)).status_code == 404


def test_agreement_form_refuses_shares_not_summing_to_100(client, world, setup):
    client.force_login(world.finance)
    (supplier_org_id,) = organizations_in(world.supplier, world.a, Role.SUPPLIER)
    data = {
        "case": setup["own"].pk,
        "basis": "percent_of_net_sales",
        "rate_percent": "2.5",
        "platform_share": "50",
        "supplier_1": supplier_org_id,
        "share_1": "49.99",
    }
    response = client.post(url("agreements"), data, **EN)
    assert response.status_code == 400
    assert "must sum to exactly 100% (they sum to 99.99%)" in response.content.decode()
    response = client.post(url("agreements"), {**data, "share_1": "50"}, **EN)
    assert response.status_code == 302
    with tenant_scope(world.a):
        new = RoyaltyAgreement.objects.get(version=2)
    assert client.post(url("agreement_sign", pk=new.pk)).status_code == 302
    with tenant_scope(world.a):
        assert RoyaltyAgreement.objects.get(pk=setup["agreement"].pk).state == "superseded"


def test_rate_card_page_makes_a_new_version(client, world, setup):
    client.force_login(world.finance)
    data = {"valid_from": "2027-07-01", "note": "調整", "publish": "1"}
    data.update(
        {
            f"rate_{role}": "2100"
            for role in (
                "architecture",
                "model_training",
                "software",
                "chip",
                "module",
                "trial_production",
                "system_integration",
                "field_validation",
            )
        }
    )
    assert client.post(url("rate_cards"), data, **EN).status_code == 302
    with tenant_scope(world.a):
        assert svc.rate_card_on(dt.date(2027, 7, 1)).version == 3
        assert svc.rate_card_on(dt.date(2027, 6, 30)).version == 2
    bad = client.post(url("rate_cards"), {**data, "rate_software": "-1"}, **EN)
    assert bad.status_code == 400 and "This cannot be negative." in bad.content.decode()


@pytest.mark.parametrize("name", ["statements", "agreements", "royalty_lines", "rate_cards"])
def test_list_pages_query_counts_are_bounded(client, world, setup, django_assert_max_num_queries, name):
    client.force_login(world.finance)
    with django_assert_max_num_queries(25 + _extra()):
        assert client.get(url(name)).status_code == 200
    with tenant_scope(world.a):
        for n in range(3, 30):
            case = delivered_case(world, share=25, reference=f"TSMP-2027-{n:04d}")
            svc.build_nre_statement(world.finance, case, **JAN)
    with django_assert_max_num_queries(25 + _extra()):
        assert client.get(url(name)).status_code == 200
