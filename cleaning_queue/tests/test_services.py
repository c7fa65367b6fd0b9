import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cleaning_queue import services
from cleaning_queue.models import Queue, QueueEntry
from cleaning_queue.tests.factories import queued
from testing.queue import bulk_queue
from workorders.models import WorkOrder
from workorders.services import approve_quote, change_work_order_stage, delete_work_order, update_work_order
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def queue_numbers() -> list[int]:
    entries = list(QueueEntry.objects.select_related("work_order").order_by("position"))
    assert [e.position for e in entries] == list(range(1, len(entries) + 1)), "positions not 1..N"
    return [e.work_order.number for e in entries]


def version() -> int:
    return Queue.objects.get().version


def test_only_approved_open_uncleaned_orders_are_in_the_queue(manager, technician):
    waiting = WorkOrderFactory()
    approved = queued()
    started = queued()
    change_work_order_stage(work_order=started, to_stage=Stage.IN_PROGRESS, changed_by=technician)
    cleaned = queued()
    change_work_order_stage(work_order=cleaned, to_stage=Stage.CLEANED, changed_by=technician)
    done = queued()
    change_work_order_stage(work_order=done, to_stage=Stage.COMPLETED, changed_by=manager)
    assert set(queue_numbers()) == {approved.number, started.number}
    assert waiting.number not in queue_numbers()


def test_default_order_is_firm_rush_by_due_date_then_rush_then_regular_fifo():
    regular_old = queued(days_ago=20)
    rush_new = queued(days_ago=2, rush=True)
    firm_late = queued(days_ago=9, firm_rush=True, date_required=TODAY + datetime.timedelta(days=9))
    regular_new = queued(days_ago=1)
    rush_old = queued(days_ago=8, rush=True)
    firm_soon = queued(days_ago=1, firm_rush=True, rush=True, date_required=TODAY + datetime.timedelta(days=2))
    firm_undated = queued(days_ago=30, firm_rush=True)
    expected = [firm_soon, firm_late, firm_undated, rush_old, rush_new, regular_old, regular_new]
    assert queue_numbers() == [o.number for o in expected]


def test_ties_are_broken_by_number():
    first, second = queued(days_ago=5), queued(days_ago=5)
    assert queue_numbers() == [first.number, second.number]


def test_a_newcomer_is_slotted_by_the_rules_without_undoing_manual_moves(manager):
    rush_old = queued(days_ago=9, rush=True)
    regular_a, regular_b = queued(days_ago=8), queued(days_ago=7)
    # A manager puts a regular order first and swaps the other two.
    services.reorder_queue(order=[regular_b.number, rush_old.number, regular_a.number],
                           expected_version=version(), reordered_by=manager)
    rush_new = queued(days_ago=1, rush=True)
    regular_new = queued(days_ago=0)
    firm = queued(days_ago=0, firm_rush=True)
    assert queue_numbers() == [
        firm.number, regular_b.number, rush_old.number, rush_new.number, regular_a.number, regular_new.number
    ]


def test_an_order_whose_priority_or_dates_change_is_slotted_again(manager):
    orders = [queued(days_ago=d) for d in (9, 8, 7, 6)]
    services.reorder_queue(order=[o.number for o in reversed(orders)], expected_version=version(), reordered_by=manager)
    last = WorkOrder.objects.get(pk=orders[0].pk)
    update_work_order(work_order=last, fields={"firm_rush": True}, expected_version=None, updated_by=manager)
    assert queue_numbers() == [orders[0].number, orders[3].number, orders[2].number, orders[1].number]

    unchanged_version = version()
    update_work_order(work_order=orders[2], fields={"rack_number": "7 C"}, expected_version=None, updated_by=manager)
    assert version() == unchanged_version  # an edit that does not touch the slot leaves the queue alone


def test_leaving_the_queue_closes_the_gap(manager, technician):
    orders = [queued(days_ago=d) for d in (5, 4, 3, 2)]
    change_work_order_stage(work_order=orders[1], to_stage=Stage.CLEANED, changed_by=technician)
    change_work_order_stage(work_order=orders[2], to_stage=Stage.AWAITING_QUOTE, changed_by=manager)
    delete_work_order(work_order=orders[3])
    assert queue_numbers() == [orders[0].number]


