"""TransitionLog becomes the one ActivityLog (renamed in place: rows, RLS policy and index are kept).

Existing rows are transitions of the ``state`` field. 0004 moves the data, 0005 makes the log append-only.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("platform_site", "0005_outbox"),
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
    ]
