"""Every write to work orders, their items, stages, files and check-ins.

Each public function owns its transaction (nestable: called from the admin it becomes a savepoint
of the admin's transaction) and states what it locks.
"""

from collections.abc import Mapping, Sequence
from copy import copy
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.cache import WORK_ORDER_STATE, invalidate_on_commit
from core.choices import QuoteStatus
from core.editing import apply_fields, save_version, validate, validate_dates
from core.errors import AlreadyProcessed, InvalidTransition
from core.items import ITEM_FIELDS, build_lines
from core.locks import lock_check_in, lock_repair_orders, lock_work_order
from core.numbering import WORK_ORDER_NUMBER, next_number
from core.sizes import parse_square_feet
from customers.models import Customer
from customers.services import catalog_lock_key, record_catalog_item
from files.attachments import (
    StagedFile,
    attach_staged,
    copy_attachments,
    delete_attachment,
    forget_after_commit,
    lock_owned_files,
)

from . import signals
from .models import CheckIn, CheckInFile, CheckInItem, WorkOrder, WorkOrderEvent, WorkOrderFile, WorkOrderItem
from .stages import (
    DECIDE_QUOTES_PERMISSION,
    NOT_ALLOWED_TO_DECIDE_QUOTES,
    NOT_ALLOWED_TO_MOVE,  # noqa: F401 (the refusals are part of this module's API)
    ONLY_MANAGERS_COMPLETE,  # noqa: F401
    STAGE_DATE_FIELD,
    Stage,
    can_move,
    permission_for_move,
)

ItemData = Mapping[str, Any]

WORK_ORDER_FIELDS = (
    "name", "ship_to", "quote", "rush", "firm_rush", "is_cushion", "repairs_needed", "date_in",
    "date_required", "storage_time", "rack_number", "return_method", "return_to",
    "special_instructions", "repair_note",
)
CHECK_IN_FIELDS = (
    "date_in", "date_required", "rush", "repairs_needed", "storage_time", "rack_number", "return_to",
    "special_instructions",
)

CANNOT_MOVE = "Work order {number} is {current}; it cannot be moved to {target}."
QUOTE_FIXED_IN_PROGRESS = "The order is being cleaned; its approved quote can no longer change."
QUOTE_NOT_AWAITING = "Work order {number} is not awaiting a quote (it is {current})."
FINAL_LOCATION_REQUIRED = "Say where the packaged goods were put."
FINAL_LOCATION_MAX: int = WorkOrder._meta.get_field("final_location").max_length or 0
FINAL_LOCATION_TOO_LONG = f"Keep the final location under {FINAL_LOCATION_MAX} characters."
CHECK_IN_PROCESSED = "Check-in {pk} was already converted into work order {number}; it can no longer be changed."
CHECK_IN_PROCESSED_ORDER_DELETED = (
    "Check-in {pk} was already converted into a work order that has since been deleted; it can no longer be changed."
)


def validate_work_order(work_order: WorkOrder) -> None:
    """Field rules, called by the admin form's clean() and again inside the services."""
    validate_dates(date_in=work_order.date_in, date_required=work_order.date_required)
    validate(work_order, exclude=["number", "customer"])


@transaction.atomic
def create_work_order(
    *, customer: Customer, fields: Mapping[str, Any], items: Sequence[ItemData], created_by: User | None
) -> WorkOrder:
    """Create a work order with its items and the next work-order number.

    Newly typed items enter the customer's catalog (record_catalog_item). The number is taken
    last, after validation, and inside this transaction: a failure gives it back.

    Locks (core/locks.py order): the work-order sequence row, the catalog rows of newly typed items
    (in catalog-identity order), the queue row when the order enters the queue (stage_changed).
    After commit: the dashboard cache moves on and the order's prediction is refreshed
    (work_order_saved).
    """
    work_order = WorkOrder(customer=customer, created_by=created_by, updated_by=created_by)
    apply_fields(work_order, fields, WORK_ORDER_FIELDS)
    work_order.name = work_order.name or customer.name
    if work_order.ship_to_id is None:
        work_order.ship_to = customer.source  # goods go back through the customer's source
    work_order.stage = Stage.QUEUED if work_order.quote == QuoteStatus.APPROVED else Stage.AWAITING_QUOTE
    validate_work_order(work_order)
    lines = build_lines(WorkOrderItem, parent_field="work_order", parent=work_order, items=items)
    work_order.number = next_number(WORK_ORDER_NUMBER)
    work_order.save()
    _save_lines(work_order, lines, items)
    _log(work_order, kind=WorkOrderEvent.Kind.CREATED, from_stage="", actor=created_by)
    signals.stage_changed.send(WorkOrder, work_order=work_order, from_stage="", actor=created_by)
    signals.work_order_saved.send(WorkOrder, work_order=work_order, before=None, actor=created_by)
    return work_order


