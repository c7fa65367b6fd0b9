"""Attachments without orphans: staged in the owner's transaction, promoted after it commits.

Finding 10 of the audit: the legacy app uploaded to S3 before the database committed, so a
failed save left objects nobody referenced. Here every object a row names is either

* under ``staging/`` (written while the row's transaction was open; if that transaction rolls
  back, nothing final exists and ``reconcile_storage`` sweeps the staged object a day later), or
* at its final key (``work-orders/<number>/…``), copied there by ``promote`` only after the row
  committed, which also makes the thumbnail.

Deletes work the other way round: the row goes in the transaction, the objects after it commits.
Every task here is idempotent: promoting twice leaves one object and one thumbnail.
"""

import io
import logging
from pathlib import PurePosixPath
from typing import TypeVar

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models, transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from core.after_commit import after_commit
from core.locks import lock_attachments

from .models import Attachment
from .storage import is_staged, staging_name
from .uploads import check_upload

log = logging.getLogger(__name__)
A = TypeVar("A", bound=Attachment)

THUMBNAIL_SIZE = (200, 200)
THUMBNAIL_TYPES = {"image/jpeg", "image/png", "image/webp"}  # what Pillow opens without plugins


def attach_file(model: type[A], *, owner_field: str, owner: models.Model, upload, uploaded_by) -> A:
    """Stage an upload and write its row. Call inside the owner's transaction.

    Locks nothing (the insert's foreign-key check keeps the owner from being deleted meanwhile);
    schedules the promote after commit."""
    content_type = check_upload(upload)
    return _stage(model, {owner_field: owner}, upload, original_name=PurePosixPath(upload.name).name[:255],
                  content_type=content_type, size_bytes=upload.size, uploaded_by=uploaded_by)


def copy_attachments(rows, model: type[A], *, owner_field: str, owner: models.Model) -> list[A]:
    """Copies of other attachments for a new owner (a check-in's photos for its work order), each
    staged and promoted like an upload, so deleting one owner never takes the other's files.

    Locks nothing (the source rows are only read); schedules one promote per copy after commit."""
    copies = []
    for row in rows:
        with row.file.open("rb") as content:
            copies.append(_stage(model, {owner_field: owner}, content, original_name=row.original_name,
                                 content_type=row.content_type, size_bytes=row.size_bytes, uploaded_by=row.uploaded_by))
    return copies


def _stage(model: type[A], owner: dict, content, **fields) -> A:
    storage = model._meta.get_field("file").storage
    attachment = model(**owner, **fields)
    attachment.file.name = storage.save(staging_name(storage, fields["original_name"]), content)
    attachment.save()
    label, pk = model._meta.label, attachment.pk
    after_commit(send_file_task, "promote_attachment", label, pk)
    return attachment


def delete_attachment(attachment: Attachment) -> None:
    """Delete the row now and its objects once that committed. Call inside a transaction.

    Locks the attachment row (full lock: it goes; lock order 7 of core/locks.py, so after any
    owner lock); schedules the delete of its stored objects after commit."""
    locked = type(attachment).objects.select_for_update().get(pk=attachment.pk)  # waits for a promote
    names = stored_names([locked])
    locked.delete()
    forget_after_commit(names)


def lock_owned_files(queryset: models.QuerySet[Attachment]) -> list[str]:
    """Lock an owner's attachment rows and return their object names, before the owner is
    deleted: the lock waits for a promote in flight, so the names read are the final ones.
    Lock order 7 of core/locks.py: after the owner's lock."""
    return stored_names(lock_attachments(queryset))


def stored_names(attachments) -> list[str]:
    return [name for row in attachments for name in (row.file.name, row.thumbnail.name) if name]


def forget_after_commit(names: list[str]) -> None:
    if names:
        after_commit(send_file_task, "delete_stored_objects", names)


def promote(label: str, pk: int) -> str:
    """Move a committed attachment's object from staging to its final key and make its
    thumbnail. Returns what happened (for logs and tests).

    Its own transaction, run after the owner's committed: locks the attachment row alone (full
    lock: a delete waits for it); after commit the staged object is deleted."""
    model = apps.get_model(label)
    storage = model._meta.get_field("file").storage
    with transaction.atomic():
        attachment = model.objects.select_for_update().filter(pk=pk).first()
        if attachment is None:
            return "gone"  # deleted meanwhile: its delete removes the staged object
        staged = attachment.file.name
        changed = []
        if is_staged(staged):
            if not storage.exists(staged):
                log.error("Attachment %s %s: staged object %s is missing", label, pk, staged)
                return "missing"
            final = attachment.file.field.generate_filename(attachment, attachment.original_name)
            with storage.open(staged, "rb") as content:
                attachment.file.name = storage.save(final, content)  # never overwrites: a free name
            changed.append("file")
            after_commit(storage.delete, staged)
        if not attachment.thumbnail and attachment.content_type in THUMBNAIL_TYPES:
            if _make_thumbnail(attachment):
                changed.append("thumbnail")
        if changed:
            attachment.save(update_fields=changed)
    return "promoted" if "file" in changed else "thumbnail" if changed else "unchanged"


def _make_thumbnail(attachment: Attachment) -> str:
    """A 200×200 JPEG on white, next to the object; '' when the image cannot be read."""
    storage = attachment.file.storage
    try:
        with storage.open(attachment.file.name, "rb") as source:
            data = thumbnail_jpeg(source)
    except (UnidentifiedImageError, Image.DecompressionBombError, SyntaxError, ValueError) as error:
        log.warning("No thumbnail for %s %s: %s", attachment._meta.label, attachment.pk, error)
        return ""
    final = PurePosixPath(attachment.file.name)
    # Named after the whole final name, which is unique: awning.jpg and awning.png get one each.
    name = str(final.parent / "thumbnails" / f"{final.name}.thumb.jpg")
    storage.delete(name)  # a run that died before saving the row left it: replace, don't multiply
    attachment.thumbnail.name = storage.save(name, ContentFile(data))
    return attachment.thumbnail.name


def thumbnail_jpeg(source) -> bytes:
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)  # phone photos are stored sideways with a flag
        image.thumbnail(THUMBNAIL_SIZE)
        canvas = Image.new("RGB", THUMBNAIL_SIZE, "white")
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            mask = image.getchannel("A")
        else:
            image, mask = image.convert("RGB"), None
        offset = ((THUMBNAIL_SIZE[0] - image.width) // 2, (THUMBNAIL_SIZE[1] - image.height) // 2)
        canvas.paste(image, offset, mask)
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=85)
    return out.getvalue()


def send_file_task(task_name: str, *args) -> None:
    from . import tasks  # the task module imports this one

    getattr(tasks, task_name).delay(*args)
