"""The annual report's PDF carries its font: a "·" is a middle dot on any machine, not a box."""

from reports import annual
from reports.figures import Chapter, Table
from tests.pdfs import assert_fonts_embedded, pdf_text

CHAPTERS = [
    Chapter(
        key="network",
        title="服务网络 · 站室",
        headline=[("服务站", 16)],
        tables=[Table("stations", "各镇服务站", ["镇街", "服务站"], [["三斗坪镇", 1], ["小溪塔街道", 2]])],
    )
]


def test_annual_report_pdf_embeds_its_fonts_and_shows_the_middle_dot():
    title = annual.report_title(year=2015, place="夷陵区")
    document = annual.pdf(CHAPTERS, title=title)
    assert_fonts_embedded(document)
    text = pdf_text(document)
    assert "夷陵区" in text and "服务网络 · 站室" in text
    assert "三斗坪镇" in text and "小溪塔街道" in text
