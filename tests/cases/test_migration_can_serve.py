"""Migration 0004: "the existing supply chain cannot serve it" becomes "can serve it", every stored answer
inverted and "not assessed" (NULL) kept, in every tenant (under PostgreSQL's forced row-level security too)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from platform_site.tenancy import tenant_scope
from tests.factories import OrganizationFactory, TenantFactory, UserFactory

BEFORE = [("cases", "0003_list_indexes")]
AFTER = [("cases", "0004_supply_chain_can_serve")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_stored_answers_are_inverted_in_every_tenant():
    tenants = [TenantFactory(), TenantFactory()]
    orgs = [OrganizationFactory(tenant=t) for t in tenants]
    user = UserFactory()
    # Every app's latest: going back to cases 0003 also unapplies the apps that depend on cases (review).
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    apps = _migrate(BEFORE)
    try:
        Case = apps.get_model("cases", "DemandCase")  # noqa: N806 - a model class
        made = {}
        for tenant, org in zip(tenants, orgs, strict=True):
            with tenant_scope(tenant):
                for gap in (True, False, None):
                    case = Case.objects.create(
                        tenant_id=tenant.pk,
                        applicant_org_id=org.pk,
                        created_by_id=user.pk,
                        title=f"{gap}",
                        eligible_supply_chain_gap=gap,
                    )
                    made[case.pk] = (tenant, gap)
        apps = _migrate(AFTER)
        Case = apps.get_model("cases", "DemandCase")  # noqa: N806
        for pk, (tenant, gap) in made.items():
            with tenant_scope(tenant):
                case = Case.objects.get(pk=pk)
            expected = None if gap is None else not gap
            assert (case.existing_supply_chain_can_serve, case.customisation_needed) == (expected, None), gap
        apps = _migrate(BEFORE)  # and back: the inversion is its own reverse
        Case = apps.get_model("cases", "DemandCase")  # noqa: N806
        for pk, (tenant, gap) in made.items():
            with tenant_scope(tenant):
                assert Case.objects.get(pk=pk).eligible_supply_chain_gap is gap
    finally:
        _migrate(latest)
