from celery import shared_task


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def send_cleaning_reminders_task(self) -> dict[str, int]:
    """Daily beat job. Safe to overlap with itself or the command: each customer is claimed once."""
    from .services import send_cleaning_reminders

    run = send_cleaning_reminders()
    return {"due": run.due, "sent": len(run.sent), "failed": len(run.failed), "skipped": len(run.skipped)}
