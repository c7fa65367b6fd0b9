"""What may be attached: the legacy system's types, judged by the bytes, not the name.

Images (JPEG, PNG, WebP, HEIC from phone cameras), PDF, Word and Excel (docx, xlsx), plain text
and CSV. The file's extension must fit what its bytes are, so a page saved as ``photo.jpg`` is
refused, and the stored content type is the sniffed one, never the browser's claim.
"""

from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

# sniffed content type -> extensions a file of that type may carry
ALLOWED_TYPES = {
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/webp": {"webp"},
    "image/heic": {"heic"},
    "application/pdf": {"pdf"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "text/plain": {"txt"},
    "text/csv": {"csv"},
}
SNIFF_BYTES = 8192
MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")

FILE_TOO_LARGE = "{name} is larger than {limit} MB; nothing was attached."
FILE_EMPTY = "{name} is empty; nothing was attached."
TYPE_REFUSED = "{name} is not a file type the shop accepts (photos, PDF, Word, Excel, text or CSV)."
NAME_MISMATCH = "{name} is really a {kind} file; rename it to .{extension} and try again."


class UploadTooLarge(ValidationError):
    """Refused for its size alone: an API answers 413 rather than 400."""


def check_upload(upload) -> str:
    """Size, emptiness and type of one uploaded file; returns its sniffed content type."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
        raise UploadTooLarge(FILE_TOO_LARGE.format(name=upload.name, limit=f"{limit:g}"))
    if not upload.size:
        raise ValidationError(FILE_EMPTY.format(name=upload.name))
    return sniff_content_type(upload)


def sniff_content_type(upload) -> str:
    """The upload's real content type, or ValidationError if it is not one the shop accepts."""
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    kind = filetype.guess(head)
    if kind is not None:
        content_type = kind.mime
    elif _is_plain_text(head):
        content_type = "text/csv" if extension == "csv" else "text/plain"
    else:
        raise ValidationError(TYPE_REFUSED.format(name=upload.name))
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(TYPE_REFUSED.format(name=upload.name))
    if extension not in ALLOWED_TYPES[content_type]:
        expected = sorted(ALLOWED_TYPES[content_type])[0]
        raise ValidationError(NAME_MISMATCH.format(name=upload.name, kind=expected.upper(), extension=expected))
    return content_type


def _is_plain_text(head: bytes) -> bool:
    """Text with no NUL bytes that is not markup a browser would run (HTML, SVG)."""
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("latin-1")
    lowered = text.lstrip().lower().encode()
    return not any(marker in lowered for marker in MARKUP)
