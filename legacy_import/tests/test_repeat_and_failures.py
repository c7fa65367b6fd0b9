"""Running again, dry runs, and bad input: the import is repeatable and never half-done."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import timezone

from cleaning_queue.models import Queue, QueueEntry
from core.numbering import sequence_states
from customers.models import CatalogItem, Customer, Source
from customers.services import create_catalog_item
from insights.models import CleaningReminder
from legacy_import.services import run_import
from repairs.models import RepairOrder
from workorders.models import CheckIn, CheckInItem, WorkOrder, WorkOrderEvent, WorkOrderFile, WorkOrderItem
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

SNAPSHOT_MODELS = (Source, Customer, CatalogItem, WorkOrder, WorkOrderItem, WorkOrderFile, RepairOrder, CheckIn,
                   CheckInItem, QueueEntry, WorkOrderEvent, CleaningReminder)


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS}


@pytest.mark.slow
def test_second_run_changes_nothing(legacy_db):
    run_import(dsn=legacy_db)
    before, queue_version = snapshot(), Queue.objects.get().version
    report = run_import(dsn=legacy_db)
    assert {name: stats.written for name, stats in report.tables.items() if stats.written} == {}
    assert snapshot() == before
    assert Queue.objects.get().version == queue_version


@pytest.mark.slow
def test_a_new_export_brings_in_what_changed(legacy_db, legacy_sql):
    run_import(dsn=legacy_db)
    untouched = WorkOrderItem.objects.filter(work_order__number=2003).get().pk
    legacy_sql("UPDATE tblcustomers SET name = 'Ann Smith-Lee' WHERE custid = '1'")
    legacy_sql("UPDATE tblcustworkorderdetail SET clean = '2025-10-09', queueposition = NULL "
               "WHERE workorderno = '2004'")
    legacy_sql("INSERT INTO tblorddetcustawngs (workorderno, custid, description, material, qty) "
               "VALUES ('2001', '1', 'Side curtain', 'Vinyl', 3)")
    legacy_sql("DELETE FROM tblorddetcustawngs WHERE workorderno = '2005'")
    legacy_sql("INSERT INTO tblcustomers (custid, name) VALUES ('6', 'Eve Stone')")
    version = Customer.objects.get(number=1).version

    report = run_import(dsn=legacy_db)

    ann = Customer.objects.get(number=1)
    assert (ann.name, ann.version) == ("Ann Smith-Lee", version + 1)
    assert Customer.objects.filter(number=6, name="Eve Stone").exists()
    assert (report.tables["tblcustomers"].created, report.tables["tblcustomers"].updated) == (1, 1)
    assert WorkOrder.objects.get(number=2004).stage == "cleaned"
    assert WorkOrderEvent.objects.filter(work_order__number=2004, kind="stage", to_stage="cleaned").exists()
    assert list(QueueEntry.objects.order_by("position").values_list("work_order__number", flat=True)) == [
        2003, 2005, 2006]
    assert list(WorkOrderItem.objects.filter(work_order__number=2001).values_list("description", flat=True)) == [
        "Awning", "AWNING", "Side curtain"]
    assert not WorkOrderItem.objects.filter(work_order__number=2005).exists()
    assert WorkOrderItem.objects.filter(work_order__number=2003).get().pk == untouched  # unchanged order kept


@pytest.mark.slow
def test_dry_run_writes_nothing(legacy_db):
    report = run_import(dsn=legacy_db, dry_run=True)
    assert report.tables["tblcustworkorderdetail"].created == 12  # what a real run would write
    assert all(not model.objects.exists() for model in (Source, Customer, WorkOrder, WorkOrderItem, QueueEntry))
    assert all(state.last == 0 for state in sequence_states())


@pytest.mark.slow
def test_sequences_continue_and_new_orders_survive_a_reimport(legacy_db):
    run_import(dsn=legacy_db)
    call_command("check_sequences")  # raises CommandError when a sequence is behind
    made_here = WorkOrderFactory(customer=Customer.objects.get(number=1))
    assert made_here.number == 2014  # after the highest imported number, 2013

    report = run_import(dsn=legacy_db)

    assert made_here.items.count() == 1  # not a legacy order: the import leaves its lines alone
    assert report.tables["tblorddetcustawngs"].written == 0


@pytest.mark.slow
def test_a_failing_table_leaves_none_of_its_rows(legacy_db, monkeypatch):
    """Fault injected after the work orders were inserted, inside their table's transaction."""

    def fail(*args, **kwargs):
        raise IntegrityError("injected")

    monkeypatch.setattr(WorkOrderEvent.objects, "bulk_create", fail)
    with pytest.raises(CommandError, match=r"^Importing tblcustworkorderdetail failed and none of it was saved"):
        call_command("import_legacy", source=legacy_db, no_progress=True)
    assert Customer.objects.count() == 4  # the tables before it were imported
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("DROP TABLE tblcheckinfiles", r"^Not a legacy database: table\(s\) tblcheckinfiles missing"),
        ("ALTER TABLE tblcustomers DROP COLUMN zipcode", r"^Legacy table tblcustomers lacks column\(s\): zipcode"),
    ],
)
@pytest.mark.slow
def test_wrong_schema_stops_before_writing(legacy_db, legacy_sql, damage, message):
    legacy_sql(damage)
    with pytest.raises(CommandError, match=message):
        call_command("import_legacy", source=legacy_db, no_progress=True)
    assert not Source.objects.exists()