def test_approving_a_quote_puts_the_order_in_the_queue(office_user):
    waiting = WorkOrderFactory()
    approve_quote(work_order=waiting, approved_by=office_user)
    assert queue_numbers() == [waiting.number]


def test_reorder_applies_the_complete_new_order_and_bumps_the_version(manager):
    orders = [queued(days_ago=d) for d in (5, 4, 3)]
    before = version()
    new_version = services.reorder_queue(order=[orders[2].number, orders[0].number, orders[1].number],
                                         expected_version=before, reordered_by=manager)
    assert queue_numbers() == [orders[2].number, orders[0].number, orders[1].number]
    assert new_version == version() == before + 1


def test_a_stale_reorder_is_refused_and_changes_nothing(manager):
    orders = [queued(days_ago=d) for d in (5, 4, 3)]
    stale = version()
    services.move_in_queue(number=orders[2].number, to_position=1, expected_version=stale, moved_by=manager)
    after_first = queue_numbers()
    with pytest.raises(services.StaleQueueError) as caught:
        services.reorder_queue(order=[o.number for o in orders], expected_version=stale, reordered_by=manager)
    assert f"changed by {manager.display_name}" in str(caught.value)
    assert queue_numbers() == after_first and version() == stale + 1


@pytest.mark.parametrize(
    ("make_order", "problem"),
    [
        (lambda n: n[:-1], "missing"),
        (lambda n: [*n, 999999], "not in the queue: 999999"),
        (lambda n: [*n[:-1], n[0]], "repeated"),
    ],
    ids=["missing", "extra", "repeated"],
)
def test_a_list_that_is_not_the_queue_is_refused(manager, make_order, problem):
    numbers = [queued(days_ago=d).number for d in (5, 4, 3)]
    before = version()
    with pytest.raises(ValidationError) as caught:
        services.reorder_queue(order=make_order(numbers), expected_version=before, reordered_by=manager)
    assert problem in caught.value.messages[0]
    assert queue_numbers() == numbers and version() == before


def test_move_puts_one_order_at_a_position_and_the_rest_close_up(manager):
    numbers = [queued(days_ago=d).number for d in (6, 5, 4, 3, 2)]
    services.move_in_queue(number=numbers[4], to_position=2, expected_version=version(), moved_by=manager)
    assert queue_numbers() == [numbers[0], numbers[4], numbers[1], numbers[2], numbers[3]]
    services.move_in_queue(number=numbers[0], to_position=5, expected_version=version(), moved_by=manager)
    assert queue_numbers() == [numbers[4], numbers[1], numbers[2], numbers[3], numbers[0]]


@pytest.mark.parametrize("position", [0, 4])
def test_move_outside_the_queue_is_refused(manager, position):
    numbers = [queued(days_ago=d).number for d in (3, 2, 1)]
    with pytest.raises(ValidationError):
        services.move_in_queue(number=numbers[0], to_position=position, expected_version=version(), moved_by=manager)
    assert queue_numbers() == numbers


def test_technicians_and_office_cannot_reorder_or_reset(technician, office_user):
    numbers = [queued(days_ago=d).number for d in (3, 2)]
    for user in (technician, office_user):
        with pytest.raises(PermissionDenied):
            services.reorder_queue(order=numbers[::-1], expected_version=version(), reordered_by=user)
        with pytest.raises(PermissionDenied):
            services.reset_queue(reset_by=user)
    assert queue_numbers() == numbers


def test_reset_restores_the_default_order(manager):
    orders = [queued(days_ago=5), queued(days_ago=4, rush=True), queued(days_ago=3)]
    services.reorder_queue(order=[orders[2].number, orders[0].number, orders[1].number],
                           expected_version=version(), reordered_by=manager)
    services.reset_queue(reset_by=manager)
    assert queue_numbers() == [orders[1].number, orders[0].number, orders[2].number]


def _statements(captured) -> list[str]:
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(control)]


@pytest.mark.parametrize("length", [10, 1000])
def test_a_reorder_costs_at_most_five_statements_whatever_the_queue_length(manager, length):
    numbers = bulk_queue(length)
    manager.has_perm("queue.reorder_queue")  # the permission cache belongs to the request
    new_order, current = numbers[::-1], version()
    with CaptureQueriesContext(connection) as captured:
        services.reorder_queue(order=new_order, expected_version=current, reordered_by=manager)
    assert len(_statements(captured)) <= 5, _statements(captured)
    assert queue_numbers() == new_order
