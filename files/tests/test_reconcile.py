"""reconcile_storage on a seeded storage: exactly the unreferenced objects go, and only with --delete."""

import io
import os
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from files import attachments
from testing.files import photo, stage, stored
from workorders import services
from workorders.models import WorkOrderFile
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


def put(name: str, *, age_seconds: float = 0) -> str:
    name = default_storage.save(name, ContentFile(b"bytes"))
    when = time.time() - age_seconds
    os.utime(default_storage.path(name), (when, when))
    return name


def reconcile(*args: str) -> str:
    out = io.StringIO()
    call_command("reconcile_storage", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        kept = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
    kept.refresh_from_db()
    return {
        "referenced": sorted([kept.file.name, kept.thumbnail.name]),
        "unreferenced": sorted([
            put(f"work-orders/{order.number}/left-by-a-crash.jpg", age_seconds=2 * 3600),
            put("repair-orders/77/old.pdf", age_seconds=3 * DAY),
            put("staging/0a1b/rolled-back.jpg", age_seconds=DAY + 60),
        ]),
        "young": sorted([
            put(f"work-orders/{order.number}/being-promoted.jpg", age_seconds=60),
            put("staging/2c3d/uploading-now.jpg", age_seconds=3600),
        ]),
        "elsewhere": put("ml-models/completion-v3.skops", age_seconds=30 * DAY),
    }


def test_a_dry_run_lists_the_orphans_and_deletes_nothing(seeded):
    before = stored() + [seeded["elsewhere"]]
    output = reconcile()
    assert "Would delete 3 orphan(s)" in output
    for name in seeded["unreferenced"]:
        assert name in output
    assert stored() + [seeded["elsewhere"]] == before


def test_delete_removes_exactly_the_unreferenced_objects(seeded):
    output = reconcile("--delete")
    assert "Deleted 3 orphan(s)" in output
    assert stored() == sorted(seeded["referenced"] + seeded["young"])
    assert default_storage.exists(seeded["elsewhere"])  # not an attachment prefix: never touched


def test_the_age_limits_are_options(seeded):
    reconcile("--delete", "--staged-hours", "0", "--grace-minutes", "0")
    assert stored() == seeded["referenced"]


def test_a_negative_age_is_refused_with_one_line():
    with pytest.raises(CommandError, match="cannot be negative"):
        reconcile("--grace-minutes", "-1")


def test_rows_whose_object_is_missing_are_reported(seeded):
    row = WorkOrderFile.objects.get()
    default_storage.delete(row.file.name)
    output = reconcile()
    assert f"1 row(s) whose object is missing:\n  workorders.WorkOrderFile {row.pk}: {row.file.name}" in output


def test_a_rolled_back_upload_is_swept_once_its_staged_object_is_a_day_old():
    order = WorkOrderFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
        raise RuntimeError
    (staged,) = stored("staging/")
    reconcile("--delete")
    assert stored("staging/") == [staged]  # too young: it may belong to a save still running
    os.utime(default_storage.path(staged), (time.time() - DAY - 1, time.time() - DAY - 1))
    reconcile("--delete")
    assert stored() == []


def test_rows_stuck_in_staging_are_enqueued_again_only_with_delete():
    order = WorkOrderFactory()
    with mock.patch.object(attachments, "send_file_task"):
        row = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
    WorkOrderFile.objects.filter(pk=row.pk).update(uploaded_at=timezone.now() - timedelta(hours=1))
    with mock.patch.object(attachments, "send_file_task") as enqueue:
        assert "Would re-enqueue 1 row(s)" in reconcile()
        enqueue.assert_not_called()
        reconcile("--delete")
    enqueue.assert_called_once_with("promote_attachment", "workorders.WorkOrderFile", row.pk)


def test_imported_rows_pointing_at_legacy_keys_are_checked_but_legacy_objects_never_swept():
    order = WorkOrderFactory()
    legacy = put(f"work_orders/{order.number}/ab12_photo.jpg", age_seconds=400 * DAY)
    stray = put("work_orders/1/never-referenced.jpg", age_seconds=400 * DAY)
    WorkOrderFile.objects.create(work_order=order, original_name="photo.jpg", file=legacy)
    WorkOrderFile.objects.create(work_order=order, original_name="gone.jpg", file="work_orders/9/gone.jpg")
    output = reconcile("--delete")
    assert "1 row(s) whose object is missing" in output and "work_orders/9/gone.jpg" in output
    assert default_storage.exists(legacy) and default_storage.exists(stray)
