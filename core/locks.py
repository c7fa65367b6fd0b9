"""The one lock order, and the helpers that take the locks in it.

Every service that locks more than one kind of row takes them in this order, skipping the kinds
it does not need; within one kind it locks several rows in primary-key order:

1. check-in            (workorders.CheckIn)
2. work order          (workorders.WorkOrder)
3. repair orders       (repairs.RepairOrder, pk order: the one linked to the work order and the
                        one being linked)
4. document sequence   (django-sequences row: work-order, repair-order, customer numbers)
5. catalog rows        (customers.CatalogItem, in catalog-identity order, see record_catalog_item)
6. queue row           (cleaning_queue.Queue, one row for the whole queue)
7. attachment rows     (files.Attachment subclasses, pk order)

Why this order and not another: it is what the services already need, read off the code.

* A check-in comes first because converting one locks it and then creates the work order; and
  deleting a work order must lock the check-in it came from (its ``work_order`` is SET_NULL, so the
  delete's cascade writes that row) before the work order, not through the cascade after it.
* The work order comes before its repair orders: the work-order services hold the order's lock
  when the delete cascade (SET_NULL) reaches the linked repair order, so linking and creating a
  repair order lock the work order first too. The other order deadlocked (issue "one lock order").
* The sequence comes after the work order and repair orders because creating a repair order for a
  work order locks those first and numbers last; nothing holds a sequence row and then waits for
  an existing work order or repair order. Holding the shared sequence row briefly also keeps
  creations from queueing behind a slow lock wait.
* Catalog rows are written while an order's lines are saved, before the stage signal puts the order
  into the queue; the queue's receivers run inside the work-order services (workorders.signals), so
  the queue follows every order row.
* Attachment rows come last: they are locked just before their owner is deleted (the lock waits for
  a promote in flight) or on their own.
* Order lines (items of a check-in, work order or repair order) are not in the list: they are
  written under their order's lock. The one exception is deleting a catalog row, whose SET_NULL
  cascade clears the lines' catalog link; Django runs those updates before it deletes (and so
  locks) the catalog row, so it never holds a catalog row while it waits for a line, and
  update_work_order's "order, lines, then catalog rows" cannot meet it the other way round.

Rows locked alone, never together with the rows above (customer, source, user, model versions),
are not in the list; a service that starts locking one of them together with another kind adds it
here first.

Strength: ``select_for_update(no_key=True)`` by default, which does not block inserts of rows that
refer to the locked one (their foreign-key check takes a KEY SHARE lock). The full lock
(``FOR UPDATE``) is taken only where the row is deleted, or where a column with a unique index is
written (PostgreSQL counts such a column as a key, so the UPDATE takes the full lock anyway;
taking it at once avoids upgrading a lock we already hold, which can deadlock).

Every helper refuses to run outside a transaction: a row lock taken in autocommit is released at
once, so the caller would believe it holds a lock it does not.
"""

from typing import TypeVar

from django.db import models, transaction

from .editing import deleted_meanwhile, stale_edit_message
from .errors import StaleEditError
from .models import VersionedModel

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=VersionedModel)

# The order itself; the module docstring explains it item by item (a test keeps the two equal).
LOCK_ORDER: tuple[str, ...] = (
    "check-in",
    "work order",
    "repair orders",
    "document sequence",
    "catalog rows",
    "queue row",
    "attachment rows",
)

OUTSIDE_TRANSACTION = (
    "{helper} must run inside transaction.atomic(): outside one the row lock ends with the statement."
)


class LockOutsideTransaction(RuntimeError):
    """A lock helper was called in autocommit mode: a programming error, not a refusal."""


