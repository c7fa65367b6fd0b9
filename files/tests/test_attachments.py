"""Attachments on the embedded default's local storage: staging, promotion after commit,
thumbnails, deletes after commit, and exactly which tasks each service enqueues."""


import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from core.errors import DeletedMeanwhile
from files import attachments
from files.tasks import promote_attachment
from repairs import services as repairs
from repairs.tests.factories import RepairOrderFactory
from testing.files import pdf, photo, stage, stored
from workorders import services
from workorders.models import WorkOrderFile
from workorders.tests.factories import CheckInFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db




def test_an_upload_is_staged_and_its_row_names_the_staged_object(enqueued):
    order = WorkOrderFactory()
    attachment = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
    assert attachment.file.name.startswith("staging/")
    assert stored() == [attachment.file.name]
    assert (attachment.original_name, attachment.content_type) == ("IMG_0001.jpg", "image/jpeg")


def test_after_commit_the_object_is_promoted_with_a_thumbnail(django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
    attachment.refresh_from_db()
    final = f"work-orders/{order.number}/IMG_0001.jpg"
    thumb = f"work-orders/{order.number}/thumbnails/IMG_0001.jpg.thumb.jpg"
    assert (attachment.file.name, attachment.thumbnail.name) == (final, thumb)
    assert stored() == [final, thumb]  # the staged copy is gone
    with default_storage.open(thumb) as file, Image.open(file) as image:
        assert (image.format, image.size) == ("JPEG", (200, 200))


def test_promoting_twice_leaves_one_object_and_one_thumbnail(enqueued, django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    attachment = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
    label = attachment._meta.label
    with django_capture_on_commit_callbacks(execute=True):
        assert promote_attachment(label, attachment.pk) == "promoted"
    with django_capture_on_commit_callbacks(execute=True):
        assert promote_attachment(label, attachment.pk) == "unchanged"
    assert stored() == [f"work-orders/{order.number}/IMG_0001.jpg", f"work-orders/{order.number}/thumbnails/IMG_0001.jpg.thumb.jpg"]


def test_a_lost_thumbnail_is_made_again_without_a_second_copy(django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
    attachment.refresh_from_db()
    WorkOrderFile.objects.filter(pk=attachment.pk).update(thumbnail="")  # a run that died before its save
    assert attachments.promote(attachment._meta.label, attachment.pk) == "thumbnail"
    assert len(stored(f"work-orders/{order.number}/")) == 2


def test_the_same_name_twice_never_overwrites(django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.add_work_order_file(work_order=order, staged=stage(photo(colour="red")), uploaded_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.add_work_order_file(work_order=order, staged=stage(photo(colour="blue")), uploaded_by=None)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.file.name != second.file.name
    assert first.file.read() != second.file.read()


def test_a_pdf_is_promoted_without_a_thumbnail(django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_work_order_file(work_order=order, staged=stage(pdf()), uploaded_by=None)
    attachment.refresh_from_db()
    assert (attachment.file.name, attachment.thumbnail.name) == (f"work-orders/{order.number}/quote.pdf", "")


def test_a_picture_pillow_cannot_read_is_promoted_without_a_thumbnail(django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    broken = SimpleUploadedFile("IMG_0002.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64)  # JPEG magic only
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_work_order_file(work_order=order, staged=stage(broken), uploaded_by=None)
    attachment.refresh_from_db()
    assert attachment.file.name == f"work-orders/{order.number}/IMG_0002.jpg" and not attachment.thumbnail


def test_a_rolled_back_upload_leaves_nothing_under_the_final_prefix():
    order = WorkOrderFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
        raise RuntimeError("the order's save failed after the upload")
    assert not WorkOrderFile.objects.exists()
    assert stored(f"work-orders/{order.number}/") == []
    assert len(stored("staging/")) == 1  # swept by reconcile_storage (test_reconcile)


# --- exactly the tasks each service enqueues, on commit only ------------------------------------


def test_each_upload_enqueues_its_promotion_on_commit(enqueued, django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        files = services.add_work_order_files(work_order=order, staged=[stage(photo("a.jpg")), stage(pdf())], uploaded_by=None)
    assert len(callbacks) == 2
    assert enqueued == [("promote_attachment", "workorders.WorkOrderFile", file.pk) for file in files]


def test_a_rolled_back_upload_enqueues_nothing(enqueued, django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), transaction.atomic():
            services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
            raise RuntimeError
    assert (callbacks, enqueued) == ([], [])


def test_one_bad_file_among_several_stages_none_and_enqueues_nothing(enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        attachments.stage_uploads([photo(), photo("page.jpg", kind="PNG")], model=WorkOrderFile)
    assert (enqueued, WorkOrderFile.objects.count(), stored()) == ([], 0, [])


@pytest.mark.parametrize("kind", ["work order", "repair order", "check-in"])
def test_deleting_an_attachment_enqueues_the_delete_of_its_objects_on_commit(kind, enqueued, django_capture_on_commit_callbacks):
    add, remove, owner = {
        "work order": (services.add_work_order_file, services.delete_work_order_file, ("work_order", WorkOrderFactory)),
        "repair order": (repairs.add_repair_order_file, repairs.delete_repair_order_file, ("repair_order", RepairOrderFactory)),
        "check-in": (services.add_check_in_file, services.delete_check_in_file, ("check_in", CheckInFactory)),
    }[kind]
    with django_capture_on_commit_callbacks(execute=True):
        attachment = add(**{owner[0]: owner[1]()}, staged=stage(photo()), uploaded_by=None)
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        remove(attachment=attachment)
        assert enqueued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert enqueued == [("delete_stored_objects", [attachment.file.name])]


def test_deleting_an_order_removes_every_object_after_commit(django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_work_order_files(work_order=order, staged=[stage(photo("a.jpg")), stage(photo("b.jpg")), stage(pdf())], uploaded_by=None)
    assert len(stored()) == 5  # three files, two thumbnails
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.delete_work_order(work_order=order)
    assert len(stored()) == 5  # not before the commit
    for callback in callbacks:
        callback()
    assert stored() == []


@pytest.mark.parametrize("kind", ["repair order", "check-in"])
def test_deleting_a_repair_order_or_check_in_removes_its_objects(kind, django_capture_on_commit_callbacks):
    if kind == "repair order":
        owner = RepairOrderFactory()
        add, delete = (lambda **kw: repairs.add_repair_order_file(repair_order=owner, **kw)), (lambda: repairs.delete_repair_order(repair_order=owner))
    else:
        owner = CheckInFactory()
        add, delete = (lambda **kw: services.add_check_in_file(check_in=owner, **kw)), (lambda: services.delete_check_in(check_in=owner))
    with django_capture_on_commit_callbacks(execute=True):
        add(staged=stage(photo()), uploaded_by=None)
    assert len(stored()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        delete()
    assert stored() == []


def test_a_promotion_for_a_deleted_row_does_nothing(django_capture_on_commit_callbacks, enqueued):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
        services.delete_work_order_file(attachment=attachment)
    assert attachments.promote("workorders.WorkOrderFile", attachment.pk) == "gone"


def test_a_missing_staged_object_is_reported_not_retried_forever(enqueued):
    order = WorkOrderFactory()
    attachment = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
    default_storage.delete(attachment.file.name)
    assert attachments.promote("workorders.WorkOrderFile", attachment.pk) == "missing"


def test_a_converted_check_in_s_files_are_copied_to_its_work_order(django_capture_on_commit_callbacks):
    check_in = CheckInFactory()
    with django_capture_on_commit_callbacks(execute=True):
        original = services.add_check_in_file(check_in=check_in, staged=stage(photo("dropped-off.jpg")), uploaded_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.convert_check_in(check_in=check_in, converted_by=None)
    copy = order.files.get()
    assert (copy.original_name, copy.content_type) == ("dropped-off.jpg", "image/jpeg")
    assert copy.file.name == f"work-orders/{order.number}/dropped-off.jpg" and copy.thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_work_order(work_order=order)
    original.refresh_from_db()
    assert stored() == sorted([original.file.name, original.thumbnail.name])  # the check-in keeps its own


def test_photos_that_share_a_stem_get_a_thumbnail_each(django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        jpeg = services.add_work_order_file(work_order=order, staged=stage(photo("awning.jpg")), uploaded_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        png = services.add_work_order_file(work_order=order, staged=stage(photo("awning.png", kind="PNG")), uploaded_by=None)
    jpeg.refresh_from_db(), png.refresh_from_db()
    assert jpeg.thumbnail.name != png.thumbnail.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_work_order_file(attachment=jpeg)
    assert stored() == sorted([png.file.name, png.thumbnail.name])


def test_deleting_a_file_someone_else_deleted_first_is_refused_not_a_server_error(enqueued):
    order = WorkOrderFactory()
    attachment = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
    stale_copy = WorkOrderFile.objects.get(pk=attachment.pk)
    services.delete_work_order_file(attachment=attachment)

    with pytest.raises(DeletedMeanwhile):
        services.delete_work_order_file(attachment=stale_copy)
