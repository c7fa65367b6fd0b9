from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from legacy_import.report import Progress
from legacy_import.services import default_report_dir, run_import, table_names
from legacy_import.source import LegacySourceError
from legacy_import.tables import DEFAULT_BATCH_SIZE


class Command(BaseCommand):
    help = (
        "Import the legacy Flask/PostgreSQL database: sources, customers, catalog, work and repair "
        "orders with their lines and files, check-ins, users and the reminder log, keyed on the legacy "
        "numbers so that running it again changes only what changed. Writes a report and a CSV of "
        "every skipped or altered row (var/legacy-import/<time>/ unless --report-dir)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, metavar="DSN",
                            help="libpq URL of the legacy database, e.g. postgresql://user:pw@host:5432/legacy")
        parser.add_argument("--dry-run", action="store_true", help="Run everything, then roll it all back.")
        parser.add_argument("--only", metavar="TABLES",
                            help=f"Comma-separated legacy tables to import (default all): {', '.join(table_names())}")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N",
                            help=f"Rows per bulk statement and per fetch (default {DEFAULT_BATCH_SIZE}).")
        parser.add_argument("--report-dir", type=Path, metavar="DIR",
                            help="Where to write report.txt and issues.csv.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars on stderr.")

    def handle(self, *args, source, dry_run, only, batch_size, report_dir, no_progress, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        selected = [name.strip() for name in only.split(",") if name.strip()] if only else None
        # The raw stream: OutputWrapper.write would end each in-place redraw ("\r") with a newline.
        progress = Progress(stream=self.stderr._out, enabled=not no_progress and options["verbosity"] > 0)
        try:
            report = run_import(dsn=source, only=selected, dry_run=dry_run, batch_size=batch_size,
                                progress=progress)
        except LegacySourceError as error:
            raise CommandError(str(error)) from error
        text_path, csv_path = report.write(report_dir or default_report_dir(Path(settings.VAR_DIR)))
        self.stdout.write("\n".join(report.lines()))
        self.stdout.write(self.style.SUCCESS(f"Report: {text_path}\nSkipped and altered rows: {csv_path}"))
