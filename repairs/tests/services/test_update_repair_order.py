"""services.update_repair_order: fields, the items, stale and refused edits."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.errors import StaleEditError
from customers.models import CatalogItem
from repairs import services
from repairs.models import RepairOrder, RepairOrderItem
from repairs.tests.factories import RepairOrderFactory
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db


def test_update_repair_order_saves_the_fields_and_bumps_the_version(office_user, manager):
    repair = RepairOrderFactory(created_by=office_user)

    updated = services.update_repair_order(
        repair_order=repair, fields={"repaired_by": "North Sails", "customer_price": Decimal("85.00")},
        expected_version=1, updated_by=manager,
    )

    row = RepairOrder.objects.get(pk=repair.pk)
    assert (row.repaired_by, row.customer_price) == ("North Sails", Decimal("85.00"))
    assert updated.version == row.version == 2
    assert (row.updated_by, row.number) == (manager, repair.number)


def test_update_repair_order_replaces_the_items_only_when_given():
    repair = RepairOrderFactory(items=[item_data(0), item_data(1)])
    before = list(repair.items.values_list("pk", flat=True))

    services.update_repair_order(repair_order=repair, fields={"rush": True}, expected_version=1, updated_by=None)
    assert list(repair.items.values_list("pk", flat=True)) == before

    services.update_repair_order(
        repair_order=repair, fields={}, items=[item_data(3)], expected_version=2, updated_by=None
    )
    assert list(repair.items.values_list("description", flat=True)) == ["Dodger"]


def test_update_repair_order_refuses_a_stale_version_and_writes_nothing(office_user, manager):
    repair = RepairOrderFactory()
    services.update_repair_order(repair_order=repair, fields={"location": "Loft"}, expected_version=1, updated_by=manager)
    items = list(repair.items.values_list("pk", flat=True))

    with pytest.raises(StaleEditError) as caught:
        services.update_repair_order(
            repair_order=repair, fields={"location": "Shop"}, items=[item_data(4)], expected_version=1,
            updated_by=office_user,
        )

    assert manager.display_name in str(caught.value)
    row = RepairOrder.objects.get(pk=repair.pk)
    assert (row.location, row.version, row.updated_by) == ("Loft", 2, manager)
    assert list(repair.items.values_list("pk", flat=True)) == items


def test_update_repair_order_items_swaps_the_list_and_bumps_the_version(manager):
    repair = RepairOrderFactory(items=[item_data(0), item_data(1)])

    services.update_repair_order(fields={},
        repair_order=repair, items=[item_data(2, quantity=2), item_data(3)], expected_version=1, updated_by=manager
    )

    assert list(repair.items.values_list("description", "quantity")) == [("Bimini", 2), ("Dodger", 1)]
    row = RepairOrder.objects.get(pk=repair.pk)
    assert (row.version, row.updated_by) == (2, manager)
    assert not CatalogItem.objects.exists()


def test_update_repair_order_items_refuses_a_bad_line_or_a_stale_version_and_keeps_the_items():
    repair = RepairOrderFactory(items=[item_data(0), item_data(1)])
    before = list(repair.items.values_list("pk", "description"))

    with pytest.raises(ValidationError):
        services.update_repair_order(fields={},
            repair_order=repair, items=[item_data(2), item_data(3, quantity=0)], expected_version=1, updated_by=None
        )
    with pytest.raises(StaleEditError):
        services.update_repair_order(fields={}, repair_order=repair, items=[item_data(2)], expected_version=7, updated_by=None)

    assert list(repair.items.values_list("pk", "description")) == before
    assert RepairOrder.objects.get(pk=repair.pk).version == 1


def test_a_fault_while_inserting_the_new_repair_items_leaves_the_old_items_intact(monkeypatch):
    repair = RepairOrderFactory(items=[item_data(0), item_data(1)])
    before = list(repair.items.values_list("pk", "description"))

    def boom(*args, **kwargs):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(RepairOrderItem.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError, match="injected fault"):
        services.update_repair_order(fields={}, repair_order=repair, items=[item_data(3)], expected_version=1, updated_by=None)
    monkeypatch.undo()

    assert list(repair.items.values_list("pk", "description")) == before


def test_update_repair_order_moves_the_link_in_the_same_change(office_user):
    repair = RepairOrderFactory()
    work_order = WorkOrderFactory(customer=repair.customer)

    updated = services.update_repair_order(
        repair_order=repair, fields={"rush": True}, work_order=work_order, expected_version=repair.version,
        updated_by=office_user,
    )

    assert updated.work_order == work_order and updated.rush is True
    assert updated.updated_by == office_user


def test_update_repair_order_refuses_a_stale_form_before_moving_the_link(office_user):
    repair = RepairOrderFactory()
    work_order = WorkOrderFactory(customer=repair.customer)
    services.update_repair_order(repair_order=repair, fields={"rush": True}, expected_version=1, updated_by=None)

    with pytest.raises(StaleEditError):
        services.update_repair_order(
            repair_order=repair, fields={}, work_order=work_order, expected_version=1, updated_by=office_user
        )

    repair.refresh_from_db()
    assert repair.work_order is None and repair.version == 2


def test_moving_the_link_in_an_edit_is_one_version_bump(office_user):
    repair = RepairOrderFactory()
    work_order = WorkOrderFactory(customer=repair.customer)

    updated = services.update_repair_order(
        repair_order=repair, fields={"rush": True}, work_order=work_order, expected_version=repair.version,
        updated_by=office_user,
    )

    assert updated.version == repair.version + 1
