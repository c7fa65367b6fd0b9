"""services.create_work_order: numbering, fields, the catalog, refusals that write nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from sequences import get_last_value

from core.choices import QuoteStatus
from core.editing import DATE_REQUIRED_BEFORE_DATE_IN
from core.numbering import WORK_ORDER_NUMBER
from customers.models import CatalogItem
from customers.tests.factories import CatalogItemFactory, CustomerFactory, SourceFactory
from testing.work_orders import DATE_IN, TODAY, catalog_picked
from workorders import services
from workorders.models import WorkOrder, WorkOrderEvent, WorkOrderItem
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db


def _nothing_written():
    return (
        WorkOrder.objects.count(), WorkOrderItem.objects.count(), WorkOrderEvent.objects.count(),
        CatalogItem.objects.count(),
    ) == (0, 0, 0, 0)


def test_create_work_order_takes_the_next_consecutive_number(office_user):
    customer = CustomerFactory()

    first = services.create_work_order(customer=customer, fields={}, items=[item_data()], created_by=office_user)
    second = services.create_work_order(customer=customer, fields={}, items=[item_data()], created_by=office_user)

    assert first.number >= 1
    assert second.number == first.number + 1 == get_last_value(WORK_ORDER_NUMBER)


def test_create_work_order_saves_the_fields_and_records_the_creator(office_user):
    customer = CustomerFactory()

    order = services.create_work_order(
        customer=customer,
        fields={"date_in": DATE_IN, "date_required": TODAY, "rush": True, "rack_number": "R12"},
        items=[item_data()],
        created_by=office_user,
    )

    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.customer, row.date_in, row.date_required, row.rush, row.rack_number) == (
        customer, DATE_IN, TODAY, True, "R12",
    )
    assert (row.created_by, row.updated_by, row.version) == (office_user, office_user, 1)


def test_work_order_name_defaults_to_the_customer_name():
    customer = CustomerFactory(name="Chesapeake Yacht Club")

    defaulted = WorkOrderFactory(customer=customer)
    named = WorkOrderFactory(customer=customer, name="Clubhouse awnings")

    assert WorkOrder.objects.get(pk=defaulted.pk).name == "Chesapeake Yacht Club"
    assert WorkOrder.objects.get(pk=named.pk).name == "Clubhouse awnings"


def test_work_order_ships_to_the_customers_source_unless_told_otherwise():
    loft, other = SourceFactory(), SourceFactory()
    customer = CustomerFactory(source=loft)

    defaulted = WorkOrderFactory(customer=customer)
    explicit = WorkOrderFactory(customer=customer, ship_to=other)
    without_source = WorkOrderFactory()

    assert WorkOrder.objects.get(pk=defaulted.pk).ship_to == loft
    assert WorkOrder.objects.get(pk=explicit.pk).ship_to == other
    assert WorkOrder.objects.get(pk=without_source.pk).ship_to is None


@pytest.mark.parametrize(
    ("quote", "stage"),
    [
        (QuoteStatus.NONE, Stage.AWAITING_QUOTE),
        (QuoteStatus.NEEDED, Stage.AWAITING_QUOTE),
        (QuoteStatus.DONE, Stage.AWAITING_QUOTE),
        (QuoteStatus.APPROVED, Stage.QUEUED),
    ],
)
def test_a_new_work_order_waits_for_its_quote_unless_the_quote_is_approved(quote, stage):
    order = WorkOrderFactory(quote=quote)

    assert WorkOrder.objects.get(pk=order.pk).stage == stage


def test_create_work_order_logs_one_created_event(office_user):
    order = WorkOrderFactory(quote=QuoteStatus.APPROVED, created_by=office_user)

    event = WorkOrderEvent.objects.get(work_order=order)
    assert (event.kind, event.from_stage, event.to_stage, event.actor) == (
        WorkOrderEvent.Kind.CREATED, "", Stage.QUEUED, office_user,
    )


def test_newly_typed_items_enter_the_catalog_and_are_linked_to_it():
    customer = CustomerFactory()

    order = WorkOrderFactory(
        customer=customer,
        items=[item_data(0, quantity=2), item_data(1, quantity=1), item_data(0, description=" AWNING ", quantity=3)],
    )

    lines = list(order.items.all())
    assert [line.catalog_item_id is not None for line in lines] == [True, True, True]
    awning = CatalogItem.objects.get(customer=customer, description_key="awning")
    main_sail = CatalogItem.objects.get(customer=customer, description_key="main sail")
    assert [line.catalog_item for line in lines] == [awning, main_sail, awning]
    assert (awning.quantity, main_sail.quantity) == (5, 1)
    assert CatalogItem.objects.count() == 2


def test_an_item_picked_from_the_catalog_keeps_its_link_and_does_not_raise_the_quantity():
    picked = CatalogItemFactory(quantity=2)

    order = WorkOrderFactory(customer=picked.customer, items=[catalog_picked(picked, quantity=3)])

    line = order.items.get()
    assert (line.catalog_item, line.quantity) == (picked, 3)
    assert CatalogItem.objects.get(pk=picked.pk).quantity == 2
    assert CatalogItem.objects.count() == 1


def test_create_work_order_refuses_date_required_before_date_in_and_burns_no_number():
    customer = CustomerFactory()
    before = WorkOrderFactory(customer=customer).number
    WorkOrder.objects.all().delete()
    CatalogItem.objects.all().delete()

    with pytest.raises(ValidationError) as caught:
        services.create_work_order(
            customer=customer,
            fields={"date_in": TODAY, "date_required": TODAY - datetime.timedelta(days=1)},
            items=[item_data()],
            created_by=None,
        )

    assert caught.value.message_dict == {"date_required": [DATE_REQUIRED_BEFORE_DATE_IN]}
    assert _nothing_written()
    assert WorkOrderFactory(customer=customer).number == before + 1


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -2}, "quantity"),
        ({"price": Decimal("-1.00")}, "price"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
    ],
    ids=["zero-quantity", "negative-quantity", "negative-price", "empty-description", "blank-description"],
)
def test_create_work_order_refuses_a_bad_item_and_writes_nothing(bad, field):
    customer = CustomerFactory()

    with pytest.raises(ValidationError) as caught:
        services.create_work_order(
            customer=customer, fields={}, items=[item_data(0), item_data(1, **bad)], created_by=None
        )

    assert caught.value.messages
    assert all(message.startswith(f"Item 2: {field}: ") for message in caught.value.messages)
    assert _nothing_written()


def test_a_refused_work_order_gives_its_number_back():
    customer = CustomerFactory()
    before = WorkOrderFactory(customer=customer).number

    with pytest.raises(ValidationError):
        services.create_work_order(customer=customer, fields={}, items=[item_data(quantity=0)], created_by=None)

    assert WorkOrderFactory(customer=customer).number == before + 1
