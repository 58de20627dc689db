"""The annual report's files: an Excel workbook (one sheet per chapter) and a PDF (a title page,
then each chapter's headline figures, tables and a bar chart per table).

Both are drawn from the same `Chapter`s, so the PDF and the workbook always agree. The PDF embeds
the application's Chinese font (socialwork.pdf), so it reads the same on any machine.
"""

import io
import re
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.figures import Chapter
from reports.figures import Table as FigureTable
from socialwork.pdf import FONT as CJK_FONT
from socialwork.pdf import register_fonts
from socialwork.spreadsheets import put_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
BLUE = colors.Color(0.16, 0.36, 0.62)
SERIES_COLOURS = [BLUE, colors.Color(0.85, 0.45, 0.15), colors.Color(0.3, 0.6, 0.3), colors.grey]
MAX_BARS = 20  # a longer table keeps all its rows; its chart shows the first ones

Progress = Callable[[int], None]


def report_title(*, year: int, place: str = "") -> str:
    title = _("District social work development report %(year)s") % {"year": year}
    return f"{title} · {place}" if place else title


def _sheet_name(title: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Sheet"
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name[:25]} {n}", n + 1
    taken.add(candidate)
    return candidate


def workbook(chapters: list[Chapter], *, title: str, progress: Progress | None = None) -> bytes:
    """One sheet per chapter: the title, the headline figures, then each table with bold headings."""
    book = Workbook()
    book.remove(book.active)
    bold, heading = Font(bold=True), Font(bold=True, size=14)
    taken: set[str] = set()
    for index, chapter in enumerate(chapters, start=1):
        sheet = book.create_sheet(_sheet_name(chapter.title, taken))
        widths: dict[int, int] = {}

        def put(row: int, values: list, font=None, sheet=sheet, widths=widths) -> None:
            for column, value in enumerate(values, start=1):
                cell = put_cell(sheet, row=row, column=column, value=value)
                if font:
                    cell.font = font
                widths[column] = max(widths.get(column, 8), min(60, len(str(value)) * 2 + 2))

        put(1, [f"{title} · {chapter.title}"], heading)
        row = 3
        for label, value in chapter.headline:
            put(row, [label, value])
            sheet.cell(row=row, column=1).font = bold
            row += 1
        for table in chapter.tables:
            row += 1
            put(row, [table.title], bold)
            put(row + 1, table.columns, bold)
            row += 2
            for values in table.rows:
                put(row, values)
                row += 1
            if table.note:
                put(row, [table.note])
                row += 1
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.column_dimensions["A"].width = max(widths.get(1, 8), 24)
        if progress:
            progress(index)
    if not chapters:
        book.create_sheet(_("Report"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _register_font() -> None:
    register_fonts()


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=CJK_FONT, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": base,
        "cover": ParagraphStyle("cover", parent=base, fontSize=26, leading=36, alignment=1, textColor=BLUE),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=22, alignment=1),
        "chapter": ParagraphStyle(
            "chapter", parent=base, fontSize=18, leading=26, spaceAfter=8, textColor=BLUE
        ),
        "table": ParagraphStyle("table", parent=base, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=11, textColor=colors.grey),
    }


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def bar_chart(table: FigureTable, *, width: float) -> Drawing | None:
    """A bar chart of a table's numeric columns (side by side when "grouped"), labelled by its
    first column; None when the table has no numbers to draw."""
    if not table.chart or not table.rows or len(table.columns) < 2:
        return None
    rows = table.rows[:MAX_BARS]
    numeric = [
        column
        for column in range(1, len(table.columns))
        if all(_number(row[column]) is not None for row in rows if column < len(row))
    ]
    if table.chart != "grouped":
        numeric = numeric[:1]
    if not numeric:
        return None
    data = [
        tuple(_number(row[column]) or 0 if column < len(row) else 0 for row in rows) for column in numeric
    ]
    height = 150
    drawing = Drawing(width, height + (14 if len(numeric) > 1 else 0))
    drawing.initialFontName = CJK_FONT  # the renderer's default is Helvetica, not embedded
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 40, width - 60, height - 55
    chart.data = data
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = CJK_FONT
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = [str(row[0])[:8] for row in rows]
    chart.categoryAxis.labels.fontName = CJK_FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(rows) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(rows) > 6 else "n"
    for index in range(len(numeric)):
        chart.bars[index].fillColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    drawing.add(chart)
    if len(numeric) > 1:  # a legend of the series, one coloured label each
        x = 40
        for index, column in enumerate(numeric):
            label = String(x, height + 2, f"■ {table.columns[column]}", fontName=CJK_FONT, fontSize=8)
            label.fillColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            drawing.add(label)
            x += pdfmetrics.stringWidth(label.text, CJK_FONT, 8) + 12
    return drawing


def _table_flowable(table: FigureTable, styles, width: float) -> Table:
    cell = styles["cell"]
    data = [[Paragraph(f"<b>{_escape(column)}</b>", cell) for column in table.columns]]
    data += [[Paragraph(_escape(_display(value)), cell) for value in row] for row in table.rows]
    flowable = Table(data, repeatRows=1, colWidths=[width / max(1, len(table.columns))] * len(table.columns))
    flowable.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),  # else Helvetica is declared, not embedded
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.93, 0.97)),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return flowable


def _display(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def pdf(
    chapters: list[Chapter], *, title: str, subtitle: str = "", progress: Progress | None = None
) -> bytes:
    """The report as a PDF: a title page, then each chapter on a new page."""
    _register_font()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        initialFontName=CJK_FONT,
    )
    width = document.width
    story = [Spacer(1, 70 * mm), Paragraph(_escape(title), styles["cover"]), Spacer(1, 12 * mm)]
    if subtitle:
        story.append(Paragraph(_escape(subtitle), styles["subtitle"]))
    story.append(Spacer(1, 10 * mm))
    for index, chapter in enumerate(chapters, start=1):
        story.append(Paragraph(f"{index}. {_escape(chapter.title)}", styles["subtitle"]))
    for index, chapter in enumerate(chapters, start=1):
        story += [PageBreak(), Paragraph(f"{index}. {_escape(chapter.title)}", styles["chapter"])]
        for label, value in chapter.headline:
            story.append(Paragraph(f"{_escape(label)}: <b>{_escape(_display(value))}</b>", styles["body"]))
        for table in chapter.tables:
            story.append(Paragraph(_escape(table.title), styles["table"]))
            story.append(_table_flowable(table, styles, width))
            if table.note:
                story.append(Paragraph(_escape(table.note), styles["note"]))
            chart = bar_chart(table, width=width)
            if chart is not None:
                story += [Spacer(1, 4 * mm), chart]
        if progress:
            progress(index)
    document.build(story)
    return buffer.getvalue()
