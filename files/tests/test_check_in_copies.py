"""Converting a check-in copies its files after commit, not under the conversion's locks: the work
order's rows first name the check-in's objects, and the promotion copies the bytes to the work
order's own keys. Run twice, after the check-in's file is deleted, or before the check-in's own
promotion, it still ends with one copy per file and no orphan; a lost source is reported."""

from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from files import attachments
from files.reconcile import STUCK_AFTER, reconcile
from testing.files import photo, stage, stored
from workorders import services
from workorders.models import WorkOrderFile
from workorders.tests.factories import CheckInFactory

LABEL = "workorders.WorkOrderFile"
STORAGE_IO = ("save", "open", "exists", "delete", "size", "listdir")


class StorageRecorder:
    """Records every storage call with whether a transaction was open on this thread."""

    def __init__(self):
        self.calls = []

    def patches(self):
        return [mock.patch.object(default_storage, name, self._recording(name)) for name in STORAGE_IO]

    def _recording(self, name):
        original = getattr(default_storage, name)

        def call(path, *args, **kwargs):
            self.calls.append((name, path, connection.in_atomic_block))
            return original(path, *args, **kwargs)

        return call

    def __enter__(self):
        self._active = self.patches()
        for patch in self._active:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in reversed(self._active):
            patch.stop()

    def inside_a_transaction(self):
        return [(name, path) for name, path, in_atomic in self.calls if in_atomic]


@pytest.mark.django_db(transaction=True)
def test_converting_a_check_in_does_no_storage_io_inside_a_transaction():
    check_in = CheckInFactory()
    original = services.add_check_in_file(check_in=check_in, staged=stage(photo("dropped-off.jpg")), uploaded_by=None)
    original.refresh_from_db()  # promoted when that committed
    assert original.file.name.startswith(f"check-ins/{check_in.pk}/")

    with StorageRecorder() as recorder:
        order = services.convert_check_in(check_in=check_in, converted_by=None)  # commits, then promotes

    assert recorder.inside_a_transaction() == []
    assert ("open", original.file.name) in [(name, path) for name, path, _ in recorder.calls]  # the copy was made
    copy = order.files.get()
    assert copy.file.name == f"work-orders/{order.number}/dropped-off.jpg" and copy.thumbnail
    with copy.file.open("rb") as mine, original.file.open("rb") as theirs:
        assert mine.read() == theirs.read()
    assert default_storage.exists(original.file.name)  # the check-in keeps its own


@pytest.mark.django_db(transaction=True)
def test_negative_control_the_recorder_sees_storage_io_inside_a_transaction():
    # What the conversion did before: open the check-in's object and stage a copy inside its
    # transaction (files.attachments.copy_attachments under the number and queue locks).
    with StorageRecorder() as recorder, transaction.atomic():
        stage(photo())
    assert "save" in {name for name, _ in recorder.inside_a_transaction()}


db_test = pytest.mark.django_db




