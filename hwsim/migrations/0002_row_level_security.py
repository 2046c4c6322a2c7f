from django.db import migrations

from platform_site.rls import enable_rls


class Migration(migrations.Migration):
    dependencies = [("hwsim", "0001_initial")]

    operations = [
        enable_rls("hwsim_platformpreset", "hwsim_verificationrequest", "hwsim_requestplatform", "hwsim_verificationjob"),
    ]
