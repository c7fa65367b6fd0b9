from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from files.reconcile import STAGED_MAX_AGE, UNREFERENCED_GRACE, reconcile
from files.storage import STORAGE_ERRORS

SHOWN = 50  # names listed per kind; the counts are always complete


class Command(BaseCommand):
    help = (
        "Compare stored attachment objects with the database. Lists staged objects older than a "
        "day and objects no row references (orphans), rows whose object is missing, and rows stuck "
        "in staging. A dry run by default: --delete removes the orphans and re-enqueues stuck rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Act: delete orphans, re-enqueue stuck promotions.")
        parser.add_argument(
            "--staged-hours", type=float, default=STAGED_MAX_AGE.total_seconds() / 3600,
            help="Age after which an unreferenced staged object is an orphan (default: %(default)s).",
        )
        parser.add_argument(
            "--grace-minutes", type=float, default=UNREFERENCED_GRACE.total_seconds() / 60,
            help="Age after which an unreferenced final object is an orphan (default: %(default)s).",
        )

    def handle(self, *args, delete, staged_hours, grace_minutes, **options):
        if staged_hours < 0 or grace_minutes < 0:
            raise CommandError("--staged-hours and --grace-minutes cannot be negative.")
        try:
            report = reconcile(
                delete=delete, staged_max_age=timedelta(hours=staged_hours), grace=timedelta(minutes=grace_minutes)
            )
        except STORAGE_ERRORS as error:
            raise CommandError(f"Storage is not reachable: {error}") from error
        verb = "Deleted" if delete else "Would delete"
        self.stdout.write(f"Scanned {report.scanned} object(s).")
        self._list(f"{verb} {len(report.orphans)} orphan(s)", report.orphans)
        self._list(f"{len(report.missing)} row(s) whose object is missing",
                   [f"{label} {pk}: {name}" for label, pk, name in report.missing])
        verb = "Re-enqueued" if delete else "Would re-enqueue"
        self._list(f"{verb} {len(report.stuck)} row(s) stuck in staging", [f"{label} {pk}" for label, pk in report.stuck])
        if not delete and report.orphans:
            self.stdout.write("Dry run: nothing was changed. Run again with --delete to act.")

    def _list(self, heading: str, lines: list[str]) -> None:
        self.stdout.write(heading + (":" if lines else "."))
        for line in lines[:SHOWN]:
            self.stdout.write(f"  {line}")
        if len(lines) > SHOWN:
            self.stdout.write(f"  … and {len(lines) - SHOWN} more")
