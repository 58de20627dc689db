"""Cells and CSV for files people open in a spreadsheet: the one safe cell writer every workbook
and CSV the application produces goes through (exports, the allowance roll, the annual report,
the import templates, casework's lists)."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice, repeat

# A cell starting with one of these would run as a formula in Excel, WPS or LibreOffice (OWASP's
# list), and so may one starting with the full-width and small forms a Chinese input method
# types, which spreadsheets fold to the ASCII ones.
FORMULA_STARTS = (
    *("=", "+", "-", "@", "\t", "\r"),
    *("\uff1d", "\uff0b", "\uff0d", "\uff20"),  # ＝＋－＠
    *("\ufe66", "\ufe62", "\ufe63", "\ufe6b"),  # ﹦﹢﹣﹫
)


def safe_cell(value):
    """A cell value a spreadsheet shows as written: text that would run as a formula gets a
    single quote in front (OWASP's advice), so that it is text in a CSV and a string cell, never
    a formula, in a workbook; lazy translations become text; numbers and dates keep their type,
    a negative amount included."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal, date)):
        return value
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_row(values: Iterable) -> list:
    """safe_cell over one row."""
    return [safe_cell(value) for value in values]


def put_cell(sheet, *, row: int, column: int, value):
    """Write one safe cell into a (not write-only) openpyxl sheet and return it. Text is stored as
    a string: openpyxl would make a formula of any text starting with "="."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value = safe_cell(value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def safe_texts(values: list) -> list:
    """safe_cell over a list of text values (or None) read from the database, one column of a
    chunk of rows. Most text starts with no formula character, so the list is first scanned in C
    and only rewritten when it holds None or a formula."""
    if None in values:
        values = ["" if value is None else value for value in values]
    if any(map(str.startswith, values, repeat(FORMULA_STARTS))):
        values = [safe_cell(value) for value in values]
    return values


def safe_values(values: list) -> list:
    """safe_cell over a list of numbers or dates (or None): only None needs a change."""
    if None in values:
        return ["" if value is None else value for value in values]
    return values


class SafeLabels(dict):
    """The cell of each value of a column with few distinct values (a choice, a unit's name),
    computed once by `label` on first sight and made safe: `map(labels.__getitem__, values)`
    is then a dictionary look-up per cell."""

    def __init__(self, label, known: dict | None = None):
        super().__init__((key, safe_cell(value)) for key, value in (known or {}).items())
        self.label = label

    def __missing__(self, key):
        cell = self[key] = safe_cell(self.label(key))
        return cell


def csv_chunks(rows: Iterable[list], *, batch: int = 1000) -> Iterator[str]:
    """CSV text in pieces of `batch` rows, starting with the UTF-8 byte order mark for Excel."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows = iter(rows)
    while True:
        writer.writerows(islice(rows, batch))
        if not buffer.tell():
            return
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
