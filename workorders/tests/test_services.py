import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from sequences import get_last_value

from core.choices import QuoteStatus
from core.errors import AlreadyProcessed, InvalidTransition, StaleEditError
from core.numbering import WORK_ORDER_NUMBER
from core.editing import DATE_REQUIRED_BEFORE_DATE_IN
from customers.models import CatalogItem
from customers.services import delete_catalog_item
from customers.tests.factories import CatalogItemFactory, CustomerFactory, SourceFactory
from workorders import services
from workorders.models import CheckIn, CheckInItem, WorkOrder, WorkOrderEvent, WorkOrderItem
from workorders.stages import ALLOWED_MOVES, STAGE_DATE_FIELD, Stage
from workorders.tests.factories import CheckInFactory, WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
DATE_IN = TODAY - datetime.timedelta(days=3)
STAMP = TODAY - datetime.timedelta(days=1)  # differs from today, so a stamped `on` is visible


def _nothing_written():
    return (
        WorkOrder.objects.count(), WorkOrderItem.objects.count(), WorkOrderEvent.objects.count(),
        CatalogItem.objects.count(),
    ) == (0, 0, 0, 0)


def _catalog_picked(catalog_item: CatalogItem, **overrides) -> dict:
    """An order line as the form sends it when the user picks the item from the catalog."""
    return {
        "description": catalog_item.description, "material": catalog_item.material,
        "condition": catalog_item.condition, "colour": catalog_item.colour, "size": catalog_item.size,
        "quantity": 1, "price": None, "catalog_item": catalog_item,
    } | overrides


def _line_data(line: WorkOrderItem, **overrides) -> dict:
    """An existing order line as the form sends it back (with its id)."""
    names = ("description", "material", "condition", "colour", "size", "quantity", "price", "catalog_item")
    return {"id": line.pk} | {name: getattr(line, name) for name in names} | overrides


# ---------------------------------------------------------------------------------------------
# create_work_order
# ---------------------------------------------------------------------------------------------


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

    order = WorkOrderFactory(customer=picked.customer, items=[_catalog_picked(picked, quantity=3)])

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


# ---------------------------------------------------------------------------------------------
# update_work_order
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# update_work_order: replacing the items
# ---------------------------------------------------------------------------------------------


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


def _boom(*args, **kwargs):
    raise RuntimeError("injected fault")


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


# ---------------------------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------------------------

# How the services bring a new (awaiting-quote) order into each stage.
PATH_TO = {
    Stage.AWAITING_QUOTE: [],
    Stage.QUEUED: [Stage.QUEUED],
    Stage.IN_PROGRESS: [Stage.QUEUED, Stage.IN_PROGRESS],
    Stage.CLEANED: [Stage.QUEUED, Stage.IN_PROGRESS, Stage.CLEANED],
    Stage.TREATED: [Stage.QUEUED, Stage.IN_PROGRESS, Stage.CLEANED, Stage.TREATED],
    Stage.PACKAGED: [Stage.QUEUED, Stage.IN_PROGRESS, Stage.PACKAGED],
    Stage.COMPLETED: [Stage.COMPLETED],
}
LEGAL_MOVES = [(source, target) for source in Stage for target in Stage if target in ALLOWED_MOVES[source]]
ILLEGAL_MOVES = [(source, target) for source in Stage for target in Stage if target not in ALLOWED_MOVES[source]]


def _move_ids(moves):
    return [f"{source.value}->{target.value}" for source, target in moves]


def _location(stage):
    return "Shelf B" if stage == Stage.PACKAGED else ""


def order_in(stage: Stage, actor) -> WorkOrder:
    order = WorkOrderFactory(date_in=DATE_IN, quote=QuoteStatus.NEEDED)
    for step in PATH_TO[stage]:
        order = services.change_work_order_stage(
            work_order=order, to_stage=step, final_location=_location(step), changed_by=actor
        )
    assert order.stage == stage
    return order


def _last_event_pk(order):
    return order.events.order_by("-pk").values_list("pk", flat=True).first()


def test_the_paths_cover_every_stage_and_the_moves_cover_every_pair():
    assert set(PATH_TO) == set(Stage)
    assert len(LEGAL_MOVES) + len(ILLEGAL_MOVES) == len(Stage) ** 2
    assert len(LEGAL_MOVES) == sum(len(targets) for targets in ALLOWED_MOVES.values())


