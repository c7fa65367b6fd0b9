"""Nightly retraining, the daily refresh of open orders' predictions, and one order after an edit.

Each task is safe to run twice: training is guarded by the lease, and a second prediction row
simply becomes the newest one.
"""

import logging

from celery import shared_task
from django.db import OperationalError

from .serving import ModelUnavailable

log = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def train_completion_model_nightly(self) -> str:
    from .services import NotEnoughData, TrainingInProgress, train_completion_model

    try:
        outcome = train_completion_model(trained_via="celery beat")
    except (TrainingInProgress, NotEnoughData) as refusal:
        log.warning("Nightly training skipped: %s", refusal)
        return str(refusal)
    return f"version {outcome.version.pk}: {outcome.result.metrics} activated={outcome.activated}"


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def refresh_open_predictions(self) -> int:
    from .services import prune_predictions, refresh_predictions

    try:
        return refresh_predictions()
    except ModelUnavailable as error:
        log.warning("Predictions not refreshed: %s", error)
        return 0
    finally:
        prune_predictions()


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def refresh_work_order_prediction(self, work_order_id: int) -> int:
    from .services import refresh_work_order_prediction as refresh

    try:
        return refresh(work_order_id=work_order_id)
    except ModelUnavailable:
        return 0
