"""Every write of the insights app: the annual cleaning reminders and their unsubscribes.

Exactly once per customer, even when two runs overlap (beat and a manual command): each send
first *claims* the customer in its own short transaction, under a lock on the customer's row,
re-checking the rule and writing a ``sending`` row; only the run that committed that row sends.
The e-mail goes out after the claim commits, so a slow mail server never holds a lock, and the
outcome (sent, or failed with the reason) is recorded on the same row. A failed reminder does
not count as a reminder: the next run tries again. A run that dies between claim and send
leaves a ``sending`` row, which blocks that customer for 60 days rather than risk a duplicate.
Who is due, and the e-mail itself, are reads: insights.reminders.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from customers.models import Customer

from .models import CleaningReminder, ReminderOptOut
from .reminders import build_reminder_email, due_customers

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    due: int = 0
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # reminded by a concurrent run meanwhile


def send_cleaning_reminders(*, today: date | None = None) -> ReminderRun:
    """Send every due customer their reminder; safe to run concurrently with itself.

    No transaction of its own: one claim_reminder transaction (customer row lock) per customer,
    each e-mail sent after that claim committed."""
    today = today or timezone.localdate()
    run = ReminderRun()
    customer_ids = list(due_customers(today=today).values_list("pk", flat=True))
    run.due = len(customer_ids)
    for customer_id in customer_ids:
        reminder = send_reminder(customer_id=customer_id, today=today)
        if reminder is None:
            run.skipped.append(customer_id)
        elif reminder.status == CleaningReminder.Status.SENT:
            run.sent.append(customer_id)
        else:
            run.failed.append(customer_id)
    return run


def send_reminder(*, customer_id: int, today: date | None = None) -> CleaningReminder | None:
    """Claim the customer and, if the claim holds, e-mail them; ``None`` if no longer due.

    Locks the customer row only inside claim_reminder, which commits before the e-mail goes."""
    reminder = claim_reminder(customer_id=customer_id, today=today or timezone.localdate())
    if reminder is not None:
        deliver_reminder(reminder=reminder)
    return reminder


@transaction.atomic(durable=True)  # the claim must commit before the e-mail goes
def claim_reminder(*, customer_id: int, today: date) -> CleaningReminder | None:
    """Write the ``sending`` row for a customer who is still due.

    Locks the customer's row (on SQLite the IMMEDIATE transaction serialises writers instead), so
    of two runs claiming the same customer the second waits, re-checks, finds the first claim and
    returns ``None``. Must be the outermost transaction: the claim has to commit before the send.
    """
    Customer.objects.select_for_update(no_key=True).filter(pk=customer_id).first()
    customer = due_customers(today=today).filter(pk=customer_id).first()
    if customer is None:
        return None
    return CleaningReminder.objects.create(
        customer=customer, email=customer.email, last_completed_on=customer.last_completed_on  # type: ignore[attr-defined]  # annotated by due_customers
    )


def deliver_reminder(*, reminder: CleaningReminder) -> CleaningReminder:
    """Send the claimed reminder and record the outcome on its row (no lock: only its claimer
    writes it)."""
    try:
        message = build_reminder_email(reminder)
        message.send()
    except Exception as error:  # noqa: BLE001 — any gateway failure is recorded, the run goes on
        logger.warning("Cleaning reminder %s to %s failed: %s", reminder.pk, reminder.email, error)
        reminder.status, reminder.error = CleaningReminder.Status.FAILED, f"{type(error).__name__}: {error}"[:2000]
    else:
        reminder.status, reminder.sent_at = CleaningReminder.Status.SENT, timezone.now()
        # django-ses puts SES's id in this header; other backends leave it empty.
        reminder.message_id = str(message.extra_headers.get("message_id", ""))[:255]
    CleaningReminder.objects.filter(pk=reminder.pk).update(
        status=reminder.status, sent_at=reminder.sent_at, error=reminder.error, message_id=reminder.message_id
    )
    return reminder


@transaction.atomic
def unsubscribe_customer(*, customer: Customer) -> ReminderOptOut:
    """Record the opt-out; unsubscribing twice keeps the first date. A unique one-to-one row, so
    two clicks at once make one row (get_or_create retries the read on the IntegrityError).
    Locks nothing; schedules nothing after commit."""
    opt_out, _ = ReminderOptOut.objects.get_or_create(customer=customer)
    return opt_out
