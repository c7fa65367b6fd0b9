import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from files.uploads import NAME_MISMATCH, TYPE_REFUSED, sniff_content_type

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def office_file(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, claimed: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=claimed)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("IMG_0042.JPG", JPEG, "image/jpeg"),
        ("awning.png", PNG, "image/png"),
        ("quote.pdf", PDF, "application/pdf"),
        ("notes.docx", office_file("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("sizes.xlsx", office_file("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("sizes.csv", b"description,size\nAwning,8'9\"x10'2\"\n", "text/csv"),
        ("readme.txt", "Mildew on the valance — treat twice.".encode(), "text/plain"),
    ],
)
def test_the_legacy_file_types_are_accepted_and_typed_by_their_bytes(name, content, expected):
    # The browser's claim (text/html here) is ignored.
    file = upload(name, content, claimed="text/html")
    assert sniff_content_type(file) == expected
    assert file.read() == content  # left readable from the start for storage


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("notes.txt", b"  <html><body onload=alert(1)></body></html>"),
        ("logo.txt", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 64),
    ],
    ids=["html-as-jpg", "html-as-txt", "svg-as-txt", "exe-as-pdf", "zip"],
)
def test_disguised_or_unlisted_types_are_refused(name, content):
    with pytest.raises(ValidationError) as caught:
        sniff_content_type(upload(name, content))
    assert caught.value.messages == [TYPE_REFUSED.format(name=name)]


def test_a_file_whose_name_does_not_fit_its_bytes_is_refused_with_a_hint():
    with pytest.raises(ValidationError) as caught:
        sniff_content_type(upload("scan.pdf", PNG))
    assert caught.value.messages == [NAME_MISMATCH.format(name="scan.pdf", kind="PNG", extension="png")]
