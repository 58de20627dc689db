"""The annual report's files: an Excel workbook (one sheet per chapter) and a PDF (a title page,
the contents with page numbers, then each chapter: its narrative, headline figures, tables with
their totals and a bar chart per table).

Both are drawn from the same `Chapter`s, so the PDF and the workbook always agree. The PDF is a
document of the application (socialwork.pdf): its Chinese font embedded, the issuing unit and
the title at the top of every page and "第 N 页 共 M 页" at the bottom. It is laid out twice:
the first time to learn on which page each chapter starts, for the contents.
"""

import io
import re
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from reports.figures import Chapter
from reports.figures import Table as FigureTable
from socialwork import pdf as paper
from socialwork.pdf import FONT as CJK_FONT
from socialwork.spreadsheets import put_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
BLUE = colors.Color(0.16, 0.36, 0.62)
SERIES_COLOURS = [BLUE, colors.Color(0.85, 0.45, 0.15), colors.Color(0.3, 0.6, 0.3), colors.grey]
MAX_BARS = 20  # a longer table keeps all its rows; its chart shows the first ones

Progress = Callable[[int], None]


def report_title(*, year: int, place: str = "") -> str:
    """ "夷陵区2015年社会工作发展报告": the place (the district, and the town when there is one)
    and the year."""
    if not place:
        return _("District social work development report %(year)s") % {"year": year}
    return pgettext("annual report title", "%(place)s social work development report %(year)s") % {
        "place": place,
        "year": year,
    }


def place_name(district: str, part: str = "") -> str:
    """A town or station inside its district, as a title names it ("夷陵区三斗坪镇")."""
    if not part:
        return district
    if not district:
        return part
    return pgettext("a place inside the district", "%(district)s %(part)s") % {
        "district": district,
        "part": part,
    }


def _sheet_name(title: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Sheet"
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name[:25]} {n}", n + 1
    taken.add(candidate)
    return candidate


def workbook(chapters: list[Chapter], *, title: str, progress: Progress | None = None) -> bytes:
    """One sheet per chapter: the title, the narrative, the headline figures, then each table with
    bold headings and its totals (or the sentence saying it is empty)."""
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
        if chapter.narrative:
            cell = put_cell(sheet, row=row, column=1, value=chapter.narrative)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
            sheet.row_dimensions[row].height = 15 * (1 + len(chapter.narrative) // 70)
            row += 2
        for label, value in chapter.headline:
            put(row, [label, value])
            sheet.cell(row=row, column=1).font = bold
            row += 1
        for table in chapter.tables:
            row += 1
            put(row, [table.title], bold)
            row += 1
            if not table.rows:
                put(row, [table.empty or _("Nothing recorded yet.")])
                row += 1
                continue
            put(row, table.columns, bold)
            row += 1
            for values in table.rows:
                put(row, values)
                row += 1
            if table.total:
                put(row, table.total, bold)
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


def _styles() -> dict[str, ParagraphStyle]:
    shared = paper.styles()
    base = shared["body"]
    return {
        **shared,
        "cover": ParagraphStyle("cover", parent=base, fontSize=24, leading=34, alignment=1, textColor=BLUE),
        "cover_line": ParagraphStyle("cover_line", parent=base, fontSize=13, leading=22, alignment=1),
        "contents": ParagraphStyle(
            "contents", parent=base, fontSize=16, leading=24, spaceAfter=10, alignment=1
        ),
        "contents_entry": ParagraphStyle("contents_entry", parent=base, fontSize=12, leading=20),
        "chapter": ParagraphStyle(
            "chapter", parent=base, fontSize=17, leading=25, spaceAfter=6, textColor=BLUE
        ),
        "narrative": ParagraphStyle(
            "narrative", parent=base, fontSize=11, leading=19, firstLineIndent=22, spaceAfter=6
        ),
        "table": ParagraphStyle("table", parent=base, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4),
        "note": shared["small"],
    }


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def _charted(table: FigureTable, rows: list[list]) -> list[int]:
    """The columns the chart draws: those the table names (of one unit), else its numeric ones."""
    if table.charted:
        columns = list(table.charted)
    else:
        columns = [
            column
            for column in range(1, len(table.columns))
            if all(_number(row[column]) is not None for row in rows if column < len(row))
        ]
    return columns if table.chart == "grouped" else columns[:1]


def bar_chart(table: FigureTable, *, width: float) -> Drawing | None:
    """A bar chart of a table's numeric columns of one unit (side by side when "grouped"),
    labelled by its first column; None when the table has no numbers to draw."""
    if not table.chart or not table.rows or len(table.columns) < 2:
        return None
    rows = table.rows[:MAX_BARS]
    numeric = _charted(table, rows)
    if not numeric:
        return None
    data = [
        tuple(_number(row[column]) or 0 if column < len(row) else 0 for row in rows) for column in numeric
    ]
    height = 150
    drawing = Drawing(width, height + (14 if len(numeric) > 1 else 0))
    drawing.initialFontName = CJK_FONT  # the renderer's default is Helvetica, not embedded
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 50, 40, width - 70, height - 55
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
        x = 50
        for index, column in enumerate(numeric):
            label = String(x, height + 2, f"■ {table.columns[column]}", fontName=CJK_FONT, fontSize=8)
            label.fillColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            drawing.add(label)
            x += pdfmetrics.stringWidth(label.text, CJK_FONT, 8) + 12
    return drawing


def _table_flowable(table: FigureTable, styles, width: float) -> Table:
    """The table ruled, numbers to the right, its totals as a last row in bold."""
    columns = len(table.columns)
    first = min(width * 0.4, max(width / columns, width * 0.25)) if columns > 1 else width
    rest = (width - first) / max(1, columns - 1)
    return paper.table(
        table.columns,
        [[_display(value) for value in row] for row in table.rows],
        widths=[first] + [rest] * (columns - 1),
        numeric=range(1, columns),
        total=[_display(value) for value in table.total] if table.total else None,
    )


def _display(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _escape(text) -> str:
    return paper.escape(text)


class _ChapterStart(Flowable):
    """Takes no room; where a chapter starts, notes its page (for the contents) and adds the
    chapter to the PDF's outline, the bookmarks a reader's side panel shows."""

    def __init__(self, key: str, title: str, pages: dict[str, int]):
        super().__init__()
        self.key, self.title, self.pages = key, title, pages
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        self.pages[self.key] = self.canv.getPageNumber()
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=0)


def _contents(chapters: list[Chapter], pages: dict[str, int], styles, width: float) -> list[Flowable]:
    """The contents: each chapter with the page it starts on (blank on the first layout)."""
    rows = [
        [
            Paragraph(f"{index}. {_escape(chapter.title)}", styles["contents_entry"]),
            Paragraph(
                str(pages.get(chapter.key, "")),
                ParagraphStyle("page", parent=styles["contents_entry"], alignment=2),
            ),
        ]
        for index, chapter in enumerate(chapters, start=1)
    ]
    listing = Table(rows, colWidths=[width - 25 * mm, 25 * mm]) if rows else Spacer(1, 1)
    if rows:
        listing.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ]
            )
        )
    return [paper.Bold(_escape(pgettext("of a document", "Contents")), styles["contents"]), listing]


