"""The demo legacy workbook: one workbook with the registers a district keeps in Excel today
(社会组织, 培训记录, 项目, 志愿者, 服务对象, 个案, ...), each sheet under a title in merged cells,
with some rows wrong in the ways people get them wrong. Each app writes its own sheets' rows
(`<app>/demo_imports*.py`, fitting the demo data); this module puts them in one workbook.

`manage.py legacy_workbook docs/demo/legacy-registers.xlsx` writes it, and the workforce's exam
results and awards beside it (docs/demo/legacy-workforce.xlsx): the copies in the repo.
"""

import io
from importlib import import_module

from socialwork.spreadsheets import safe_row

# Where each app keeps the rows of its sheets: (module, function) → {sheet title: rows, header first}.
# The district's registers and its stations' (the district imports the first four sheets, a
# station the rest: each person their own, the others named and left alone).
SOURCES = (
    ("projects.demo_imports", "legacy_rows"),
    ("training.demo_imports", "legacy_rows"),
    ("projects.demo_imports_projects", "legacy_rows"),
    ("casework.demo_imports_volunteers", "volunteer_legacy_rows"),
    ("casework.demo_imports", "legacy_rows"),
)
# The workforce's results, kept apart: the district and the stations both record exams and awards,
# so in the shared workbook a station would meet the district's rows as people outside its place.
WORKFORCE_SOURCES = (("positions.demo_imports", "legacy_rows"),)
TITLE = "{sheet}台账（{district}）"


def legacy_sheets(sources=SOURCES) -> dict[str, list[list]]:
    """Every sheet's rows, header first, in the order the workbook holds them."""
    sheets = {}
    for module, function in sources:
        sheets.update(getattr(import_module(module), function)())
    return sheets


def legacy_workbook(*, sources=SOURCES, district: str = "夷陵区民政局") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in legacy_sheets(sources).items():
        sheet = workbook.create_sheet(title)
        width = max(len(row) for row in rows)
        # A title across the sheet in merged cells, as bureaus print their registers.
        sheet.append([TITLE.format(sheet=title, district=district)])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        for row in rows:
            sheet.append(safe_row(row))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for index in range(1, width + 1):
            sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = 16
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
