"""services.change_work_order_stage: every move of the hand-written stage table, dates, permissions.

The expected moves come from ``testing/stage_table.py``, never from ``workorders.stages``.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.choices import QuoteStatus
from core.errors import InvalidTransition, StaleEditError
from testing.stage_table import ALLOWED, FORBIDDEN, STAMPED_DATE
from testing.work_orders import PATH_TO, TODAY, final_location_for, order_in
from workorders import services
from workorders.models import WorkOrder, WorkOrderEvent
from workorders.stages import Stage

pytestmark = pytest.mark.django_db

STAMP = TODAY - datetime.timedelta(days=1)  # differs from today, so a stamped `on` is visible

# The expected moves come from the hand-written table, never from workorders.stages (the code under test).
LEGAL_MOVES = [(Stage(source), Stage(target)) for source, target in ALLOWED]

ILLEGAL_MOVES = [(Stage(source), Stage(target)) for source, target in FORBIDDEN]


def _move_ids(moves):
    return [f"{source.value}->{target.value}" for source, target in moves]


def _last_event_pk(order):
    return order.events.order_by("-pk").values_list("pk", flat=True).first()


def test_the_paths_cover_every_stage_and_the_moves_cover_every_pair():
    assert set(PATH_TO) == set(Stage)
    assert len(LEGAL_MOVES) + len(ILLEGAL_MOVES) == len(Stage) ** 2


@pytest.mark.parametrize(("from_stage", "to_stage"), LEGAL_MOVES, ids=_move_ids(LEGAL_MOVES))
def test_every_allowed_move_succeeds_stamps_its_date_and_logs_one_event(manager, from_stage, to_stage):
    order = order_in(from_stage, manager)
    last_event = _last_event_pk(order)

    services.change_work_order_stage(
        work_order=order, to_stage=to_stage, on=STAMP, final_location=final_location_for(to_stage),
        expected_version=order.version, changed_by=manager,
    )

    row = WorkOrder.objects.get(pk=order.pk)
    assert row.stage == to_stage
    assert (row.version, row.updated_by) == (order.version + 1, manager)
    if date_field := STAMPED_DATE.get(to_stage):
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
            work_order=order, to_stage=stage, final_location=final_location_for(stage), changed_by=technician
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
            work_order=order, to_stage=to_stage, final_location=final_location_for(to_stage), changed_by=office_user
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


@pytest.mark.parametrize("start", [Stage.AWAITING_QUOTE, Stage.QUEUED])
def test_a_technician_cannot_approve_or_withdraw_quotes(technician, manager, start):
    order = order_in(start, manager)
    target = Stage.QUEUED if start == Stage.AWAITING_QUOTE else Stage.AWAITING_QUOTE
    with pytest.raises(PermissionDenied) as caught:
        services.change_work_order_stage(work_order=order, to_stage=target, changed_by=technician)
    assert str(caught.value) == services.NOT_ALLOWED_TO_DECIDE_QUOTES
    assert WorkOrder.objects.get(pk=order.pk).stage == start
