"""move_permission, through the two migrations that use it: the queue's reorder permission and the
analytics permission left the work order for the models that own them, and whoever held them
under the old home holds them under the new one, forwards and backwards."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("queue", "0004_queue_owns_reorder_permission"), ("insights", "0002_analytics_owns_its_permission")]
AFTER = [("queue", "0005_move_reorder_grants"), ("insights", "0003_move_analytics_grants")]
OLD = {"workorders.reorder_queue", "workorders.view_analytics"}
NEW = {"queue.reorder_queue", "insights.view_analytics"}


def migrate(targets, *, fake: bool = False) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets, fake=fake)


@pytest.fixture
def at_the_old_home():
    """The database as it was before the move (the backwards migration recreates the old
    permissions); afterwards, back to the latest migrations."""
    migrate(BEFORE)
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()  # some tests delete content types behind the cache


def labels(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions.select_related("content_type")}


def permission(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def existing(candidates: set[str]) -> set[str]:
    return {label for label in candidates if labels(Permission.objects.all()) >= {label}}


@pytest.fixture
def holders(at_the_old_home):
    """A custom group and a user holding the old permissions directly, and a user without them."""
    group = Group.objects.create(name="Shift leads")
    group.permissions.add(*(permission(label) for label in OLD))
    direct = User.objects.create_user(username="direct")
    direct.user_permissions.add(*(permission(label) for label in OLD))
    nobody = User.objects.create_user(username="nobody")
    return group, direct, nobody


def test_the_old_home_is_really_the_starting_point(holders):
    assert existing(OLD | NEW) == OLD


def test_forwards_the_holders_keep_the_right_and_the_old_permissions_go(holders):
    group, direct, nobody = holders
    migrate(AFTER)
    assert existing(OLD | NEW) == NEW
    assert labels(Permission.objects.filter(group=group)) == NEW
    assert labels(Permission.objects.filter(user=direct)) == NEW
    assert labels(Permission.objects.filter(user=nobody)) == set()
    fresh = User.objects.get(pk=direct.pk)  # a new object: has_perm caches per instance
    assert fresh.has_perm("queue.reorder_queue") and fresh.has_perm("insights.view_analytics")
    assert Group.objects.get(pk=group.pk).user_set.count() == 0  # nothing else changed hands


def test_backwards_the_holders_get_the_old_permissions_back(holders):
    group, direct, _ = holders
    migrate(AFTER)
    migrate(BEFORE)
    assert existing(OLD | NEW) == OLD
    assert labels(Permission.objects.filter(group=group)) == OLD
    assert labels(Permission.objects.filter(user=direct)) == OLD


def test_a_holder_of_both_ends_up_with_one_grant(holders):
    """Someone already given the new permission (by hand, or a partial earlier run) is no error."""
    group, _, _ = holders
    queue_type = ContentType.objects.get(app_label="queue", model="queue")
    new, _ = Permission.objects.get_or_create(content_type=queue_type, codename="reorder_queue",
                                              defaults={"name": "Can reorder and reset the cleaning queue"})
    group.permissions.add(new)
    migrate(AFTER)
    assert labels(Permission.objects.filter(group=group)) == NEW


def test_a_database_without_the_permissions_or_the_new_content_type(at_the_old_home):
    """A fresh database: no permission rows yet (post_migrate creates them after all
    migrations), and no content type for the new model. The move has nothing to carry."""
    Permission.objects.filter(content_type__app_label__in=("workorders", "queue", "insights")).delete()
    ContentType.objects.filter(app_label="insights", model="analytics").delete()
    ContentType.objects.clear_cache()
    migrate(AFTER)
    assert existing(OLD | NEW) == set()


def test_the_new_content_type_is_created_when_grants_need_it(holders):
    """An old database never had a content type for insights.Analytics: the move creates it."""
    group, _, _ = holders
    ContentType.objects.filter(app_label="insights", model="analytics").delete()
    ContentType.objects.clear_cache()
    migrate(AFTER)
    assert labels(Permission.objects.filter(group=group)) == NEW


def test_negative_control_without_the_data_migration_the_grants_are_lost(holders):
    """What Django alone does when a permission changes model: the holders of the old one do not
    get the new one. The assertions above would fail on this."""
    group, direct, _ = holders
    migrate(AFTER, fake=True)  # the schema moves, the grants are not carried
    assert labels(Permission.objects.filter(group=group)) == OLD
    assert labels(Permission.objects.filter(user=direct)) == OLD
    assert not User.objects.get(pk=direct.pk).has_perm("queue.reorder_queue")
