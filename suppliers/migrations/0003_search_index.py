"""The keyword index of supplier profiles (suppliers/search.py): PostgreSQL GIN on a ``simple`` tsvector of the
token column; SQLite an FTS5 table (rowid = profile id) kept in step by triggers."""

from typing import Any

from django.db import migrations

PG_FORWARDS = [
    "CREATE INDEX supplier_search_gin ON suppliers_supplierprofile "
    "USING gin (to_tsvector('simple'::regconfig, search_tokens))",
]
PG_BACKWARDS = ["DROP INDEX IF EXISTS supplier_search_gin"]
SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE suppliers_profile_fts USING fts5(search_tokens, tokenize='unicode61')",
    "INSERT INTO suppliers_profile_fts(rowid, search_tokens) SELECT id, search_tokens FROM suppliers_supplierprofile",
    "CREATE TRIGGER suppliers_profile_fts_ai AFTER INSERT ON suppliers_supplierprofile BEGIN "
    "INSERT INTO suppliers_profile_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    "CREATE TRIGGER suppliers_profile_fts_ad AFTER DELETE ON suppliers_supplierprofile BEGIN "
    "DELETE FROM suppliers_profile_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER suppliers_profile_fts_au AFTER UPDATE OF search_tokens ON suppliers_supplierprofile BEGIN "
    "UPDATE suppliers_profile_fts SET search_tokens = new.search_tokens WHERE rowid = old.id; END",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS suppliers_profile_fts_au",
    "DROP TRIGGER IF EXISTS suppliers_profile_fts_ad",
    "DROP TRIGGER IF EXISTS suppliers_profile_fts_ai",
    "DROP TABLE IF EXISTS suppliers_profile_fts",
]


def _run(schema_editor: Any, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"postgresql": PG_FORWARDS, "sqlite": SQLITE_FORWARDS})


def backwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"postgresql": PG_BACKWARDS, "sqlite": SQLITE_BACKWARDS})


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0002_row_level_security")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
