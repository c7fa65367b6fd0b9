"""Orders at known stages and dates, made through the services like the app makes them."""

from datetime import date, timedelta

from django.utils import timezone

from core.choices import QuoteStatus
from customers.tests.factories import CustomerFactory
from workorders.services import change_work_order_stage
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory, item_data

FLOOR_PATH = (Stage.IN_PROGRESS, Stage.CLEANED, Stage.TREATED, Stage.PACKAGED)


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def order_at(stage: str, actor, **fields):
    """A work order moved along the floor to ``stage`` (anything but completed)."""
    quote = QuoteStatus.NEEDED if stage == Stage.AWAITING_QUOTE else QuoteStatus.APPROVED
    order = WorkOrderFactory(quote=quote, **fields)
    if stage in FLOOR_PATH:
        for step in FLOOR_PATH[: FLOOR_PATH.index(stage) + 1]:
            order = change_work_order_stage(work_order=order, to_stage=step, final_location="Rack 1", changed_by=actor)
    return order


def completed_order(actor, *, date_in: date, completed_on: date, items=None, customer=None, **fields):
    order = WorkOrderFactory(
        customer=customer or CustomerFactory(), date_in=date_in, items=items if items is not None else [item_data()],
        **fields,
    )
    return change_work_order_stage(work_order=order, to_stage=Stage.COMPLETED, on=completed_on, changed_by=actor)


def line(size: str, *, quantity: int = 1, price: str | None = None, n: int = 0) -> dict:
    return item_data(n, size=size, quantity=quantity, price=price)
