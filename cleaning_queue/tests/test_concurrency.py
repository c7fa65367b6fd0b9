"""Finding 4: the queue under managers moving at the same time."""

import random

from django.db import IntegrityError, transaction

from accounts.models import User
from cleaning_queue import services
from cleaning_queue.models import Queue, QueueEntry
from testing.concurrency import concurrency_marks, errors_in, run_concurrently
from testing.queue import bulk_queue

pytestmark = concurrency_marks()

THREADS, MOVES, LENGTH = 16, 50, 200


def positions() -> list[int]:
    return list(QueueEntry.objects.order_by("position").values_list("position", flat=True))


def order_now() -> list[int]:
    return list(QueueEntry.objects.order_by("position").values_list("work_order__number", flat=True))


def test_many_managers_moving_at_once_keep_positions_1_to_n(manager):
    numbers = bulk_queue(LENGTH)

    def work(thread: int) -> tuple[int, int]:
        """Each attempt reads the queue's version, as the page does, then moves an order."""
        rng, user = random.Random(thread), User.objects.get(pk=manager.pk)
        moved = stale = 0
        for _ in range(MOVES):
            version = Queue.objects.get().version
            try:
                services.move_in_queue(number=rng.choice(numbers), to_position=rng.randint(1, LENGTH),
                                       expected_version=version, moved_by=user)
                moved += 1
            except services.StaleQueueError:
                stale += 1  # someone moved first; the page would ask to reload
        return moved, stale

    results = run_concurrently(THREADS, work)
    assert not errors_in(results)
    moved = sum(m for m, _ in results)
    assert moved + sum(s for _, s in results) == THREADS * MOVES and moved >= THREADS
    assert positions() == list(range(1, LENGTH + 1))
    assert sorted(order_now()) == sorted(numbers)
    assert Queue.objects.get().version == 1 + moved  # every applied move, and only those, counted


def test_negative_control_moves_without_the_queue_lock_break_the_queue(manager):
    numbers = bulk_queue(LENGTH)

    def naive_move(thread: int) -> int:
        rng, failures = random.Random(thread), 0
        for _ in range(MOVES):
            current = services._entries_by_number()  # no lock, no version
            order = [n for n in sorted(current, key=lambda n: current[n][1]) if n != (moved := rng.choice(numbers))]
            order.insert(rng.randint(0, LENGTH - 1), moved)
            try:
                services._apply(current, order)
            except IntegrityError:
                failures += 1
        return failures

    results = run_concurrently(THREADS, naive_move)
    broken = positions() != list(range(1, LENGTH + 1))
    deadlocks = [e for e in errors_in(results) if "deadlock" in str(e)]
    assert len(errors_in(results)) == len(deadlocks), errors_in(results)  # nothing else went wrong
    collisions = sum(r for r in results if isinstance(r, int)) + len(deadlocks)
    assert broken or collisions, "no collision: the moves did not overlap"


def _two_reorders(manager, reorder) -> tuple[list, list[int], list[list[int]]]:
    numbers = bulk_queue(20)
    version = Queue.objects.get().version
    wanted = [numbers[::-1], numbers[10:] + numbers[:10]]
    results = run_concurrently(2, lambda t: reorder(wanted[t], version, User.objects.get(pk=manager.pk)))
    return results, order_now(), wanted


def test_two_simultaneous_full_reorders_apply_one_and_refuse_the_other(manager):
    results, final, wanted = _two_reorders(
        manager, lambda order, version, user: services.reorder_queue(order=order, expected_version=version, reordered_by=user)
    )
    assert not errors_in(results, allowed=(services.StaleQueueError,))
    winners = [t for t, r in enumerate(results) if isinstance(r, int)]
    assert len(winners) == 1 and isinstance(results[1 - winners[0]], services.StaleQueueError)
    assert final == wanted[winners[0]]


def test_negative_control_without_the_version_check_both_reorders_succeed(manager):
    def unchecked(order, version, user):
        with transaction.atomic():
            queue = services._lock_queue()
            services._apply(services._entries_by_number(), order)
            return services.bump_version(queue, user)

    results, final, wanted = _two_reorders(manager, unchecked)
    assert not errors_in(results)
    assert all(isinstance(r, int) for r in results)  # the second silently overwrote the first
