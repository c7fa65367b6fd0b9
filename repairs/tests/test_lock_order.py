"""Linking a repair order while its work order is deleted: the one lock order (core/locks.py).

The deadlock of the issue needs one precise interleaving, so these tests force it instead of
hoping for it: the first thread pauses right after its first lock, the second starts and is seen
(pg_stat_activity) waiting for a lock, then the first goes on. On SQLite writers are serialised by
the database lock, so there is no row-lock interleaving to force: those tests are skipped there.
"""

import contextlib
import re
import threading
import time

import pytest
from django.db import DatabaseError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.roles import MANAGER, OFFICE
from accounts.tests.factories import make_user
from core.choices import QuoteStatus
from core.locks import LOCK_ORDER
from customers.tests.factories import CustomerFactory
from repairs import services as repair_services
from repairs.models import RepairOrder
from repairs.services import WorkOrderGone, link_repair
from repairs.tests.factories import RepairOrderFactory
from testing.files import pdf, stage
from workorders import services as work_order_services
from workorders.models import CheckIn, WorkOrder
from workorders.services import convert_check_in, delete_work_order
from workorders.stages import Stage
from workorders.tests.factories import CheckInFactory, item_data

WAIT = 10  # seconds: the most any step may wait; the tests never sleep for a fixed time

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers with one database lock: no row-lock interleaving to force",
)


