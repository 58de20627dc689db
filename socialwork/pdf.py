"""Paper a bureau can sign: what every PDF of the application shares.

- One embedded Chinese font (WenQuanYi Micro Hei, TrueType, shipped in `socialwork/fonts/`), so
  a PDF reads the same on any machine and Chinese punctuation (·，。、“”) never turns into boxes.
  `FONT` is its name for reportlab. The font has no bold face: `Bold` paragraphs draw the same
  outlines filled and stroked; `FONT_BOLD` is registered (as the family's bold, for `<b>`) so that
  code asking for a bold font name gets one, but it looks regular.
- `build()`: a document on A4 with the issuing unit and the title at the top of every page and
  "第 N 页 共 M 页" ("Page N of M") at the bottom, in the active language.
- `title_block()`, `signature_block()`, `table()`: the pieces a form on paper is made of.

Text is escaped by the helpers that take plain strings; `Paragraph` markup is for our own code.
"""

import io
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "WenQuanYiMicroHei.ttf"
FONT = "WenQuanYiMicroHei"
FONT_BOLD = "WenQuanYiMicroHei-Bold"
PDF_CONTENT_TYPE = "application/pdf"
GREY = colors.Color(0.35, 0.35, 0.35)
HEAD_BACKGROUND = colors.Color(0.92, 0.92, 0.92)
BOLD_STROKE = 0.035  # of the font size: the stroke that makes the regular outlines read as bold

__all__ = [
    "FONT",
    "FONT_BOLD",
    "PDF_CONTENT_TYPE",
    "Bold",
    "Paragraph",
    "Spacer",
    "build",
    "chapter_title",
    "content_width",
    "escape",
    "facts",
    "labelled",
    "register_fonts",
    "signature_block",
    "signatures_prepared_checked_head",
    "styles",
    "table",
    "title_block",
]


@cache
def register_fonts() -> None:
    """Register the embedded font with reportlab once per process (regular, "bold", and the
    family so that `<b>` in a paragraph picks the bold name)."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_FILE)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def escape(text) -> str:
    """Plain text for a `Paragraph` (which reads a little XML)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Bold(Paragraph):
    """A paragraph drawn in faux bold: each glyph filled and stroked in the text colour."""

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.style.textColor)
        canvas.setLineWidth(self.style.fontSize * BOLD_STROKE)
        canvas.addLiteral("2 Tr")  # text render mode 2: fill, then stroke
        super().draw()
        canvas.addLiteral("0 Tr")
        canvas.restoreState()


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of our documents (Chinese line breaking anywhere between characters)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=11, leading=17, alignment=TA_CENTER),
        "heading": ParagraphStyle(
            "heading", parent=body, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontSize=9, leading=12, alignment=TA_CENTER),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=GREY),
    }


def title_block(*, title: str, issuer: str, on: date, subtitle: str = "") -> list[Flowable]:
    """The document's title in bold, then who issues it and the date (and a subtitle if any)."""
    style = styles()
    line = _("Issuing unit: %(issuer)s    Date: %(date)s") % {
        "issuer": issuer,
        "date": formats.date_format(on, "DATE_FORMAT"),
    }
    flowables: list[Flowable] = [Bold(escape(title), style["title"]), Spacer(1, 2 * mm)]
    if subtitle:
        flowables.append(Paragraph(escape(subtitle), style["subtitle"]))
    flowables += [Paragraph(escape(line), style["subtitle"]), Spacer(1, 5 * mm)]
    return flowables


def signatures_prepared_checked_head() -> list[str]:
    """The three signatures of a table a bureau files: 制表人 / 审核人 / 负责人."""
    return [
        pgettext("signature", "Prepared by"),
        pgettext("signature", "Checked by"),
        pgettext("signature", "Head"),
    ]


def signature_block(labels: Sequence[str], *, width: float) -> Table:
    """A row of signatures, each "label: ____  date: ____", to be signed by hand (kept on one page)."""
    style = styles()
    cells = [
        Paragraph(
            escape(_("%(role)s (signature):") % {"role": label})
            + "<br/><br/>______________________<br/><br/>"
            + escape(pgettext("signature", "Date: ____________")),
            style["body"],
        )
        for label in labels
    ]
    block = Table([cells], colWidths=[width / len(labels)] * len(labels))
    block.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 12),
            ]
        )
    )
    return block