@pytest.mark.parametrize(("from_stage", "to_stage"), LEGAL_MOVES, ids=_move_ids(LEGAL_MOVES))
def test_every_allowed_move_succeeds_stamps_its_date_and_logs_one_event(manager, from_stage, to_stage):
    order = order_in(from_stage, manager)
    last_event = _last_event_pk(order)

    services.change_work_order_stage(
        work_order=order, to_stage=to_stage, on=STAMP, final_location=_location(to_stage),
        expected_version=order.version, changed_by=manager,
    )

    row = WorkOrder.objects.get(pk=order.pk)
    assert row.stage == to_stage
    assert (row.version, row.updated_by) == (order.version + 1, manager)
    if date_field := STAGE_DATE_FIELD.get(to_stage):
        assert getattr(row, date_field) == STAMP
    if to_stage == Stage.QUEUED:
        assert (row.quote, row.started_on) == (QuoteStatus.APPROVED, None)
    if to_stage == Stage.AWAITING_QUOTE:
        assert row.quote != QuoteStatus.APPROVED
    if to_stage == Stage.PACKAGED:
        assert row.final_location == "Shelf B"
    new_events = list(row.events.filter(pk__gt=last_event))
    assert [(e.kind, e.from_stage, e.to_stage, e.actor) for e in new_events] == [
        (WorkOrderEvent.Kind.STAGE, from_stage, to_stage, manager)
    ]


@pytest.mark.parametrize(("from_stage", "to_stage"), ILLEGAL_MOVES, ids=_move_ids(ILLEGAL_MOVES))
def test_every_other_move_is_refused_and_changes_nothing(manager, from_stage, to_stage):
    order = order_in(from_stage, manager)
    last_event = _last_event_pk(order)

    with pytest.raises(InvalidTransition) as caught:
        services.change_work_order_stage(
            work_order=order, to_stage=to_stage, final_location="Shelf C", changed_by=manager
        )

    assert str(caught.value) == services.CANNOT_MOVE.format(
        number=order.number, current=from_stage.label.lower(), target=to_stage.label.lower()
    )
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.version) == (from_stage, order.version)
    assert _last_event_pk(row) == last_event


@pytest.mark.parametrize("from_stage", [Stage.QUEUED, Stage.IN_PROGRESS, Stage.PACKAGED])
def test_treating_requires_a_cleaned_order(manager, from_stage):
    order = order_in(from_stage, manager)

    with pytest.raises(InvalidTransition):
        services.change_work_order_stage(work_order=order, to_stage=Stage.TREATED, changed_by=manager)

    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.treated_on) == (from_stage, None)


def test_a_move_without_a_date_stamps_today(technician, manager):
    order = order_in(Stage.QUEUED, manager)

    services.change_work_order_stage(work_order=order, to_stage=Stage.IN_PROGRESS, changed_by=technician)

    assert WorkOrder.objects.get(pk=order.pk).started_on == timezone.localdate()


@pytest.mark.parametrize("final_location", ["", "   "])
def test_packaging_needs_a_final_location(manager, final_location):
    order = order_in(Stage.CLEANED, manager)

    with pytest.raises(ValidationError) as caught:
        services.change_work_order_stage(
            work_order=order, to_stage=Stage.PACKAGED, final_location=final_location, changed_by=manager
        )

    assert caught.value.message_dict == {"final_location": [services.FINAL_LOCATION_REQUIRED]}
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.packaged_on, row.final_location, row.version) == (Stage.CLEANED, None, "", order.version)


def test_packaging_trims_the_final_location(manager):
    order = order_in(Stage.TREATED, manager)

    services.change_work_order_stage(
        work_order=order, to_stage=Stage.PACKAGED, final_location="  Rack 4 ", changed_by=manager
    )

    assert WorkOrder.objects.get(pk=order.pk).final_location == "Rack 4"


def test_a_stage_move_refuses_a_stale_version(technician, manager):
    order = order_in(Stage.QUEUED, manager)

    with pytest.raises(StaleEditError):
        services.change_work_order_stage(
            work_order=order, to_stage=Stage.IN_PROGRESS, expected_version=order.version - 1, changed_by=technician
        )

    assert WorkOrder.objects.get(pk=order.pk).stage == Stage.QUEUED


