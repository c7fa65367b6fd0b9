from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from insights.reminders import DUE_FROM_DAYS, DUE_UNTIL_DAYS, QUIET_DAYS, due_customers
from insights.services import send_reminder


class Command(BaseCommand):
    help = (
        f"E-mail the annual cleaning reminder to every customer due one: last order completed "
        f"{DUE_FROM_DAYS}-{DUE_UNTIL_DAYS} days ago, not reminded in {QUIET_DAYS} days, not unsubscribed. "
        "Safe to run while the daily Celery job runs: nobody gets two."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List who is due; send and record nothing.")
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, dry_run: bool, today: date | None, verbosity: int, **options):
        today = today or timezone.localdate()
        if today > timezone.localdate():
            raise CommandError("--today cannot be in the future.")
        customers = list(due_customers(today=today))
        for customer in customers:
            if dry_run:
                self.stdout.write(f"due: {customer.number} {customer.name} <{customer.email}> "
                                  f"(last completed {customer.last_completed_on})")
        if dry_run:
            self.stdout.write(f"Dry run: {len(customers)} customer(s) due; nothing sent.")
            return
        sent = failed = skipped = 0
        for index, customer in enumerate(customers, start=1):
            reminder = send_reminder(customer_id=customer.pk, today=today)
            if reminder is None:
                skipped += 1
            elif reminder.status == reminder.Status.SENT:
                sent += 1
            else:
                failed += 1
                self.stderr.write(f"failed: {customer.number} <{customer.email}>: {reminder.error}")
            if verbosity > 1 or index % 50 == 0:
                self.stdout.write(f"{index}/{len(customers)}")
        self.stdout.write(f"{sent} sent, {failed} failed, {skipped} already reminded by another run.")
        if failed and not sent:
            raise CommandError(f"All {failed} reminder(s) failed; see the log above.")