def _story(chapters, *, title, subtitle, issuer, pages, width, progress) -> list[Flowable]:
    styles = _styles()
    story: list[Flowable] = [
        Spacer(1, 60 * mm),
        paper.Bold(_escape(title), styles["cover"]),
        Spacer(1, 14 * mm),
    ]
    for line in (issuer, subtitle):
        if line:
            story.append(Paragraph(_escape(line), styles["cover_line"]))
    story += [PageBreak(), *_contents(chapters, pages, styles, width)]
    for index, chapter in enumerate(chapters, start=1):
        heading = f"{index}. {chapter.title}"
        story += [PageBreak(), _ChapterStart(chapter.key, heading, pages)]
        story.append(paper.Bold(_escape(heading), styles["chapter"]))
        if chapter.narrative:
            story.append(Paragraph(_escape(chapter.narrative), styles["narrative"]))
        if chapter.headline:
            story.append(_headline(chapter.headline, styles, width))
        for table in chapter.tables:
            caption = Paragraph(_escape(table.title), styles["table"])
            if not table.rows:
                story.append(
                    KeepTogether(
                        [
                            caption,
                            Paragraph(_escape(table.empty or _("Nothing recorded yet.")), styles["body"]),
                        ]
                    )
                )
                continue
            # A figure (its title, table and chart) stays on one page when it fits on one.
            figure: list[Flowable] = [caption, _table_flowable(table, styles, width)]
            if table.note:
                figure.append(Paragraph(_escape(table.note), styles["note"]))
            chart = bar_chart(table, width=width)
            if chart is not None:
                series = pgettext("annual report: between the items of a list", ", ").join(
                    str(table.columns[column]) for column in _charted(table, table.rows[:MAX_BARS])
                )
                chart_caption = pgettext("annual report", "Chart: %(title)s · %(series)s") % {
                    "title": table.title,
                    "series": series,
                }
                figure += [Spacer(1, 3 * mm), Paragraph(_escape(chart_caption), styles["note"]), chart]
            story.append(KeepTogether(figure))
        if progress:
            progress(index)
    return story


def _headline(headline: list[tuple[str, object]], styles, width: float) -> Table:
    """The chapter's headline figures, two to a row."""
    cells = [
        Paragraph(f"{_escape(label)}<br/><font size=13>{_escape(_display(value))}</font>", styles["body"])
        for label, value in headline
    ]
    if len(cells) % 2:
        cells.append("")
    grid = Table([cells[i : i + 2] for i in range(0, len(cells), 2)], colWidths=[width / 2] * 2)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
                ("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.95, 0.96, 0.98)),
                ("BOX", (0, 0), (-1, -1), 0.4, colors.lightgrey),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return grid


def pdf(
    chapters: list[Chapter],
    *,
    title: str,
    subtitle: str = "",
    issuer: str = "",
    progress: Progress | None = None,
) -> bytes:
    """The report as a PDF: a title page, the contents, then each chapter on a new page. Laid
    out twice: the first layout tells the contents on which page each chapter starts."""
    width = paper.content_width()
    pages: dict[str, int] = {}
    paper.build(
        _story(
            chapters,
            title=title,
            subtitle=subtitle,
            issuer=issuer,
            pages=pages,
            width=width,
            progress=progress,
        ),
        title=title,
        issuer=issuer,
    )
    return paper.build(
        _story(
            chapters,
            title=title,
            subtitle=subtitle,
            issuer=issuer,
            pages=dict(pages),
            width=width,
            progress=None,
        ),
        title=title,
        issuer=issuer,
    )
