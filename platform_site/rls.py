"""PostgreSQL row-level security for tenant-owned tables (a second wall behind the scoped managers).

Each tenant table gets ``ENABLE`` + ``FORCE ROW LEVEL SECURITY`` (FORCE: the table owner is bound too) and
one policy comparing ``tenant_id`` with the connection's ``app.tenant_id`` setting, which
:func:`platform_site.tenancy.tenant_scope` sets. ``NULLIF(…, '')`` makes an unset or cleared setting
match no row instead of failing the ``::bigint`` cast. Other databases (SQLite) are left unchanged.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

POLICY_EXPRESSION = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint"


def _run(schema_editor: Any, statements: list[str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements:
        schema_editor.execute(statement)


def enable_sql(table: str) -> list[str]:
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'CREATE POLICY tenant_isolation ON "{table}" USING ({POLICY_EXPRESSION}) WITH CHECK ({POLICY_EXPRESSION})',
    ]


def disable_sql(table: str) -> list[str]:
    return [
        f'DROP POLICY IF EXISTS tenant_isolation ON "{table}"',
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
    ]


def enable_rls(*tables: str) -> migrations.RunPython:
    """A migration operation enabling and forcing RLS with the tenant policy on ``tables`` (PostgreSQL only)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        _run(schema_editor, [s for t in tables for s in enable_sql(t)])

    def backwards(apps: Any, schema_editor: Any) -> None:
        _run(schema_editor, [s for t in tables for s in disable_sql(t)])

    return migrations.RunPython(forwards, backwards, elidable=False)
