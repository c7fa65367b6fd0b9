"""Every write to the cleaning queue.

All of them lock the queue row first (one lock for the whole queue: moves are rare next to reads,
and a single lock makes "two reorders at the same instant" simply run one after the other). The
work-order services announce creations, stage moves and deletes (workorders.signals) while they
hold the work order's row lock, and ``receivers`` answers with add_to_queue/remove_from_queue/
reslot, so the lock order is always work order, then queue (core/locks.py: the queue row is
sixth, after everything but attachment rows). None of them schedules anything after commit.

Default order: firm rush (date required, then date in), then rush (date in), then regular (date
in), ties by number. A newcomer goes right after the last entry the default order puts before it:
manual moves made by others survive, and a newer order never overtakes an older one of its tier.
"""

import datetime
from collections import Counter
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.choices import Tier
from core.editing import STALE_WRITE, last_change
from core.errors import DomainError
from core.locks import lock_queue
from workorders.models import WorkOrder

from .models import QUEUE_PK, Queue, QueueEntry

# Positions are parked above this while they move (see QueueEntry); queues are far shorter.
PARK_OFFSET = 1_000_000
REORDER_PERMISSION = "queue.reorder_queue"  # declared on Queue

STALE_QUEUE = STALE_WRITE.format(
    subject="The queue", who="{who}", when="{when}", seen="loaded", undone="moved", remedy="reload the queue and try again"
)
NOT_THE_QUEUE = "The new order must list every order in the queue exactly once ({problem})."
BAD_POSITION = "Position {position} is outside the queue (1 to {length})."
NOT_IN_QUEUE = "Work order {number} is not in the cleaning queue."
NOT_ALLOWED_TO_REORDER = "Only managers can reorder the cleaning queue."


class StaleQueueError(DomainError):
    """The reorder was based on an older version of the queue."""


def default_key(work_order: WorkOrder) -> tuple:
    """Sort key of the default order (nulls last within the firm-rush tier)."""
    due = (work_order.date_required or datetime.date.max) if work_order.tier == Tier.FIRM_RUSH else datetime.date.min
    return (work_order.tier, due, work_order.date_in, work_order.number)


# ---------------------------------------------------------------------------------------------
# Membership: called from the work-order signals (receivers.py), under the work order's row lock.
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def add_to_queue(*, work_order: WorkOrder, actor: User | None = None) -> None:
    """Slot the order where the default order puts it relative to the current queue.

    Locks the queue row; the caller (a work-order service) holds the work order's lock."""
    queue = _lock_queue()
    if QueueEntry.objects.filter(work_order=work_order.pk).exists():
        return
    entries = list(QueueEntry.objects.select_related("work_order").order_by("position"))
    key = default_key(work_order)
    position = 1 + max((e.position for e in entries if default_key(e.work_order) < key), default=0)
    _shift(start=position, delta=1)
    QueueEntry.objects.create(work_order=work_order, position=position)
    bump_version(queue, actor)


@transaction.atomic
def remove_from_queue(*, work_order: WorkOrder, actor: User | None = None) -> None:
    """Take the order out and close the gap it leaves. Locks the queue row, after the caller's
    work-order lock."""
    queue = _lock_queue()
    entry = QueueEntry.objects.filter(work_order=work_order.pk).first()
    if entry is None:
        return
    entry.delete()
    _shift(start=entry.position + 1, delta=-1)
    bump_version(queue, actor)


@transaction.atomic
def reslot(*, work_order: WorkOrder, actor: User | None = None) -> None:
    """Its priority or dates changed: slot it again by the same rule (locks as add_to_queue)."""
    if QueueEntry.objects.filter(work_order=work_order.pk).exists():
        remove_from_queue(work_order=work_order, actor=actor)
        add_to_queue(work_order=work_order, actor=actor)


# ---------------------------------------------------------------------------------------------
# Manual order: managers.
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def reorder_queue(*, order: Sequence[int], expected_version: int, reordered_by: User) -> int:
    """Put the queue into ``order`` (every queued work-order number once); return the new version.

    Managers only (checked before any lock). Locks the queue row; refuses a stale
    ``expected_version`` (StaleQueueError) and a list that is not exactly the queue's numbers
    (ValidationError). At most five statements whatever the length: lock, read, (park,) place, bump.
    """
    _check_manager(reordered_by)
    queue = _lock_current(expected_version)
    current = _entries_by_number()
    _check_same_orders(order, current)
    _apply(current, order)
    return bump_version(queue, reordered_by)


