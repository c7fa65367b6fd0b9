import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from sequences import get_last_value

from core.errors import AlreadyLinked, InvalidTransition, StaleEditError
from core.numbering import REPAIR_ORDER_NUMBER
from core.editing import DATE_REQUIRED_BEFORE_DATE_IN
from customers.models import CatalogItem
from customers.tests.factories import CatalogItemFactory, CustomerFactory
from repairs import services
from repairs.models import RepairOrder, RepairOrderItem
from repairs.tests.factories import RepairOrderFactory
from workorders.models import WorkOrder
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _linked_work_order(repair_order: RepairOrder) -> WorkOrder | None:
    return RepairOrder.objects.get(pk=repair_order.pk).work_order


# ---------------------------------------------------------------------------------------------
# create / update / items
# ---------------------------------------------------------------------------------------------


def test_create_repair_order_takes_the_next_consecutive_number(office_user):
    customer = CustomerFactory()

    first = services.create_repair_order(customer=customer, fields={}, items=[item_data()], created_by=office_user)
    second = services.create_repair_order(customer=customer, fields={}, items=[item_data()], created_by=office_user)

    assert first.number >= 1
    assert second.number == first.number + 1 == get_last_value(REPAIR_ORDER_NUMBER)
    row = RepairOrder.objects.get(pk=first.pk)
    assert (row.created_by, row.updated_by, row.version, row.work_order) == (office_user, office_user, 1, None)


def test_repair_order_name_defaults_to_the_customer_name():
    customer = CustomerFactory(name="Severn Boat Club")

    defaulted = RepairOrderFactory(customer=customer)
    named = RepairOrderFactory(customer=customer, name="Jib repair")

    assert RepairOrder.objects.get(pk=defaulted.pk).name == "Severn Boat Club"
    assert RepairOrder.objects.get(pk=named.pk).name == "Jib repair"


def test_repair_order_items_never_touch_the_catalog():
    known = CatalogItemFactory(description="Main sail", quantity=2)

    repair = RepairOrderFactory(
        customer=known.customer,
        items=[item_data(0, quantity=3), {"description": "Main sail", "material": known.material, "quantity": 1}],
    )

    assert list(repair.items.values_list("description", "quantity", "catalog_item")) == [
        ("Awning", 3, None), ("Main sail", 1, None),
    ]
    assert list(CatalogItem.objects.values_list("pk", "quantity")) == [(known.pk, 2)]


def test_create_repair_order_refuses_bad_input_and_writes_nothing():
    customer = CustomerFactory()
    before = RepairOrderFactory(customer=customer).number

    with pytest.raises(ValidationError) as caught:
        services.create_repair_order(
            customer=customer, fields={"date_in": TODAY, "date_required": TODAY - datetime.timedelta(days=1)},
            items=[item_data()], created_by=None,
        )
    assert caught.value.message_dict == {"date_required": [DATE_REQUIRED_BEFORE_DATE_IN]}

    with pytest.raises(ValidationError) as caught:
        services.create_repair_order(
            customer=customer, fields={}, items=[item_data(price=Decimal("-3"))], created_by=None
        )
    assert caught.value.messages[0].startswith("Item 1: price: ")

    assert RepairOrder.objects.count() == 1
    assert RepairOrderFactory(customer=customer).number == before + 1


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


# ---------------------------------------------------------------------------------------------
# link_repair
# ---------------------------------------------------------------------------------------------


def test_link_repair_links_the_work_order(office_user):
    repair, order = RepairOrderFactory(), WorkOrderFactory()

    services.link_repair(repair_order=repair, work_order=order, linked_by=office_user)

    row = RepairOrder.objects.get(pk=repair.pk)
    assert (row.work_order, row.version, row.updated_by) == (order, 2, office_user)
    assert WorkOrder.objects.get(pk=order.pk).repair_order == row


def test_create_repair_order_can_link_a_work_order():
    order = WorkOrderFactory()

    repair = RepairOrderFactory(customer=order.customer, work_order=order)

    assert _linked_work_order(repair) == order


def test_linking_the_same_work_order_again_changes_nothing():
    order = WorkOrderFactory()
    repair = RepairOrderFactory(work_order=order)

    services.link_repair(repair_order=repair, work_order=order, linked_by=None)

    assert _linked_work_order(repair) == order
    assert RepairOrder.objects.filter(work_order=order).count() == 1


