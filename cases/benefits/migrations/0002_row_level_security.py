from django.db import migrations

from platform_site.rls import enable_rls


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]

    operations = [enable_rls("benefits_kpimeasurement")]
