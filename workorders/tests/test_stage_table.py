"""The work-order stage-transition table, written out by hand from the business rules.

Why by hand: a test that took its expected moves from ``workorders.stages.ALLOWED_MOVES`` would
stay green when a wrong move is added there (or a right one removed). The table
(``testing/stage_table.py``, shared with the stage tests of ``change_work_order_stage``) is copied
from the rules instead, and the code under test is only *driven*, never consulted, for the answer:

* the legacy lifecycle: treating requires a clean date; technicians cannot complete;
* the rules this system states (``workorders/stages.py`` docstring): the quote decides between
  awaiting quote and queued (only approved quotes enter the queue); treating needs a cleaned order;
  packaging needs a final location and may skip cleaning or treating; completing is possible from
  any open stage; technicians may take an order out of "in progress" back to the queue.

Who moves an order: the floor (Technician) starts it, puts it back in the queue, marks it cleaned,
treated or packaged; the office (Office) approves or withdraws a quote, i.e. any move from or to
"awaiting quote"; only a Manager completes. A Manager also holds the floor and office permissions
(``accounts/roles.py``: "Manager: Office, plus ... completing").
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from cleaning_queue.models import QueueEntry
from testing.stage_table import ALLOWED, ALLOWED_BY, DENIED_TO, FORBIDDEN, MANAGER, OFFICE, PAIRS, STAGES, TABLE, TECH
from workorders import services
from workorders.models import WorkOrder
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

ROLE_FIXTURE = {TECH: "technician", OFFICE: "office_user", MANAGER: "manager"}

QUEUE_STAGES = {"queued", "in_progress"}  # approved, not yet cleaned: the cleaning queue
FINAL_LOCATION = "Rack R-1"
DAY = datetime.date.today() - datetime.timedelta(days=1)

# The data an order in each stage carries (set directly, so no move of the code under test is used).
STAGE_DATA = {
    "awaiting_quote": {},
    "queued": {},
    "in_progress": {"started_on": DAY},
    "cleaned": {"started_on": DAY, "cleaned_on": DAY},
    "treated": {"started_on": DAY, "cleaned_on": DAY, "treated_on": DAY},
    "packaged": {"cleaned_on": DAY, "packaged_on": DAY, "final_location": "Rack R-0"},
    "completed": {"cleaned_on": DAY, "packaged_on": DAY, "final_location": "Rack R-0", "completed_on": DAY},
}


def _pair_ids(rows):
    return ["->".join(row) for row in rows]


def order_in(stage: str) -> WorkOrder:
    """A work order in ``stage``, with its queue membership right, without going through the moves."""
    approved = stage != "awaiting_quote"
    quote = services.QuoteStatus.APPROVED if approved else services.QuoteStatus.NEEDED
    order = WorkOrderFactory(quote=quote)  # approved: created queued and slotted in the queue
    if stage not in QUEUE_STAGES:  # the only order in the queue, so no gap is left behind
        QueueEntry.objects.filter(work_order=order.pk).delete()
    WorkOrder.objects.filter(pk=order.pk).update(stage=stage, **STAGE_DATA[stage])
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.stage == stage
    assert QueueEntry.objects.filter(work_order=order.pk).exists() == (stage in QUEUE_STAGES)
    return order


def _move(order, to_stage, user):
    return services.change_work_order_stage(
        work_order=order, to_stage=to_stage,
        final_location=FINAL_LOCATION if to_stage == "packaged" else "", changed_by=user,
    )


def _unchanged(order):
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.version, row.completed_on) == (order.stage, order.version, order.completed_on)
    assert QueueEntry.objects.filter(work_order=order.pk).exists() == (order.stage in QUEUE_STAGES)


def test_the_table_covers_all_49_pairs_once():
    assert list(TABLE) == list(STAGES)
    assert {stage.value for stage in Stage} == set(STAGES)  # a new stage needs a new row and column
    assert all(len(row) == len(STAGES) for row in TABLE.values())
    assert len(PAIRS) == len(set(PAIRS)) == 49
    assert len(ALLOWED) + len(FORBIDDEN) == 49
    assert len(ALLOWED) == 17
    assert set(ALLOWED.values()) == {TECH, OFFICE, MANAGER}
    # Spot checks of the rules the table encodes.
    assert all(ALLOWED.get((s, "completed")) == MANAGER for s in STAGES if s != "completed")
    assert not any(s == "completed" for s, _t in ALLOWED)
    assert [s for s, t in ALLOWED if t == "treated"] == ["cleaned"]
    assert not any(s == t for s, t in ALLOWED)


@pytest.mark.parametrize(("from_stage", "to_stage", "role"), ALLOWED_BY, ids=_pair_ids(ALLOWED_BY))
def test_an_allowed_move_succeeds_for_a_role_that_may_make_it(request, from_stage, to_stage, role):
    user = request.getfixturevalue(ROLE_FIXTURE[role])
    order = order_in(from_stage)

    _move(order, to_stage, user)

    row = WorkOrder.objects.get(pk=order.pk)
    assert row.stage == to_stage
    assert row.version == order.version + 1
    if to_stage in QUEUE_STAGES | {"awaiting_quote"}:  # only approved quotes enter the queue
        assert (row.quote == services.QuoteStatus.APPROVED) == (to_stage in QUEUE_STAGES)
    assert QueueEntry.objects.filter(work_order=order.pk).exists() == (to_stage in QUEUE_STAGES)
    if to_stage == "packaged":
        assert row.final_location == FINAL_LOCATION


@pytest.mark.parametrize(("from_stage", "to_stage"), FORBIDDEN, ids=_pair_ids(FORBIDDEN))
def test_a_forbidden_move_is_refused_and_changes_nothing(manager, from_stage, to_stage):
    # The manager holds every stage permission, so the refusal can only come from the lifecycle.
    order = order_in(from_stage)

    with pytest.raises(services.InvalidTransition):
        _move(order, to_stage, manager)

    _unchanged(order)


@pytest.mark.parametrize(("from_stage", "to_stage", "role"), DENIED_TO, ids=_pair_ids(DENIED_TO))
def test_an_allowed_move_is_denied_to_a_role_without_the_permission(request, from_stage, to_stage, role):
    user = request.getfixturevalue(ROLE_FIXTURE[role])
    order = order_in(from_stage)

    with pytest.raises(PermissionDenied):
        _move(order, to_stage, user)

    _unchanged(order)