def test_a_repair_order_linked_elsewhere_is_refused_unless_relinking():
    first, second = WorkOrderFactory(), WorkOrderFactory()
    repair = RepairOrderFactory(work_order=first)

    with pytest.raises(AlreadyLinked) as caught:
        services.link_repair(repair_order=repair, work_order=second, linked_by=None)

    assert str(caught.value) == services.LINKED_ELSEWHERE.format(
        repair=repair.number, current=first.number, target=second.number
    )
    assert _linked_work_order(repair) == first
    assert RepairOrder.objects.get(pk=repair.pk).version == repair.version


def test_relinking_moves_a_repair_order_to_another_work_order():
    first, second = WorkOrderFactory(), WorkOrderFactory()
    repair = RepairOrderFactory(work_order=first)

    services.link_repair(repair_order=repair, work_order=second, relink=True, linked_by=None)

    assert _linked_work_order(repair) == second
    assert not RepairOrder.objects.filter(work_order=first).exists()


def test_a_work_order_linked_to_another_repair_order_is_refused_unless_relinking():
    order = WorkOrderFactory()
    holder = RepairOrderFactory(work_order=order)
    newcomer = RepairOrderFactory()

    with pytest.raises(AlreadyLinked) as caught:
        services.link_repair(repair_order=newcomer, work_order=order, linked_by=None)

    assert str(caught.value) == services.WORK_ORDER_TAKEN.format(
        target=order.number, other=holder.number, repair=newcomer.number
    )
    assert _linked_work_order(holder) == order
    assert _linked_work_order(newcomer) is None


def test_relinking_takes_the_work_order_from_the_other_repair_order():
    order = WorkOrderFactory()
    holder = RepairOrderFactory(work_order=order)
    newcomer = RepairOrderFactory()

    services.link_repair(repair_order=newcomer, work_order=order, relink=True, linked_by=None)

    assert _linked_work_order(newcomer) == order
    old = RepairOrder.objects.get(pk=holder.pk)
    assert old.work_order is None
    assert old.version == holder.version + 1  # an open edit form of the other order goes stale


def test_link_repair_with_no_work_order_unlinks():
    order = WorkOrderFactory()
    repair = RepairOrderFactory(work_order=order)

    services.link_repair(repair_order=repair, work_order=None, linked_by=None)

    assert _linked_work_order(repair) is None
    assert WorkOrder.objects.filter(pk=order.pk).exists()
    assert not RepairOrder.objects.filter(work_order=order).exists()


# ---------------------------------------------------------------------------------------------
# complete_repair_order
# ---------------------------------------------------------------------------------------------


def test_a_manager_completes_a_repair_order(manager):
    repair = RepairOrderFactory()
    on = TODAY - datetime.timedelta(days=1)

    services.complete_repair_order(repair_order=repair, on=on, completed_by=manager)

    row = RepairOrder.objects.get(pk=repair.pk)
    assert (row.completed_on, row.version, row.updated_by) == (on, 2, manager)
    assert not row.is_open


def test_completing_without_a_date_stamps_today(manager):
    repair = RepairOrderFactory()

    services.complete_repair_order(repair_order=repair, completed_by=manager)

    assert RepairOrder.objects.get(pk=repair.pk).completed_on == timezone.localdate()


@pytest.mark.parametrize("role_fixture", ["office_user", "technician"])
def test_only_managers_complete_repair_orders(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    repair = RepairOrderFactory()

    with pytest.raises(PermissionDenied) as caught:
        services.complete_repair_order(repair_order=repair, completed_by=user)

    assert str(caught.value) == services.ONLY_MANAGERS_COMPLETE
    assert RepairOrder.objects.get(pk=repair.pk).completed_on is None


def test_completing_a_repair_order_twice_is_refused(manager):
    repair = RepairOrderFactory()
    first_day = TODAY - datetime.timedelta(days=2)
    services.complete_repair_order(repair_order=repair, on=first_day, completed_by=manager)

    with pytest.raises(InvalidTransition) as caught:
        services.complete_repair_order(repair_order=repair, completed_by=manager)

    assert str(caught.value) == services.ALREADY_COMPLETED.format(number=repair.number)
    row = RepairOrder.objects.get(pk=repair.pk)
    assert (row.completed_on, row.version) == (first_day, 2)


def test_linking_to_the_same_work_order_again_is_not_an_edit():
    order = WorkOrderFactory()
    repair = RepairOrderFactory(customer=order.customer, work_order=order)
    again = services.link_repair(repair_order=repair, work_order=order, linked_by=None)
    assert again.version == RepairOrder.objects.get(pk=repair.pk).version == repair.version
