"""Reads the queue pages and the JSON API share."""

from django.db.models import Q, QuerySet

from core.numbering import is_number
from workorders.models import WorkOrder
from workorders.selectors import with_display_annotations
from workorders.stages import Stage

from .models import QUEUE_PK, Queue, QueueEntry

BOARD_TABS = {
    "recent": ("All recent", (Stage.IN_PROGRESS, Stage.CLEANED, Stage.TREATED, Stage.PACKAGED)),
    "in_progress": ("In progress", (Stage.IN_PROGRESS,)),
    "cleaned": ("Cleaned", (Stage.CLEANED,)),
    "treated": ("Treated", (Stage.TREATED,)),
    "packaged": ("Packaged", (Stage.PACKAGED,)),
}


def get_queue_snapshot(*, search: str = "", hide_sail: bool = False, hide_cushion: bool = False) -> tuple[int, list[QueueEntry]]:
    """The queue's version and its entries in order, in two queries whatever the length.

    The version is read first: if the queue changes between the two reads, the caller holds the
    older version and a reorder it sends is refused, never applied to an order it did not see.
    """
    version = Queue.objects.values_list("version", flat=True).get(pk=QUEUE_PK)
    entries = QueueEntry.objects.select_related("work_order__customer", "work_order__ship_to").order_by("position")
    entries = with_display_annotations(entries, order_ref="work_order_id")
    if search:
        entries = entries.filter(_search(search, prefix="work_order__"))
    if hide_sail:
        entries = entries.exclude(work_order__ship_to__is_sail_loft=True)
    if hide_cushion:
        entries = entries.exclude(work_order__is_cushion=True)
    return version, list(entries)


def queue_payload(version: int, entries: list[QueueEntry]) -> dict:
    return {
        "version": version,
        "orders": [
            {
                "number": e.work_order.number,
                "position": e.position,
                "tier": e.work_order.tier.name.lower(),
                "customer": e.work_order.customer.name,
                "name": e.work_order.name,
                "date_in": e.work_order.date_in.isoformat(),
                "date_required": e.work_order.date_required.isoformat() if e.work_order.date_required else None,
                "stage": e.work_order.stage,
            }
            for e in entries
        ],
    }


def list_board(*, tab: str, search: str = "") -> QuerySet[WorkOrder]:
    """Open orders on the floor past the queue, most recently changed first."""
    orders = WorkOrder.objects.filter(stage__in=BOARD_TABS[tab][1]).select_related("customer", "ship_to")
    if search:
        orders = orders.filter(_search(search))
    return orders.order_by("-updated_at", "-number")


def _search(text: str, prefix: str = "") -> Q:
    text = text.strip()
    query = (
        Q(**{f"{prefix}name__icontains": text})
        | Q(**{f"{prefix}customer__name__icontains": text})
        | Q(**{f"{prefix}ship_to__name__icontains": text})
    )
    if is_number(text):
        query |= Q(**{f"{prefix}number": int(text)}) | Q(**{f"{prefix}customer__number": int(text)})
    return query
