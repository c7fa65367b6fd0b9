"""Groups and users who could see the analytics under the permission's old home (the work order)
keep that right under its new one (insights.Analytics)."""

from django.conf import settings
from django.db import migrations

from core.migration_ops import move_permission


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0002_analytics_owns_its_permission"),
        ("workorders", "0007_queue_and_analytics_permissions_leave"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        move_permission(
            "view_analytics", name="Can view analytics",
            old=("workorders", "workorder"), new=("insights", "analytics"),
        ),
    ]
