"""Reading an uploaded spreadsheet (.xlsx, or CSV in UTF-8 or GB18030) without letting the file
take the server down.

A 6 KB workbook can declare a sheet of a million rows by sixteen thousand columns, a 1 MB one can
unpack to a gigabyte of shared strings, and XML can carry entity bombs. So, in this order:

1. `check_workbook` (in the request, before any parser runs): the ZIP's directory only. Every
   part's declared unpacked size, their total, their compression ratio and their number are
   capped, and the declared dimension of each sheet, read from the first bytes of its XML, must
   fit the row and column caps. zipfile never unpacks more than a part declares (it stops there
   and fails the CRC check), so the declared sizes bound the work.
2. `read_isolated` parses in a child process forked for the purpose, with its address space and
   CPU time limited (`setrlimit`) and killed by the request after a wall-clock limit: whatever
   the parser does with a hostile file, the web worker's memory and time are not its to take.
   XML is parsed by defusedxml (openpyxl uses it when it is installed), which refuses entity
   declarations; openpyxl reads in read-only mode, bounded to the rows and columns the caps allow.
3. `bounded` caps rows, columns and the characters of a cell as the records are read.

Every failure, of the checks or of any parser, becomes a ValidationError with a message for the
person: the form shows it, nothing answers 500.
"""

import csv
import io
import logging
import multiprocessing
import os
import re
import resource
import signal
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

logger = logging.getLogger(__name__)

MAX_ROWS = 20_000  # below the header row, blank rows included
MAX_COLUMNS = 30  # twice the widest kind of import
MAX_CELL_CHARS = 2_000
MAX_PARTS = 200
MAX_PART_BYTES = 64 * 1024 * 1024  # one part of the ZIP, unpacked
MAX_UNPACKED_BYTES = 128 * 1024 * 1024  # all parts, unpacked
MAX_RATIO = 100  # unpacked / packed, for parts above RATIO_FROM_BYTES (Apache POI's default)
RATIO_FROM_BYTES = 1024 * 1024
# The child process that parses: CPU seconds and memory beyond what it inherits, then the wall
# clock after which the request kills it, inside gunicorn's 60 s. The largest legitimate file,
# 20,000 rows by 15 columns of inline strings (an 18 MB sheet), takes 4 to 8 s of CPU and 60 MB
# to read, 20 s of wall clock on a machine loaded four times over.
PARSE_CPU_SECONDS = 30
PARSE_WALL_SECONDS = 40
PARSE_MEMORY_BYTES = 512 * 1024 * 1024

# A file read by the Celery worker (an import run in the background) may hold more rows; its parts
# may unpack to more, and its reading child may take longer and more memory, in proportion.
BACKGROUND_MAX_ROWS = 100_000
BACKGROUND_FACTOR = 5  # the unpacked sizes and the child's CPU, wall-clock time and memory, times this
_background = ContextVar("uploaded_sheets_background", default=False)


@contextmanager
def background():
    """Inside this block files are read with the background limits (BACKGROUND_MAX_ROWS rows,
    the unpacked sizes and the reading child's time and memory BACKGROUND_FACTOR times larger).
    Every check still runs; only the caps are larger."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def in_background() -> bool:
    return _background.get()


def max_rows() -> int:
    return BACKGROUND_MAX_ROWS if _background.get() else MAX_ROWS


def _scaled(value: int) -> int:
    return value * BACKGROUND_FACTOR if _background.get() else value


HEAD_BYTES = 64 * 1024
DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']+)[\"']")
SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def _unreadable_workbook() -> ValidationError:
    return ValidationError(
        _(
            "This file could not be read as an Excel workbook (.xlsx). Old .xls files must be saved as .xlsx first."
        ),
        code="format",
    )


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _("The file has more than %(limit)d rows; split it into smaller files.") % {"limit": max_rows()},
        code="too_many_rows",
    )


# 1. Before parsing


def check_workbook(data: bytes) -> None:
    """Refuse a workbook whose ZIP declares more than the caps allow, without unpacking it
    (beyond the first bytes of each sheet, where the dimension is declared)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            _check_parts(parts)
            for part in parts:
                if SHEET_PART.match(part.filename):
                    with archive.open(part) as source:
                        _check_dimension(source.read(HEAD_BYTES))
    except ValidationError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ):
        raise _unreadable_workbook() from None


