"""Attachments without orphans: staged before the owner's transaction, promoted after it commits.

Finding 10 of the audit: the legacy app uploaded to S3 before the database committed, so a
failed save left objects nobody referenced. Here every object a row names is either

* under ``staging/`` (written by ``stage_upload`` BEFORE the service that writes the row takes
  any lock, so no number sequence or queue lock waits for the office's upload; if the row never
  commits, nothing final exists and ``reconcile_storage`` sweeps the staged object a day later),
* another owner's object that is still to be copied (a converted check-in's photo: the copy is
  made by ``promote`` after commit, not under the conversion's locks), or
* at its final key (``work-orders/<number>/…``), copied there by ``promote`` only after the row
  committed, which also makes the thumbnail.

Deletes work the other way round: the row goes in the transaction, the objects after it commits.
Every task here is idempotent: promoting twice leaves one object and one thumbnail.
"""

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TypeVar

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from core.after_commit import after_commit
from core.locks import lock_attachments, lock_row

from .models import Attachment
from .registry import BY_MODEL, FINAL_PREFIXES, attachment_models
from .storage import STAGING_PREFIX, delete_objects, is_staged, staging_name
from .uploads import check_upload

log = logging.getLogger(__name__)
A = TypeVar("A", bound=Attachment)

THUMBNAIL_SIZE = (200, 200)
THUMBNAIL_TYPES = {"image/jpeg", "image/png", "image/webp"}  # what Pillow opens without plugins


@dataclass(frozen=True)
class StagedFile:
    """An upload checked and written under ``staging/``, not yet named by any row."""

    name: str  # the staged object's key
    original_name: str
    content_type: str  # sniffed from the bytes, never the browser's claim
    size_bytes: int


def stage_upload(upload, *, model: type[Attachment] | None = None, content_type: str = "") -> StagedFile:
    """Check an upload and write it under ``staging/`` of ``model``'s storage (None: the default
    storage, which every attachment model uses and ``reconcile_storage`` sweeps).

    Call BEFORE the service that attaches it, outside any row lock: this is the slow storage I/O.
    Raises ValidationError (nothing written) when the file is refused. An object staged for a
    save that then fails is swept by ``reconcile_storage`` once it is a day old. ``content_type``:
    what check_upload already said of this upload, so its bytes are not sniffed twice.
    """
    content_type = content_type or check_upload(upload)
    storage = model._meta.get_field("file").storage if model is not None else default_storage
    original_name = PurePosixPath(upload.name).name[:255]
    name = storage.save(staging_name(storage, original_name), upload)
    return StagedFile(name=name, original_name=original_name, content_type=content_type, size_bytes=upload.size)


def stage_uploads(uploads: Sequence, *, model: type[Attachment] | None = None) -> list[StagedFile]:
    """Several uploads: every one is checked before any is written, so a refused file among a
    phone's photos stages none of them."""
    checked = [(upload, check_upload(upload)) for upload in uploads]
    return [stage_upload(upload, model=model, content_type=content_type) for upload, content_type in checked]


def attach_staged(model: type[A], *, owner_field: str, owner: models.Model, staged: StagedFile, uploaded_by) -> A:
    """Write the row for a staged file and promote it after commit. No storage I/O: safe under
    the owner's locks. Call inside the owner's transaction."""
    return _attach(model, {owner_field: owner}, staged.name, original_name=staged.original_name,
                   content_type=staged.content_type, size_bytes=staged.size_bytes, uploaded_by=uploaded_by)


def copy_attachments(rows: models.QuerySet[Attachment], model: type[A], *, owner_field: str, owner: models.Model) -> list[A]:
    """Copies of other attachments for a new owner (a check-in's photos for its work order).

    Only rows are written here, naming the source's object; ``promote`` copies the bytes to the
    new owner's final key after commit, so deleting one owner never takes the other's files and
    no storage I/O happens under the caller's locks. The source rows are locked so a promote of
    theirs in flight finishes first and the names read are the committed ones. Call inside the
    new owner's transaction.
    """
    return [
        _attach(model, {owner_field: owner}, row.file.name, original_name=row.original_name,
                content_type=row.content_type, size_bytes=row.size_bytes, uploaded_by=row.uploaded_by)
        # Source rows last, like every attachment-row lock (after the owners' and the queue's).
        for row in lock_attachments(rows, key_change=False)
    ]


def _attach(model: type[A], owner: dict, name: str, **fields) -> A:
    attachment = model(**owner, **fields)
    attachment.file.name = name
    attachment.save()
    after_commit(send_file_task, "promote_attachment", model._meta.label, attachment.pk)
    return attachment


def is_pending(attachment: Attachment) -> bool:
    """Still to be moved to its final key: staged, or naming another owner's object (a copy)."""
    name = attachment.file.name or ""
    own = BY_MODEL[attachment._meta.label].prefix
    return is_staged(name) or (name.startswith(FINAL_PREFIXES) and not name.startswith(own))


