"""services.approve_quote: queues an order awaiting its quote, refuses any other."""

import pytest

from core.choices import QuoteStatus
from core.errors import InvalidTransition
from testing.work_orders import order_in
from workorders import services
from workorders.models import WorkOrder, WorkOrderEvent
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db


def test_approve_quote_queues_an_order_awaiting_its_quote(manager):
    order = WorkOrderFactory(quote=QuoteStatus.DONE)

    services.approve_quote(work_order=order, approved_by=manager)

    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.quote, row.version, row.updated_by) == (Stage.QUEUED, QuoteStatus.APPROVED, 2, manager)
    event = row.events.get(kind=WorkOrderEvent.Kind.STAGE)
    assert (event.from_stage, event.to_stage, event.actor) == (Stage.AWAITING_QUOTE, Stage.QUEUED, manager)


@pytest.mark.parametrize("stage", [Stage.QUEUED, Stage.CLEANED, Stage.COMPLETED])
def test_approve_quote_is_refused_where_the_order_cannot_be_queued(manager, stage):
    order = order_in(stage, manager)

    with pytest.raises(InvalidTransition):
        services.approve_quote(work_order=order, approved_by=manager)

    assert WorkOrder.objects.get(pk=order.pk).stage == stage


def test_quote_decisions_are_office_work(office_user, manager):
    order = order_in(Stage.AWAITING_QUOTE, manager)
    queued = services.approve_quote(work_order=order, approved_by=office_user)
    assert (queued.stage, queued.quote) == (Stage.QUEUED, QuoteStatus.APPROVED)
    back = services.change_work_order_stage(work_order=queued, to_stage=Stage.AWAITING_QUOTE, changed_by=office_user)
    assert (back.stage, back.quote) == (Stage.AWAITING_QUOTE, QuoteStatus.NEEDED)


def test_approve_quote_refuses_an_order_that_is_not_awaiting_its_quote(manager):
    order = order_in(Stage.IN_PROGRESS, manager)
    with pytest.raises(InvalidTransition) as caught:
        services.approve_quote(work_order=order, approved_by=manager)
    assert str(caught.value) == services.QUOTE_NOT_AWAITING.format(number=order.number, current="in progress")
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.started_on) == (Stage.IN_PROGRESS, order.started_on)
