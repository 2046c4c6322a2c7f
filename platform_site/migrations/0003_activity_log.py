"""TransitionLog becomes the one ActivityLog (renamed in place: rows, RLS policy and index are kept).

Existing rows are transitions of the ``state`` field; a row without a user was the system's. The
``notified_at`` claims move to SentNotification rows (kind ``applicant_email``) so the log can be append-only
(0004 drops the column and adds the trigger). The data step sets ``app.tenant_id`` per tenant so that
PostgreSQL row-level security lets it see and write each tenant's rows.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.db import migrations, models


def _per_tenant(schema_editor, statements):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
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
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("platform_site", "0002_row_level_security"),
    ]

    operations = [
        migrations.RenameModel("TransitionLog", "ActivityLog"),
        migrations.RenameIndex(model_name="activitylog", new_name="activity_subject_idx", old_name="translog_subject_idx"),
        migrations.RenameField("activitylog", "transition", "action"),
        migrations.RenameField("activitylog", "by", "actor"),
        migrations.AlterModelOptions(
            name="activitylog", options={"ordering": ["at", "pk"], "verbose_name": "activity log entry"}
        ),
        migrations.AddField(
            model_name="activitylog",
            name="field_name",
            field=models.CharField(blank=True, default="state", max_length=64, verbose_name="state field"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="activitylog",
            name="source_state",
            field=models.CharField(blank=True, max_length=64, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="activitylog",
            name="target_state",
            field=models.CharField(blank=True, max_length=64, verbose_name="to"),
        ),
        migrations.AddField(
            model_name="activitylog",
            name="by_system",
            field=models.BooleanField(default=False, verbose_name="by the system"),
        ),
        migrations.AddField(
            model_name="activitylog",
            name="data",
            field=models.JSONField(
                blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name="details"
            ),
        ),
        migrations.CreateModel(
            name="SentNotification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=64)),
                ("sent_at", models.DateTimeField(auto_now_add=True)),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="platform_site.activitylog"
                    ),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="platform_site.tenant",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("entry", "kind"), name="sentnotification_unique_entry_kind")
                ],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
