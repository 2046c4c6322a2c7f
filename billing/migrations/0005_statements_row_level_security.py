from django.db import migrations

from platform_site.rls import enable_rls


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_statements")]

    operations = [
        enable_rls(
            "billing_ratecard",
            "billing_ratecardrate",
            "billing_nrestatement",
            "billing_nrelabourline",
            "billing_nrecostitem",
            "billing_suppliernreagreement",
            "billing_equipment",
            "billing_maintenancefee",
            "billing_maintenanceusage",
            "billing_royaltyagreement",
            "billing_royaltyparty",
            "billing_salesreport",
            "billing_royaltystatement",
            "billing_royaltyline",
        ),
    ]
