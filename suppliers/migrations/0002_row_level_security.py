from django.db import migrations

from platform_site.rls import enable_rls


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]

    operations = [
        enable_rls(
            "suppliers_supplierprofile",
            "suppliers_obligationacceptance",
            "suppliers_backgroundip",
            "suppliers_referencedesign",
            "suppliers_casereferencedesign",
            "suppliers_referral",
        )
    ]
