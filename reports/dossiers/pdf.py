"""A dossier as a PDF: a cover, the contents with the page of each section (ReportLab's
TableOfContents, laid out by `multiBuild` until the page numbers settle), then one section a page
on: its headline figures and its records. Every figure and every record is a link to the page it
came from. The paper is the application's (socialwork.pdf): the Chinese font embedded, the
issuing unit and the title on every page, "第 N 页 共 M 页" at the bottom."""

import io
from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from socialwork import pdf as paper
from socialwork.pdf import _numbered_canvas

from .figures import Listing
from .xlsx import DECIMAL

LINK = colors.Color(0.1, 0.3, 0.65)
MARGIN = 18 * mm


def _styles() -> dict[str, ParagraphStyle]:
    shared = paper.styles()
    body = shared["body"]
    return {
        **shared,
        "cover": ParagraphStyle("cover", parent=body, fontSize=22, leading=32, alignment=1),
        "cover_line": ParagraphStyle("cover_line", parent=body, fontSize=12, leading=20, alignment=1),
        "contents": ParagraphStyle(
            "contents", parent=body, fontSize=16, leading=24, alignment=1, spaceAfter=8
        ),
        "toc": ParagraphStyle(
            "toc", parent=body, fontSize=11.5, leading=20, leftIndent=6 * mm, firstLineIndent=-6 * mm
        ),
        "section": ParagraphStyle("section", parent=body, fontSize=15, leading=22, spaceAfter=6),
        "listing": ParagraphStyle(
            "listing", parent=body, fontSize=11, leading=17, spaceBefore=8, spaceAfter=3
        ),
        "cell_right": ParagraphStyle("cell_right", parent=shared["cell"], alignment=2),
    }


class _SectionTitle(paper.Bold):
    """A section's title: the document notes its page for the contents and the outline."""

    def __init__(self, text: str, style, key: str):
        super().__init__(paper.escape(text), style)
        self.toc_key = key
        self.toc_text = text


class _Document(BaseDocTemplate):
    def afterFlowable(self, flowable):
        if isinstance(flowable, _SectionTitle):
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.toc_key, level=0)
            self.notify("TOCEntry", (0, flowable.toc_text, self.page, flowable.toc_key))


CHINESE_DIGITS = "零一二三四五六七八九"


def _numbered(number: int, title: str) -> str:
    """ "3. Budget", or in Chinese "三、预算" and "十二、……" past ten, as documents number chapters."""
    if number <= 10 or not translation.get_language().startswith("zh"):
        return paper.chapter_title(number, title)
    tens, units = divmod(number, 10)
    shown = ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[units] if units else "")
    return f"{shown}、{title}"


def _link(text, url: str, style) -> Paragraph:
    if not url:
        return Paragraph(paper.escape(text), style)
    return Paragraph(f'<a href="{paper.escape(url)}" color="#1a4da6">{paper.escape(text)}</a>', style)


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


def _ruled(data: list[list], widths: list[float]) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), paper.FONT),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), paper.HEAD_BACKGROUND),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _figures(section: dict, styles, width: float) -> Table:
    """The headline figures: label, value (a link to where it came from)."""
    head = [pgettext("dossier", "Figure"), pgettext("dossier", "Value")]
    data = [[paper.Bold(paper.escape(label), styles["cell_head"]) for label in head]]
    for figure in section["figures"]:
        data.append(
            [
                Paragraph(paper.escape(figure["label"]), styles["cell"]),
                _link(_shown(figure["value"]), figure["url"], styles["cell_right"]),
            ]
        )
    return _ruled(data, [width * 0.7, width * 0.3])


def _widths(listing: Listing | dict, width: float) -> list[float]:
    """Column widths by the longest text of each column, within bounds, filling the width."""
    columns = listing["columns"]
    longest = [len(str(label)) for label in columns]
    for row in listing["rows"][:200]:
        for index, value in enumerate(row):
            longest[index] = max(longest[index], len(str(value)))
    weights = [min(max(n, 4), 30) for n in longest]
    total = sum(weights)
    return [width * weight / total for weight in weights]