def test_a_technician_can_start_clean_treat_and_package(technician, manager):
    order = order_in(Stage.QUEUED, manager)
    last_event = _last_event_pk(order)

    for stage in (Stage.IN_PROGRESS, Stage.CLEANED, Stage.TREATED, Stage.PACKAGED):
        order = services.change_work_order_stage(
            work_order=order, to_stage=stage, final_location=_location(stage), changed_by=technician
        )

    row = WorkOrder.objects.get(pk=order.pk)
    assert row.stage == Stage.PACKAGED
    assert all(getattr(row, f) == timezone.localdate() for f in ("started_on", "cleaned_on", "treated_on", "packaged_on"))
    events = row.events.filter(pk__gt=last_event)
    assert list(events.values_list("from_stage", "to_stage", "actor")) == [
        (Stage.QUEUED, Stage.IN_PROGRESS, technician.pk),
        (Stage.IN_PROGRESS, Stage.CLEANED, technician.pk),
        (Stage.CLEANED, Stage.TREATED, technician.pk),
        (Stage.TREATED, Stage.PACKAGED, technician.pk),
    ]


def test_completing_as_a_technician_is_refused(technician, manager):
    order = order_in(Stage.PACKAGED, manager)
    last_event = _last_event_pk(order)

    with pytest.raises(PermissionDenied) as caught:
        services.change_work_order_stage(work_order=order, to_stage=Stage.COMPLETED, changed_by=technician)

    assert str(caught.value) == services.ONLY_MANAGERS_COMPLETE
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.completed_on, row.version) == (Stage.PACKAGED, None, order.version)
    assert _last_event_pk(row) == last_event


def test_a_manager_can_complete(manager):
    order = order_in(Stage.PACKAGED, manager)

    services.change_work_order_stage(work_order=order, to_stage=Stage.COMPLETED, changed_by=manager)

    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.completed_on) == (Stage.COMPLETED, timezone.localdate())
    assert not row.is_open


@pytest.mark.parametrize("to_stage", [Stage.IN_PROGRESS, Stage.CLEANED, Stage.PACKAGED])
def test_an_office_user_cannot_make_floor_moves(office_user, manager, to_stage):
    order = order_in(Stage.QUEUED, manager)
    last_event = _last_event_pk(order)

    with pytest.raises(PermissionDenied) as caught:
        services.change_work_order_stage(
            work_order=order, to_stage=to_stage, final_location=_location(to_stage), changed_by=office_user
        )

    assert str(caught.value) == services.NOT_ALLOWED_TO_MOVE
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.version) == (order.stage, order.version)
    assert _last_event_pk(row) == last_event


def test_an_office_user_cannot_complete(office_user, manager):
    order = order_in(Stage.PACKAGED, manager)

    with pytest.raises(PermissionDenied) as caught:
        services.change_work_order_stage(work_order=order, to_stage=Stage.COMPLETED, changed_by=office_user)

    assert str(caught.value) == services.ONLY_MANAGERS_COMPLETE
    assert WorkOrder.objects.get(pk=order.pk).stage == Stage.PACKAGED


# ---------------------------------------------------------------------------------------------
# approve_quote
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Check-ins
# ---------------------------------------------------------------------------------------------


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
        customer=picked.customer, items=[_catalog_picked(picked, quantity=2), item_data(2, quantity=3)]
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


def test_quote_decisions_are_office_work(office_user, manager):
    order = order_in(Stage.AWAITING_QUOTE, manager)
    queued = services.approve_quote(work_order=order, approved_by=office_user)
    assert (queued.stage, queued.quote) == (Stage.QUEUED, QuoteStatus.APPROVED)
    back = services.change_work_order_stage(work_order=queued, to_stage=Stage.AWAITING_QUOTE, changed_by=office_user)
    assert (back.stage, back.quote) == (Stage.AWAITING_QUOTE, QuoteStatus.NEEDED)


@pytest.mark.parametrize("start", [Stage.AWAITING_QUOTE, Stage.QUEUED])
def test_a_technician_cannot_approve_or_withdraw_quotes(technician, manager, start):
    order = order_in(start, manager)
    target = Stage.QUEUED if start == Stage.AWAITING_QUOTE else Stage.AWAITING_QUOTE
    with pytest.raises(PermissionDenied) as caught:
        services.change_work_order_stage(work_order=order, to_stage=target, changed_by=technician)
    assert str(caught.value) == services.NOT_ALLOWED_TO_DECIDE_QUOTES
    assert WorkOrder.objects.get(pk=order.pk).stage == start


def test_approve_quote_refuses_an_order_that_is_not_awaiting_its_quote(manager):
    order = order_in(Stage.IN_PROGRESS, manager)
    with pytest.raises(InvalidTransition) as caught:
        services.approve_quote(work_order=order, approved_by=manager)
    assert str(caught.value) == services.QUOTE_NOT_AWAITING.format(number=order.number, current="in progress")
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.started_on) == (Stage.IN_PROGRESS, order.started_on)