def _check_parts(parts: list[zipfile.ZipInfo]) -> None:
    max_part, max_unpacked = _scaled(MAX_PART_BYTES), _scaled(MAX_UNPACKED_BYTES)
    if len(parts) > MAX_PARTS:
        raise ValidationError(
            _(
                "The workbook holds %(count)d parts, more than an import file needs; save only the sheet to import."
            )
            % {"count": len(parts)},
            code="too_many_parts",
        )
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > max_part or total > max_unpacked:
            limit = max_part if part.file_size > max_part else max_unpacked
            raise ValidationError(
                _("Unpacked, the workbook holds more than %(limit)d MB; split it into smaller files.")
                % {"limit": limit // (1024 * 1024)},
                code="too_large_unpacked",
            )
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise ValidationError(
                _(
                    "Part of the workbook is packed far more tightly than a spreadsheet can be; "
                    "the file may be damaged or crafted. Save it again from Excel."
                ),
                code="compression_ratio",
            )


def _check_dimension(head: bytes) -> None:
    match = DIMENSION.search(head)
    if not match:
        return  # no declared size: the reading itself is bounded
    try:
        min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode("ascii", "replace"))
    except (ValueError, TypeError):
        return
    if (max_row or 0) > max_rows() + 1 or (max_col or 0) > MAX_COLUMNS:
        raise ValidationError(
            _(
                "The sheet declares %(rows)d rows and %(columns)d columns; an import file holds at most "
                "%(max_rows)d rows below the headers and %(max_columns)d columns. Delete the empty rows and "
                "columns after the data, or split the file."
            )
            % {
                "rows": max_row or 0,
                "columns": max_col or 0,
                "max_rows": max_rows(),
                "max_columns": MAX_COLUMNS,
            },
            code="too_large_dimension",
        )


# 2. Parsing, in a child process


def xlsx_records(data: bytes, sheet: str | None = None) -> Iterator[tuple]:
    """The rows of the first sheet (or of the sheet titled `sheet`) as tuples of values,
    read-only, never wider than the column cap plus one (so that `bounded` sees the overflow)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parser's error: the file is not a workbook we can read
        logger.info("An uploaded workbook could not be opened", exc_info=True)
        raise _unreadable_workbook() from None
    try:
        sheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        # The declared dimension is not trusted either way: too large it was refused, too small
        # openpyxl would stop there and drop rows without a word. Rows come as the XML holds
        # them, each cut to one column past the cap; `bounded` stops one row past the cap.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except (ValidationError, MemoryError):
                raise
            except Exception:
                logger.info("An uploaded workbook could not be read", exc_info=True)
                raise _unreadable_workbook() from None
            yield row
    finally:
        workbook.close()


def csv_records(data: bytes) -> Iterator[list]:
    """The rows of a CSV file in UTF-8 (with or without its byte order mark) or, as Chinese Excel
    saves it, GB18030; the delimiter is the most frequent of , ; and tab in the first line."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field limit" in str(error):
                raise _cell_too_long(reader.line_num) from None
            raise ValidationError(
                _("The CSV file could not be read at line %(line)d; save it again from Excel as CSV (UTF-8).")
                % {"line": reader.line_num},
                code="format",
            ) from None
        yield row


XLSX, CSV = "xlsx", "csv"


def checked_format(data: bytes, *, name: str) -> str:
    """XLSX or CSV, by the file's name, else by its first bytes; a workbook passes
    `check_workbook` first. Runs in the request, before any parser."""
    name = name.lower()
    if name.endswith(".xlsx") or (not name.endswith(".csv") and data.startswith(b"PK\x03\x04")):
        check_workbook(data)
        return XLSX
    if name.endswith(".csv"):
        return CSV
    raise ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."), code="format")


def records(data: bytes, *, fmt: str, sheet: str | None = None) -> Iterator[tuple]:
    """The bounded records of a file of the format `checked_format` gave (of one sheet of a
    workbook, the first unless `sheet` names another)."""
    return bounded(xlsx_records(data, sheet) if fmt == XLSX else csv_records(data))


