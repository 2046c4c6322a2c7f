"""cases.queries: role-aware visibility (one rule per role, future roles see nothing), 404/403 look-ups."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q
from django.http import Http404

from cases import queries
from cases.enums import CaseState
from cases.models import DemandCase
from hwsim.queries import request_visibility
from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from platform_site.visibility import Visibility
from tests.factories import DemandCaseFactory, UserFactory, set_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    """Two cases of tenant A (one per applicant organisation) and one of tenant B."""
    mine = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, title="mine")
    theirs = DemandCaseFactory(
        tenant=world.a, applicant_org=world.org_a2, created_by=world.other_applicant, title="theirs"
    )
    other_tenant = DemandCaseFactory(tenant=world.b, applicant_org=world.org_b, created_by=world.b_applicant, title="b")
    return mine, theirs, other_tenant


def _titles(user, tenant):
    with tenant_scope(tenant):
        return sorted(queries.visible_cases(user, tenant).values_list("title", flat=True))


def test_each_role_sees_what_its_rule_allows(world, cases):
    for office in (world.reviewer, world.cto, world.admin):
        assert _titles(office, world.a) == ["mine", "theirs"]
    assert _titles(world.applicant, world.a) == ["mine"]
    assert _titles(world.other_applicant, world.a) == ["theirs"]
    # Assigned experts, suppliers, case managers and finance: hooks for the next apps, nothing today.
    for pending in (world.expert, world.supplier, world.case_manager, world.finance):
        assert _titles(pending, world.a) == []
    assert _titles(world.b_reviewer, world.b) == ["b"]


def test_superuser_without_a_membership_sees_nothing(world, cases):
    root = UserFactory(is_superuser=True, is_staff=True)
    assert _titles(root, world.a) == []
    assert _titles(world.outsider, world.a) == []


def test_every_role_has_a_rule_or_is_declared_pending():
    for visibility in (queries.case_visibility, request_visibility):
        assert visibility.covers() == set(Role.values), visibility.label


def test_a_role_rule_is_one_function_and_cannot_be_registered_twice(world, cases):
    visibility = Visibility("test", rules={Role.OFFICE_REVIEWER: lambda user, tenant: True}, pending=[Role.EXPERT])
    with tenant_scope(world.a):
        assert not visibility.apply(DemandCase.objects.all(), world.expert, world.a).exists()

        @visibility.rule(Role.EXPERT)
        def _expert(user, tenant):
            return Q(title="theirs")

        assert [c.title for c in visibility.apply(DemandCase.objects.all(), world.expert, world.a)] == ["theirs"]
        with pytest.raises(ImproperlyConfigured):
            visibility.rule(Role.EXPERT)(_expert)


def test_asking_for_another_tenant_than_the_scope_is_refused(world, cases):
    # The reviewer of B must not widen A's rows with B's roles.
    with tenant_scope(world.a), pytest.raises(ValueError):
        queries.visible_cases(world.b_reviewer, world.b)


def test_get_case_for_user_is_404_when_invisible_and_403_when_not_allowed(world, cases):
    mine, theirs, other_tenant = cases
    with tenant_scope(world.a):
        assert queries.get_case_for_user(world.applicant, world.a, mine.pk) == mine
        for pk in (theirs.pk, other_tenant.pk, "abc", None):
            with pytest.raises(Http404):
                queries.get_case_for_user(world.applicant, world.a, pk)
        with pytest.raises(PermissionDenied):
            queries.get_case_for_user(world.reviewer, world.a, mine.pk, "cases.edit_case")


def test_list_filters_are_cleaned_and_applied(world, cases):
    mine, theirs, _ = cases
    set_fields(theirs, state=CaseState.SUBMITTED, reference="TSMP-2026-0007")
    assert queries.clean_list_filters("nonsense", "  x" * 100) == ("", ("x" + "  x" * 99)[: queries.SEARCH_MAX_LENGTH])
    assert queries.clean_list_filters(None, None) == ("", "")
    with tenant_scope(world.a):
        listed = queries.case_list(world.reviewer, world.a, state=CaseState.SUBMITTED)
        assert [c.title for c in listed] == ["theirs"]
        assert [c.title for c in queries.case_list(world.reviewer, world.a, search="0007")] == ["theirs"]
        assert [c.title for c in queries.case_list(world.reviewer, world.a, search="織采")] == ["theirs"]
        assert [c.title for c in queries.review_queue(world.reviewer, world.a)] == ["theirs"]
        assert queries.review_queue(world.applicant, world.a).count() == 0  # the queue respects visibility too
