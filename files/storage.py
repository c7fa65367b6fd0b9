"""The few things we need from a storage backend beyond Django's API, for local disk and S3.

Django's Storage API has no "list everything with its age" and no notion of a presigned link;
both backends we run on (FileSystemStorage on the embedded default, django-storages' S3Storage in
production) are handled here so the rest of the code stays backend-agnostic.
"""

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import Storage
from django.http import FileResponse, HttpResponseRedirect

# What a storage call raises when the disk or S3 fails (as opposed to a bug of ours).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
STAGING_PREFIX = "staging/"
# Where imported legacy rows point (legacy_import keeps their keys): looked at, never swept.
LEGACY_PREFIXES = ("work_orders/", "repair_orders/", "uploads/")


@dataclass(frozen=True)
class StoredObject:
    name: str
    modified: datetime


def is_staged(name: str) -> bool:
    return name.startswith(STAGING_PREFIX)


def staging_name(storage: Storage, original_name: str) -> str:
    """A fresh key under staging/: a random folder, so two uploads of one name never collide."""
    return f"{STAGING_PREFIX}{uuid.uuid4().hex}/{storage.get_valid_name(PurePosixPath(original_name).name)}"


def is_s3(storage: Storage) -> bool:
    return hasattr(storage, "bucket")


def iter_objects(storage: Storage, prefix: str) -> Iterator[StoredObject]:
    """Every object under ``prefix`` with its last-modified time, in one listing pass."""
    if is_s3(storage):
        # One paginated LIST per 1,000 keys instead of a listdir per folder.
        for summary in storage.bucket.objects.filter(Prefix=prefix):
            yield StoredObject(summary.key, summary.last_modified)
        return
    root = storage.path("")
    top = os.path.join(root, prefix)
    for folder, _, files in os.walk(top):
        for filename in files:
            path = os.path.join(folder, filename)
            name = os.path.relpath(path, root).replace(os.sep, "/")
            yield StoredObject(name, datetime.fromtimestamp(os.path.getmtime(path), tz=UTC))


def delete_objects(storage: Storage, names: list[str]) -> None:
    for name in names:
        if name:
            storage.delete(name)  # a missing object is not an error on either backend


def download_response(field_file, *, filename: str, inline: bool):
    """S3: a redirect to a short-lived presigned link. Local disk: the bytes, behind our login."""
    storage = field_file.storage
    if is_s3(storage):
        disposition = "inline" if inline else "attachment"
        parameters = {"ResponseContentDisposition": f'{disposition}; filename="{_ascii(filename)}"'}
        return HttpResponseRedirect(storage.url(field_file.name, parameters=parameters))
    return FileResponse(storage.open(field_file.name, "rb"), as_attachment=not inline, filename=filename)


def _ascii(filename: str) -> str:
    return filename.encode("ascii", "replace").decode().replace('"', "'")