@transaction.atomic
def update_work_order(
    *,
    work_order: WorkOrder,
    fields: Mapping[str, Any],
    items: Sequence[ItemData] | None = None,
    expected_version: int | None,
    updated_by: User | None,
) -> WorkOrder:
    """Edit fields and, when ``items`` is given, replace the items, as one versioned change.

    Locks (core/locks.py order): the work order row, refusing a stale ``expected_version``; the
    catalog rows of newly typed items; the queue row when the order enters, leaves or moves in the
    queue. Approving the quote of an order awaiting it queues the order; withdrawing approval of a
    queued order un-queues it; a queued order whose priority or dates change is slotted again.
    After commit: the dashboard cache moves on and the prediction is refreshed.
    """
    work_order = lock_work_order(WorkOrder, pk=work_order.pk, expected_version=expected_version)
    before = copy(work_order)
    if work_order.stage == Stage.IN_PROGRESS and fields.get("quote", work_order.quote) != work_order.quote:
        raise ValidationError({"quote": QUOTE_FIXED_IN_PROGRESS})
    apply_fields(work_order, fields, WORK_ORDER_FIELDS)
    validate_work_order(work_order)
    if items is not None:
        _replace_lines(work_order, items)
    _follow_quote(work_order, actor=updated_by)
    signals.work_order_saved.send(WorkOrder, work_order=work_order, before=before, actor=updated_by)
    invalidate_on_commit(WORK_ORDER_STATE)
    return save_version(work_order, actor=updated_by)


def _replace_lines(work_order: WorkOrder, items: Sequence[ItemData]) -> None:
    lines = build_lines(WorkOrderItem, parent_field="work_order", parent=work_order, items=items)
    work_order.items.all().delete()
    _save_lines(work_order, lines, items)


def _save_lines(work_order: WorkOrder, lines: list[WorkOrderItem], items: Sequence[ItemData]) -> None:
    """Insert the lines; a line typed new on this save (no catalog item, no previous id) enters
    the customer's catalog and is linked to its catalog row."""
    typed = [(line, data) for line, data in zip(lines, items, strict=True)
             if line.catalog_item_id is None and not data.get("id")]
    # One fixed order of catalog rows for every transaction, so two orders adding the same items
    # in a different order cannot deadlock on them.
    for line, data in sorted(typed, key=lambda pair: _catalog_order(pair[0])):
        line.catalog_item = record_catalog_item(customer=work_order.customer, values=data, quantity=line.quantity)
    for line in lines:
        line.square_feet = square_feet_of(line.size)
    WorkOrderItem.objects.bulk_create(lines)


def square_feet_of(size: str) -> Decimal | None:
    """The stored form of core.sizes.parse_square_feet: what analytics sums in SQL."""
    area = parse_square_feet(size)
    return Decimal(str(area)) if area is not None else None


def _catalog_order(line: WorkOrderItem) -> tuple[str, ...]:
    return catalog_lock_key(
        {"description": line.description, "material": line.material, "colour": line.colour,
         "condition": line.condition, "size": line.size}
    )


@transaction.atomic
def delete_work_order(*, work_order: WorkOrder) -> None:
    """Delete the order with its lines, events, files and queue entry.

    Locks (core/locks.py order), all but the queue with the full lock: the check-in it was
    converted from and the repair order linked to it (the delete's SET_NULL cascade writes their
    unique link column), the work order itself (the row goes), the queue row (work_order_deleting:
    the queue closes its gap), then the attachment rows. Both linked rows are locked explicitly,
    before the cascade reaches them, so the delete never holds the work order while it waits for
    a repair order that link_repair holds. After commit: the stored file objects are deleted and
    the dashboard cache moves on.
    """
    _lock_converted_check_in(work_order)
    locked = lock_work_order(WorkOrder, pk=work_order.pk, key_change=True)
    _lock_linked_repair_order(locked)
    # The queue closes its gap before the cascade removes the entry.
    signals.work_order_deleting.send(WorkOrder, work_order=locked, actor=None)
    stored = lock_owned_files(locked.files.all())
    locked.delete()
    forget_after_commit(stored)
    invalidate_on_commit(WORK_ORDER_STATE)


