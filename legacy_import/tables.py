"""One service function per legacy table. Each owns its transaction: a table is imported
completely or, when anything fails, not at all (earlier tables stay imported)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q

from core.items import ITEM_FIELDS
from customers.models import CatalogItem, Customer, Source
from files.registry import FINAL_PREFIXES
from files.storage import STAGING_PREFIX
from repairs.models import RepairOrder, RepairOrderFile, RepairOrderItem
from workorders.models import CheckIn, CheckInFile, CheckInItem, WorkOrder, WorkOrderEvent, WorkOrderFile, WorkOrderItem
from workorders.services import square_feet_of

from . import cleaning, mappers
from .mappers import Lookups, Skip
from .report import Progress, Report
from .source import TABLES, LegacySource
from .writers import char_limits, fit, grouped, sync_children, upsert

DEFAULT_BATCH_SIZE = 2000
LINE_FIELDS = tuple(f"{name}_id" if name == "catalog_item" else name for name in ITEM_FIELDS)  # compared by column
FILE_FIELDS = ("original_name", "content_type", "size_bytes", "file", "thumbnail", "uploaded_at")
CHECK_IN_FILE_FIELDS = ("original_name", "content_type", "size_bytes", "file", "uploaded_at")
NOT_COMPARED = frozenset({"created_at", "updated_at", "version"})
IMPORT_NOTE = "Imported from the legacy system"


@dataclass
class Run:
    source: LegacySource
    report: Report
    progress: Progress
    batch_size: int = DEFAULT_BATCH_SIZE
    lookups: Lookups = field(default_factory=Lookups)

    def read(self, table: str) -> Iterator[dict]:
        stats = self.report.table(table)
        bar = self.progress.start(table, self.source.count(table))
        for row in self.source.rows(table, self.batch_size):
            stats.read += 1
            bar.advance()
            yield row
        bar.finish()

    def noter(self, table: str, key) -> Callable[[str, object], None]:
        return lambda reason, value: self.report.altered(table, key, reason, value)


def _compare(rows: dict) -> tuple[str, ...]:
    first = next(iter(rows.values()), {})
    return tuple(name for name in first if name not in NOT_COMPARED)


def _keyed(run: Run, table: str, key_of, mapper, limits) -> dict:
    """Map every row of ``table`` under its legacy key; skip unusable and duplicate keys."""
    rows: dict = {}
    key_column = TABLES[table].key
    for row in run.read(table):
        key = key_of(row)
        if key is None or key == "":
            run.report.skipped(table, row[key_column], "key_not_usable", row[key_column])
            continue
        if key in rows:
            run.report.skipped(table, row[key_column], "duplicate_key", key)
            continue
        note = run.noter(table, row[key_column])
        try:
            rows[key] = fit(mapper(row, note), limits, note)
        except Skip as skip:
            run.report.skipped(table, row[key_column], skip.reason, skip.value)
    return rows


# --- the tables ------------------------------------------------------------------------------


@transaction.atomic
def import_sources(run: Run) -> None:
    rows = _keyed(run, "tblsource", lambda r: cleaning.text(r["ssource"]), mappers.source, char_limits(Source))
    result = upsert(Source, key="name", rows=rows, compare=_compare(rows), stats=run.report.table("tblsource"),
                    batch_size=run.batch_size)
    run.lookups.source = result.pk_by_key


@transaction.atomic
def import_customers(run: Run) -> None:
    lookups = run.lookups
    rows = _keyed(run, "tblcustomers", lambda r: cleaning.legacy_number(r["custid"]),
                  lambda row, note: mappers.customer(row, lookups, note), char_limits(Customer))
    result = upsert(Customer, key="number", rows=rows, compare=_compare(rows),
                    stats=run.report.table("tblcustomers"), batch_size=run.batch_size, versioned=True)
    lookups.customer = result.pk_by_key


@transaction.atomic
def import_catalog(run: Run) -> None:
    """Keyed on the legacy key. Rows our unique (customer, item) rule sees as one item are merged
    into the first one, and lines naming the merged key point at it."""
    table, lookups = "tblcustawngs", run.lookups
    rows = _keyed(run, table, lambda r: cleaning.text(r["inventorykey"]),
                  lambda row, note: mappers.catalog_item(row, lookups, note), char_limits(CatalogItem))
    # identity -> (legacy key, pk) of the row holding it; rows made here have no legacy key.
    holders = {
        (customer, key_, material, colour, condition, size): (legacy_key, pk)
        for customer, key_, material, colour, condition, size, legacy_key, pk in CatalogItem.objects.values_list(
            "customer_id", "description_key", "material", "colour", "condition", "size", "legacy_key", "pk"
        ).iterator(5000)
    }
    aliases: dict[str, tuple] = {}
    for key, values in list(rows.items()):
        holder_key, holder_pk = holders.setdefault(mappers.catalog_identity(values), (key, None))
        if holder_key != key:
            aliases[key] = (holder_key, holder_pk)
            del rows[key]
            run.report.skipped(table, key, "merged_into_same_item", holder_key or f"catalog item {holder_pk}")
    result = upsert(CatalogItem, key="legacy_key", rows=rows, compare=_compare(rows),
                    stats=run.report.table(table), batch_size=run.batch_size)
    lookups.catalog = dict(result.pk_by_key)
    for key, (holder_key, holder_pk) in aliases.items():
        pk = lookups.catalog.get(holder_key) if holder_key else holder_pk
        if pk is not None:
            lookups.catalog[key] = pk


@transaction.atomic
def import_work_orders(run: Run) -> None:
    table, lookups = "tblcustworkorderdetail", run.lookups
    rows = _keyed(run, table, lambda r: cleaning.legacy_number(r["workorderno"]),
                  lambda row, note: mappers.work_order(row, lookups, note), char_limits(WorkOrder))
    existing = set(WorkOrder.objects.values_list("number", flat=True).iterator(5000))
    result = upsert(WorkOrder, key="number", rows=rows, compare=_compare(rows), stats=run.report.table(table),
                    batch_size=run.batch_size, versioned=True)
    lookups.work_order = result.pk_by_key
    events = [
        WorkOrderEvent(work_order_id=result.pk_by_key[number], kind=WorkOrderEvent.Kind.CREATED,
                       to_stage=values["stage"], at=values["created_at"], note=IMPORT_NOTE)
        for number, values in rows.items() if number not in existing
    ]
    events += [
        WorkOrderEvent(work_order_id=result.pk_by_key[number], kind=WorkOrderEvent.Kind.STAGE,
                       from_stage=old["stage"], to_stage=rows[number]["stage"], note=f"{IMPORT_NOTE} again")
        for number, old in result.previous.items() if old["stage"] != rows[number]["stage"]
    ]
    WorkOrderEvent.objects.bulk_create(events, batch_size=run.batch_size)


@transaction.atomic
def import_repair_orders(run: Run) -> None:
    table, lookups = "tblrepairworkorderdetail", run.lookups
    rows = _keyed(run, table, lambda r: cleaning.legacy_number(r["repairorderno"]),
                  lambda row, note: mappers.repair_order(row, lookups, note), char_limits(RepairOrder))
    result = upsert(RepairOrder, key="number", rows=rows, compare=_compare(rows), stats=run.report.table(table),
                    batch_size=run.batch_size, versioned=True)
    lookups.repair_order = result.pk_by_key


def _children(run: Run, table: str, *, parent_column: str, parents: dict, mapper, limits) -> Iterator:
    """Group a child table by its parent's legacy key → (parent pk, mapped children)."""
    key_column = TABLES[table].key
    for parent_key, legacy_rows in grouped(run.read(table), parent_column):
        parent_pk = parents.get(cleaning.legacy_number(parent_key))
        if parent_pk is None:
            for row in legacy_rows:
                run.report.skipped(table, row[key_column], "parent_not_imported", parent_key)
            continue
        children = []
        for row in legacy_rows:
            note = run.noter(table, row[key_column])
            children.append(fit(mapper(row, note), limits, note))
        yield parent_pk, children


