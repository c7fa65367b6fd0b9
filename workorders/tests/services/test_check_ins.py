"""The check-in services: create, update, convert to a work order, delete."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.editing import DATE_REQUIRED_BEFORE_DATE_IN
from core.errors import AlreadyProcessed, StaleEditError
from customers.models import CatalogItem
from customers.tests.factories import CatalogItemFactory, CustomerFactory
from testing.work_orders import DATE_IN, TODAY, catalog_picked
from workorders import services
from workorders.models import CheckIn, CheckInItem, WorkOrder
from workorders.stages import Stage
from workorders.tests.factories import CheckInFactory, item_data

pytestmark = pytest.mark.django_db


def test_create_check_in_saves_a_pending_ticket_with_its_items(office_user):
    customer = CustomerFactory()

    check_in = services.create_check_in(
        customer=customer,
        fields={"date_in": DATE_IN, "rush": True, "rack_number": "C3"},
        items=[item_data(0, quantity=2), item_data(1)],
        created_by=office_user,
    )

    row = CheckIn.objects.get(pk=check_in.pk)
    assert (row.customer, row.status, row.work_order, row.date_in, row.rush, row.rack_number) == (
        customer, CheckIn.Status.PENDING, None, DATE_IN, True, "C3",
    )
    assert (row.created_by, row.updated_by, row.version) == (office_user, office_user, 1)
    assert list(row.items.values_list("description", "quantity")) == [("Awning", 2), ("Main sail", 1)]
    assert not CatalogItem.objects.exists()


def test_create_check_in_refuses_bad_input_and_writes_nothing():
    customer = CustomerFactory()

    with pytest.raises(ValidationError) as caught:
        services.create_check_in(
            customer=customer, fields={"date_in": TODAY, "date_required": DATE_IN}, items=[item_data()],
            created_by=None,
        )
    assert caught.value.message_dict == {"date_required": [DATE_REQUIRED_BEFORE_DATE_IN]}

    with pytest.raises(ValidationError):
        services.create_check_in(customer=customer, fields={}, items=[item_data(quantity=0)], created_by=None)

    assert (CheckIn.objects.count(), CheckInItem.objects.count()) == (0, 0)


def test_update_check_in_saves_fields_and_items_and_bumps_the_version(manager):
    check_in = CheckInFactory(items=[item_data(0)])

    services.update_check_in(
        check_in=check_in, fields={"rack_number": "D4"}, items=[item_data(2), item_data(3)],
        expected_version=1, updated_by=manager,
    )

    row = CheckIn.objects.get(pk=check_in.pk)
    assert (row.rack_number, row.version, row.updated_by) == ("D4", 2, manager)
    assert list(row.items.values_list("description", flat=True)) == ["Bimini", "Dodger"]


def test_update_check_in_refuses_a_stale_version(manager):
    check_in = CheckInFactory()
    services.update_check_in(check_in=check_in, fields={"rack_number": "D4"}, expected_version=1, updated_by=manager)

    with pytest.raises(StaleEditError):
        services.update_check_in(check_in=check_in, fields={"rack_number": "E5"}, expected_version=1, updated_by=None)

    assert CheckIn.objects.get(pk=check_in.pk).rack_number == "D4"


def test_convert_check_in_creates_a_work_order_with_its_fields_and_items(office_user):
    customer = CustomerFactory()
    check_in = CheckInFactory(
        customer=customer,
        date_in=DATE_IN,
        date_required=TODAY,
        rush=True,
        repairs_needed=True,
        storage_time="seasonal",
        rack_number="B7",
        return_to="customer",
        special_instructions="Mildew on the valance",
        items=[item_data(0, quantity=2, price=Decimal("40.00")), item_data(1)],
    )

    order = services.convert_check_in(check_in=check_in, converted_by=office_user)

    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.customer, row.name, row.date_in, row.date_required, row.rush, row.repairs_needed) == (
        customer, customer.name, DATE_IN, TODAY, True, True,
    )
    assert (row.storage_time, row.rack_number, row.return_to, row.special_instructions) == (
        "seasonal", "B7", "customer", "Mildew on the valance",
    )
    assert (row.stage, row.created_by) == (Stage.AWAITING_QUOTE, office_user)
    assert list(row.items.values_list("description", "material", "colour", "size", "quantity", "price")) == list(
        check_in.items.values_list("description", "material", "colour", "size", "quantity", "price")
    )
    converted = CheckIn.objects.get(pk=check_in.pk)
    assert (converted.status, converted.work_order, converted.version, converted.updated_by) == (
        CheckIn.Status.PROCESSED, row, 2, office_user,
    )


def test_converting_keeps_catalog_picks_linked_and_adds_new_items_to_the_catalog():
    picked = CatalogItemFactory(description="Sail cover", quantity=1)
    check_in = CheckInFactory(
        customer=picked.customer, items=[catalog_picked(picked, quantity=2), item_data(2, quantity=3)]
    )
    assert CatalogItem.objects.count() == 1

    order = services.convert_check_in(check_in=check_in, converted_by=None)

    from_catalog, typed = order.items.all()
    assert (from_catalog.catalog_item, from_catalog.quantity) == (picked, 2)
    assert CatalogItem.objects.get(pk=picked.pk).quantity == 1
    assert typed.catalog_item is not None and typed.catalog_item != picked
    assert (typed.catalog_item.description_key, typed.catalog_item.quantity) == ("bimini", 3)
    assert CatalogItem.objects.count() == 2


def test_converting_a_check_in_twice_is_refused():
    check_in = CheckInFactory()
    order = services.convert_check_in(check_in=check_in, converted_by=None)

    with pytest.raises(AlreadyProcessed) as caught:
        services.convert_check_in(check_in=check_in, converted_by=None)

    assert str(caught.value) == services.CHECK_IN_PROCESSED.format(pk=check_in.pk, number=order.number)
    assert WorkOrder.objects.count() == 1
    assert CheckIn.objects.get(pk=check_in.pk).work_order == order


def test_update_check_in_is_refused_once_processed():
    check_in = CheckInFactory(rack_number="A1")
    order = services.convert_check_in(check_in=check_in, converted_by=None)

    with pytest.raises(AlreadyProcessed) as caught:
        services.update_check_in(
            check_in=check_in, fields={"rack_number": "Z9"}, items=[item_data(4)], expected_version=None,
            updated_by=None,
        )

    assert str(caught.value) == services.CHECK_IN_PROCESSED.format(pk=check_in.pk, number=order.number)
    row = CheckIn.objects.get(pk=check_in.pk)
    assert (row.rack_number, row.version) == ("A1", 2)
    assert list(row.items.values_list("description", flat=True)) == ["Awning"]


def test_delete_check_in_removes_a_pending_ticket():
    check_in = CheckInFactory()

    services.delete_check_in(check_in=check_in)

    assert (CheckIn.objects.count(), CheckInItem.objects.count()) == (0, 0)


def test_delete_check_in_is_refused_once_processed():
    check_in = CheckInFactory()
    services.convert_check_in(check_in=check_in, converted_by=None)

    with pytest.raises(AlreadyProcessed):
        services.delete_check_in(check_in=check_in)

    assert CheckIn.objects.filter(pk=check_in.pk, status=CheckIn.Status.PROCESSED).exists()


def test_a_processed_check_in_stays_refused_after_its_work_order_is_deleted():
    check_in = CheckInFactory()
    order = services.convert_check_in(check_in=check_in, converted_by=None)
    services.delete_work_order(work_order=order)

    with pytest.raises(AlreadyProcessed) as refused_edit:
        services.update_check_in(check_in=check_in, fields={"rack_number": "Z9"}, expected_version=None, updated_by=None)
    with pytest.raises(AlreadyProcessed) as refused_delete:
        services.delete_check_in(check_in=check_in)

    expected = services.CHECK_IN_PROCESSED_ORDER_DELETED.format(pk=check_in.pk)
    assert str(refused_edit.value) == str(refused_delete.value) == expected

    assert CheckIn.objects.filter(pk=check_in.pk, status=CheckIn.Status.PROCESSED, work_order=None).exists()