def pending_filter(model: type[Attachment]) -> models.Q:
    """The rows of ``model`` that ``is_pending`` is true for, as a query (reconcile's stuck rows)."""
    own = BY_MODEL[model._meta.label].prefix
    query = models.Q(file__startswith=STAGING_PREFIX)
    for prefix in FINAL_PREFIXES:
        if prefix != own:
            query |= models.Q(file__startswith=prefix)
    return query


def delete_attachment(attachment: Attachment) -> None:
    """Delete the row now and its objects once that committed. Call inside a transaction.

    Locks the attachment row (full lock: it goes; lock order 7 of core/locks.py, so after any
    owner lock); a row someone else deleted first is refused with DeletedMeanwhile. Schedules the
    delete of its stored objects after commit."""
    # Waits for a promote's row update: the names read are the committed ones (a promote that
    # copies afterwards finds the row gone and deletes its copy).
    locked = lock_row(type(attachment), pk=attachment.pk, key_change=True)
    names = stored_names([locked])
    locked.delete()
    forget_after_commit(names)


def lock_owned_files(queryset: models.QuerySet[Attachment]) -> list[str]:
    """Lock an owner's attachment rows and return their object names, before the owner is
    deleted: the lock waits for a promote's row update, so the names read are the committed
    ones (a promote still copying finds its row gone afterwards and deletes its copy).
    Lock order 7 of core/locks.py: after the owner's lock."""
    return stored_names(lock_attachments(queryset))


def stored_names(attachments) -> list[str]:
    return [name for row in attachments for name in (row.file.name, row.thumbnail.name) if name]


def forget_after_commit(names: list[str]) -> None:
    if names:
        after_commit(send_file_task, "delete_stored_objects", names)


def delete_unreferenced(storage, names: list[str]) -> list[str]:
    """Delete the objects no attachment row names (any more); return the ones kept.

    A converted check-in's work-order row names the check-in's object until its promote has
    copied it, so that object outlives the check-in row (and the staged object outlives the
    check-in's own promote) until the copy is made; the copy's promote then deletes it. Rows that
    name an object are only written with its source rows locked, and deletes lock the rows
    first, so a reference cannot appear between this check and the delete.
    """
    referenced = _referenced(names)
    delete_objects(storage, [name for name in names if name not in referenced])
    return [name for name in names if name in referenced]


def _referenced(names: list[str]) -> set[str]:
    wanted = [name for name in names if name]
    if not wanted:
        return set()
    found = set()
    for model in attachment_models():
        rows = model.objects.filter(models.Q(file__in=wanted) | models.Q(thumbnail__in=wanted))
        found.update(name for pair in rows.values_list("file", "thumbnail") for name in pair)
    return found & set(wanted)


def promote(label: str, pk: int) -> str:
    """Copy a committed attachment's object to its final key (from staging, or from the owner it
    was copied from) and make its thumbnail. Returns what happened (for logs and tests).

    The storage I/O runs with no transaction open and no lock held; only then is the row locked,
    briefly, to name the new objects if it still names the source (a delete or another run may
    have come first: then this run's objects are surplus and deleted). The source is deleted
    after that commit unless another row still names it. Run twice, it leaves one object.
    """
    model = apps.get_model(label)
    storage = model._meta.get_field("file").storage
    attachment = model.objects.filter(pk=pk).first()
    if attachment is None:
        return "gone"  # deleted meanwhile: its delete removes the staged object
    source = attachment.file.name
    made = []
    if is_pending(attachment):
        if not storage.exists(source):
            if not model.objects.filter(pk=pk, file=source).exists():
                return "gone"  # deleted or promoted since we read it
            # Reported here and by reconcile_storage (its "missing" list); retrying cannot help.
            log.error("Attachment %s %s: source object %s is missing", label, pk, source)
            return "missing"
        final = attachment.file.field.generate_filename(attachment, attachment.original_name)
        with storage.open(source, "rb") as content:
            attachment.file.name = storage.save(final, content)  # never overwrites: a free name
        made.append(attachment.file.name)
    needs_thumbnail = not attachment.thumbnail and attachment.content_type in THUMBNAIL_TYPES
    if needs_thumbnail and (thumbnail := _make_thumbnail(attachment)):
        made.append(thumbnail)
    if not made:
        return "unchanged"
    return _name_promoted(model, pk, source=source, promoted=attachment, made=made)


def _name_promoted(model: type[Attachment], pk: int, *, source: str, promoted: Attachment, made: list[str]) -> str:
    """Write the new object names into the row if it still names ``source``; delete what the row
    does not take. Locks the attachment row only for this update."""
    storage = model._meta.get_field("file").storage
    changed = []
    with transaction.atomic():
        row = next(iter(lock_attachments(model.objects.filter(pk=pk))), None)
        if row is not None and row.file.name == source:
            if promoted.file.name != source:
                row.file.name = promoted.file.name
                changed.append("file")
                after_commit(delete_unreferenced, storage, [source])
            if promoted.thumbnail.name and not row.thumbnail:
                row.thumbnail.name = promoted.thumbnail.name
                changed.append("thumbnail")
            if changed:
                row.save(update_fields=changed)
        taken = {row.file.name, row.thumbnail.name} if row is not None else set()
    delete_objects(storage, [name for name in made if name not in taken])  # never named: surplus
    if row is None:
        return "gone"
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
