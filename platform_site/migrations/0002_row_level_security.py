from django.db import migrations

from platform_site.rls import enable_rls


class Migration(migrations.Migration):
    dependencies = [("platform_site", "0001_initial")]

    operations = [
        enable_rls("platform_site_organization", "platform_site_transitionlog", "platform_site_tenantcounter"),
    ]
