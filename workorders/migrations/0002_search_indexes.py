from django.db import migrations

from core.migration_ops import trigram_search_indexes


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]

    operations = [trigram_search_indexes(("workorders_workorder", "name"))]