@transaction.atomic
def move_in_queue(*, number: int, to_position: int, expected_version: int, moved_by: User) -> int:
    """Move one work order to ``to_position`` (1-based); the others close up.

    Same contract as reorder_queue: managers only (checked before any lock), locks the queue row,
    refuses a stale version; schedules nothing after commit.
    """
    _check_manager(moved_by)
    queue = _lock_current(expected_version)
    current = _entries_by_number()
    if number not in current:
        raise ValidationError(NOT_IN_QUEUE.format(number=number))
    if not 1 <= to_position <= len(current):
        raise ValidationError(BAD_POSITION.format(position=to_position, length=len(current)))
    order = [n for n in sorted(current, key=lambda n: current[n][1]) if n != number]
    order.insert(to_position - 1, number)
    _apply(current, order)
    return bump_version(queue, moved_by)


@transaction.atomic
def reset_queue(*, reset_by: User) -> int:
    """Discard every manual move: put the whole queue into the default order.

    Managers only (checked before any lock). Locks the queue row; schedules nothing after commit.
    """
    _check_manager(reset_by)
    queue = _lock_queue()
    entries = list(QueueEntry.objects.select_related("work_order"))
    current = {e.work_order.number: (e.pk, e.position) for e in entries}
    order = [e.work_order.number for e in sorted(entries, key=lambda e: default_key(e.work_order))]
    _apply(current, order)
    return bump_version(queue, reset_by)


# ---------------------------------------------------------------------------------------------


def _lock_queue() -> Queue:
    return lock_queue(Queue, pk=QUEUE_PK)


def _check_manager(user: User) -> None:
    if not user.has_perm(REORDER_PERMISSION):
        raise PermissionDenied(NOT_ALLOWED_TO_REORDER)


def _lock_current(expected_version: int) -> Queue:
    queue = _lock_queue()
    if queue.version != expected_version:
        raise StaleQueueError(STALE_QUEUE.format(**last_change(queue)))
    return queue


def _entries_by_number() -> dict[int, tuple[int, int]]:
    """work-order number -> (entry id, position), in one query."""
    rows = QueueEntry.objects.values_list("work_order__number", "pk", "position")
    return {number: (pk, position) for number, pk, position in rows}


def _check_same_orders(order: Sequence[int], current: dict[int, tuple[int, int]]) -> None:
    repeated = sorted(number for number, count in Counter(order).items() if count > 1)
    missing, extra = sorted(set(current) - set(order)), sorted(set(order) - set(current))
    problems = [f"{label}: {', '.join(map(str, numbers))}" for label, numbers in
                (("missing", missing), ("not in the queue", extra), ("repeated", repeated)) if numbers]
    if problems:
        raise ValidationError(NOT_THE_QUEUE.format(problem="; ".join(problems)))


def _apply(current: dict[int, tuple[int, int]], order: Sequence[int]) -> None:
    """Write the positions that change: one statement where the unique constraint is deferred
    (PostgreSQL), two elsewhere (park, then place)."""
    moves = {current[number][0]: position for position, number in enumerate(order, start=1)
             if current[number][1] != position}
    if not moves:
        return
    if not _deferred_unique():
        QueueEntry.objects.filter(pk__in=moves).update(position=F("position") + PARK_OFFSET)
    _place(moves)


def _place(moves: dict[int, int]) -> None:
    """Set entry id -> position in one UPDATE .. FROM (VALUES ..), which PostgreSQL and SQLite
    (3.33+) both run. Django's Case(When(..)) says the same but spends ~0.3 s compiling a few
    hundred branches in Python; VALUES columns are named column1, column2 on both databases."""
    table = connection.ops.quote_name(QueueEntry._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(moves))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET position = moved.column2 FROM (VALUES {rows}) AS moved "
            f"WHERE {table}.id = moved.column1",
            [value for pair in moves.items() for value in pair],
        )


def _shift(*, start: int, delta: int) -> None:
    """Move every entry at ``start`` or later by ``delta`` (two statements where not deferred)."""
    if _deferred_unique():
        QueueEntry.objects.filter(position__gte=start).update(position=F("position") + delta)
        return
    QueueEntry.objects.filter(position__gte=start).update(position=F("position") + PARK_OFFSET)
    QueueEntry.objects.filter(position__gte=start + PARK_OFFSET).update(position=F("position") - PARK_OFFSET + delta)


def _deferred_unique() -> bool:
    """Whether the position constraint is checked at commit (see QueueEntry)."""
    return connection.features.supports_deferrable_unique_constraints


def bump_version(queue: Queue, actor: User | None) -> int:
    """Caller holds the queue lock, so the new version is known without reading it back."""
    Queue.objects.filter(pk=queue.pk).update(version=F("version") + 1, updated_by=actor, updated_at=timezone.now())
    return queue.version + 1
