"""Every write to repair orders, their items and files, and their link to a work order."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.editing import apply_fields, deleted_meanwhile, save_version, stale_edit_message, validate, validate_dates
from core.errors import AlreadyLinked, DeletedMeanwhile, DomainError, InvalidTransition, StaleEditError
from core.items import build_lines
from core.locks import lock_for_edit, lock_repair_orders, lock_work_order
from core.numbering import REPAIR_ORDER_NUMBER, next_number
from customers.models import Customer
from files.attachments import StagedFile, attach_staged, delete_attachment, forget_after_commit, lock_owned_files
from workorders.models import WorkOrder

from .models import RepairOrder, RepairOrderFile, RepairOrderItem

ItemData = Mapping[str, Any]

REPAIR_ORDER_FIELDS = (
    "name", "link_note", "quote", "rush", "firm_rush", "needs_cleaning", "date_in", "date_required",
    "sent_out_on", "returned_on", "item_type", "repair_type", "repaired_by", "material_list",
    "customer_price", "storage_time", "rack_number", "location", "final_location", "return_method",
    "return_to", "special_instructions",
)

LINKED_ELSEWHERE = (
    "Repair order {repair} is already linked to work order {current}. "
    "Tick “relink” to move the link to work order {target}."
)
WORK_ORDER_TAKEN = (
    "Work order {target} is already linked to repair order {other}. "
    "Tick “relink” to move that link to repair order {repair}."
)
RELINKED_MEANWHILE = "Work order {target} was just linked to another repair order; reload and try again."
WORK_ORDER_GONE = "Work order {target} was deleted meanwhile; nothing was linked."
ALREADY_COMPLETED = "Repair order {number} is already completed."
ONLY_MANAGERS_COMPLETE = "Only managers can complete repair orders."


class WorkOrderGone(DomainError):
    """The work order to link was deleted before its lock could be taken."""


def validate_repair_order(repair_order: RepairOrder) -> None:
    validate_dates(date_in=repair_order.date_in, date_required=repair_order.date_required)
    validate(repair_order, exclude=["number", "customer"])


@transaction.atomic
def create_repair_order(
    *,
    customer: Customer,
    fields: Mapping[str, Any],
    items: Sequence[ItemData],
    work_order: WorkOrder | None = None,
    relink: bool = False,
    created_by: User | None,
) -> RepairOrder:
    """Create a repair order with its items and the next repair-order number, optionally linked
    to a work order (see link_repair). Items never touch the customer's catalog.

    Locks (core/locks.py order): the work order, then the repair order linked to it now (full
    lock: its unique link may move), then the repair-order sequence row (next_number). Schedules
    nothing after commit.
    """
    repair_order = apply_fields(
        RepairOrder(customer=customer, created_by=created_by, updated_by=created_by), fields, REPAIR_ORDER_FIELDS
    )
    repair_order.name = repair_order.name or customer.name
    validate_repair_order(repair_order)
    lines = build_lines(RepairOrderItem, parent_field="repair_order", parent=repair_order, items=items)
    if work_order is not None:
        work_order = _lock_target(work_order)
        locked = lock_repair_orders(RepairOrder.objects.filter(work_order=work_order), key_change=True)
    repair_order.number = next_number(REPAIR_ORDER_NUMBER)
    repair_order.save()
    RepairOrderItem.objects.bulk_create(lines)
    if work_order is not None:
        _link(repair_order, work_order, relink=relink, locked=locked, actor=created_by)
    return repair_order


# update_repair_order's default: the link to a work order stays as it is.
KEEP_LINK: Any = object()


@transaction.atomic
def update_repair_order(
    *,
    repair_order: RepairOrder,
    fields: Mapping[str, Any],
    items: Sequence[ItemData] | None = None,
    work_order: WorkOrder | None = KEEP_LINK,
    relink: bool = False,
    expected_version: int | None,
    updated_by: User | None,
) -> RepairOrder:
    """Edit fields and, when ``items`` is given, replace the items, as one versioned change; when
    ``work_order`` is given and differs from the current link, move the link in the same change.

    Locks (core/locks.py order): when the link moves, what link_repair locks (the target work
    order, then the repair orders) with the version checked under that lock; then this repair
    order's row, refusing a stale ``expected_version``. Replaces the items under the lock (delete
    and re-insert, so readers see the old list or the new one). Schedules nothing after commit.
    """
    if work_order is not KEEP_LINK and not _linked_as_asked(repair_order, work_order):
        # Linking first keeps the work order's lock ahead of the repair order's, as everywhere;
        # the form's version is checked under that lock, and the one save below bumps it once.
        repair_order, _ = _lock_and_link(repair_order, work_order, relink=relink,
                                         expected_version=expected_version, actor=updated_by)
    else:
        repair_order = lock_for_edit(RepairOrder, pk=repair_order.pk, expected_version=expected_version)
    apply_fields(repair_order, fields, REPAIR_ORDER_FIELDS)
    validate_repair_order(repair_order)
    if items is not None:
        _replace_lines(repair_order, items)
    return save_version(repair_order, actor=updated_by)


def _replace_lines(repair_order: RepairOrder, items: Sequence[ItemData]) -> None:
    lines = build_lines(RepairOrderItem, parent_field="repair_order", parent=repair_order, items=items)
    repair_order.items.all().delete()
    RepairOrderItem.objects.bulk_create(lines)


@transaction.atomic
def link_repair(
    *,
    repair_order: RepairOrder,
    work_order: WorkOrder | None,
    relink: bool = False,
    expected_version: int | None = None,
    linked_by: User | None,
) -> RepairOrder:
    """Link the repair order to ``work_order`` (None unlinks).

    Locks (core/locks.py order): the target work order first, then the repair orders involved
    (this one and the one the work order is linked to now) in primary-key order, with the full
    lock because their unique link column changes. delete_work_order takes the same order, so a
    link and a delete of the same work order run one after the other: the link is refused with
    WorkOrderGone if the delete committed first. A repair order linked elsewhere, or a work order
    that already has another repair order, is refused with AlreadyLinked unless ``relink`` is set;
    the displaced repair order's version is bumped and ``linked_by`` recorded on it. The one-to-one
    constraint makes a double link impossible even for code that skips this function. A stale
    ``expected_version`` of this repair order is refused under its lock. Schedules nothing after
    commit.
    """
    if _linked_as_asked(repair_order, work_order):
        return RepairOrder.objects.get(pk=repair_order.pk)  # nothing to write, so nothing to lock
    repair_order, changed = _lock_and_link(repair_order, work_order, relink=relink,
                                           expected_version=expected_version, actor=linked_by)
    return save_version(repair_order, actor=linked_by) if changed else repair_order


def _linked_as_asked(repair_order: RepairOrder, work_order: WorkOrder | None) -> bool:
    target = work_order.pk if work_order is not None else None
    return RepairOrder.objects.filter(pk=repair_order.pk, work_order=target).exists()


def _lock_and_link(
    repair_order: RepairOrder, work_order: WorkOrder | None, *, relink: bool, expected_version: int | None,
    actor: User | None,
) -> tuple[RepairOrder, bool]:
    """link_repair's locks and link, without the version save (its callers save once); returns
    the locked repair order and whether its link changed."""
    target = work_order.pk if work_order is not None else None
    if work_order is not None:
        work_order = _lock_target(work_order)
    current = RepairOrder.objects.filter(work_order=work_order).exclude(pk=repair_order.pk) if work_order else None
    involved = [repair_order.pk, *(current.values_list("pk", flat=True) if current is not None else [])]
    locked = lock_repair_orders(RepairOrder.objects.filter(pk__in=involved), key_change=True)
    if repair_order.pk not in locked:
        raise deleted_meanwhile(RepairOrder, repair_order.pk)
    repair_order = locked[repair_order.pk]
    if expected_version is not None and repair_order.version != expected_version:
        raise StaleEditError(stale_edit_message(repair_order))
    if repair_order.work_order_id == target:
        return repair_order, False  # someone made the same link meanwhile
    if work_order is None:
        repair_order.work_order = None
    else:
        _link(repair_order, work_order, relink=relink, locked=locked, actor=actor)
    return repair_order, True


def _lock_target(work_order: WorkOrder) -> WorkOrder:
    try:
        return lock_work_order(WorkOrder, pk=work_order.pk)
    except DeletedMeanwhile:
        raise WorkOrderGone(WORK_ORDER_GONE.format(target=work_order.number)) from None


def _link(repair_order: RepairOrder, work_order: WorkOrder, *, relink: bool, locked: dict, actor: User | None) -> None:
    """Caller holds the work order's lock, then those of ``repair_order`` and of the repair orders
    in ``locked`` (the one linked to the work order when it was locked)."""
    if repair_order.work_order_id == work_order.pk:
        return
    if repair_order.work_order_id and not relink:
        raise AlreadyLinked(
            LINKED_ELSEWHERE.format(
                repair=repair_order.number, current=_number_of(repair_order.work_order), target=work_order.number
            )
        )
    other = RepairOrder.objects.filter(work_order=work_order).exclude(pk=repair_order.pk).first()
    if other is not None:
        if other.pk not in locked:
            raise AlreadyLinked(RELINKED_MEANWHILE.format(target=work_order.number))
        if not relink:
            raise AlreadyLinked(
                WORK_ORDER_TAKEN.format(target=work_order.number, other=other.number, repair=repair_order.number)
            )
        # The displaced order changed too: a form open on it must go stale and name who did it.
        RepairOrder.objects.filter(pk=other.pk).update(
            work_order=None, version=other.version + 1, updated_by=actor, updated_at=timezone.now()
        )
    repair_order.work_order = work_order
    repair_order.save(update_fields=["work_order"])



def _number_of(work_order: WorkOrder | None) -> str:
    return str(work_order.number) if work_order is not None else "—"


@transaction.atomic
def complete_repair_order(*, repair_order: RepairOrder, on: date | None = None, completed_by: User) -> RepairOrder:
    """Stamp the completion date; managers only (checked before any lock).

    Locks the repair order row. Schedules nothing after commit.
    """
    if not completed_by.has_perm("repairs.complete_repairorder"):
        raise PermissionDenied(ONLY_MANAGERS_COMPLETE)
    repair_order = lock_for_edit(RepairOrder, pk=repair_order.pk, expected_version=None)
    if repair_order.completed_on:
        raise InvalidTransition(ALREADY_COMPLETED.format(number=repair_order.number))
    repair_order.completed_on = on or timezone.localdate()
    return save_version(repair_order, actor=completed_by)


@transaction.atomic
def delete_repair_order(*, repair_order: RepairOrder) -> None:
    """Delete the repair order with its items and files.

    Locks (core/locks.py order): the repair order (full lock: the row goes), then its attachment
    rows. The linked work order is not locked: deleting the referencing row writes nothing of it.
    After commit the stored file objects are deleted.
    """
    locked = lock_repair_orders(RepairOrder.objects.filter(pk=repair_order.pk), key_change=True)[repair_order.pk]
    stored = lock_owned_files(locked.files.all())
    locked.delete()
    forget_after_commit(stored)


@transaction.atomic
def add_repair_order_file(*, repair_order: RepairOrder, staged: StagedFile, uploaded_by: User | None) -> RepairOrderFile:
    """Attach a file staged beforehand (files.attachments.stage_upload, outside any lock): writes
    the row, promotes after commit; no storage I/O, no lock."""
    return attach_staged(
        RepairOrderFile, owner_field="repair_order", owner=repair_order, staged=staged, uploaded_by=uploaded_by
    )


@transaction.atomic
def delete_repair_order_file(*, attachment: RepairOrderFile) -> None:
    """Locks the attachment row (full: it goes); deletes its stored objects after commit."""
    delete_attachment(attachment)
