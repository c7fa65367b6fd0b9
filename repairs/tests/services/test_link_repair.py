"""services.link_repair: linking, relinking and unlinking a work order."""

import pytest

from core.errors import AlreadyLinked
from repairs import services
from repairs.models import RepairOrder
from repairs.tests.factories import RepairOrderFactory
from workorders.models import WorkOrder
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db


def _linked_work_order(repair_order: RepairOrder) -> WorkOrder | None:
    return RepairOrder.objects.get(pk=repair_order.pk).work_order


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


def test_linking_to_the_same_work_order_again_is_not_an_edit():
    order = WorkOrderFactory()
    repair = RepairOrderFactory(customer=order.customer, work_order=order)
    again = services.link_repair(repair_order=repair, work_order=order, linked_by=None)
    assert again.version == RepairOrder.objects.get(pk=repair.pk).version == repair.version
