"""PostgreSQL row-level security: every tenant table is forced under the tenant policy (skipped on SQLite).

CI runs this against a real PostgreSQL 15 as a non-superuser role (superusers bypass RLS). FORCE makes the
policy bind the table owner too; one test also switches to a role that owns nothing.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, IntegrityError, ProgrammingError, connection, connections, transaction

from platform_site.models import Organization
from platform_site.rls import POLICY_EXPRESSION
from platform_site.tenancy import TenantOwnedModel, tenant_scope
from tests.factories import DemandCaseFactory, OrganizationFactory, TenantFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level security is a PostgreSQL feature"),
]


def tenant_tables() -> list[str]:
    return sorted(m._meta.db_table for m in apps.get_models() if issubclass(m, TenantOwnedModel))


def _scalar(sql: str, params: list | None = None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def test_every_tenant_table_has_forced_rls_and_the_tenant_policy():
    assert "cases_demandcase" in tenant_tables()
    for table in tenant_tables():
        enabled, forced = None, None
        with connection.cursor() as cursor:
            cursor.execute("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = %s", [table])
            enabled, forced = cursor.fetchone()
        assert (table, enabled, forced) == (table, True, True)
        qual = _scalar("SELECT qual FROM pg_policies WHERE tablename = %s AND policyname = 'tenant_isolation'", [table])
        assert "current_setting('app.tenant_id'::text, true)" in qual, (table, qual)


def test_the_connecting_role_cannot_bypass_rls():
    assert _scalar("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user") is False


def _counts(cursor) -> tuple[int, int]:
    cursor.execute("SELECT count(*) FROM cases_demandcase")
    cases = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM platform_site_organization")
    return cases, cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_unset_setting_matches_no_row_and_does_not_fail():
    # A connection that never set app.tenant_id (the test connection may have, in an earlier test, and a
    # custom setting once defined stays '' for the session): committed rows, so a fresh connection sees them.
    case = DemandCaseFactory()
    fresh = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        assert fresh.settings_dict["NAME"] == connection.settings_dict["NAME"]
        with fresh.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.tenant_id', true)")
            assert cursor.fetchone()[0] is None  # really unset, not ''
            assert _counts(cursor) == (0, 0)  # and current_setting(…, true) does not raise
            cursor.execute("SELECT set_config('app.tenant_id', %s, false)", [str(case.tenant_id)])
            assert _counts(cursor) == (1, 1)  # the rows are there: the zeros above came from the policy
    finally:
        fresh.close()


def test_empty_setting_matches_no_row_and_does_not_fail_the_cast():
    # '' is what a cleared setting reads as; without NULLIF the policy's ''::bigint would raise here.
    case = DemandCaseFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.tenant_id', '', false)")
        cursor.execute("SELECT current_setting('app.tenant_id', true)")
        assert cursor.fetchone()[0] == ""
        assert _counts(cursor) == (0, 0)
        cursor.execute("SELECT set_config('app.tenant_id', %s, false)", [str(case.tenant_id)])
        assert _counts(cursor) == (1, 1)


def test_a_scope_sees_only_its_own_rows_even_in_raw_sql():
    a, b = TenantFactory(), TenantFactory()
    OrganizationFactory(tenant=a)
    OrganizationFactory(tenant=b)
    OrganizationFactory(tenant=b)
    with tenant_scope(a):
        assert _scalar("SELECT count(*) FROM platform_site_organization") == 1
    with tenant_scope(b):
        assert _scalar("SELECT count(*) FROM platform_site_organization") == 2


def test_a_non_owner_role_is_confined_and_cannot_write_into_another_tenant():
    a, b = TenantFactory(), TenantFactory()
    OrganizationFactory(tenant=a, name="A")
    OrganizationFactory(tenant=b, name="B")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("CREATE ROLE rls_probe NOLOGIN NOSUPERUSER NOBYPASSRLS")
            cursor.execute("GRANT rls_probe TO CURRENT_USER")
            cursor.execute("GRANT SELECT, INSERT ON platform_site_organization TO rls_probe")
            cursor.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO rls_probe")
            cursor.execute("SET LOCAL ROLE rls_probe")
        assert _scalar("SELECT count(*) FROM platform_site_organization") == 0
        with tenant_scope(a):
            assert list(Organization.objects.values_list("name", flat=True)) == ["A"]
            assert _scalar("SELECT count(*) FROM platform_site_organization") == 1
            with pytest.raises((ProgrammingError, IntegrityError)) as info, transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO platform_site_organization (tenant_id, name, name_en, kind, ubn, size,"
                        " is_domestic, address, phone, created_at)"
                        " VALUES (%s, 'x', '', 'company', '', 'sme', true, '', '', now())",
                        [b.pk],
                    )
            assert "row-level security" in str(info.value)
        transaction.set_rollback(True)


def test_policy_expression_is_the_documented_one():
    assert POLICY_EXPRESSION == "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint"
