from django.db import migrations

from platform_site.rls import enable_rls


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        enable_rls("cases_demandcase", "cases_casedocument", "cases_needsanalysis"),
    ]
