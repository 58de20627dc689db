"""The shared paper: an embedded font, page numbers, the issuing unit, signature lines."""

from datetime import date

from django.utils import translation

from socialwork import pdf
from tests.pdfs import assert_fonts_embedded, pdf_fonts, pdf_text, squeezed

PUNCTUATION = "岗位·补贴“测试”，标点。、；：？！（）《》——…"


def long_roll() -> bytes:
    width = pdf.content_width()
    story = pdf.title_block(title="夷陵区补贴发放花名册", issuer="夷陵区民政局", on=date(2026, 12, 6))
    story.append(pdf.table(["序号", "姓名"], [[n, f"张{n}"] for n in range(1, 90)], widths=[width / 2] * 2))
    story.append(pdf.signature_block(["制表人", "审核人", "负责人"], width=width))
    story.append(pdf.Bold(PUNCTUATION, pdf.styles()["body"]))
    return pdf.build(story, title="补贴发放花名册", issuer="夷陵区民政局")


def test_the_font_is_embedded_and_nothing_else_is_declared():
    document = long_roll()
    assert_fonts_embedded(document)
    assert {font.type for font in pdf_fonts(document)} == {"TrueType"}
    assert all("WenQuanYiMicroHei" in font.name for font in pdf_fonts(document))


def test_chinese_punctuation_is_drawn_as_text_not_boxes():
    text = pdf_text(long_roll())
    assert PUNCTUATION in text


def test_every_page_carries_the_issuer_the_title_and_its_number_of_the_total():
    pages = pdf_text(long_roll()).split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "夷陵区民政局" in page and "补贴发放花名册" in page
        assert f"Page {number} of {len(pages)}" in page


def test_the_title_block_and_the_signature_lines_are_printed():
    text = pdf_text(long_roll())
    assert "夷陵区补贴发放花名册" in text
    assert "Issuing unit: 夷陵区民政局" in text and "Dec. 6, 2026" in text
    for role in ("制表人", "审核人", "负责人"):
        assert f"{role} (signature):" in text


def test_in_chinese_the_pages_read_di_n_ye_gong_m_ye(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        text = pdf_text(long_roll())
    assert "第1页共3页" in squeezed(text)
    assert "制表人（签字）：" in text
    assert "2026年12月6日" in text
