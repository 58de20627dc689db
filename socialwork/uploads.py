"""What an uploaded file really is: its first bytes must match its extension.

A renamed executable or HTML page with a .pdf name is refused before it is stored. Office Open XML
(.docx, .xlsx) is a ZIP whose parts name the application; the old Word format (.doc) is an OLE2
compound file; CSV is text without NUL bytes.
"""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_PARTS = {"docx": "word/", "xlsx": "xl/"}


def _head(upload, size: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _zip_has(upload, prefix: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(prefix) for name in names)


def content_matches(upload, extension: str) -> bool:
    """Whether the file's bytes are what its extension says."""
    extension = extension.lower().lstrip(".")
    if extension == "pdf":
        return _head(upload, 5) == b"%PDF-"
    if extension == "doc":
        return _head(upload) == OLE2
    if extension in ZIP_PARTS:
        return _head(upload, 4) == b"PK\x03\x04" and _zip_has(upload, ZIP_PARTS[extension])
    if extension == "csv":
        return b"\x00" not in _head(upload, 64 * 1024)
    return False


def validate_upload(upload, extensions, max_bytes: int | None = None) -> None:
    """Refuse a file that is too large, has another extension, or whose content does not match."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is larger than %(limit)d MB.") % {"limit": max_bytes // (1024 * 1024)},
            code="file_too_large",
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in extensions:
        raise ValidationError(_("This kind of file cannot be uploaded here."), code="invalid_extension")
    if not content_matches(upload, extension):
        raise ValidationError(
            _("The file's content does not match its name (.%(extension)s); it may be damaged or renamed.")
            % {"extension": extension},
            code="content_mismatch",
        )
