"""Uploads are accepted by content (magic bytes), not by name or the browser's content type."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from platform_site.uploads import check_upload
from tests.factories import MINIMAL_PDF

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("需求說明.pdf", MINIMAL_PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("plan.docx", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "application/x-ole-storage"),
    ],
)
def test_it_accepts_allowed_types(name, content, mime):
    checked = check_upload(SimpleUploadedFile(name, content, content_type="application/octet-stream"), max_bytes=10_000)
    assert checked.content_type == mime
    assert checked.original_name == name
    assert checked.storage_name.endswith("." + name.rsplit(".", 1)[1])
    assert name.rsplit(".", 1)[0] not in checked.storage_name


def test_it_rejects_an_executable_named_pdf():
    upload = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        check_upload(upload, max_bytes=10_000)
    assert info.value.code == "bad_type"


def test_it_rejects_html_named_pdf():
    upload = SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        check_upload(upload, max_bytes=10_000)


def test_it_rejects_a_pdf_named_png():
    with pytest.raises(ValidationError) as info:
        check_upload(SimpleUploadedFile("x.png", MINIMAL_PDF), max_bytes=10_000)
    assert info.value.code == "type_mismatch"


def test_it_rejects_a_plain_zip_named_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.sh", "rm -rf /")
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("x.docx", buffer.getvalue()), max_bytes=10_000)


def test_it_rejects_too_large_and_empty_files():
    with pytest.raises(ValidationError) as info:
        check_upload(SimpleUploadedFile("big.pdf", MINIMAL_PDF + b"0" * 2000), max_bytes=1000)
    assert info.value.code == "too_large"
    with pytest.raises(ValidationError) as info:
        check_upload(SimpleUploadedFile("empty.pdf", b""), max_bytes=1000)
    assert info.value.code == "empty"


def test_the_stored_name_never_contains_the_users_path():
    checked = check_upload(SimpleUploadedFile("../../etc/passwd.pdf", MINIMAL_PDF), max_bytes=10_000)
    assert "/" not in checked.storage_name and ".." not in checked.storage_name
    assert checked.original_name == "passwd.pdf"