def test_unreachable_database_is_one_clear_line():
    with pytest.raises(CommandError, match=r"^Cannot connect to the legacy database: ") as error:
        call_command("import_legacy", source="postgresql://nobody@127.0.0.1:1/legacy", no_progress=True)
    assert "\n" not in str(error.value)
    assert not Source.objects.exists()


@pytest.mark.slow
def test_only_some_tables(legacy_db, tmp_path):
    call_command("import_legacy", source=legacy_db, only="tblsource,tblcustomers", no_progress=True,
                 report_dir=tmp_path)
    assert (Source.objects.count(), Customer.objects.count(), WorkOrder.objects.count()) == (4, 4, 0)
    assert (tmp_path / "report.txt").exists() and (tmp_path / "issues.csv").exists()
    with pytest.raises(CommandError, match="Unknown table"):
        call_command("import_legacy", source=legacy_db, only="tblnothing", no_progress=True)


@pytest.mark.slow
def test_progress_lines_per_table(legacy_db, tmp_path, capsys):
    call_command("import_legacy", source=legacy_db, only="tblsource", report_dir=tmp_path)
    assert "tblsource" in capsys.readouterr().err



@pytest.mark.slow
def test_a_legacy_catalog_row_equal_to_one_made_here_links_to_it(legacy_db, legacy_sql):
    run_import(dsn=legacy_db)
    mine = create_catalog_item(customer=Customer.objects.get(number=2), fields={"description": "Dodger",
                                                                                "material": "Vinyl"})
    legacy_sql("INSERT INTO tblcustawngs (inventorykey, custid, description, material) "
               "VALUES ('106', '2', 'dodger', 'Vinyl')")
    legacy_sql("INSERT INTO tblorddetcustawngs (workorderno, custid, description, material, qty, inventory_key) "
               "VALUES ('2003', '2', 'Dodger', 'Vinyl', 1, '106')")

    run_import(dsn=legacy_db)

    assert not CatalogItem.objects.filter(legacy_key="106").exists()
    assert WorkOrderItem.objects.get(work_order__number=2003, description="Dodger").catalog_item == mine


@pytest.mark.slow
def test_an_import_moves_the_cached_dashboard_on(legacy_db, django_capture_on_commit_callbacks):
    from insights.dashboard import _count, get_dashboard_counts

    empty = get_dashboard_counts()  # cached while the shop is empty
    with django_capture_on_commit_callbacks(execute=True):
        run_import(dsn=legacy_db)
    assert get_dashboard_counts() == _count(timezone.localdate()) != empty


@pytest.mark.slow
def test_a_reimport_keeps_the_files_uploaded_here(legacy_db, django_capture_on_commit_callbacks):
    from testing.files import photo, stage
    from workorders.services import add_check_in_file, add_work_order_file

    run_import(dsn=legacy_db)
    with_legacy_files, without = WorkOrder.objects.get(number=2001), WorkOrder.objects.get(number=2002)
    check_in = CheckIn.objects.get(legacy_id=3)
    with django_capture_on_commit_callbacks(execute=True):
        for order in (with_legacy_files, without):
            add_work_order_file(work_order=order, staged=stage(photo(f"new-{order.number}.jpg")), uploaded_by=None)
        add_check_in_file(check_in=check_in, staged=stage(photo("counter.jpg")), uploaded_by=None)
    before = sorted(WorkOrderFile.objects.values_list("pk", "file"))
    report = run_import(dsn=legacy_db)
    assert sorted(WorkOrderFile.objects.values_list("pk", "file")) == before
    assert check_in.files.filter(original_name="counter.jpg").exists()
    assert report.tables["tblworkorderfiles"].written == 0
