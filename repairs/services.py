"""Every write to repair orders, their items and files, and their link to a work order."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from files.attachments import StagedFile, attach_staged, delete_attachment, forget_after_commit, lock_owned_files
from core.errors import AlreadyLinked, InvalidTransition
from core.numbering import REPAIR_ORDER_NUMBER, next_number
from core.editing import apply_fields, lock_for_edit, save_version, validate, validate_dates
from core.items import build_lines
from customers.models import Customer
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
ALREADY_COMPLETED = "Repair order {number} is already completed."
ONLY_MANAGERS_COMPLETE = "Only managers can complete repair orders."


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
    to a work order (see link_repair). Items never touch the customer's catalog."""
    repair_order = apply_fields(
        RepairOrder(customer=customer, created_by=created_by, updated_by=created_by), fields, REPAIR_ORDER_FIELDS
    )
    repair_order.name = repair_order.name or customer.name
    validate_repair_order(repair_order)
    lines = build_lines(RepairOrderItem, parent_field="repair_order", parent=repair_order, items=items)
    repair_order.number = next_number(REPAIR_ORDER_NUMBER)
    repair_order.save()
    RepairOrderItem.objects.bulk_create(lines)
    if work_order is not None:
        # The new row is invisible to others until commit, so locking the one linked now after
        # it cannot deadlock.
        others = RepairOrder.objects.select_for_update(no_key=True).filter(work_order=work_order)
        _link(repair_order, work_order, relink=relink, locked={ro.pk: ro for ro in others})
    return repair_order


@transaction.atomic
def update_repair_order(
    *,
    repair_order: RepairOrder,
    fields: Mapping[str, Any],
    items: Sequence[ItemData] | None = None,
    expected_version: int | None,
    updated_by: User | None,
) -> RepairOrder:
    """Locks the repair order row; refuses a stale ``expected_version``; replaces the items when
    given (delete and re-insert under the lock, so readers see the old list or the new one)."""
    repair_order = lock_for_edit(RepairOrder.objects, pk=repair_order.pk, expected_version=expected_version)
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
    *, repair_order: RepairOrder, work_order: WorkOrder | None, relink: bool = False, linked_by: User | None
) -> RepairOrder:
    """Link the repair order to ``work_order`` (None unlinks).

    Locks the repair orders involved (this one and the one the work order is linked to now) in
    primary-key order, then the work order, so two people relinking at once cannot deadlock. A
    repair order linked elsewhere, or a work order that already has another repair order, is
    refused with AlreadyLinked unless ``relink`` is set; the one-to-one constraint makes a double
    link impossible even for code that skips this function.
    """
    current = RepairOrder.objects.filter(work_order=work_order).exclude(pk=repair_order.pk) if work_order else None
    involved = {repair_order.pk, *(current.values_list("pk", flat=True) if current is not None else [])}
    locked = {ro.pk: ro for ro in RepairOrder.objects.select_for_update(no_key=True).filter(pk__in=involved).order_by("pk")}
    repair_order = locked[repair_order.pk]
    if repair_order.work_order_id == (work_order.pk if work_order else None):
        return repair_order  # already so: not an edit
    if work_order is None:
        repair_order.work_order = None
    else:
        _link(repair_order, work_order, relink=relink, locked=locked)
    return save_version(repair_order, actor=linked_by)


def _link(repair_order: RepairOrder, work_order: WorkOrder, *, relink: bool, locked: dict) -> None:
    """Caller holds the locks of ``repair_order`` and of the repair orders in ``locked``."""
    work_order = WorkOrder.objects.select_for_update(no_key=True).get(pk=work_order.pk)
    if repair_order.work_order_id == work_order.pk:
        return
    if repair_order.work_order_id and not relink:
        raise AlreadyLinked(
            LINKED_ELSEWHERE.format(
                repair=repair_order.number, current=repair_order.work_order.number, target=work_order.number
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
        RepairOrder.objects.filter(pk=other.pk).update(work_order=None, version=other.version + 1)
    repair_order.work_order = work_order
    repair_order.save(update_fields=["work_order"])


@transaction.atomic
def complete_repair_order(*, repair_order: RepairOrder, on: date | None = None, completed_by: User) -> RepairOrder:
    """Locks the repair order; managers only."""
    if not completed_by.has_perm("repairs.complete_repairorder"):
        raise PermissionDenied(ONLY_MANAGERS_COMPLETE)
    repair_order = lock_for_edit(RepairOrder.objects, pk=repair_order.pk, expected_version=None)
    if repair_order.completed_on:
        raise InvalidTransition(ALREADY_COMPLETED.format(number=repair_order.number))
    repair_order.completed_on = on or timezone.localdate()
    return save_version(repair_order, actor=completed_by)


@transaction.atomic
def delete_repair_order(*, repair_order: RepairOrder) -> None:
    locked = RepairOrder.objects.select_for_update().get(pk=repair_order.pk)  # full lock: the row goes
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
    delete_attachment(attachment)
