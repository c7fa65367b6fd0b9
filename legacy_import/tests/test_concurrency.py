"""A re-import while the office works: an edit saved between the import's read and its write is
not overwritten with a version number it already used."""

import threading

import pytest
from django.db import connection, transaction
from django.db.models.query import QuerySet

from legacy_import.report import TableStats
from legacy_import.writers import upsert
from testing.concurrency import concurrency_marks, errors_in, run_concurrently
from workorders.models import WorkOrder
from workorders.services import update_work_order
from workorders.tests.factories import WorkOrderFactory

pytestmark = concurrency_marks()


def import_and_edit_at_once(monkeypatch) -> WorkOrder:
    """Thread 0 upserts the order's name as an import does and stops between its read and its
    write; thread 1 saves an office edit of the same order in that gap."""
    order = WorkOrderFactory()
    read_done = threading.Event()
    bulk_create = WorkOrder.objects.bulk_create

    def write_after_the_office(*args, **kwargs):
        read_done.set()
        threading.Event().wait(0.5)  # the office's save lands now, unless the import's read locked it
        return bulk_create(*args, **kwargs)

    monkeypatch.setattr(WorkOrder.objects, "bulk_create", write_after_the_office)

    # An import writes whole rows (INSERT .. ON CONFLICT); this one differs in the name only.
    exported = {field.attname: getattr(order, field.attname) for field in WorkOrder._meta.concrete_fields
                if field.attname not in ("id", "number", "version", "updated_at")}

    def work(thread: int):
        if thread == 0:
            with transaction.atomic():
                return upsert(WorkOrder, key="number", rows={order.number: exported | {"name": "From the new export"}},
                              compare=("name",), stats=TableStats(), batch_size=100, versioned=True)
        assert read_done.wait(30)
        return update_work_order(work_order=order, fields={"rack_number": "9 Z"}, expected_version=None,
                                 updated_by=None)

    assert not errors_in(run_concurrently(2, work))
    return WorkOrder.objects.get(pk=order.pk)


def test_the_import_locks_what_it_versions_so_two_writes_make_two_versions(monkeypatch):
    saved = import_and_edit_at_once(monkeypatch)
    assert (saved.name, saved.rack_number) == ("From the new export", "9 Z")
    assert saved.version == 3  # created 1, then one number per write


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's IMMEDIATE transactions serialise writers anyway")
def test_negative_control_without_row_locks_two_writes_share_one_version(monkeypatch):
    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, *args, **kwargs: self)
    saved = import_and_edit_at_once(monkeypatch)
    assert saved.version == 2  # the import wrote the version the office's save had already taken
