from django.db import migrations

from core.migration_ops import trigram_search_indexes


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        trigram_search_indexes(
            ("customers_customer", "name"),
            ("customers_customer", "contact"),
            ("customers_catalogitem", "description"),
            ("customers_source", "name"),
        )
    ]
