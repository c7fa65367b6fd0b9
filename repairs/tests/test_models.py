import pytest
from django.db import IntegrityError, transaction

from repairs.models import RepairOrder
from repairs.tests.factories import RepairOrderFactory
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db


def test_a_work_order_links_to_at_most_one_repair_order_in_the_database():
    order = WorkOrderFactory()
    linked = RepairOrderFactory(work_order=order)
    other = RepairOrderFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        RepairOrder.objects.filter(pk=other.pk).update(work_order=order)

    assert list(RepairOrder.objects.filter(work_order=order).values_list("pk", flat=True)) == [linked.pk]


def test_repair_order_number_is_unique_in_the_database():
    first, second = RepairOrderFactory(), RepairOrderFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        RepairOrder.objects.filter(pk=second.pk).update(number=first.number)

    assert RepairOrder.objects.filter(number=first.number).count() == 1


def test_repair_order_number_must_be_positive_in_the_database():
    repair = RepairOrderFactory()

    with pytest.raises(IntegrityError, match="repair_order_number_positive"), transaction.atomic():
        RepairOrder.objects.filter(pk=repair.pk).update(number=0)

    assert RepairOrder.objects.get(pk=repair.pk).number == repair.number
