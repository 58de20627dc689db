"""Stored files, answered only by a view that has checked the person may see their record.

Nothing under MEDIA_ROOT is served by its path: no URL pattern serves MEDIA_URL and the web
server has no location for it. A view finds the record through the selector that scopes the
record's own page (404 for who does not see it), writes its audit row where the file holds
personal data, and answers with `file_response`: an attachment (a Chinese name is sent as RFC 5987
`filename*`), never stored by a browser or proxy, never sniffed into something else.

In production the web server sends the bytes: with FILES_ACCEL_REDIRECT_PREFIX set (nginx's
`internal` location, see nginx/default.conf), the answer is empty and names the file in
`X-Accel-Redirect`; otherwise Django streams the file itself.
"""

import posixpath
import re
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heic": "image/heic",
    "heif": "image/heif",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def content_type_of(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(extension, DEFAULT_CONTENT_TYPE)


def attachment(filename: str) -> str:
    """A Content-Disposition that saves the file under `filename`: an ASCII `filename` for old
    clients and the exact name, Chinese included, as RFC 5987 `filename*`. No quote, semicolon,
    control character or path reaches the header."""
    filename = posixpath.basename(filename.replace("\\", "/"))
    filename = (
        "".join(char for char in filename if unicodedata.category(char)[0] != "C").strip() or "download"
    )
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    ascii_stem = _UNSAFE_ASCII.sub("_", stem.encode("ascii", "ignore").decode()).strip("._") or "download"
    ascii_extension = _UNSAFE_ASCII.sub("", extension.encode("ascii", "ignore").decode())
    fallback = f"{ascii_stem}.{ascii_extension}" if ascii_extension else ascii_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(name: str, *, filename: str, content_type: str | None = None) -> HttpResponse:
    """The stored file `name` (a storage name, as a FileField holds it) as a download saved under
    `filename`. 404 when it is no longer stored. The caller has checked who may have it."""
    if not name or not default_storage.exists(name):
        raise Http404
    content_type = content_type or content_type_of(filename)
    prefix = settings.FILES_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name.lstrip("/"))
    else:
        response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = attachment(filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def bytes_response(data: bytes, *, filename: str, content_type: str | None = None) -> HttpResponse:
    """Bytes the view has just decrypted (an encrypted attachment), as a download saved under
    `filename`, with the same headers as `file_response`. Never sent by the web server from a
    path: what is stored there is ciphertext. The caller has checked who may have it."""
    response = HttpResponse(data, content_type=content_type or content_type_of(filename))
    response["Content-Disposition"] = attachment(filename)
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # A downloaded document opened in the browser runs nothing and reaches nothing of the site.
    response["Content-Security-Policy"] = "sandbox"
    return response