def _lock_converted_check_in(work_order: WorkOrder) -> None:
    """Lock the check-in this order was converted from, before the order (check-in is first in
    the lock order). Read first, then locked: the link is written once, by convert_check_in in the
    transaction that creates the order, so it cannot point elsewhere by the time it is locked."""
    check_in_pk = CheckIn.objects.filter(work_order=work_order.pk).values_list("pk", flat=True).first()
    if check_in_pk is not None:
        # Full lock: the cascade sets its unique work_order column to NULL.
        lock_check_in(CheckIn, pk=check_in_pk, key_change=True)


def _lock_linked_repair_order(work_order: WorkOrder) -> None:
    """Lock the repair order linked to ``work_order`` (full lock: the cascade nulls its unique
    link). Repairs sits above workorders, so the model is reached through the reverse one-to-one
    relation instead of an import; without the repairs app there is nothing to lock."""
    try:
        repair_orders = WorkOrder._meta.get_field("repair_order").related_model
    except FieldDoesNotExist:
        return
    lock_repair_orders(repair_orders._default_manager.filter(work_order=work_order), key_change=True)


@transaction.atomic
def approve_quote(*, work_order: WorkOrder, approved_by: User) -> WorkOrder:
    """Approve the quote of an order awaiting it, which puts the order into the cleaning queue.

    Office work: needs the change permission, not the floor's (checked before any lock). Locks
    the work order, then the queue row; after commit the dashboard cache moves on.
    """
    if not approved_by.has_perm("workorders.change_workorder"):
        raise PermissionDenied(NOT_ALLOWED_TO_DECIDE_QUOTES)
    locked = lock_work_order(WorkOrder, pk=work_order.pk)
    if locked.stage != Stage.AWAITING_QUOTE:
        raise InvalidTransition(QUOTE_NOT_AWAITING.format(number=locked.number, current=locked.get_stage_display().lower()))
    return change_work_order_stage(work_order=locked, to_stage=Stage.QUEUED, changed_by=approved_by)


@transaction.atomic
def mark_quote_done(*, work_order: WorkOrder, marked_by: User) -> WorkOrder:
    """Record that the quote was made and sent; the order keeps waiting for approval.

    Office work, like approving (checked before any lock). Locks the work order only; schedules
    nothing after commit.
    """
    if not marked_by.has_perm(DECIDE_QUOTES_PERMISSION):
        raise PermissionDenied(NOT_ALLOWED_TO_DECIDE_QUOTES)
    locked = lock_work_order(WorkOrder, pk=work_order.pk)
    if locked.stage != Stage.AWAITING_QUOTE:
        raise InvalidTransition(QUOTE_NOT_AWAITING.format(number=locked.number, current=locked.get_stage_display().lower()))
    locked.quote = QuoteStatus.DONE
    return save_version(locked, actor=marked_by)


@transaction.atomic
def change_work_order_stage(
    *,
    work_order: WorkOrder,
    to_stage: str,
    on: date | None = None,
    final_location: str = "",
    expected_version: int | None = None,
    changed_by: User,
) -> WorkOrder:
    """Move the order to ``to_stage`` if the lifecycle allows it, stamping that stage's date.

    Checks the permission the move needs (stages.permission_for_move) before any lock, for the
    stage the order has when the call starts. Locks the work order row, then the queue row when
    the order enters or leaves the queue; writes one event row. After commit: the dashboard cache
    moves on.
    """
    seen = WorkOrder.objects.filter(pk=work_order.pk).values_list("stage", flat=True).first() or work_order.stage
    _check_move_permission(changed_by, from_stage=seen, to_stage=to_stage)
    work_order = lock_work_order(WorkOrder, pk=work_order.pk, expected_version=expected_version)
    if work_order.stage != seen:
        # Moved by someone else between the check and the lock: the rule is per stage, so it is
        # the same check again for the stage actually found, not a second rule.
        _check_move_permission(changed_by, from_stage=work_order.stage, to_stage=to_stage)
    if not can_move(work_order.stage, to_stage):
        raise InvalidTransition(
            CANNOT_MOVE.format(
                number=work_order.number, current=work_order.get_stage_display().lower(),
                target=Stage(to_stage).label.lower(),
            )
        )
    if to_stage == Stage.PACKAGED:
        if not final_location.strip():
            raise ValidationError({"final_location": FINAL_LOCATION_REQUIRED})
        if len(final_location.strip()) > FINAL_LOCATION_MAX:
            raise ValidationError({"final_location": FINAL_LOCATION_TOO_LONG})
        work_order.final_location = final_location.strip()
    if date_field := STAGE_DATE_FIELD.get(to_stage):
        setattr(work_order, date_field, on or timezone.localdate())
    if to_stage == Stage.QUEUED:
        if work_order.stage == Stage.AWAITING_QUOTE:
            work_order.quote = QuoteStatus.APPROVED
        work_order.started_on = None
    elif to_stage == Stage.AWAITING_QUOTE:
        work_order.quote = QuoteStatus.NEEDED
    _move(work_order, to_stage, actor=changed_by)
    return save_version(work_order, actor=changed_by)


