"""The database itself refuses a work order whose stage disagrees with its dates and quote, even
for code that skips the services (queryset .update() here)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from core.choices import QuoteStatus
from workorders import services
from workorders.models import CheckIn, WorkOrder, WorkOrderItem
from workorders.stages import Stage
from workorders.tests.factories import CheckInFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _refused(order: WorkOrder, constraint: str, **changes) -> None:
    """The UPDATE fails on the named constraint and the row is left as it was."""
    before = WorkOrder.objects.filter(pk=order.pk).values().get()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        WorkOrder.objects.filter(pk=order.pk).update(**changes)
    assert WorkOrder.objects.filter(pk=order.pk).values().get() == before


def test_a_completed_order_needs_a_completion_date(manager):
    order = WorkOrderFactory(quote=QuoteStatus.APPROVED)

    _refused(order, "work_order_completed_has_date", stage=Stage.COMPLETED)

    WorkOrder.objects.filter(pk=order.pk).update(stage=Stage.COMPLETED, completed_on=TODAY)
    assert WorkOrder.objects.get(pk=order.pk).stage == Stage.COMPLETED


def test_an_open_order_has_no_completion_date():
    order = WorkOrderFactory(quote=QuoteStatus.APPROVED)

    _refused(order, "work_order_completed_has_date", completed_on=TODAY)


def test_a_completed_order_cannot_lose_its_completion_date(manager):
    order = services.change_work_order_stage(
        work_order=WorkOrderFactory(), to_stage=Stage.COMPLETED, changed_by=manager
    )

    _refused(order, "work_order_completed_has_date", completed_on=None)


def test_a_queued_order_needs_an_approved_quote():
    order = WorkOrderFactory(quote=QuoteStatus.APPROVED)
    assert order.stage == Stage.QUEUED

    _refused(order, "work_order_queued_is_approved", quote=QuoteStatus.DONE)


def test_an_order_awaiting_its_quote_cannot_have_an_approved_quote():
    order = WorkOrderFactory(quote=QuoteStatus.NEEDED)
    assert order.stage == Stage.AWAITING_QUOTE

    _refused(order, "work_order_awaiting_is_not_approved", quote=QuoteStatus.APPROVED)


def test_a_packaged_order_needs_a_final_location():
    order = WorkOrderFactory(quote=QuoteStatus.APPROVED)

    _refused(order, "work_order_packaged_has_location", stage=Stage.PACKAGED, packaged_on=TODAY)

    WorkOrder.objects.filter(pk=order.pk).update(stage=Stage.PACKAGED, packaged_on=TODAY, final_location="Shelf A")
    assert WorkOrder.objects.get(pk=order.pk).stage == Stage.PACKAGED


def test_a_treated_order_needs_a_treated_date():
    order = WorkOrderFactory(quote=QuoteStatus.APPROVED)

    _refused(order, "work_order_treated_has_date", stage=Stage.TREATED, cleaned_on=TODAY)


def test_a_cleaned_order_needs_a_cleaned_date():
    order = WorkOrderFactory(quote=QuoteStatus.APPROVED)

    _refused(order, "work_order_cleaned_has_date", stage=Stage.CLEANED, started_on=TODAY)


def test_work_order_number_must_be_positive():
    order = WorkOrderFactory()

    _refused(order, "work_order_number_positive", number=0)


def test_work_order_number_is_unique():
    first, second = WorkOrderFactory(), WorkOrderFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkOrder.objects.filter(pk=second.pk).update(number=first.number)

    assert WorkOrder.objects.filter(number=first.number).count() == 1


def test_a_work_order_item_needs_a_positive_quantity():
    line = WorkOrderFactory().items.get()

    with pytest.raises(IntegrityError, match="work_order_item_quantity_positive"), transaction.atomic():
        WorkOrderItem.objects.filter(pk=line.pk).update(quantity=0)

    assert WorkOrderItem.objects.get(pk=line.pk).quantity == 1


def test_a_pending_check_in_has_no_work_order():
    check_in = CheckInFactory()
    order = WorkOrderFactory(customer=check_in.customer)

    with pytest.raises(IntegrityError, match="check_in_pending_has_no_work_order"), transaction.atomic():
        CheckIn.objects.filter(pk=check_in.pk).update(work_order=order)

    assert CheckIn.objects.get(pk=check_in.pk).work_order is None
    CheckIn.objects.filter(pk=check_in.pk).update(work_order=order, status=CheckIn.Status.PROCESSED)
    assert CheckIn.objects.get(pk=check_in.pk).work_order == order