def promoted_check_in_file(django_capture_on_commit_callbacks, name="dropped-off.jpg"):
    check_in = CheckInFactory()
    original = services.add_check_in_file(check_in=check_in, staged=stage(photo(name)), uploaded_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.promote("workorders.CheckInFile", original.pk) == "promoted"
    original.refresh_from_db()
    return check_in, original


@db_test
def test_the_work_order_row_names_the_check_in_object_until_its_promotion(enqueued, django_capture_on_commit_callbacks):
    check_in, original = promoted_check_in_file(django_capture_on_commit_callbacks)
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.convert_check_in(check_in=check_in, converted_by=None)
    copy = order.files.get()
    assert copy.file.name == original.file.name and not copy.thumbnail
    assert attachments.is_pending(copy) and not attachments.is_pending(original)
    assert enqueued == [("promote_attachment", LABEL, copy.pk)]  # on commit only


@db_test
def test_promoting_a_copy_twice_leaves_one_object(enqueued, django_capture_on_commit_callbacks):
    check_in, original = promoted_check_in_file(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.convert_check_in(check_in=check_in, converted_by=None)
    copy = order.files.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.promote(LABEL, copy.pk) == "promoted"
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.promote(LABEL, copy.pk) == "unchanged"
    prefix = f"work-orders/{order.number}/"
    assert stored(prefix) == [prefix + "dropped-off.jpg", prefix + "thumbnails/dropped-off.jpg.thumb.jpg"]
    assert default_storage.exists(original.file.name)  # still the check-in's: not deleted by the copy


@db_test
@pytest.mark.parametrize("meanwhile", ["another run promoted it", "its order was deleted"])
def test_a_promotion_that_lost_the_race_deletes_what_it_made(meanwhile, enqueued, django_capture_on_commit_callbacks):
    check_in, original = promoted_check_in_file(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.convert_check_in(check_in=check_in, converted_by=None)
    copy = order.files.get()
    name_promoted = attachments._name_promoted

    def the_other_first(*args, **kwargs):
        # Between this run's copy (no lock held) and its row update, the other party commits.
        with mock.patch.object(attachments, "_name_promoted", name_promoted), django_capture_on_commit_callbacks(execute=True):
            if meanwhile == "another run promoted it":
                assert attachments.promote(LABEL, copy.pk) == "promoted"
            else:
                services.delete_work_order(work_order=order)
        return name_promoted(*args, **kwargs)

    with mock.patch.object(attachments, "_name_promoted", the_other_first):
        outcome = attachments.promote(LABEL, copy.pk)

    prefix = f"work-orders/{order.number}/"
    if meanwhile == "another run promoted it":
        copy.refresh_from_db()
        assert outcome == "unchanged" and stored(prefix) == sorted([copy.file.name, copy.thumbnail.name])
    else:
        assert outcome == "gone" and stored(prefix) == []
    assert default_storage.exists(original.file.name)


@db_test
def test_the_check_in_s_file_deleted_before_the_copy_keeps_its_object_for_the_copy(enqueued, django_capture_on_commit_callbacks):
    check_in, original = promoted_check_in_file(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.convert_check_in(check_in=check_in, converted_by=None)
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_check_in_file(attachment=original)
    assert enqueued == [("delete_stored_objects", [original.file.name, original.thumbnail.name])]
    from files.tasks import delete_stored_objects

    delete_stored_objects(enqueued[0][1])  # the task, run now: the work order's row still names the object
    assert default_storage.exists(original.file.name) and not default_storage.exists(original.thumbnail.name)

    copy = order.files.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.promote(LABEL, copy.pk) == "promoted"
    copy.refresh_from_db()
    assert copy.file.name == f"work-orders/{order.number}/dropped-off.jpg"
    assert stored() == sorted([copy.file.name, copy.thumbnail.name])  # no row names the source: gone


@db_test
def test_a_check_in_converted_before_its_own_promotion_still_gives_both_their_copies(enqueued, django_capture_on_commit_callbacks):
    check_in = CheckInFactory()
    with django_capture_on_commit_callbacks(execute=True):
        original = services.add_check_in_file(check_in=check_in, staged=stage(photo("quick.jpg")), uploaded_by=None)
        order = services.convert_check_in(check_in=check_in, converted_by=None)  # before the promotions ran
    copy = order.files.get()
    assert original.file.name.startswith("staging/") and copy.file.name == original.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.promote("workorders.CheckInFile", original.pk) == "promoted"
    assert default_storage.exists(copy.file.name)  # kept: the work order's row still names it
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.promote(LABEL, copy.pk) == "promoted"
    original.refresh_from_db(), copy.refresh_from_db()
    assert stored("staging/") == []
    assert copy.file.name == f"work-orders/{order.number}/quick.jpg"
    assert original.file.name == f"check-ins/{check_in.pk}/quick.jpg"


@db_test
def test_a_lost_source_is_reported_and_a_stuck_copy_is_enqueued_again(enqueued, django_capture_on_commit_callbacks):
    check_in, original = promoted_check_in_file(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.convert_check_in(check_in=check_in, converted_by=None)
    copy = order.files.get()
    WorkOrderFile.objects.filter(pk=copy.pk).update(uploaded_at=timezone.now() - STUCK_AFTER * 2)
    enqueued.clear()
    report = reconcile(delete=True)
    assert report.stuck == [(LABEL, copy.pk)] and enqueued == [("promote_attachment", LABEL, copy.pk)]

    default_storage.delete(original.file.name)  # lost behind our back
    assert attachments.promote(LABEL, copy.pk) == "missing"
    assert (LABEL, copy.pk, original.file.name) in reconcile(delete=False).missing


@db_test
def test_deleting_the_work_order_before_its_copy_was_made_keeps_the_check_in_s_object(django_capture_on_commit_callbacks):
    check_in, original = promoted_check_in_file(django_capture_on_commit_callbacks)
    with mock.patch.object(attachments, "send_file_task"), django_capture_on_commit_callbacks(execute=True):
        order = services.convert_check_in(check_in=check_in, converted_by=None)  # promotion never sent
    assert order.files.get().file.name == original.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_work_order(work_order=order)  # its delete task names the check-in's object
    assert stored() == sorted([original.file.name, original.thumbnail.name])
