"""The statement machine (billing.models.statements.StatementBase) and the agreement / rate-card machines, every
action × state × role through run_transition: finance alone takes them (issue 11: the finance admin runs
billing), from the listed source states only; a superuser holding another role is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from billing.models import NreStatement, RateCard, RoyaltyAgreement
from billing.services import statements as svc
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused, run_transition
from tests.billing.statement_factories import delivered_case, rate_cards
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

#: action -> source states (seed-independent: the issue's statement life cycle).
TABLE = {"confirm": {"draft"}, "mark_invoiced": {"confirmed"}, "cancel": {"draft", "confirmed"}}
STATES = ("draft", "confirmed", "invoiced", "cancelled")
ROLES = ("finance", "reviewer", "cto", "admin", "applicant", "supplier", "case_manager", "expert")


def _attempt(obj, name, user):
    try:
        run_transition(obj, name, user)
    except TransitionRefused:
        return "refused"
    except PermissionDenied:
        return "denied"
    return "ok"


@pytest.fixture
def statement(world):
    rate_cards(world)
    case = delivered_case(world)
    with tenant_scope(world.a):
        return svc.build_nre_statement(
            world.finance, case, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 1, 31)
        )


def test_statement_transition_table(world, statement):
    with tenant_scope(world.a):
        for name, sources in TABLE.items():
            for state in STATES:
                for role in ROLES:
                    NreStatement.objects.filter(pk=statement.pk).update(state=state)
                    st = NreStatement.objects.get(pk=statement.pk)
                    result = _attempt(st, name, getattr(world, role))
                    if state not in sources:
                        expected = {"refused", "denied"}
                    elif role == "finance":
                        expected = {"ok"}
                    else:
                        expected = {"denied"}
                    assert result in expected, (name, state, role, result)


def test_agreement_and_rate_card_machines_are_finance_only(world, statement):
    with tenant_scope(world.a):
        card = svc.create_rate_card(
            world.finance,
            world.a,
            valid_from=dt.date(2028, 1, 1),
            rates=dict.fromkeys(
                (
                    "architecture",
                    "model_training",
                    "software",
                    "chip",
                    "module",
                    "trial_production",
                    "system_integration",
                    "field_validation",
                ),
                1,
            ),
        )
        for role in ROLES[1:]:
            assert _attempt(RateCard.objects.get(pk=card.pk), "publish", getattr(world, role)) == "denied", role
        assert _attempt(RateCard.objects.get(pk=card.pk), "publish", world.finance) == "ok"
        from billing.services import royalties

        agreement = royalties.create_agreement(
            world.finance,
            statement.case,
            basis="per_unit",
            amount_per_unit=1,
            parties=[{"organization": None, "label": "平台", "share": 100}],
        )
        for role in ROLES[1:]:
            assert _attempt(RoyaltyAgreement.objects.get(pk=agreement.pk), "sign", getattr(world, role)) == "denied"
        assert _attempt(RoyaltyAgreement.objects.get(pk=agreement.pk), "sign", world.finance) == "ok"


def test_a_superuser_holding_one_role_takes_no_finance_transition(world, statement):
    admin = UserFactory(is_superuser=True, is_staff=True)
    MembershipFactory(user=admin, tenant=world.a, role="office_reviewer")
    with tenant_scope(world.a):
        assert _attempt(NreStatement.objects.get(pk=statement.pk), "confirm", admin) == "denied"
        assert NreStatement.objects.get(pk=statement.pk).state == "draft"
