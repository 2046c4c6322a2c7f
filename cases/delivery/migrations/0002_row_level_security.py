from django.db import migrations

from platform_site.rls import enable_rls


class Migration(migrations.Migration):
    dependencies = [("delivery", "0001_initial")]

    operations = [
        enable_rls(
            "delivery_serviceproject",
            "delivery_customerserviceticket",
            "delivery_workgroup",
            "delivery_assignment",
            "delivery_milestone",
            "delivery_progressreport",
            "delivery_reporthours",
            "delivery_milestoneprogress",
            "delivery_reportattachment",
        ),
    ]
