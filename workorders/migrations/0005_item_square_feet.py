from decimal import Decimal

from django.db import migrations, models

from core.sizes import parse_square_feet

BATCH = 2000


def parse_existing_sizes(apps, schema_editor):
    """Fill square_feet for the lines written before it existed, in batches by primary key."""
    WorkOrderItem = apps.get_model("workorders", "WorkOrderItem")
    last_pk = 0
    while batch := list(
        WorkOrderItem.objects.filter(pk__gt=last_pk).exclude(size="").order_by("pk").only("pk", "size")[:BATCH]
    ):
        for item in batch:
            area = parse_square_feet(item.size)
            item.square_feet = Decimal(str(area)) if area is not None else None
        WorkOrderItem.objects.bulk_update(batch, ["square_feet"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0004_attachment_thumbnails"),
    ]

    operations = [
        migrations.AddField(
            model_name="workorderitem",
            name="square_feet",
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=7, null=True),
        ),
        migrations.RunPython(parse_existing_sizes, migrations.RunPython.noop, elidable=True),
    ]
