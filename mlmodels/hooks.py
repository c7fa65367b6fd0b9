"""What work-order services call so that an order's prediction follows its edits."""

from django.db import transaction


def refresh_prediction_on_commit(work_order_id: int) -> None:
    """After the surrounding transaction commits, re-predict this order in a Celery task.

    Nothing is enqueued while no model is active (a shop without a model pays one cache read).
    ``robust``: a broker outage must not turn a saved order into an error page.
    """

    def enqueue() -> None:
        from .serving import active_version_id
        from .tasks import refresh_work_order_prediction

        if active_version_id() is not None:
            refresh_work_order_prediction.delay(work_order_id)

    transaction.on_commit(enqueue, robust=True)
