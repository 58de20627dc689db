"""Cells and CSV for files people open in a spreadsheet, shared by every export."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

# A cell starting with one of these would run as a formula in Excel or WPS.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell value a spreadsheet shows as written: text that would run as a formula gets a quote;
    lazy translations become text; numbers and dates keep their type."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal, date)):
        return value
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_chunks(rows: Iterable[list], *, batch: int = 1000) -> Iterator[str]:
    """CSV text in pieces of `batch` rows, starting with the UTF-8 byte order mark for Excel."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, row in enumerate(rows, start=1):
        writer.writerow(row)
        if number % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
