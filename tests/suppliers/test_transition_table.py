"""Every onboarding transition, allowed or denied, for every persona in every state.

The expected table is written out from seed 000_9617a3b789ca4d20.txt (供應端): the supplier submits (and
resubmits after a return); office staff (推動辦公室人員: office reviewers, tenant admins) run the 資格審; the
CTO (技術長, who chairs the 複審 meeting) takes the final-review decisions; office staff (reviewers, CTO,
tenant admin) suspend and reinstate partners.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused, run_transition, transition_names
from suppliers.enums import OnboardingState as S
from suppliers.models import SupplierProfile
from tests.factories import MembershipFactory, UserFactory
from tests.suppliers.factories import partner

pytestmark = pytest.mark.django_db

SUPPLIER = {"supplier"}
REVIEWERS = {"office_reviewer", "tenant_admin"}
CTO = {"cto"}
OFFICE = {"office_reviewer", "cto", "tenant_admin"}

TABLE = {
    "submit": ({S.DRAFT, S.RETURNED}, SUPPLIER, S.SUBMITTED),
    "start_qualification": ({S.SUBMITTED}, REVIEWERS, S.QUALIFICATION),
    "qualify": ({S.QUALIFICATION}, REVIEWERS, S.FINAL_REVIEW),
    "return_for_information": ({S.SUBMITTED, S.QUALIFICATION}, REVIEWERS, S.RETURNED),
    "reject": ({S.SUBMITTED, S.QUALIFICATION}, REVIEWERS, S.REJECTED),
    "approve": ({S.FINAL_REVIEW}, CTO, S.APPROVED),
    "reject_final": ({S.FINAL_REVIEW}, CTO, S.REJECTED),
    "return_final": ({S.FINAL_REVIEW}, CTO, S.RETURNED),
    "suspend": ({S.APPROVED}, OFFICE, S.SUSPENDED),
    "reinstate": ({S.SUSPENDED}, OFFICE, S.APPROVED),
}
NEEDS_REASON = {"return_for_information", "reject", "reject_final", "return_final", "suspend", "reinstate"}


def test_the_table_covers_every_transition_of_the_model():
    assert transition_names(SupplierProfile) == set(TABLE)


def _attempt(profile: SupplierProfile, name: str, user, reason: str = "資料不足") -> str:
    """'ok', 'denied' (403) or 'refused' (409); rolled back either way."""
    before = profile.state
    changes = {"status_reason": reason} if name in NEEDS_REASON else None
    try:
        with transaction.atomic():
            log = run_transition(profile, name, user, comment=reason, changes=changes)
            assert (log.source_state, log.target_state) == (before, TABLE[name][2])
            transaction.set_rollback(True)
            return "ok"
    except PermissionDenied:
        return "denied"
    except TransitionRefused:
        return "refused"
    finally:
        profile.refresh_from_db()


@pytest.fixture
def profile(world):
    """The world supplier's organisation's complete profile (world.supplier holds its supplier role)."""
    with tenant_scope(world.a):
        org_id = world.supplier.memberships.get(tenant=world.a).organization_id
    from platform_site.models import Organization

    with tenant_scope(world.a):
        org = Organization.objects.get(pk=org_id)
    return partner(world.a, org.name, organization=org, state=S.DRAFT)


@pytest.mark.parametrize("name", sorted(TABLE))
@pytest.mark.parametrize("state", list(S))
def test_transition_by_role_and_state(world, profile, name, state):
    sources, allowed, _target = TABLE[name]
    with tenant_scope(world.a):
        SupplierProfile.objects.filter(pk=profile.pk).update(state=state)
        profile.refresh_from_db()
        results = {persona: _attempt(profile, name, user) for persona, user in world.by_role().items()}
    expected = {p: ("refused" if state not in sources else "ok" if p in allowed else "denied") for p in results}
    assert results == expected


@pytest.mark.parametrize("name", sorted(NEEDS_REASON))
def test_a_return_rejection_or_suspension_needs_a_reason(world, profile, name):
    sources, allowed, _target = TABLE[name]
    user = {"supplier": world.supplier, "office_reviewer": world.reviewer, "cto": world.cto}[sorted(allowed)[0]]
    with tenant_scope(world.a):
        SupplierProfile.objects.filter(pk=profile.pk).update(state=sorted(sources)[0])
        profile.refresh_from_db()
        assert _attempt(profile, name, user, reason="  ") == "refused"
        try:
            run_transition(profile, name, user, changes={"status_reason": ""})
        except TransitionRefused as exc:
            assert exc.code == "reason_required"


def test_a_superuser_holding_one_role_takes_no_other_roles_transition(world, profile):
    admin = UserFactory(is_superuser=True, is_staff=True)
    MembershipFactory(user=admin, tenant=world.a, role=Role.OFFICE_REVIEWER)
    with tenant_scope(world.a):
        SupplierProfile.objects.filter(pk=profile.pk).update(state=S.FINAL_REVIEW)
        profile.refresh_from_db()
        assert _attempt(profile, "approve", admin) == "denied"  # 複審 is the CTO's
        SupplierProfile.objects.filter(pk=profile.pk).update(state=S.DRAFT)
        profile.refresh_from_db()
        assert _attempt(profile, "submit", admin) == "denied"  # the supplier's


def test_an_incomplete_profile_cannot_be_submitted_and_says_what_is_missing(world, profile):
    from django.utils import translation

    with tenant_scope(world.a), translation.override("en"):
        profile.acceptances.all().delete()
        SupplierProfile.objects.filter(pk=profile.pk).update(summary="", roles=[])
        profile.refresh_from_db()
        with pytest.raises(TransitionRefused) as refused:
            run_transition(profile, "submit", world.supplier)
    assert refused.value.code == "incomplete"
    assert "capability summary" in refused.value.message
    assert "work-group roles" in refused.value.message
    assert "acceptance of the partner obligations" in refused.value.message