class Session(threading.Thread):
    """One thread with its own connection, running ``work``; keeps its result or its exception."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.pid, self.result = work, None, None
        self.connected = threading.Event()

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
                # A lock wait longer than WAIT fails the step instead of hanging the test.
                cursor.execute(f"SET lock_timeout = '{WAIT}s'")
                # Find a deadlock in 50 ms rather than the default second (superuser setting).
                with contextlib.suppress(DatabaseError):
                    cursor.execute("SET deadlock_timeout = '50ms'")
            self.connected.set()
            self.result = self.work()
        except BaseException as error:  # noqa: BLE001 — handed to the test
            self.result = error
        finally:
            self.connected.set()
            connection.close()

    def finish(self):
        self.join(3 * WAIT)
        assert not self.is_alive(), "a thread hung"
        return self.result


class Gate:
    """Wraps a lock helper: the first call takes its lock, then waits until the gate opens."""

    def __init__(self):
        self.reached, self.opened = threading.Event(), threading.Event()

    def wrap(self, function):
        def paused(*args, **kwargs):
            result = function(*args, **kwargs)
            self.pause()
            return result

        return paused

    def pause(self) -> None:
        if not self.reached.is_set():
            self.reached.set()
            assert self.opened.wait(WAIT), "the gate was never opened"


def wait_until_blocked(session: Session) -> None:
    """Until ``session`` waits for a row lock (the main thread's connection is in autocommit, so
    every look at pg_stat_activity is a fresh one)."""
    assert session.connected.wait(WAIT)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [session.pid])
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            return
        if not session.is_alive():
            raise AssertionError(f"the second thread finished without waiting: {session.result!r}")
        time.sleep(0.005)
    raise AssertionError("the second thread never waited for a lock")


def interleave(first, second, gate: Gate) -> tuple:
    """Run ``first`` until it passes ``gate`` (after its first lock), then ``second`` until it waits
    for a lock, then let ``first`` go on; return both results."""
    one = Session(first)
    one.start()
    try:
        assert gate.reached.wait(WAIT), f"the first thread never reached the gate: {one.result!r}"
        two = Session(second)
        two.start()
        try:
            wait_until_blocked(two)
        finally:
            gate.opened.set()
            results = one.finish(), two.finish()
    finally:
        gate.opened.set()
        one.join(WAIT)
    return results


def relink_setup():
    """A work order converted from a check-in and linked to repair order ``old``; repair order
    ``new`` is about to take that link over (the relink that locks two repair orders)."""
    customer = CustomerFactory()
    work_order = convert_check_in(check_in=CheckInFactory(customer=customer), converted_by=None)
    old = RepairOrderFactory(customer=customer, work_order=work_order)
    new = RepairOrderFactory(customer=customer)
    return work_order, old, new, make_user(OFFICE)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_delete_waits_for_a_link_that_locked_the_work_order_first(monkeypatch):
    work_order, old, new, user = relink_setup()
    gate = Gate()
    monkeypatch.setattr(repair_services, "lock_work_order", gate.wrap(repair_services.lock_work_order))

    linked, deleted = interleave(
        lambda: link_repair(repair_order=RepairOrder(pk=new.pk), work_order=work_order, relink=True, linked_by=user),
        lambda: delete_work_order(work_order=WorkOrder(pk=work_order.pk)),
        gate,
    )

    assert isinstance(linked, RepairOrder), linked
    assert deleted is None, deleted
    # The delete came after the link: it found the new link and cleared it.
    assert not WorkOrder.objects.filter(pk=work_order.pk).exists()
    assert RepairOrder.objects.get(pk=new.pk).work_order_id is None
    displaced = RepairOrder.objects.get(pk=old.pk)
    assert (displaced.work_order_id, displaced.version, displaced.updated_by) == (None, old.version + 1, user)
    assert CheckIn.objects.get(work_order__isnull=True, status=CheckIn.Status.PROCESSED)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_a_link_waiting_for_a_deleted_work_order_is_refused(monkeypatch):
    work_order, old, new, user = relink_setup()
    gate = Gate()
    monkeypatch.setattr(work_order_services, "lock_work_order", gate.wrap(work_order_services.lock_work_order))

    deleted, linked = interleave(
        lambda: delete_work_order(work_order=WorkOrder(pk=work_order.pk)),
        lambda: link_repair(repair_order=RepairOrder(pk=new.pk), work_order=work_order, relink=True, linked_by=user),
        gate,
    )

    assert deleted is None, deleted
    assert isinstance(linked, WorkOrderGone), linked
    assert str(work_order.number) in str(linked)
    assert not WorkOrder.objects.filter(pk=work_order.pk).exists()
    assert list(RepairOrder.objects.filter(pk__in=[old.pk, new.pk]).values_list("work_order", flat=True)) == [None, None]
    assert RepairOrder.objects.get(pk=new.pk).version == new.version  # nothing was written to it


@transaction.atomic
def old_link_repair(*, repair_order, work_order, relink, linked_by, after_first_lock):
    """The link_repair of before the issue, as it locked: repair orders first, then the work order."""
    current = RepairOrder.objects.filter(work_order=work_order).exclude(pk=repair_order.pk)
    involved = {repair_order.pk, *current.values_list("pk", flat=True)}
    locked = {
        ro.pk: ro for ro in RepairOrder.objects.select_for_update(no_key=True).filter(pk__in=involved).order_by("pk")
    }
    after_first_lock()
    work_order = WorkOrder.objects.select_for_update(no_key=True).get(pk=work_order.pk)
    repair_order = locked[repair_order.pk]
    for other in locked.values():
        if other.pk != repair_order.pk:
            RepairOrder.objects.filter(pk=other.pk).update(work_order=None, version=other.version + 1)
    repair_order.work_order = work_order
    repair_order.save(update_fields=["work_order"])
    return repair_order


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_negative_control_the_old_lock_order_deadlocks_against_delete():
    """Without the fix the same interleaving ends in PostgreSQL's 'deadlock detected' (the 500 of
    the issue), so the tests above would catch the old order coming back."""
    work_order, old, new, user = relink_setup()
    gate = Gate()

    first, second = interleave(
        lambda: old_link_repair(
            repair_order=RepairOrder(pk=new.pk), work_order=work_order, relink=True, linked_by=user,
            after_first_lock=gate.pause,
        ),
        lambda: delete_work_order(work_order=WorkOrder(pk=work_order.pk)),
        gate,
    )

    deadlocks = [r for r in (first, second) if isinstance(r, OperationalError) and "deadlock detected" in str(r)]
    assert len(deadlocks) == 1, (first, second)
    assert type(deadlocks[0].__cause__).__name__ == "DeadlockDetected"


# ---------------------------------------------------------------------------------------------
# Without threads, on every database.
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_displaced_repair_order_records_who_relinked(office_user):
    work_order, old, new, _ = relink_setup()

    link_repair(repair_order=new, work_order=work_order, relink=True, linked_by=office_user)

    displaced = RepairOrder.objects.get(pk=old.pk)
    assert displaced.work_order_id is None
    assert displaced.version == old.version + 1
    assert displaced.updated_by == office_user
    assert displaced.updated_at > old.updated_at


@pytest.mark.django_db
def test_linking_to_a_deleted_work_order_is_refused_without_a_write(office_user):
    work_order, old, new, _ = relink_setup()
    delete_work_order(work_order=work_order)

    with pytest.raises(WorkOrderGone):
        link_repair(repair_order=new, work_order=work_order, relink=True, linked_by=office_user)

    assert RepairOrder.objects.get(pk=new.pk).version == new.version


@pytest.mark.django_db
def test_deleting_a_work_order_unlinks_its_repair_order_and_check_in():
    work_order, old, _, _ = relink_setup()

    delete_work_order(work_order=work_order)

    assert RepairOrder.objects.get(pk=old.pk).work_order_id is None
    assert CheckIn.objects.filter(work_order__isnull=True, status=CheckIn.Status.PROCESSED).count() == 1


# ---------------------------------------------------------------------------------------------
# Every multi-lock service takes its locks in the order of core/locks.py (read off the SQL).
# ---------------------------------------------------------------------------------------------


def _rank_by_table() -> dict[str, int]:
    from sequences.models import Sequence

    from cleaning_queue.models import Queue
    from customers.models import CatalogItem
    from repairs.models import RepairOrderFile
    from workorders.models import CheckInFile, WorkOrderFile

    kinds = [[CheckIn], [WorkOrder], [RepairOrder], [Sequence], [CatalogItem], [Queue],
             [WorkOrderFile, RepairOrderFile, CheckInFile]]
    assert len(kinds) == len(LOCK_ORDER)
    return {model._meta.db_table: rank for rank, models in enumerate(kinds, start=1) for model in models}


LOCKING = re.compile(
    r'^\s*(?:SELECT .*? FROM "?(?P<select>\w+)"? .*FOR (?:NO KEY )?UPDATE$'
    r'|UPDATE "?(?P<update>\w+)"? |DELETE FROM "?(?P<delete>\w+)"? |INSERT INTO "?(?P<insert>sequences_sequence)"?)',
    re.DOTALL,
)


def lock_ranks(run) -> list[int]:
    """The lock-order rank of each kind of row ``run`` locks, in the order it first locks it (a
    row locked again later, by the delete's cascade say, is already held)."""
    ranks = _rank_by_table()
    # Inside an outer transaction, so what runs after commit (file promotes, their own
    # transactions) is left out.
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        run()
    seen = []
    for query in queries.captured_queries:
        match = LOCKING.match(query["sql"])
        table = match and match.lastgroup and match[match.lastgroup]
        if table in ranks and ranks[table] not in seen:
            seen.append(ranks[table])
    return seen


def order_with_everything(user):
    """A queued work order converted from a check-in, with a file and a linked repair order."""
    customer = CustomerFactory()
    check_in = CheckInFactory(customer=customer)
    work_order = convert_check_in(check_in=check_in, converted_by=None)
    work_order_services.approve_quote(work_order=work_order, approved_by=user)
    work_order_services.add_work_order_file(work_order=work_order, staged=stage(pdf()), uploaded_by=None)
    return work_order, RepairOrderFactory(customer=customer, work_order=work_order)


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_delete_work_order_locks_in_the_documented_order(office_user):
    work_order, _ = order_with_everything(office_user)
    # check-in, work order, repair order, queue, attachments: the cascade finds them all held.
    assert lock_ranks(lambda: delete_work_order(work_order=work_order)) == [1, 2, 3, 6, 7]


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_linking_and_creating_repair_orders_lock_in_the_documented_order(office_user):
    work_order, linked = order_with_everything(office_user)
    other = RepairOrderFactory(customer=linked.customer)
    assert lock_ranks(
        lambda: link_repair(repair_order=other, work_order=work_order, relink=True, linked_by=office_user)
    ) == [2, 3]
    assert lock_ranks(
        lambda: repair_services.create_repair_order(
            customer=linked.customer, fields={"date_in": linked.date_in}, items=[item_data()],
            work_order=work_order, relink=True, created_by=office_user,
        )
    ) == [2, 3, 4]


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_an_edit_that_moves_the_link_locks_the_work_order_before_the_repair_order(office_user):
    """The repair-order form's save: one update_repair_order call that also moves the link. Its
    edit of the repair order must not lock that row before the work order (the reverse order)."""
    work_order, linked = order_with_everything(office_user)
    other = RepairOrderFactory(customer=linked.customer)
    assert lock_ranks(
        lambda: repair_services.update_repair_order(
            repair_order=other, fields={"repair_type": "Patch"}, work_order=work_order, relink=True,
            expected_version=other.version, updated_by=office_user,
        )
    ) == [2, 3]
    other.refresh_from_db()
    assert other.work_order == work_order and other.repair_type == "Patch"


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_work_order_writes_lock_in_the_documented_order(office_user):
    customer = CustomerFactory()
    check_in = CheckInFactory(customer=customer, items=[item_data(1)])
    work_order_services.add_check_in_file(check_in=check_in, staged=stage(pdf()), uploaded_by=None)
    converted = lock_ranks(lambda: convert_check_in(check_in=check_in, converted_by=None))
    # check-in, number, catalog, then the check-in's file rows it copies; awaiting a quote, so not queued
    assert converted == [1, 4, 5, 7]
    work_order = WorkOrder.objects.get(check_in=check_in)
    assert lock_ranks(
        lambda: work_order_services.update_work_order(
            work_order=work_order, fields={"quote": QuoteStatus.APPROVED}, items=[item_data(2)],
            expected_version=work_order.version, updated_by=office_user,
        )
    ) == [2, 5, 6]
    assert lock_ranks(
        lambda: work_order_services.change_work_order_stage(
            work_order=work_order, to_stage=Stage.COMPLETED, changed_by=make_user(MANAGER)
        )
    ) == [2, 6]