def require_transaction(helper: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise LockOutsideTransaction(OUTSIDE_TRANSACTION.format(helper=helper))


def _queryset(source: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    return source._default_manager.all() if isinstance(source, type) else source.all()


# ---------------------------------------------------------------------------------------------
# One row: check-in, work order, queue; and any versioned row edited from a form.
# ---------------------------------------------------------------------------------------------


def lock_for_edit(
    source: type[V] | models.QuerySet[V], *, pk: int, expected_version: int | None, key_change: bool = False
) -> V:
    """Lock one versioned row and refuse (StaleEditError) if it changed since the form was loaded.

    ``expected_version=None`` skips the check (tasks and one-tap actions did not load a form).
    ``key_change`` takes the full lock (FOR UPDATE): the row is about to be deleted, or a column
    with a unique index is about to be written.
    """
    require_transaction("lock_for_edit")
    obj = _lock_one(_queryset(source), pk=pk, key_change=key_change)
    if expected_version is not None and obj.version != expected_version:
        raise StaleEditError(stale_edit_message(obj))
    return obj


def lock_row(source: type[M] | models.QuerySet[M], *, pk: int, key_change: bool = False) -> M:
    """Lock one row edited alone (a source, a catalog row from its own form).

    A row missing here was deleted by someone else since the caller read it: DeletedMeanwhile, a
    refusal the admin shows, unlike a DoesNotExist anywhere else, which is a bug.
    """
    require_transaction("lock_row")
    return _lock_one(_queryset(source), pk=pk, key_change=key_change)


def _lock_one(queryset: models.QuerySet[M], *, pk: int, key_change: bool) -> M:
    try:
        return queryset.select_for_update(no_key=not key_change).get(pk=pk)
    except queryset.model.DoesNotExist:
        raise deleted_meanwhile(queryset.model, pk) from None


def lock_check_in(source: type[V] | models.QuerySet[V], *, pk: int, expected_version: int | None = None,
                  key_change: bool = False) -> V:
    """Lock order 1."""
    require_transaction("lock_check_in")
    return lock_for_edit(source, pk=pk, expected_version=expected_version, key_change=key_change)


def lock_work_order(source: type[V] | models.QuerySet[V], *, pk: int, expected_version: int | None = None,
                    key_change: bool = False) -> V:
    """Lock order 2. Lock it before its repair orders, the sequence, catalog, queue and files."""
    require_transaction("lock_work_order")
    return lock_for_edit(source, pk=pk, expected_version=expected_version, key_change=key_change)


def lock_queue(source: type[M] | models.QuerySet[M], *, pk: int) -> M:
    """Lock order 6: the one queue row, which serialises every queue change."""
    require_transaction("lock_queue")
    return _queryset(source).select_for_update(no_key=True).get(pk=pk)


# ---------------------------------------------------------------------------------------------
# Several rows of one kind, in primary-key order.
# ---------------------------------------------------------------------------------------------


def lock_repair_orders(queryset: models.QuerySet[M], *, key_change: bool = False) -> dict[int, M]:
    """Lock order 3: the repair orders of ``queryset`` in pk order, returned by pk.

    ``key_change`` takes the full lock, for a delete or for writing the unique work-order link.
    """
    require_transaction("lock_repair_orders")
    return {row.pk: row for row in _in_pk_order(queryset, key_change=key_change)}


def lock_catalog_items(queryset: models.QuerySet[M]) -> list[M]:
    """Lock order 5: existing catalog rows in pk order (record_catalog_item locks by identity)."""
    require_transaction("lock_catalog_items")
    return _in_pk_order(queryset, key_change=False)


def lock_attachments(queryset: models.QuerySet[M], *, key_change: bool = True) -> list[M]:
    """Lock order 7: attachment rows in pk order. Full lock by default: they are about to be
    deleted (or their object names rewritten by a promote), and the lock waits for a promote in
    flight. ``key_change=False`` for rows only read under the lock (a check-in's files copied)."""
    require_transaction("lock_attachments")
    return _in_pk_order(queryset, key_change=key_change)


def lock_rows(queryset: models.QuerySet[M], *, key_change: bool = False) -> list[M]:
    """Any other several rows of one kind, in pk order (model versions, say)."""
    require_transaction("lock_rows")
    return _in_pk_order(queryset, key_change=key_change)


def _in_pk_order(queryset: models.QuerySet[M], *, key_change: bool) -> list[M]:
    return list(queryset.select_for_update(no_key=not key_change).order_by("pk"))

