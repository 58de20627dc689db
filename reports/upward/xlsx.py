"""A statistical return as a workbook: its heading, then one row per figure (the value reported,
what the records gave, the reason for any difference, the district's note), then its timeline.
Counts and money are numbers, not text."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from reports.models import StatisticalReturn
from socialwork.spreadsheets import put_cell

from . import figures

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD, HEADING = Font(bold=True), Font(bold=True, size=14)


def _number(key: str, value):
    return Decimal(str(value)) if figures.FIGURES[key].kind == figures.MONEY else value


def return_xlsx(statistical_return: StatisticalReturn) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Return")[:31]
    put_cell(sheet, row=1, column=1, value=statistical_return.form.name).font = HEADING
    put_cell(sheet, row=2, column=1, value=_("Reporting place"))
    put_cell(sheet, row=2, column=2, value=statistical_return.region.name)
    put_cell(sheet, row=3, column=1, value=_("Period"))
    put_cell(sheet, row=3, column=2, value=statistical_return.period_label)
    put_cell(sheet, row=4, column=1, value=_("Status"))
    put_cell(sheet, row=4, column=2, value=str(statistical_return.get_status_display()))
    headings = [_("Figure"), _("Reported"), _("The records gave"), _("Reason for the difference"), _("Note")]
    for column, heading in enumerate(headings, start=1):
        put_cell(sheet, row=6, column=column, value=heading).font = BOLD
    row = 7
    for key in statistical_return.form.figures:  # in the form's order (the database sorts the keys)
        entry = statistical_return.figures.get(key)
        if key not in figures.FIGURES or entry is None:
            continue
        values = [
            str(figures.FIGURES[key].label),
            _number(key, entry["value"]),
            _number(key, entry["computed"]),
            entry.get("reason", ""),
            entry.get("note", ""),
        ]
        for column, value in enumerate(values, start=1):
            put_cell(sheet, row=row, column=column, value=value)
        row += 1
    row += 1
    put_cell(sheet, row=row, column=1, value=_("Timeline")).font = BOLD
    for step in statistical_return.steps.select_related("actor"):
        row += 1
        put_cell(sheet, row=row, column=1, value=f"{step.at:%Y-%m-%d %H:%M}")
        put_cell(sheet, row=row, column=2, value=str(step.get_action_display()))
        put_cell(sheet, row=row, column=3, value=str(step.actor or _("the system")))
        put_cell(sheet, row=row, column=4, value=step.comment)
    for column, width in zip("ABCDE", (34, 14, 16, 40, 30), strict=True):
        sheet.column_dimensions[column].width = width
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
