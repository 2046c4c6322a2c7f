"""Logins are emails and compared case-insensitively: the database refuses a second ``Lin@x`` beside ``lin@x``.

Django's ``auth_user.username`` is unique only as typed; this expression index (PostgreSQL and SQLite) makes a
race between two registrations with differently-cased emails a detectable IntegrityError too.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("platform_site", "0003_tenant_settings_schema"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX auth_user_username_ci_uniq ON auth_user (LOWER(username))",
            "DROP INDEX auth_user_username_ci_uniq",
        ),
    ]
