"""Upload checks: the type is decided by the file's content (magic bytes), not by its name or header."""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: detected MIME type -> allowed file-name extensions
ALLOWED_TYPES: dict[str, frozenset[str]] = {
    "application/pdf": frozenset({"pdf"}),
    "image/png": frozenset({"png"}),
    "image/jpeg": frozenset({"jpg", "jpeg"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": frozenset({"docx"}),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": frozenset({"xlsx"}),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": frozenset({"pptx"}),
    "application/vnd.oasis.opendocument.text": frozenset({"odt"}),
    "application/x-ole-storage": frozenset({"doc", "xls", "ppt"}),
}
_OOXML_MAIN_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: detected MIME type, cleaned original name, and the server-side storage name."""

    content_type: str
    original_name: str
    storage_name: str


def _detect(upload: UploadedFile, extension: str) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole-storage"
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in {"application/zip", None} or (mime or "").startswith("application/vnd.openxmlformats"):
        # Office Open XML files are ZIP archives: confirm by their parts, not by the name.
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            upload.seek(0)
            return mime
        finally:
            upload.seek(0)
        prefix = _OOXML_MAIN_PART.get(extension)
        if "[Content_Types].xml" in names and prefix and any(n.startswith(prefix) for n in names):
            return next(m for m, exts in ALLOWED_TYPES.items() if extension in exts)
        if "mimetype" in names and extension == "odt":
            return "application/vnd.oasis.opendocument.text"
    return mime


def check_upload(upload: UploadedFile, max_bytes: int | None = None) -> CheckedUpload:
    """Validate an uploaded file and return where to store it.

    Accepts PDF, PNG/JPEG images and Office documents (docx/xlsx/pptx/odt, legacy doc/xls/ppt) whose
    content matches their extension; rejects anything larger than ``max_bytes`` (default
    ``settings.UPLOAD_MAX_BYTES``). The stored name is generated (``<uuid4>.<ext>``): a user's file name
    never reaches the file system. Raises ``ValidationError`` with a message in the user's language.
    """
    limit = max_bytes if max_bytes is not None else settings.UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    original = PurePath(upload.name or "upload").name[-200:]
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    detected = _detect(upload, extension)
    if detected not in ALLOWED_TYPES:
        raise ValidationError(
            _("This file type is not accepted. Upload a PDF, an Office document or a PNG/JPEG image."),
            code="bad_type",
        )
    if extension not in ALLOWED_TYPES[detected]:
        raise ValidationError(
            _("The file's content does not match its extension “.%(ext)s”.") % {"ext": extension or "?"},
            code="type_mismatch",
        )
    return CheckedUpload(content_type=detected, original_name=original, storage_name=f"{uuid.uuid4().hex}.{extension}")
