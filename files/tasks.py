"""Background work on files. Tasks take ids or object names, never model instances, and each is
safe to run twice; they are enqueued only after the transaction that needs them committed."""

import logging

from celery import shared_task
from django.core.files.storage import default_storage
from django.db import OperationalError

from . import attachments
from .reconcile import reconcile
from .storage import STORAGE_ERRORS

log = logging.getLogger(__name__)

# Storage or database briefly away: try again later, backing off up to ten minutes.
TRANSIENT = (*STORAGE_ERRORS, OperationalError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": 2, "retry_backoff_max": 600, "retry_jitter": True, "max_retries": 8}


@shared_task(**RETRY)
def promote_attachment(label: str, pk: int) -> str:
    return attachments.promote(label, pk)


@shared_task(**RETRY)
def delete_stored_objects(names: list[str]) -> None:
    attachments.delete_unreferenced(default_storage, names)


@shared_task
def reconcile_storage_daily() -> dict:
    report = reconcile(delete=True)
    log.info("reconcile_storage: %s", report.summary())
    return report.summary()
