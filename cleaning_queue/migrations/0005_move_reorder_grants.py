"""Groups and users who could reorder the queue under the permission's old home (the work order)
keep that right under its new one (the queue)."""

from django.conf import settings
from django.db import migrations

from core.migration_ops import move_permission


class Migration(migrations.Migration):
    dependencies = [
        ("queue", "0004_queue_owns_reorder_permission"),
        ("workorders", "0007_queue_and_analytics_permissions_leave"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        move_permission(
            "reorder_queue", name="Can reorder and reset the cleaning queue",
            old=("workorders", "workorder"), new=("queue", "queue"),
        ),
    ]
