"""A file to rows: .xlsx (one sheet, or a workbook whose sheets are named after registers) and
CSV in UTF-8 or GB18030, with Chinese or English headers, read safely (`uploaded_sheets`: checked
before parsing, parsed in a child process with limits). Everything here is about the file; the
rules a row must obey live in its register."""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from socialwork import uploaded_sheets
from socialwork.spreadsheets import safe_row

from .cells import CODE, DATE, ID_NUMBER, ROW, Column, blank, cell, fold, listing, short
from .registry import Register, get, registers

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = uploaded_sheets.MAX_ROWS
# Read by the Celery worker (`uploaded_sheets.background()`): 100,000 rows, and the bytes they take.
BACKGROUND_MAX_BYTES = 40 * 1024 * 1024
BACKGROUND_MAX_ROWS = uploaded_sheets.BACKGROUND_MAX_ROWS
background = uploaded_sheets.background


def max_bytes() -> int:
    return BACKGROUND_MAX_BYTES if uploaded_sheets.in_background() else MAX_BYTES


# The column of line numbers most registers begin with (序号): read past, not refused as unknown.
SERIAL_HEADERS = {fold(header) for header in ("序号", "序", "No.", "No", "#")}
HEADER_SEARCH_ROWS = 5  # title rows above the headers (a merged 某某区社会组织名录) are passed over


def read_rows(upload, *, kind: str, sheet: str | None = None) -> list[dict]:
    """The data rows of an uploaded .xlsx or .csv file for the register `kind`, as dicts keyed by
    column key, each with its row number in the file under ROW. Blank rows are skipped.

    Raises ValidationError for a file that is too large, of another format, unreadable or
    crafted, with unknown or missing columns, with more than MAX_ROWS rows, MAX_COLUMNS columns,
    or a cell longer than MAX_CELL_CHARS."""
    get(kind)
    data, fmt = _checked(upload)
    return uploaded_sheets.read_isolated(_parse, data, fmt, kind, sheet)


def read_workbook(upload) -> list[tuple[str, str, list[dict]]]:
    """A workbook of several registers: (register key, sheet title, rows) for each sheet named
    after a register (社会组织, 培训记录, 项目, ...), in the order registers are imported. Sheets
    named after no register are left alone; a workbook without any is an error naming them."""
    data, fmt = _checked(upload)
    if fmt != uploaded_sheets.XLSX:
        raise ValidationError(_("Only an Excel workbook (.xlsx) can hold several registers."), code="format")
    titles = uploaded_sheets.sheet_titles(data)
    by_title = {fold(title): title for title in titles}
    found = []
    for cls in registers():
        for name in cls.sheet_names:
            if fold(name) in by_title:
                found.append((cls.key, by_title.pop(fold(name))))
                break
    if not found:
        raise ValidationError(
            _("No sheet of this workbook is named after a register. Name the sheets: %(names)s.")
            % {"names": listing(cls.sheet_names[0] for cls in registers() if cls.sheet_names)},
            code="sheets",
        )
    return [
        (key, title, uploaded_sheets.read_isolated(_parse, data, fmt, key, title)) for key, title in found
    ]


def check_file(upload) -> None:
    """The checks made before any parser runs (size, format, the workbook's declared sizes), with
    the limits in force (`background()`): a large file is refused at once, not by the worker."""
    _checked(upload)


def _checked(upload) -> tuple[bytes, str]:
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise _too_large()
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    return data, uploaded_sheets.checked_format(data, name=getattr(upload, "name", "") or "")


def _too_large() -> ValidationError:
    return ValidationError(
        _("The file is larger than %(limit)d MB; split it into smaller files.")
        % {"limit": max_bytes() // (1024 * 1024)},
        code="too_large",
    )


def _parse(data: bytes, fmt: str, kind: str, sheet: str | None) -> list[dict]:
    """In the reading child: the file's rows, in the language of the request that forked it."""
    return rows_from_records(uploaded_sheets.records(data, fmt=fmt, sheet=sheet), get(kind).columns)


def _header_map(columns: tuple[Column, ...]) -> dict[str, Column]:
    return {fold(header): column for column in columns for header in column.all_headers()}


def _header_text(value) -> str:
    return "" if value is None else str(value).strip().lstrip("*").rstrip("*").strip()


def rows_from_records(records, columns: tuple[Column, ...]) -> list[dict]:
    """The rows below the header row. The header row is the first row of the first few that
    names a column; rows above it (a title in merged cells) are passed over."""
    records = iter(records)
    by_header = _header_map(columns)
    header, number, first = None, 0, None
    for number, record in enumerate(records, start=1):
        if any(by_header.get(fold(_header_text(value))) for value in record if not blank(value)):
            header = record
            break
        if first is None and not all(blank(value) for value in record):
            first = (number, record)
        if number >= HEADER_SEARCH_ROWS:
            break
    if header is None and first is not None:
        number, header = first  # no row names a column: the first is the header, with wrong names
    if header is None or all(blank(value) for value in header):
        raise ValidationError(
            _("The file is empty: the first row must hold the column headers."), code="empty"
        )

    keys, unknown, seen = [], [], set()
    for value in header:
        text = _header_text(value)
        if fold(text) in SERIAL_HEADERS:  # the register's own line numbers: nothing to keep
            keys.append(None)
            continue
        column = by_header.get(fold(text)) if text else None
        if text and column is None:
            unknown.append(text)
        if column is not None and column.key in seen:
            raise ValidationError(
                _("The column “%(column)s” appears twice.") % {"column": short(text)}, code="columns"
            )
        if column is not None:
            seen.add(column.key)
        keys.append(column.key if column else None)
    if unknown:
        raise ValidationError(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {
                "unknown": listing(short(text) for text in unknown[:10]),
                "known": listing(c.header() for c in columns),
            },
            code="columns",
        )
    missing = [column.header() for column in columns if column.required and column.key not in seen]
    if missing:
        raise ValidationError(
            _("Required columns are missing: %(missing)s.") % {"missing": listing(missing)}, code="columns"
        )

    rows, limit = [], uploaded_sheets.max_rows()
    for line, record in enumerate(records, start=number + 1):
        values = {key: cell(value) for key, value in zip(keys, record, strict=False) if key}
        if all(value == "" for value in values.values()):
            continue
        if len(rows) >= limit:
            raise ValidationError(
                _("The file has more than %(limit)d rows; split it into smaller files.") % {"limit": limit},
                code="too_many_rows",
            )
        rows.append({**{key: "" for key in keys if key}, **values, ROW: line})
    return rows


def template_workbook(*, kind: str) -> bytes:
    """An empty workbook with the headers of the register `kind` in the request's language, and a
    second sheet listing the values each column takes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    cls: type[Register] = get(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(cls.sheet_names[0] if cls.sheet_names else cls.label)[:31]
    sheet.append(safe_row(column.header() for column in cls.columns))
    for index, column in enumerate(cls.columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True, color="C00000" if column.required else None)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header()) * 2 + 2)
        if column.value_type in (CODE, ID_NUMBER):
            # Text, so that Excel keeps every digit of ID, phone and certificate numbers.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Allowed values"))
    notes.append(safe_row([_("Column"), pgettext("form field", "Required"), _("Allowed values")]))
    for column in cls.columns:
        if column.choices is not None:
            allowed = listing(label for _value, label in column.choices.choices)
        elif column.value_type == DATE:
            allowed = "2024-03-01"
        else:
            allowed = cls.allowed_values(column.key)
        # Names people typed (host institutions, ...) are written through the safe cell writer.
        notes.append(safe_row([column.header(), _("yes") if column.required else "", allowed]))
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["C"].width = 80

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