def _check_move_permission(user: User, *, from_stage: str, to_stage: str) -> None:
    permission, refusal = permission_for_move(from_stage, to_stage)
    if not user.has_perm(permission):
        raise PermissionDenied(refusal)


def _follow_quote(work_order: WorkOrder, *, actor: User | None) -> None:
    approved = work_order.quote == QuoteStatus.APPROVED
    if work_order.stage == Stage.AWAITING_QUOTE and approved:
        _move(work_order, Stage.QUEUED, actor=actor)
    elif work_order.stage == Stage.QUEUED and not approved:
        _move(work_order, Stage.AWAITING_QUOTE, actor=actor)


def _move(work_order: WorkOrder, to_stage: str, *, actor: User | None) -> None:
    from_stage, work_order.stage = work_order.stage, to_stage
    _log(work_order, kind=WorkOrderEvent.Kind.STAGE, from_stage=from_stage, actor=actor)
    signals.stage_changed.send(WorkOrder, work_order=work_order, from_stage=from_stage, actor=actor)


def _log(work_order: WorkOrder, *, kind: str, from_stage: str, actor: User | None) -> None:
    """Audit a creation or stage move; both change what the dashboard counts."""
    WorkOrderEvent.objects.create(
        work_order=work_order, kind=kind, from_stage=from_stage, to_stage=work_order.stage, actor=actor
    )
    invalidate_on_commit(WORK_ORDER_STATE)


@transaction.atomic
def add_work_order_file(*, work_order: WorkOrder, staged: StagedFile, uploaded_by: User | None) -> WorkOrderFile:
    """Attach a file staged beforehand (files.attachments.stage_upload, outside any lock).

    Writes the row only; schedules its promotion after commit. No storage I/O, no lock.
    """
    return attach_staged(WorkOrderFile, owner_field="work_order", owner=work_order, staged=staged, uploaded_by=uploaded_by)


@transaction.atomic
def add_work_order_files(*, work_order: WorkOrder, staged: Sequence[StagedFile], uploaded_by: User | None) -> list[WorkOrderFile]:
    """Several staged files at once (a phone's photos), in one transaction; as add_work_order_file."""
    return [add_work_order_file(work_order=work_order, staged=file, uploaded_by=uploaded_by) for file in staged]


@transaction.atomic
def delete_work_order_file(*, attachment: WorkOrderFile) -> None:
    """Locks the attachment row (full: it goes); deletes its stored objects after commit."""
    delete_attachment(attachment)


# ---------------------------------------------------------------------------------------------
# Check-ins
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_check_in(
    *, customer: Customer, fields: Mapping[str, Any], items: Sequence[ItemData], created_by: User | None
) -> CheckIn:
    """Record a check-in with its items. Locks nothing (a new row); after commit the dashboard
    cache moves on."""
    check_in = apply_fields(CheckIn(customer=customer, created_by=created_by, updated_by=created_by), fields, CHECK_IN_FIELDS)
    validate_dates(date_in=check_in.date_in, date_required=check_in.date_required)
    validate(check_in, exclude=["customer"])
    lines = build_lines(CheckInItem, parent_field="check_in", parent=check_in, items=items)
    check_in.save()
    CheckInItem.objects.bulk_create(lines)
    invalidate_on_commit(WORK_ORDER_STATE)
    return check_in


