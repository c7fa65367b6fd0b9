"""Work orders brought to a stage through the services, and order lines as the admin form sends them."""

import datetime

from core.choices import QuoteStatus
from customers.models import CatalogItem
from workorders import services
from workorders.models import WorkOrder
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory

TODAY = datetime.date.today()

DATE_IN = TODAY - datetime.timedelta(days=3)


def catalog_picked(catalog_item: CatalogItem, **overrides) -> dict:
    """An order line as the form sends it when the user picks the item from the catalog."""
    return {
        "description": catalog_item.description, "material": catalog_item.material,
        "condition": catalog_item.condition, "colour": catalog_item.colour, "size": catalog_item.size,
        "quantity": 1, "price": None, "catalog_item": catalog_item,
    } | overrides


# How the services bring a new (awaiting-quote) order into each stage.
PATH_TO = {
    Stage.AWAITING_QUOTE: [],
    Stage.QUEUED: [Stage.QUEUED],
    Stage.IN_PROGRESS: [Stage.QUEUED, Stage.IN_PROGRESS],
    Stage.CLEANED: [Stage.QUEUED, Stage.IN_PROGRESS, Stage.CLEANED],
    Stage.TREATED: [Stage.QUEUED, Stage.IN_PROGRESS, Stage.CLEANED, Stage.TREATED],
    Stage.PACKAGED: [Stage.QUEUED, Stage.IN_PROGRESS, Stage.PACKAGED],
    Stage.COMPLETED: [Stage.COMPLETED],
}


def final_location_for(stage):
    return "Shelf B" if stage == Stage.PACKAGED else ""


def order_in(stage: Stage, actor) -> WorkOrder:
    order = WorkOrderFactory(date_in=DATE_IN, quote=QuoteStatus.NEEDED)
    for step in PATH_TO[stage]:
        order = services.change_work_order_stage(
            work_order=order, to_stage=step, final_location=final_location_for(step), changed_by=actor
        )
    assert order.stage == stage
    return order
