from django.db import migrations

from core.migration_ops import trigram_search_indexes


class Migration(migrations.Migration):
    dependencies = [("repairs", "0001_initial")]

    operations = [
        trigram_search_indexes(
            ("repairs_repairorder", "name"), ("repairs_repairorder", "item_type"), ("repairs_repairorder", "repair_type")
        )
    ]