def _sync(run: Run, table: str, model, *, parent: str, parent_column: str, parents: dict, mapper, compare,
          legacy_parents: set | None = None, owned: Q | None = None):
    """``legacy_parents``: the parents' keys in the legacy table. Only those parents may lose
    children; orders made in the new system keep theirs. ``owned``: the children the legacy
    data owns (not files uploaded here)."""
    groups = _children(run, table, parent_column=parent_column, parents=parents, mapper=mapper,
                       limits=char_limits(model))
    in_scope = {pk for key, pk in parents.items() if legacy_parents is None or key in legacy_parents}
    sync_children(model, parent=parent, groups=groups, compare=compare, parents_in_scope=in_scope,
                  stats=run.report.table(table), batch_size=run.batch_size, owned=owned or Q())


# Attachments uploaded in this system (staged or promoted to our key layout): never the
# import's to compare, replace or delete.
UPLOADED_HERE = reduce(or_, (Q(file__startswith=prefix) for prefix in (STAGING_PREFIX, *FINAL_PREFIXES)))


def _parents(run: Run, model, attribute: str) -> dict:
    if not getattr(run.lookups, attribute):
        setattr(run.lookups, attribute, dict(model.objects.values_list("number", "pk").iterator(5000)))
    return getattr(run.lookups, attribute)


