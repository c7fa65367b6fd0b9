"""A long cleaning queue written in bulk: for tests and benchmarks that measure moves, not how
orders arrive."""

import datetime

from django.db.models import Max

from cleaning_queue.models import QueueEntry
from core.choices import QuoteStatus
from customers.services import create_customer
from workorders.models import WorkOrder
from workorders.stages import Stage


def bulk_queue(count: int, *, first_number: int = 100_000) -> list[int]:
    """A long queue written in bulk, for tests that measure moves rather than how orders arrive."""
    customer = create_customer(fields={"name": "Bulk queue customer"}, created_by=None)
    orders = WorkOrder.objects.bulk_create(
        WorkOrder(number=first_number + n, customer=customer, name=f"Bulk {n}", stage=Stage.QUEUED,
                  quote=QuoteStatus.APPROVED, date_in=datetime.date.today())
        for n in range(count)
    )
    start = (QueueEntry.objects.aggregate(last=Max("position"))["last"] or 0) + 1
    QueueEntry.objects.bulk_create(QueueEntry(work_order=o, position=i) for i, o in enumerate(orders, start=start))
    return [o.number for o in orders]
