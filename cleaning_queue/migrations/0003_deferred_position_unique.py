from django.db import migrations, models


def sqlite_unique_index(apps, schema_editor):
    # Django creates a deferrable constraint only where the database can defer it (PostgreSQL);
    # SQLite gets an ordinary unique index with the same meaning.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            'CREATE UNIQUE INDEX IF NOT EXISTS "queue_position_unique_immediate" ON "queue_queueentry" ("position")'
        )


def drop_sqlite_unique_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute('DROP INDEX IF EXISTS "queue_position_unique_immediate"')


class Migration(migrations.Migration):
    dependencies = [("queue", "0002_the_queue")]

    operations = [
        migrations.RemoveConstraint(model_name="queueentry", name="queue_position_unique"),
        migrations.AddConstraint(
            model_name="queueentry",
            constraint=models.UniqueConstraint(
                deferrable=models.Deferrable.DEFERRED, fields=("position",), name="queue_position_unique"
            ),
        ),
        migrations.RunPython(sqlite_unique_index, drop_sqlite_unique_index),
    ]
