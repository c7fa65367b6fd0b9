"""The prediction of an order follows its edits (workorders.signals.work_order_saved)."""

from core.after_commit import after_commit


def refresh_prediction(sender, *, work_order, **kwargs) -> None:
    """After the edit commits, re-predict this order in a Celery task."""
    after_commit(_send_refresh, work_order.pk)


def _send_refresh(work_order_id: int) -> None:
    from .serving import active_version_id
    from .tasks import refresh_work_order_prediction

    # Nothing is sent while no model is active (a shop without a model pays one cache read).
    if active_version_id() is not None:
        refresh_work_order_prediction.delay(work_order_id)