def sheet_titles(data: bytes) -> list[str]:
    """The titles of a checked workbook's sheets, in their order."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        logger.info("An uploaded workbook could not be opened", exc_info=True)
        raise _unreadable_workbook() from None
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def read_isolated(function: Callable, *args):
    """`function(*args)` run in a forked child process with its memory and CPU time limited and
    killed after PARSE_WALL_SECONDS; its result (which must pickle) or its ValidationError. The
    child only reads: it never touches the database or the cache. Where fork is not available
    (or this process may not have children), it runs here."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return function(*args)
    if multiprocessing.current_process().daemon:  # a daemonic process may not fork children
        return function(*args)
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, function, args), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(_scaled(PARSE_WALL_SECONDS)):
            raise ValidationError(
                _("The file took too long to read; split it into smaller files."), code="too_slow"
            )
        try:
            outcome, value = receiver.recv()
        except (EOFError, OSError):  # the child died: out of memory or CPU time
            child.join(1)
            raise _exhausted(child.exitcode) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(1)
    if outcome == "error":
        raise ValidationError([ValidationError(message, code=code) for message, code in value])
    return value


def _exhausted(exitcode) -> ValidationError:
    if exitcode == -signal.SIGXCPU:
        return ValidationError(
            _("The file took too long to read; split it into smaller files."), code="too_slow"
        )
    return ValidationError(_("The file is too large to read; split it into smaller files."), code="too_large")


def _child(sender, function, args) -> None:
    _limit_self()
    try:
        result = ("ok", function(*args))
    except ValidationError as error:
        result = ("error", [(message, _code_of(error)) for message in error.messages])
    except MemoryError:
        result = ("error", [(str(_exhausted(None).messages[0]), "too_large")])
    except Exception:
        logger.warning("An uploaded spreadsheet could not be read", exc_info=True)
        result = ("error", [(str(_unreadable_workbook().messages[0]), "format")])
    try:
        sender.send(result)
    finally:
        sender.close()


def _code_of(error: ValidationError) -> str:
    return next((item.code for item in error.error_list if item.code), "invalid")


def _limit_self() -> None:
    """In the child: no more than PARSE_MEMORY_BYTES of address space beyond what was inherited,
    PARSE_CPU_SECONDS of CPU (the kernel sends SIGXCPU, which ends the child), and a CSV field no
    longer than a cell may be (the csv module's limit is per process: here, only the child's)."""
    csv.field_size_limit(MAX_CELL_CHARS)
    try:
        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        inherited = None
    for limit, soft in (
        (resource.RLIMIT_AS, None if inherited is None else inherited + _scaled(PARSE_MEMORY_BYTES)),
        (resource.RLIMIT_CPU, _scaled(PARSE_CPU_SECONDS)),
    ):
        if soft is None:
            continue
        _current_soft, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        try:
            resource.setrlimit(limit, (soft, hard))
        except (ValueError, OSError):
            logger.warning("Could not limit the spreadsheet reader (%s)", limit)


# 3. While reading


def _cell_too_long(row: int) -> ValidationError:
    return ValidationError(
        _("Row %(row)d: a cell holds more than %(limit)d characters.")
        % {"row": row, "limit": MAX_CELL_CHARS},
        code="cell_too_long",
    )


def bounded(rows: Iterable) -> Iterator[tuple]:
    """The rows as tuples of at most MAX_COLUMNS values, refusing a row past MAX_ROWS below the
    header, a value in a column past MAX_COLUMNS, and a text cell longer than MAX_CELL_CHARS."""
    limit = max_rows()
    for number, row in enumerate(rows, start=1):
        if number > limit + 1:
            raise _too_many_rows()
        row = tuple(row)
        if len(row) > MAX_COLUMNS:
            if any(value not in (None, "") for value in row[MAX_COLUMNS:]):
                raise ValidationError(
                    _("Row %(row)d has more than %(limit)d columns.") % {"row": number, "limit": MAX_COLUMNS},
                    code="too_many_columns",
                )
            row = row[:MAX_COLUMNS]
        if any(isinstance(value, str) and len(value) > MAX_CELL_CHARS for value in row):
            raise _cell_too_long(number)
        yield row
