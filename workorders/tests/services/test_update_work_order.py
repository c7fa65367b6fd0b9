"""services.update_work_order: fields, the items, the quote, stale and refused edits."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cleaning_queue.models import QueueEntry
from cleaning_queue.tests.factories import queued
from core.choices import QuoteStatus
from core.editing import DATE_REQUIRED_BEFORE_DATE_IN
from core.errors import StaleEditError
from customers.models import CatalogItem
from customers.services import delete_catalog_item
from customers.tests.factories import CustomerFactory
from testing.work_orders import DATE_IN
from workorders import services
from workorders.models import WorkOrder, WorkOrderEvent, WorkOrderItem
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db


def _line_data(line: WorkOrderItem, **overrides) -> dict:
    """An existing order line as the form sends it back (with its id)."""
    names = ("description", "material", "condition", "colour", "size", "quantity", "price", "catalog_item")
    return {"id": line.pk} | {name: getattr(line, name) for name in names} | overrides


def _boom(*args, **kwargs):
    raise RuntimeError("injected fault")


def test_update_work_order_saves_the_fields_and_bumps_the_version(office_user, manager):
    order = WorkOrderFactory(created_by=office_user)

    updated = services.update_work_order(
        work_order=order, fields={"rush": True, "special_instructions": "Fold, do not roll"},
        expected_version=1, updated_by=manager,
    )

    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.rush, row.special_instructions) == (True, "Fold, do not roll")
    assert updated.version == row.version == 2
    assert (row.updated_by, row.created_by, row.number) == (manager, office_user, order.number)


def test_update_work_order_refuses_a_stale_version_and_writes_nothing(office_user, manager):
    order = WorkOrderFactory()
    services.update_work_order(work_order=order, fields={"rack_number": "A1"}, expected_version=1, updated_by=manager)
    old_items = list(order.items.values_list("pk", "description"))
    events = WorkOrderEvent.objects.count()

    with pytest.raises(StaleEditError) as caught:
        services.update_work_order(
            work_order=order, fields={"rack_number": "Z9", "quote": QuoteStatus.APPROVED},
            items=[item_data(3)], expected_version=1, updated_by=office_user,
        )

    assert manager.display_name in str(caught.value)
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.rack_number, row.quote, row.stage, row.version, row.updated_by) == (
        "A1", QuoteStatus.NEEDED, Stage.AWAITING_QUOTE, 2, manager,
    )
    assert list(order.items.values_list("pk", "description")) == old_items
    assert WorkOrderEvent.objects.count() == events
    assert not CatalogItem.objects.filter(description_key="dodger").exists()


def test_update_work_order_refuses_date_required_before_date_in_and_writes_nothing():
    order = WorkOrderFactory(date_in=DATE_IN)

    with pytest.raises(ValidationError) as caught:
        services.update_work_order(
            work_order=order, fields={"date_required": DATE_IN - datetime.timedelta(days=1), "rush": True},
            items=[item_data(2)], expected_version=1, updated_by=None,
        )

    assert caught.value.message_dict == {"date_required": [DATE_REQUIRED_BEFORE_DATE_IN]}
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.date_required, row.rush, row.version) == (None, False, 1)
    assert list(order.items.values_list("description", flat=True)) == ["Awning"]


def test_update_work_order_leaves_the_items_alone_when_none_are_given():
    order = WorkOrderFactory(items=[item_data(0), item_data(1)])
    before = list(order.items.values_list("pk", "description", "quantity"))

    services.update_work_order(work_order=order, fields={"rush": True}, expected_version=1, updated_by=None)

    assert list(order.items.values_list("pk", "description", "quantity")) == before


def test_update_work_order_replaces_the_items_when_given():
    order = WorkOrderFactory(items=[item_data(0), item_data(1)])
    old_pks = set(order.items.values_list("pk", flat=True))

    services.update_work_order(
        work_order=order, fields={}, items=[item_data(2, quantity=4)], expected_version=1, updated_by=None
    )

    assert list(order.items.values_list("description", "quantity")) == [("Bimini", 4)]
    assert not WorkOrderItem.objects.filter(pk__in=old_pks).exists()


def test_existing_lines_sent_back_do_not_re_enter_the_catalog():
    customer = CustomerFactory()
    order = WorkOrderFactory(customer=customer, items=[item_data(0, quantity=2)])
    line = order.items.get()
    catalog_row = line.catalog_item
    assert catalog_row.quantity == 2

    services.update_work_order(
        work_order=order, fields={}, items=[_line_data(line), item_data(1, quantity=1)],
        expected_version=1, updated_by=None,
    )

    assert CatalogItem.objects.get(pk=catalog_row.pk).quantity == 2
    new_line = order.items.get(description="Main sail")
    assert new_line.catalog_item.quantity == 1
    assert order.items.get(description="Awning").catalog_item == catalog_row


def test_an_existing_line_without_a_catalog_link_does_not_re_enter_the_catalog():
    order = WorkOrderFactory(items=[item_data(0, quantity=2)])
    line = order.items.get()
    delete_catalog_item(item=line.catalog_item)  # the line keeps its text and loses the link
    line.refresh_from_db()
    assert line.catalog_item is None

    services.update_work_order(
        work_order=order, fields={}, items=[_line_data(line, quantity=3)], expected_version=1, updated_by=None
    )

    assert not CatalogItem.objects.exists()
    assert list(order.items.values_list("description", "quantity", "catalog_item")) == [("Awning", 3, None)]


def test_approving_the_quote_in_an_edit_queues_the_order_with_an_event(office_user):
    order = WorkOrderFactory(quote=QuoteStatus.NEEDED)

    services.update_work_order(
        work_order=order, fields={"quote": QuoteStatus.APPROVED}, expected_version=1, updated_by=office_user
    )

    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.quote, row.version) == (Stage.QUEUED, QuoteStatus.APPROVED, 2)
    event = row.events.get(kind=WorkOrderEvent.Kind.STAGE)
    assert (event.from_stage, event.to_stage, event.actor) == (Stage.AWAITING_QUOTE, Stage.QUEUED, office_user)


def test_withdrawing_the_approval_in_an_edit_takes_the_order_out_of_the_queue_with_an_event(office_user):
    order = WorkOrderFactory(quote=QuoteStatus.APPROVED)

    services.update_work_order(
        work_order=order, fields={"quote": QuoteStatus.DONE}, expected_version=1, updated_by=office_user
    )

    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.quote) == (Stage.AWAITING_QUOTE, QuoteStatus.DONE)
    event = row.events.get(kind=WorkOrderEvent.Kind.STAGE)
    assert (event.from_stage, event.to_stage, event.actor) == (Stage.QUEUED, Stage.AWAITING_QUOTE, office_user)


def test_an_edit_that_keeps_the_quote_writes_no_stage_event():
    order = WorkOrderFactory(quote=QuoteStatus.APPROVED)

    services.update_work_order(work_order=order, fields={"rush": True}, expected_version=1, updated_by=None)

    assert WorkOrder.objects.get(pk=order.pk).stage == Stage.QUEUED
    assert not order.events.filter(kind=WorkOrderEvent.Kind.STAGE).exists()


def test_update_work_order_items_swaps_the_list_and_bumps_the_version(manager):
    order = WorkOrderFactory(items=[item_data(0), item_data(1)])

    services.update_work_order(fields={},
        work_order=order, items=[item_data(3, quantity=2)], expected_version=1, updated_by=manager
    )

    assert list(order.items.values_list("description", "quantity")) == [("Dodger", 2)]
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.version, row.updated_by) == (2, manager)


def test_update_work_order_items_refuses_a_stale_version_and_keeps_the_items():
    order = WorkOrderFactory()
    services.update_work_order(work_order=order, fields={"rush": True}, expected_version=1, updated_by=None)
    before = list(order.items.values_list("pk", flat=True))

    with pytest.raises(StaleEditError):
        services.update_work_order(fields={}, work_order=order, items=[item_data(3)], expected_version=1, updated_by=None)

    assert list(order.items.values_list("pk", flat=True)) == before


def test_update_work_order_items_refuses_a_bad_line_and_keeps_the_items():
    order = WorkOrderFactory(items=[item_data(0), item_data(1)])
    before = list(order.items.values_list("pk", "description"))

    with pytest.raises(ValidationError):
        services.update_work_order(fields={},
            work_order=order, items=[item_data(2), item_data(3, price=Decimal("-5"))], expected_version=1,
            updated_by=None,
        )

    assert list(order.items.values_list("pk", "description")) == before
    assert WorkOrder.objects.get(pk=order.pk).version == 1


def test_a_fault_while_inserting_the_new_items_leaves_the_old_items_intact(monkeypatch):
    order = WorkOrderFactory(items=[item_data(0), item_data(1)])
    before = list(order.items.values_list("pk", "description"))
    monkeypatch.setattr(WorkOrderItem.objects, "bulk_create", _boom)

    with pytest.raises(RuntimeError, match="injected fault"):
        services.update_work_order(fields={}, work_order=order, items=[item_data(3)], expected_version=1, updated_by=None)

    monkeypatch.undo()
    assert list(order.items.values_list("pk", "description")) == before
    assert WorkOrder.objects.get(pk=order.pk).version == 1
    assert not CatalogItem.objects.filter(description_key="dodger").exists()


def test_a_fault_while_recording_the_catalog_leaves_the_old_items_intact(monkeypatch):
    order = WorkOrderFactory(items=[item_data(0), item_data(1)])
    before = list(order.items.values_list("pk", "description"))
    monkeypatch.setattr(services, "record_catalog_item", _boom)

    with pytest.raises(RuntimeError, match="injected fault"):
        services.update_work_order(fields={}, work_order=order, items=[item_data(3)], expected_version=1, updated_by=None)

    monkeypatch.undo()
    assert list(order.items.values_list("pk", "description")) == before
    assert WorkOrder.objects.get(pk=order.pk).version == 1


def test_the_quote_of_an_order_in_progress_cannot_be_withdrawn_and_back_to_queue_keeps_it(technician, manager):
    order = services.change_work_order_stage(work_order=queued(), to_stage=Stage.IN_PROGRESS, changed_by=technician)
    with pytest.raises(ValidationError) as caught:
        services.update_work_order(work_order=order, fields={"quote": QuoteStatus.NEEDED}, expected_version=None, updated_by=manager)
    assert caught.value.message_dict == {"quote": [services.QUOTE_FIXED_IN_PROGRESS]}
    back = services.change_work_order_stage(work_order=order, to_stage=Stage.QUEUED, changed_by=technician)
    assert (back.stage, back.quote) == (Stage.QUEUED, QuoteStatus.APPROVED)
    assert QueueEntry.objects.filter(work_order=order).exists()