def table(
    header: Sequence[str],
    rows: Sequence[Sequence],
    *,
    widths: Sequence[float],
    numeric: Sequence[int] = (),
    total: Sequence | None = None,
    tall: bool = False,
    blank: Sequence[int] = (),
) -> Table:
    """A ruled table whose header repeats on every page; cells wrap; `numeric` columns align
    right; `total` is a last row in bold; `tall` rows leave room to write by hand, and `blank`
    columns stay empty when empty (elsewhere an empty fact reads "—")."""
    style = styles()
    right = ParagraphStyle("cell_right", parent=style["cell"], alignment=2)

    def cell(value, column: int, bold: bool = False):
        empty = "" if bold or column in blank else "—"  # a total's or a form's empty cell stays empty
        text = empty if value is None or value == "" else escape(value)
        paragraph_style = right if column in numeric else style["cell"]
        return Bold(text, paragraph_style) if bold else Paragraph(text, paragraph_style)

    data = [[Bold(escape(label), style["cell_head"]) for label in header]]
    data += [[cell(value, column) for column, value in enumerate(row)] for row in rows]
    if total is not None:
        data.append([cell(value, column, bold=True) for column, value in enumerate(total)])
    flowable = Table(data, colWidths=list(widths), repeatRows=1)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # else a table declares Helvetica, not embedded
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if total is not None:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), HEAD_BACKGROUND))
    if tall:
        commands += [("TOPPADDING", (0, 1), (-1, -1), 8), ("BOTTOMPADDING", (0, 1), (-1, -1), 8)]
    flowable.setStyle(TableStyle(commands))
    return flowable


def facts(pairs: Sequence[tuple[str, str]], *, width: float, columns: int = 2) -> Table:
    """Label and value side by side, `columns` pairs a row, the labels shaded: a record's facts."""
    style = styles()
    cells = []
    for label, value in pairs:
        text = "—" if value is None or value == "" else escape(value)
        cells += [Paragraph(escape(label), style["cell"]), Paragraph(text, style["cell"])]
    per_row = 2 * columns
    cells += [""] * (-len(cells) % per_row)
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    pair = width / columns
    flowable = Table(rows, colWidths=[pair * 0.4, pair * 0.6] * columns)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("BACKGROUND", (2 * n, 0), (2 * n, -1), HEAD_BACKGROUND) for n in range(columns)]
    flowable.setStyle(TableStyle(commands))
    return flowable


def labelled(label: str, value: str) -> str:
    """ "Label: value" with the colon of the active language (a full-width one in Chinese)."""
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


CHINESE_NUMERALS = "一二三四五六七八九十"


def chapter_title(number: int, title: str) -> str:
    """ "3. Service plan", or in Chinese "三、服务计划" as documents number their chapters."""
    if translation.get_language().startswith("zh") and 1 <= number <= len(CHINESE_NUMERALS):
        shown = CHINESE_NUMERALS[number - 1]
    else:
        shown = str(number)
    return _("%(number)s. %(title)s") % {"number": shown, "title": title}


def _numbered_canvas(page_label):
    """A canvas that holds its pages until the end, then writes "page N of M" on each."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 9)
                self.setFillColor(GREY)
                width = self._pagesize[0]
                self.drawCentredString(width / 2, 10 * mm, page_label(self._pageNumber, total))
                super().showPage()
            super().save()

    return NumberedCanvas


def build(
    story: list[Flowable],
    *,
    title: str,
    issuer: str,
    pagesize=A4,
    author: str = "",
    margins: float = 18 * mm,
) -> bytes:
    """The story as a PDF: on every page the issuing unit (top left), the title (top right), a
    rule under them, and "第 N 页 共 M 页" at the bottom. Labels are in the active language."""
    register_fonts()
    buffer = io.BytesIO()
    page_width, page_height = pagesize
    header_text = {"issuer": issuer, "title": title}

    def header(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(GREY)
        top = page_height - 11 * mm
        canvas.drawString(margins, top, header_text["issuer"])
        canvas.drawRightString(page_width - margins, top, header_text["title"])
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.5)
        canvas.line(margins, top - 2.5 * mm, page_width - margins, top - 2.5 * mm)
        canvas.restoreState()

    document = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        title=title,
        author=author or issuer,
        creator=issuer,
        initialFontName=FONT,  # each page starts in our font: no unembedded Helvetica is declared
        initialFontSize=10,
        leftMargin=margins,
        rightMargin=margins,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
    )
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height, id="body")
    document.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=header)])
    label = _("Page %(page)s of %(pages)s")
    document.build(story, canvasmaker=_numbered_canvas(lambda n, m: label % {"page": n, "pages": m}))
    return buffer.getvalue()


def content_width(pagesize=A4, margins: float = 18 * mm) -> float:
    """The width a flowable may take in `build()`'s frame."""
    return pagesize[0] - 2 * margins
