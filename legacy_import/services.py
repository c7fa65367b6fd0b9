"""``run_import``: the whole legacy import, table by table in dependency order.

Every table is written by its own service function in its own transaction (legacy_import.tables
and .finishing). Before anything is written the legacy schema is checked, so an unreachable
database, a missing table or a missing column stops the run with one message and no writes.
Under ``dry_run`` the run happens inside one outer transaction that is rolled back at the end:
the report says what a real run would write, and nothing is saved.
"""

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from django.apps import apps
from django.db import DatabaseError, transaction
from django.utils import timezone

from core.cache import WORK_ORDER_STATE, invalidate_on_commit
from core.numbering import fix_sequences
from customers.models import CatalogItem, Customer, Source
from customers.selectors import SOURCE_CHOICES
from repairs.models import RepairOrder, RepairOrderFile
from workorders.models import CheckIn, CheckInFile, WorkOrder, WorkOrderFile

from . import finishing, tables
from .cleaning import legacy_number
from .report import Progress, Report
from .source import LegacySource, LegacySourceError
from .writers import timestamps_as_given


class ImportFailed(LegacySourceError):
    """A table could not be written; it was rolled back (tables before it stay imported)."""


class _DryRunRollback(Exception):
    pass


NO_MODEL = "no_model_in_new_system"
STEPS: tuple[tuple[str, Callable], ...] = (
    ("tblsource", tables.import_sources),
    ("tblcustomers", tables.import_customers),
    ("tblcustawngs", tables.import_catalog),
    ("tblcustworkorderdetail", tables.import_work_orders),
    ("tblorddetcustawngs", tables.import_work_order_lines),
    ("tblworkorderfiles", tables.import_work_order_files),
    ("tblrepairworkorderdetail", tables.import_repair_orders),
    ("tblreporddetcustawngs", tables.import_repair_order_lines),
    ("tblrepairorderfiles", tables.import_repair_order_files),
    ("tblcheckins", tables.import_check_ins),
    ("tblcheckinitems", tables.import_check_in_lines),
    ("tblcheckinfiles", tables.import_check_in_files),
    ("user", finishing.import_users),
    # Invites have no model here (users are created by admins): read and listed as skipped.
    ("invite_tokens", lambda run: finishing.skip_table(run, "invite_tokens", NO_MODEL)),
    ("email_reminders", lambda run: finishing.import_reminders(run) if apps.is_installed("insights")
     else finishing.skip_table(run, "email_reminders", NO_MODEL)),
)
# Tables whose import changes what the derived steps compute.
LINK_INPUTS = frozenset({"tblcustworkorderdetail", "tblrepairworkorderdetail"})
TIMESTAMPED = (Source, Customer, CatalogItem, WorkOrder, RepairOrder, CheckIn, WorkOrderFile, RepairOrderFile,
               CheckInFile)


def table_names() -> list[str]:
    return [name for name, _ in STEPS]


def run_import(
    *, dsn: str, only: list[str] | None = None, dry_run: bool = False, batch_size: int = tables.DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> Report:
    """Import the selected legacy tables, each in its own transaction (one rolled-back outer one
    under ``dry_run``). Locks: each table's step locks the versioned rows it may overwrite (pk
    order), link_orders and rebuild_queue as their docstrings say; after each table commits the
    cached source choices and dashboard move on."""
    selected = only or table_names()
    unknown = sorted(set(selected) - set(table_names()))
    if unknown:
        raise LegacySourceError(f"Unknown table(s) {', '.join(unknown)}; choose from {', '.join(table_names())}.")
    report = Report(dry_run=dry_run)
    source = LegacySource(dsn)
    try:
        source.check_schema([name for name, _ in STEPS if name in selected] + sorted(LINK_INPUTS))
        run = tables.Run(source=source, report=report, progress=progress or Progress(enabled=False),
                         batch_size=batch_size)
        run.lookups.legacy_work_orders = _numbers(source, "tblcustworkorderdetail", "workorderno")
        run.lookups.legacy_repair_orders = _numbers(source, "tblrepairworkorderdetail", "repairorderno")
        try:
            # Outside a dry run each table commits on its own, so a failure keeps the tables before it.
            with transaction.atomic() if dry_run else nullcontext(), timestamps_as_given(*TIMESTAMPED):
                _run_steps(run, selected)
                if dry_run:
                    raise _DryRunRollback
        except _DryRunRollback:
            pass
    finally:
        source.close()
    return report


def _run_steps(run: tables.Run, selected: list[str]) -> None:
    for name, step in STEPS:
        if name in selected:
            _step(name, step, run)
    if LINK_INPUTS & set(selected):
        _step("links", finishing.link_orders, run)
    if "tblcustworkorderdetail" in selected:
        _step("queue", finishing.rebuild_queue, run)
    states = fix_sequences()
    run.report.notes += [
        f"sequence {state.name}: " + (f"moved from {state.last} to {state.highest}" if state.behind else "ok")
        for state in states
    ]


def _step(name: str, step: Callable, run: tables.Run) -> None:
    try:
        # A savepoint per table: in a dry run (one outer transaction) a failure still undoes
        # exactly the table that failed, as the table's own transaction does in a real run.
        with transaction.atomic():
            step(run)
            # Bulk writes bypass the services, so move the cached views on by hand (on commit:
            # a dry run or a failed table changes no cache).
            invalidate_on_commit(SOURCE_CHOICES, WORK_ORDER_STATE)
    except LegacySourceError:
        raise
    except DatabaseError as error:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ImportFailed(f"Importing {name} failed and none of it was saved: {first_line}") from error


def _numbers(source: LegacySource, table: str, column: str) -> set[int]:
    return {number for value in source.numbers(table, column) if (number := legacy_number(value)) is not None}


def default_report_dir(base: Path) -> Path:
    return base / "legacy-import" / timezone.localtime().strftime("%Y%m%d-%H%M%S")
