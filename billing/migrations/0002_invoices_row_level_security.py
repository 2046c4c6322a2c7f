from django.db import migrations

from platform_site.rls import enable_rls


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_invoices")]

    operations = [
        enable_rls(
            "billing_invoicenumberrange",
            "billing_invoice",
            "billing_invoiceline",
            "billing_payment",
            "billing_exportjob",
        ),
    ]
