"""Issue 18: an annual report a district sends upward. Its title names the district and the year;
each chapter opens with a short narrative written from its figures; tables close with totals; an
empty table is a sentence; no chart draws two units on one axis; a table of contents and page
numbers; the community projects of the year (seed 000: 500,000 yuan for 19) are shown."""

import io
import shutil
import subprocess
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from reports import annual, figures, services
from reports.figures import Chapter, Table
from reports.models import AnnualReport
from socialwork.models import User
from tests.projects.factories import make_call, make_project

pdftotext = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(not pdftotext, reason="needs poppler's pdftotext")


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def build(django_capture_on_commit_callbacks, *, actor, year, part=None) -> AnnualReport:
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=actor, year=year, part=part)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE, report.error
    return report


# The title


def test_title_names_the_district_and_the_year(network, district_admin):
    assert services.report_title_for(actor=district_admin, year=2015) == (
        "测试区 social work development report 2015"
    )


def test_a_town_s_report_names_the_district_and_the_town(network, station_manager, district_admin):
    title = services.report_title_for(actor=district_admin, year=2015, part=network.town_a)
    assert title == "测试区 甲镇 social work development report 2015"
    assert services.report_title_for(actor=station_manager, year=2015) == (
        "测试区 甲镇 social work development report 2015"
    )


def test_title_reads_as_a_chinese_report_title(network, district_admin, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        assert services.report_title_for(actor=district_admin, year=2015) == "测试区2015年社会工作发展报告"


# Tables, charts, empty tables


EMPTY = Chapter(
    key="casework",
    title="个案工作",
    narrative="2015年未开案。",
    tables=[
        Table("cases", "按类别统计开案数", ["类别", "开案"], [], empty="2015年无相关记录。"),
        Table("groups", "小组", ["类型", "小组"], [["成长小组", 2]], total=["合计", 2]),
    ],
)


def test_an_empty_table_is_a_sentence_not_an_empty_grid(monkeypatch):
    drawn = []
    table_flowable = annual._table_flowable
    monkeypatch.setattr(annual, "_table_flowable", lambda t, *a: drawn.append(t.key) or table_flowable(t, *a))

    pdf = annual.pdf([EMPTY], title="2015")

    assert drawn == ["groups", "groups"]  # laid out twice, for the contents' page numbers
    if pdftotext:
        text = pdf_text(pdf)
        assert "2015年无相关记录。" in text and "2015年未开案。" in text and "合计" in text


def test_workbook_holds_the_narrative_the_totals_and_the_empty_sentence():
    book = load_workbook(io.BytesIO(annual.workbook([EMPTY], title="2015")))
    cells = [cell for row in book.active.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "2015年未开案。" in cells and "2015年无相关记录。" in cells
    assert "合计" in cells and cells[cells.index("合计") + 1] == 2


def test_a_chart_draws_only_the_columns_of_one_unit():
    exams = Table(
        "exams", "历年", ["年度", "报考人数", "通过人数", "通过率（%）"], [["2015", 1715, 659, 38.4]],
        chart="grouped", charted=(1, 2),
    )  # fmt: skip
    assert annual.bar_chart(exams, width=400).contents[0].data == [(1715.0,), (659.0,)]


def test_every_table_closes_with_a_total_and_no_chart_mixes_a_rate(network, district_admin, social_worker):
    for chapter in figures.chapters(user=district_admin, year=date.today().year):
        for table in chapter.tables:
            assert table.total and table.total[0] == "Total", table.key
            charted = list(table.charted) or list(range(1, len(table.columns)))
            headings = [table.columns[i] for i in charted]
            assert not any("%" in heading for heading in headings) or len(headings) == 1, table.key


def test_every_chapter_has_a_narrative(network, district_admin):
    for chapter in figures.chapters(user=district_admin, year=2015):
        assert chapter.narrative.strip(), chapter.key


# Community projects


def test_community_projects_of_the_year_are_counted_with_their_money(network, district_admin):
    micro = make_call(year=2015, open_now=False)
    for _ in range(2):
        make_project(call=micro, community=network.community_a, created_by=district_admin,
                     status="in_progress", approved="25000")  # fmt: skip
    make_project(call=micro, community=network.community_a, created_by=district_admin, status="rejected")
    make_project(call=make_call(year=2016, open_now=False), community=network.community_a,
                 created_by=district_admin, status="in_progress", approved="9000")  # fmt: skip

    projects = next(c for c in figures.chapters(user=district_admin, year=2015) if c.key == "projects")

    headline = dict(projects.headline)
    assert headline["Community projects"] == 2 and headline["Funding of community projects"] == "¥50,000.00"
    by_kind = next(t for t in projects.tables if t.key == "projects_by_kind")
    assert by_kind.rows[0][:3] == ["Community public-welfare micro-project", 2, 50000]


# The demo district's 2015 report, as the city reads it


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return User.objects.get(username="district")


@needs_pdftotext
def test_demo_2015_report_is_fit_to_send_upward(demo, django_capture_on_commit_callbacks):
    report = build(django_capture_on_commit_callbacks, actor=demo, year=2015)

    text = pdf_text(report.pdf.read())
    flat = " ".join(text.split())
    assert "夷陵区 social work development report 2015" in flat
    assert "Contents" in text and "Page 1 of" in flat
    assert "By the end of 2015, the whole district had 16 service stations" in flat
    assert "19 community projects" in flat and "500,000" in flat
    assert "Total" in text
    # The contents give each chapter a page number.
    contents = text[text.index("Contents") :].split("\f")[0]
    assert "Service network" in contents and any(
        line.rstrip()[-1:].isdigit() for line in contents.splitlines() if "Service network" in line
    )

    book = load_workbook(io.BytesIO(report.xlsx.read()))
    cells = [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Total" in cells
    assert any(isinstance(cell, str) and "19 community projects" in cell for cell in cells)


@needs_pdftotext
def test_demo_2015_report_in_chinese(demo, settings, django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        report = build(django_capture_on_commit_callbacks, actor=demo, year=2015)

    text = "".join(pdf_text(report.pdf.read()).split())  # Chinese lines break anywhere
    assert "夷陵区2015年社会工作发展报告" in text
    assert "截至2015年底，全区共建成社会工作服务站16个" in text
    assert "目录" in text and "第1页共" in text and "合计" in text
    assert "共投入500,000元，支持社区项目19个" in text