@transaction.atomic
def update_check_in(
    *,
    check_in: CheckIn,
    fields: Mapping[str, Any],
    items: Sequence[ItemData] | None = None,
    expected_version: int | None,
    updated_by: User | None,
) -> CheckIn:
    """Edit a pending check-in and, when ``items`` is given, replace its items.

    Locks the check-in row; refuses a processed one (AlreadyProcessed) or a stale version.
    Schedules nothing after commit.
    """
    check_in = _lock_pending(check_in, expected_version=expected_version)
    apply_fields(check_in, fields, CHECK_IN_FIELDS)
    validate_dates(date_in=check_in.date_in, date_required=check_in.date_required)
    validate(check_in, exclude=["customer"])
    if items is not None:
        lines = build_lines(CheckInItem, parent_field="check_in", parent=check_in, items=items)
        check_in.items.all().delete()
        CheckInItem.objects.bulk_create(lines)
    return save_version(check_in, actor=updated_by)


@transaction.atomic
def delete_check_in(*, check_in: CheckIn) -> None:
    """Delete a pending check-in with its items and files.

    Locks (core/locks.py order) the check-in (full lock: the row goes), then its attachment rows.
    After commit: the stored file objects are deleted and the dashboard cache moves on.
    """
    locked = _lock_pending(check_in, expected_version=None, key_change=True)
    stored = lock_owned_files(locked.files.all())
    locked.delete()
    forget_after_commit(stored)
    invalidate_on_commit(WORK_ORDER_STATE)


@transaction.atomic
def convert_check_in(*, check_in: CheckIn, converted_by: User | None) -> WorkOrder:
    """Create the work order for a pending check-in, once.

    Locks the check-in row: of two people converting at the same moment, the second waits and is
    then refused with AlreadyProcessed. Items picked from the catalog keep their catalog link;
    newly typed ones enter the catalog through create_work_order. The check-in's files are copied
    to the work order (the legacy app lost them here): only their rows here, naming the check-in's
    objects (whose rows are locked); the bytes are copied to the work order's keys by the
    promotion after commit, so no storage I/O happens under these locks.

    Locks (core/locks.py order): the check-in, then what create_work_order locks (work-order
    sequence, catalog rows, queue row), then the check-in's file rows. After commit: the copied
    files are promoted, the cache moves on and the new order's prediction is refreshed.
    """
    check_in = _lock_pending(check_in, expected_version=None)
    fields = {name: getattr(check_in, name) for name in CHECK_IN_FIELDS}
    items = [
        {name: getattr(line, name) for name in ITEM_FIELDS}
        for line in check_in.items.all()
    ]
    work_order = create_work_order(customer=check_in.customer, fields=fields, items=items, created_by=converted_by)
    copy_attachments(check_in.files.all(), WorkOrderFile, owner_field="work_order", owner=work_order)
    check_in.status = CheckIn.Status.PROCESSED
    check_in.work_order = work_order
    save_version(check_in, actor=converted_by)
    return work_order


def _lock_pending(check_in: CheckIn, *, expected_version: int | None, key_change: bool = False) -> CheckIn:
    locked = lock_check_in(CheckIn, pk=check_in.pk, expected_version=expected_version, key_change=key_change)
    if locked.status == CheckIn.Status.PROCESSED:
        # The work order link is SET_NULL: a processed check-in outlives a deleted work order.
        if locked.work_order is None:
            raise AlreadyProcessed(CHECK_IN_PROCESSED_ORDER_DELETED.format(pk=locked.pk))
        raise AlreadyProcessed(CHECK_IN_PROCESSED.format(pk=locked.pk, number=locked.work_order.number))
    return locked


@transaction.atomic
def add_check_in_file(*, check_in: CheckIn, staged: StagedFile, uploaded_by: User | None) -> CheckInFile:
    """As add_work_order_file: the file was staged beforehand; writes the row, promotes after commit."""
    return attach_staged(CheckInFile, owner_field="check_in", owner=check_in, staged=staged, uploaded_by=uploaded_by)


@transaction.atomic
def delete_check_in_file(*, attachment: CheckInFile) -> None:
    """Locks the attachment row (full: it goes); deletes its stored objects after commit."""
    delete_attachment(attachment)
