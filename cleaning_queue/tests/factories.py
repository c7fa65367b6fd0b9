import datetime

from core.choices import QuoteStatus
from workorders.tests.factories import WorkOrderFactory


def queued(days_ago: int = 10, **fields):
    """A work order approved into the queue, its date in ``days_ago`` days back."""
    date_in = datetime.date.today() - datetime.timedelta(days=days_ago)
    return WorkOrderFactory(quote=QuoteStatus.APPROVED, date_in=date_in, **fields)