def _numeric(value) -> bool:
    """Counts and sums stand to the right of their cells."""
    return isinstance(value, int) or (isinstance(value, str) and bool(DECIMAL.match(value)))


def _listing(listing: dict, styles, width: float) -> list:
    caption = Paragraph(paper.escape(listing["title"]), styles["listing"])
    if not listing["rows"]:
        return [
            caption,
            Paragraph(paper.escape(listing["empty"] or _("Nothing recorded yet.")), styles["body"]),
        ]
    data = [[paper.Bold(paper.escape(label), styles["cell_head"]) for label in listing["columns"]]]
    for row, url in zip(listing["rows"], listing["links"], strict=True):
        cells = [_link(_shown(row[0]), url, styles["cell"])]
        cells += [
            Paragraph(paper.escape(_shown(value)), styles["cell_right" if _numeric(value) else "cell"])
            for value in row[1:]
        ]
        data.append(cells)
    return [caption, _ruled(data, _widths(listing, width))]


def _story(sections: list[dict], *, title: str, subtitle: str, issuer: str, progress) -> list:
    styles = _styles()
    width = A4[0] - 2 * MARGIN
    contents = TableOfContents(dotsMinLevel=0)
    contents.levelStyles = [styles["toc"]]
    story: list = [Spacer(1, 55 * mm), paper.Bold(paper.escape(title), styles["cover"]), Spacer(1, 12 * mm)]
    for line in (issuer, subtitle, _("Every figure links to the record it was drawn from.")):
        if line:
            story.append(Paragraph(paper.escape(line), styles["cover_line"]))
    story += [
        PageBreak(),
        paper.Bold(paper.escape(pgettext("of a document", "Contents")), styles["contents"]),
        contents,
    ]
    for number, section in enumerate(sections, start=1):
        # Sections follow one another; a title never stands alone at the foot of a page.
        story += [
            PageBreak() if number == 1 else CondPageBreak(60 * mm),
            Spacer(1, 0 if number == 1 else 6 * mm),
            _SectionTitle(_numbered(number, section["title"]), styles["section"], section["key"]),
        ]
        if section["note"]:
            story.append(Paragraph(paper.escape(section["note"]), styles["small"]))
            story.append(Spacer(1, 2 * mm))
        if section["figures"]:
            story.append(_figures(section, styles, width))
        for listing in section["listings"]:
            story += _listing(listing, styles, width)
        if progress:
            progress(number)
    return story


def dossier_pdf(
    sections: list[dict],
    *,
    title: str,
    issuer: str,
    subtitle: str = "",
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The dossier's sections (as `figures.as_json` gives them) as a PDF."""
    paper.register_fonts()
    buffer = io.BytesIO()
    page_width, page_height = A4

    def header(canvas, document):
        canvas.saveState()
        canvas.setFont(paper.FONT, 8.5)
        canvas.setFillColor(paper.GREY)
        top = page_height - 11 * mm
        canvas.drawString(MARGIN, top, issuer)
        canvas.drawRightString(page_width - MARGIN, top, title)
        canvas.setStrokeColor(paper.GREY)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - 2.5 * mm, page_width - MARGIN, top - 2.5 * mm)
        canvas.restoreState()

    document = _Document(
        buffer,
        pagesize=A4,
        title=title,
        author=issuer,
        creator=issuer,
        initialFontName=paper.FONT,
        initialFontSize=10,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
    )
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height, id="body")
    document.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=header)])
    label = _("Page %(page)s of %(pages)s")
    document.multiBuild(
        _story(sections, title=title, subtitle=subtitle, issuer=issuer, progress=progress),
        canvasmaker=_numbered_canvas(lambda n, m: label % {"page": n, "pages": m}),
    )
    return buffer.getvalue()
