"""The activity log is append-only: ``notified_at`` goes (now SentNotification), and on PostgreSQL a trigger
refuses every UPDATE and DELETE of a row, for every role including the table owner. (TRUNCATE, used only by
maintenance and test-database flushes, is not a row operation and stays possible for the owner.)
SentNotification gets the tenant row-level-security policy."""

from django.db import migrations

from platform_site.rls import enable_rls

TABLE = "platform_site_activitylog"
FUNCTION = "platform_site_activitylog_append_only"

CREATE = [
    f"""CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- no format placeholder here: the migration runs this through a parameterised cursor
    RAISE EXCEPTION USING MESSAGE = 'the activity log is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END
$$""",
    f'CREATE TRIGGER activitylog_append_only BEFORE UPDATE OR DELETE ON "{TABLE}" FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()',
]
DROP = [f'DROP TRIGGER IF EXISTS activitylog_append_only ON "{TABLE}"', f"DROP FUNCTION IF EXISTS {FUNCTION}()"]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("platform_site", "0007_activity_log_data")]

    operations = [
        migrations.RemoveField(model_name="activitylog", name="notified_at"),
        enable_rls("platform_site_sentnotification"),
        migrations.RunPython(_run(CREATE), _run(DROP), elidable=False),
    ]
