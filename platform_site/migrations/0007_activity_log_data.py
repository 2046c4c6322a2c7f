"""Data of the new activity log: a row without a user was the system's; the ``notified_at`` claims move to
SentNotification rows (kind ``applicant_email``) so that 0005 can drop the column and make the log append-only.

Runs per tenant with ``app.tenant_id`` set, so PostgreSQL row-level security lets it see and write each
tenant's rows; foreign keys are checked at once (not at commit, when no tenant is set any more).
"""

from django.db import migrations


def _per_tenant(schema_editor, statements):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT id FROM platform_site_tenant")
        tenant_ids = [row[0] for row in cursor.fetchall()]
        for tenant_id in tenant_ids:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('app.tenant_id', %s, false)", [str(tenant_id)])
            for sql in statements:
                cursor.execute(sql, [tenant_id])
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('app.tenant_id', '', false)")


def forwards(apps, schema_editor):
    _per_tenant(
        schema_editor,
        [
            "UPDATE platform_site_activitylog SET by_system = (actor_id IS NULL) WHERE tenant_id = %s",
            # Rows written after a rollback to 0002 are events (no state): not transitions of ``state``.
            "UPDATE platform_site_activitylog SET field_name = '' WHERE source_state = '' AND tenant_id = %s",
            "INSERT INTO platform_site_sentnotification (tenant_id, entry_id, kind, sent_at)"
            " SELECT tenant_id, id, 'applicant_email', notified_at FROM platform_site_activitylog"
            " WHERE notified_at IS NOT NULL AND tenant_id = %s",
        ],
    )


def backwards(apps, schema_editor):
    _per_tenant(
        schema_editor,
        [
            "UPDATE platform_site_activitylog SET notified_at = (SELECT s.sent_at FROM platform_site_sentnotification s"
            " WHERE s.entry_id = platform_site_activitylog.id AND s.kind = 'applicant_email') WHERE tenant_id = %s",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("platform_site", "0006_activity_log")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
