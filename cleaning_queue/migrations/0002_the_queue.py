from django.db import migrations


def create_the_queue(apps, schema_editor):
    apps.get_model("queue", "Queue").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("queue", "0001_initial")]

    operations = [migrations.RunPython(create_the_queue, migrations.RunPython.noop)]