@transaction.atomic
def import_work_order_lines(run: Run) -> None:
    lookups = run.lookups
    _ensure_catalog(run)

    def line(row, note):
        # Work-order lines store the parsed area too, as the work-order services do.
        values = mappers.order_line(row, lookups, note)
        area = square_feet_of(values["size"])
        values["square_feet"] = None if area is None else area.quantize(Decimal("0.01"))
        return values

    _sync(run, "tblorddetcustawngs", WorkOrderItem, parent="work_order", parent_column="workorderno",
          parents=_parents(run, WorkOrder, "work_order"), compare=(*LINE_FIELDS, "square_feet"), mapper=line,
          legacy_parents=lookups.legacy_work_orders)


@transaction.atomic
def import_repair_order_lines(run: Run) -> None:
    lookups = run.lookups
    _ensure_catalog(run)
    _sync(run, "tblreporddetcustawngs", RepairOrderItem, parent="repair_order", parent_column="repairorderno",
          parents=_parents(run, RepairOrder, "repair_order"), compare=LINE_FIELDS,
          mapper=lambda row, note: mappers.order_line(row, lookups, note), legacy_parents=lookups.legacy_repair_orders)


@transaction.atomic
def import_work_order_files(run: Run) -> None:
    _sync(run, "tblworkorderfiles", WorkOrderFile, parent="work_order", parent_column="workorderno",
          parents=_parents(run, WorkOrder, "work_order"), compare=FILE_FIELDS, mapper=mappers.order_file,
          legacy_parents=run.lookups.legacy_work_orders, owned=~UPLOADED_HERE)


@transaction.atomic
def import_repair_order_files(run: Run) -> None:
    _sync(run, "tblrepairorderfiles", RepairOrderFile, parent="repair_order", parent_column="repairorderno",
          parents=_parents(run, RepairOrder, "repair_order"), compare=FILE_FIELDS, mapper=mappers.order_file,
          legacy_parents=run.lookups.legacy_repair_orders, owned=~UPLOADED_HERE)


def _ensure_catalog(run: Run) -> None:
    if not run.lookups.catalog:
        run.lookups.catalog = dict(
            CatalogItem.objects.exclude(legacy_key=None).values_list("legacy_key", "pk").iterator(5000)
        )


@transaction.atomic
def import_check_ins(run: Run) -> None:
    table, lookups = "tblcheckins", run.lookups
    _parents(run, WorkOrder, "work_order")
    if not lookups.customer:
        lookups.customer = dict(Customer.objects.values_list("number", "pk").iterator(5000))
    rows = _keyed(run, table, lambda r: r["checkinid"],
                  lambda row, note: mappers.check_in(row, lookups, note), char_limits(CheckIn))
    claimed: set[int] = set()
    for key, values in rows.items():  # one check-in per work order (a one-to-one link here)
        if values["work_order_id"] is not None and values["work_order_id"] in claimed:
            run.report.altered(table, key, "work_order_claimed_twice", values["work_order_id"])
            values["work_order_id"] = None
        claimed.add(values["work_order_id"])
    result = upsert(CheckIn, key="legacy_id", rows=rows, compare=_compare(rows), stats=run.report.table(table),
                    batch_size=run.batch_size, versioned=True)
    lookups.check_in = result.pk_by_key


def _check_in_parents(run: Run) -> dict:
    if not run.lookups.check_in:
        run.lookups.check_in = dict(CheckIn.objects.exclude(legacy_id=None).values_list("legacy_id", "pk"))
    return run.lookups.check_in


@transaction.atomic
def import_check_in_lines(run: Run) -> None:
    lookups = run.lookups
    _ensure_catalog(run)
    _sync(run, "tblcheckinitems", CheckInItem, parent="check_in", parent_column="checkinid",
          parents=_check_in_parents(run), compare=LINE_FIELDS,
          mapper=lambda row, note: mappers.check_in_line(row, lookups, note))


@transaction.atomic
def import_check_in_files(run: Run) -> None:
    _sync(run, "tblcheckinfiles", CheckInFile, parent="check_in", parent_column="checkinid",
          parents=_check_in_parents(run), compare=CHECK_IN_FILE_FIELDS, mapper=mappers.check_in_file,
          owned=~UPLOADED_HERE)
