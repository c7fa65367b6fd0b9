import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import ADMIN, MANAGER, OFFICE, ROLE_PERMISSIONS, ROLES, TECHNICIAN

pytestmark = pytest.mark.django_db

CUSTOMER_MODELS = ("source", "customer", "catalogitem")


def _group_permissions(role: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_every_role_is_a_group():
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)


@pytest.mark.parametrize("role", [TECHNICIAN, OFFICE, MANAGER])
def test_each_group_holds_exactly_its_role_permissions(role):
    assert _group_permissions(role) == ROLE_PERMISSIONS[role]


def test_a_technician_cannot_complete_or_reorder(technician):
    assert technician.has_perm("workorders.advance_workorder")
    assert not technician.has_perm("workorders.complete_workorder")
    assert not technician.has_perm("queue.reorder_queue")
    assert not technician.has_perm("repairs.complete_repairorder")


@pytest.mark.parametrize("action", ["add", "change", "delete"])
@pytest.mark.parametrize("model", CUSTOMER_MODELS)
def test_a_technician_cannot_edit_customers_sources_or_the_catalog(technician, model, action):
    assert not technician.has_perm(f"customers.{action}_{model}")


def test_a_manager_completes_and_reorders(manager):
    assert manager.has_perm("workorders.complete_workorder")
    assert manager.has_perm("queue.reorder_queue")
    assert manager.has_perm("workorders.delete_workorder")
    assert manager.has_perm("repairs.complete_repairorder")


def test_office_edits_orders_but_cannot_delete_or_complete_them(office_user):
    assert office_user.has_perm("workorders.change_workorder")
    assert office_user.has_perm("customers.add_customer")
    assert not office_user.has_perm("workorders.delete_workorder")
    assert not office_user.has_perm("customers.delete_customer")
    assert not office_user.has_perm("workorders.complete_workorder")
    assert not office_user.has_perm("queue.reorder_queue")


PROJECT_APPS = ("accounts", "auth", "contenttypes", "customers", "workorders", "repairs")


def test_the_admin_group_has_every_permission_of_the_shop(admin_role_user):
    shop = Permission.objects.filter(content_type__app_label__in=PROJECT_APPS)
    assert shop.filter(content_type__app_label="workorders", codename="complete_workorder").exists()

    assert set(Group.objects.get(name=ADMIN).permissions.all()) >= set(shop)
    assert admin_role_user.has_perm("accounts.delete_user")
    assert admin_role_user.has_perm("queue.reorder_queue")
    assert not admin_role_user.is_superuser


def test_the_admin_group_has_every_permission_in_the_database():
    assert set(Group.objects.get(name=ADMIN).permissions.all()) == set(Permission.objects.all())
