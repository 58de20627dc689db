"""What an uploaded file really is: its first bytes must match its extension, and it must carry
nothing that runs. The one place every upload field is checked (`validate_upload`).

A renamed executable or HTML page with a .pdf name is refused before it is stored. Office Open XML
(.docx, .xlsx) is a ZIP whose parts name the application; the old Word format (.doc) is an OLE2
compound file; CSV is text without NUL bytes.

Refused as well, whatever their name:
- workbooks and documents with macros: .xlsm and .docm, and an .xlsx, .docx or .doc that holds a
  VBA project (`vbaProject.bin`, an OLE2 `_VBA_PROJECT` stream), Excel 4 macro sheets or ActiveX
  binaries, or whose content types say macroEnabled;
- PDF polyglots and active PDFs: a PDF must start with `%PDF-`, must not also be a ZIP (a central
  directory a ZIP reader finds) nor hold HTML markup, and must not carry JavaScript, a launch
  action, embedded files, rich media or an action run on opening. Names are read with their
  `#xx` escapes decoded and inside Flate-compressed streams too, where object streams hide them.
"""

import io
import re
import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_PARTS = {"docx": "word/", "xlsx": "xl/"}
IMAGE_SIGNATURES = {"jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n"}
# Photos from a phone: WebP is a RIFF file of type WEBP; HEIC/HEIF (an iPhone's camera) an ISO
# media file whose first box is `ftyp` with one of these brands.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
MACRO_EXTENSIONS = {"xlsm", "xltm", "xlam", "xlsb", "docm", "dotm", "pptm", "potm", "ppsm"}

# Parts of an Office Open XML package that hold or run macros.
MACRO_PARTS = re.compile(
    r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)macrosheets/|(^|/)activeX/.*\.bin$", re.I
)
MACRO_CONTENT_TYPES = re.compile(rb"macroEnabled|vbaProject|macrosheet|ms-office\.activeX", re.I)
# The VBA project of a .doc: a stream named _VBA_PROJECT (OLE2 names are UTF-16).
OLE2_VBA = "_VBA_PROJECT".encode("utf-16-le")
CONTENT_TYPES_LIMIT = 1024 * 1024

# PDF names that run something or carry another file. `#xx` escapes are decoded first.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])")
# An action run on opening: /OpenAction with an action dictionary, directly or by reference. An
# explicit destination (an array: "open at this page") is only a view and is allowed.
PDF_OPEN_ACTION = re.compile(rb"/OpenAction\s*(<<|(\d+)\s+(\d+)\s+R)")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
HTML_MARKUP = re.compile(rb"<\s*(html|script|body|iframe|svg|!doctype\s+html)\b", re.I)
PDF_STREAM = re.compile(rb"stream\r?\n")
# What the compressed streams of one PDF may inflate to, in all: enough for any real document,
# little enough that a bomb costs nothing.
PDF_INFLATE_LIMIT = 64 * 1024 * 1024


def _head(upload, size: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _zip_names(upload) -> list[str] | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _zip_has(upload, prefix: str) -> bool:
    names = _zip_names(upload)
    return bool(names) and "[Content_Types].xml" in names and any(name.startswith(prefix) for name in names)


def _office_has_macros(upload) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            if any(MACRO_PARTS.search(name) for name in archive.namelist()):
                return True
            with archive.open("[Content_Types].xml") as types:
                return bool(MACRO_CONTENT_TYPES.search(types.read(CONTENT_TYPES_LIMIT)))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def _inflated_streams(data: bytes):
    """The Flate-compressed streams of a PDF, inflated, up to PDF_INFLATE_LIMIT in all."""
    budget = PDF_INFLATE_LIMIT
    view = memoryview(data)
    for match in PDF_STREAM.finditer(data):
        if budget <= 0:
            return
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(view[match.end() :], budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        yield chunk


def _pdf_is_active(data: bytes) -> bool:
    for text in (data, *_inflated_streams(data)):
        text = PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), text)
        if PDF_ACTIVE.search(text):
            return True
        for match in PDF_OPEN_ACTION.finditer(text):
            if match.group(1) == b"<<":
                return True
            target = re.search(rb"(?<!\d)%s\s+%s\s+obj\s*(<<|\[)" % (match.group(2), match.group(3)), data)
            if target is None or target.group(1) == b"<<":
                return True
    return False


def _pdf_is_polyglot(data: bytes) -> bool:
    """Also a ZIP (a reader finds its central directory from the end) or an HTML page."""
    return zipfile.is_zipfile(io.BytesIO(data)) or bool(HTML_MARKUP.search(data))


def content_error(upload, extension: str) -> ValidationError | None:
    """Why the file's bytes may not be taken under this extension, or None when they may."""
    extension = extension.lower().lstrip(".")
    if extension in MACRO_EXTENSIONS:
        return _macros()
    matches = False
    if extension == "pdf":
        matches = _head(upload, 5) == b"%PDF-"
        if matches:
            data = _read_all(upload)
            if _pdf_is_polyglot(data):
                return ValidationError(
                    _(
                        "This PDF is also another kind of file (an archive or a web page) and cannot be uploaded."
                    ),
                    code="polyglot",
                )
            if _pdf_is_active(data):
                return ValidationError(
                    _(
                        "This PDF holds scripts, embedded files or actions that run when it is opened, "
                        "and cannot be uploaded. Print it to a new PDF and upload that."
                    ),
                    code="active_content",
                )
    elif extension == "doc":
        matches = _head(upload) == OLE2
        if matches and OLE2_VBA in _read_all(upload):
            return _macros()
    elif extension in ZIP_PARTS:
        matches = _head(upload, 4) == b"PK\x03\x04" and _zip_has(upload, ZIP_PARTS[extension])
        if matches and _office_has_macros(upload):
            return _macros()
    elif extension == "csv":
        matches = b"\x00" not in _head(upload, 64 * 1024)
    elif extension == "webp":
        head = _head(upload, 12)
        matches = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    elif extension in ("heic", "heif"):
        head = _head(upload, 12)
        matches = head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS
    elif extension in IMAGE_SIGNATURES:  # a scan or a phone's photo of a paper certificate
        matches = _head(upload, 8).startswith(IMAGE_SIGNATURES[extension])
    if not matches:
        return ValidationError(
            _("The file's content does not match its name (.%(extension)s); it may be damaged or renamed.")
            % {"extension": extension},
            code="content_mismatch",
        )
    return None


def _macros() -> ValidationError:
    return ValidationError(
        _(
            "Files with macros cannot be uploaded. Save the file without macros (as .xlsx or .docx) "
            "and upload it again."
        ),
        code="macros",
    )


def content_matches(upload, extension: str) -> bool:
    """Whether the file's bytes are what its extension says, with nothing in them that runs."""
    return content_error(upload, extension) is None


def validate_upload(upload, extensions, max_bytes: int | None = None) -> None:
    """Refuse a file that is too large, has another extension, or whose content does not match
    it or carries macros or active content."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is larger than %(limit)d MB.") % {"limit": max_bytes // (1024 * 1024)},
            code="file_too_large",
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension in MACRO_EXTENSIONS:
        raise _macros()
    if extension not in extensions:
        raise ValidationError(_("This kind of file cannot be uploaded here."), code="invalid_extension")
    error = content_error(upload, extension)
    if error is not None:
        raise error
