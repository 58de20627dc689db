"""A dossier as a workbook: a contents sheet, then one sheet per section with its headline figures
(label, value, the link to where it came from) and its records, each record's first cell a
hyperlink to its page. Money and counts are numbers, not text."""

import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from socialwork.spreadsheets import put_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DECIMAL = re.compile(r"^-?\d+\.\d+$")
BOLD, HEADING, LINK = Font(bold=True), Font(bold=True, size=14), Font(color="1A4DA6", underline="single")


def cell_value(value):
    """A figure as the workbook holds it: decimals (money, hours, averages) as numbers."""
    if isinstance(value, str) and DECIMAL.match(value):
        return Decimal(value)
    return value


def sheet_name(number: int, title: str) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()
    return f"{number}. {name}"[:31]


def dossier_xlsx(sections: list[dict], *, title: str) -> bytes:
    book = Workbook()
    contents = book.active
    contents.title = pgettext("of a document", "Contents")[:31]
    put_cell(contents, row=1, column=1, value=title).font = HEADING
    put_cell(contents, row=2, column=1, value=_("Every figure links to the record it was drawn from."))
    for number, section in enumerate(sections, start=1):
        name = sheet_name(number, section["title"])
        entry = put_cell(contents, row=3 + number, column=1, value=name)
        entry.hyperlink = f"#'{name}'!A1"
        entry.font = LINK
        sheet = book.create_sheet(name)
        _section(sheet, section, title=title)
    contents.column_dimensions["A"].width = 50
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _section(sheet, section: dict, *, title: str) -> None:
    widths: dict[int, int] = {}

    def put(row: int, column: int, value, font=None, link: str = ""):
        shown = cell_value(value)
        cell = put_cell(sheet, row=row, column=column, value=shown)
        if isinstance(shown, Decimal):  # as many places as the record keeps: 12.50 yuan, 2.5 hours
            cell.number_format = "0." + "0" * -shown.as_tuple().exponent
        if link:
            cell.hyperlink = link
        if font or link:
            cell.font = font or LINK
        widths[column] = max(widths.get(column, 10), min(60, len(str(value)) * 2 + 2))
        return cell

    put(1, 1, f"{title} · {section['title']}", HEADING)
    row = 3
    if section["note"]:
        put(row, 1, section["note"])
        row += 2
    if section["figures"]:
        for column, label in enumerate(
            [pgettext("dossier", "Figure"), pgettext("dossier", "Value"), _("Where it came from")], start=1
        ):
            put(row, column, label, BOLD)
        row += 1
        for figure in section["figures"]:
            put(row, 1, figure["label"])
            put(row, 2, figure["value"], link=figure["url"])
            put(row, 3, figure["url"], link=figure["url"])
            row += 1
    for listing in section["listings"]:
        row += 1
        put(row, 1, listing["title"], BOLD)
        row += 1
        if not listing["rows"]:
            put(row, 1, listing["empty"] or _("Nothing recorded yet."))
            row += 1
            continue
        for column, label in enumerate([*listing["columns"], _("Where it came from")], start=1):
            put(row, column, label, BOLD)
        row += 1
        for values, url in zip(listing["rows"], listing["links"], strict=True):
            put(row, 1, values[0], link=url)
            for column, value in enumerate(values[1:], start=2):
                put(row, column, value)
            put(row, len(values) + 1, url, link=url)
            row += 1
    widths[1] = max(widths.get(1, 10), 24)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
