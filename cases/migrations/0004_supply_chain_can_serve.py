"""The third 資格審 item is a branch, not a criterion (seed 000_9617a3b789ca4d20.txt, 現有外部供應鏈可服務？).

``eligible_supply_chain_gap`` ("the existing supply chain cannot serve it") becomes
``existing_supply_chain_can_serve`` with every stored answer inverted (True ↔ False; NULL = not yet assessed
stays NULL), and the reviewer's answer to "Is customisation needed?" gets a column.

The table has FORCE ROW LEVEL SECURITY on PostgreSQL (0002): an UPDATE with no ``app.tenant_id`` set would
match no row, so the inversion runs once per tenant with the setting made local to the migration's
transaction.
"""

from django.db import migrations, models

INVERT = (
    "UPDATE cases_demandcase SET existing_supply_chain_can_serve = NOT existing_supply_chain_can_serve "
    "WHERE existing_supply_chain_can_serve IS NOT NULL"
)


def invert(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(INVERT)
            return
        tenant_ids = apps.get_model("platform_site", "Tenant").objects.values_list("pk", flat=True)
        for tenant_id in list(tenant_ids):
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
            cursor.execute(INVERT)
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_list_indexes"), ("platform_site", "0002_row_level_security")]

    operations = [
        migrations.RenameField("demandcase", "eligible_supply_chain_gap", "existing_supply_chain_can_serve"),
        migrations.AlterField(
            model_name="demandcase",
            name="existing_supply_chain_can_serve",
            field=models.BooleanField(null=True, verbose_name="the existing external supply chain can serve it"),
        ),
        migrations.RunPython(invert, invert, elidable=False),
        migrations.AddField(
            model_name="demandcase",
            name="customisation_needed",
            field=models.BooleanField(null=True, verbose_name="customisation needed (reviewer's answer)"),
        ),
    ]
