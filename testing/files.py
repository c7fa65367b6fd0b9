"""Uploads and storage listings for the attachment tests."""

import io
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from files.storage import iter_objects


def image_bytes(kind: str = "JPEG", size=(640, 480), colour="navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


def photo(name: str = "IMG_0001.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/jpeg")


def pdf(name: str = "quote.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf")


def stored(prefix: str = "") -> list[str]:
    """Every object name in the default storage under the prefix (sorted)."""
    prefixes = [prefix] if prefix else ["staging/", "work-orders/", "repair-orders/", "check-ins/"]
    return sorted(obj.name for p in prefixes for obj in iter_objects(default_storage, p))


def stage(upload=None, **kwargs):
    """An upload staged the way callers stage before a service (files.attachments.stage_upload)."""
    from files.attachments import stage_upload

    return stage_upload(upload if upload is not None else photo(**kwargs))


@pytest.fixture
def enqueued():
    """The file tasks the services hand to Celery, by name and arguments, instead of running them."""
    from files import attachments

    calls = []
    with mock.patch.object(attachments, "send_file_task", side_effect=lambda name, *args: calls.append((name, *args))):
        yield calls
