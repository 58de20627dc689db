import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import load_workbook

from reports import annual, figures, services
from reports.figures import Chapter, Table
from reports.models import AnnualReport
from reports.tasks import annual_report_generate
from socialwork.models import User

YEAR = date.today().year - 1

CHAPTERS = [
    Chapter(
        key="network",
        title="服务网络",
        headline=[("服务站", 2), ("服务室", 2)],
        tables=[
            Table("stations", "各镇服务站", ["镇街", "服务站", "服务室"], [["甲镇", 1, 1], ["乙街道", 1, 1]])
        ],
    ),
    Chapter(
        key="workforce",
        title="人才队伍",
        headline=[("持证社工", 7)],
        tables=[
            Table("levels", "持证等级", ["等级", "人数"], [["助理社工师", 5], ["社工师", 2]]),
            Table("notes", "说明", ["项目", "内容"], [["来源", "年度统计"]], chart=""),
        ],
    ),
]


@pytest.fixture
def fixed_chapters(monkeypatch):
    """figures.chapters replaced by two small chapters; `calls` records who asked."""
    calls = []

    def chapters(*, user, year, part=None):
        calls.append((user.username, year, part))
        return CHAPTERS

    monkeypatch.setattr(figures, "chapters", chapters)
    return calls


def request_and_run(django_capture_on_commit_callbacks, **kwargs) -> AnnualReport:
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(**kwargs)
    report.refresh_from_db()
    return report


# Who may request


def test_district_admin_report_is_built_with_both_files(
    district_admin, fixed_chapters, django_capture_on_commit_callbacks
):
    report = request_and_run(django_capture_on_commit_callbacks, actor=district_admin, year=YEAR)

    assert report.status == AnnualReport.Status.DONE and report.finished_at and report.error == ""
    assert fixed_chapters == [("district", YEAR, None)]
    book = load_workbook(io.BytesIO(report.xlsx.read()))
    assert book.sheetnames == ["服务网络", "人才队伍"]
    cells = list(book["服务网络"].iter_rows(values_only=True))
    assert ("甲镇", 1, 1) in [row[:3] for row in cells]  # numbers stay numbers
    assert ("服务站", 2) in [row[:2] for row in cells]
    headings = [cell for row in book["服务网络"].iter_rows() for cell in row if cell.value == "镇街"]
    assert headings and headings[0].font.bold
    pdf = report.pdf.read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_pdf_draws_every_table_and_a_chart_for_each_charted_one(monkeypatch):
    drawn_tables, charts = [], []
    table_flowable, bar_chart = annual._table_flowable, annual.bar_chart
    monkeypatch.setattr(
        annual, "_table_flowable", lambda t, *a: drawn_tables.append(t.key) or table_flowable(t, *a)
    )
    monkeypatch.setattr(
        annual, "bar_chart", lambda t, **kw: (chart := bar_chart(t, **kw)) and charts.append(t.key) or chart
    )

    pdf = annual.pdf(CHAPTERS, title="2025")

    assert pdf.startswith(b"%PDF")
    # Laid out twice (the first layout finds the pages for the contents), the same each time.
    assert drawn_tables == ["stations", "levels", "notes"] * 2
    assert charts == ["stations", "levels"] * 2


def test_grouped_chart_draws_one_series_per_numeric_column():
    table = Table("t", "t", ["镇街", "岗位", "在岗"], [["甲镇", 3, 2]], chart="grouped")
    chart = annual.bar_chart(table, width=400)
    assert chart.contents[0].data == [(3.0,), (2.0,)]
    table.chart = "bar"
    assert annual.bar_chart(table, width=400).contents[0].data == [(3.0,)]


def test_auditor_may_request_a_report(auditor, fixed_chapters, django_capture_on_commit_callbacks):
    report = request_and_run(django_capture_on_commit_callbacks, actor=auditor, year=YEAR)
    assert report.status == AnnualReport.Status.DONE
    assert report.scope_region_id == auditor.region_id and report.scope_unit_id is None


def test_station_manager_report_is_scoped_to_their_station(
    station_manager, network, fixed_chapters, django_capture_on_commit_callbacks
):
    report = request_and_run(
        django_capture_on_commit_callbacks, actor=station_manager, year=YEAR, part=network.town_a
    )
    assert report.scope_unit == network.station_a
    assert fixed_chapters == [("manager_a", YEAR, network.town_a)]


@pytest.mark.parametrize("role_fixture", ["social_worker", "supervisor", "org_staff"])
def test_other_roles_cannot_request_a_report(request, role_fixture, fixed_chapters):
    with pytest.raises(ValidationError):
        services.report_request(actor=request.getfixturevalue(role_fixture), year=YEAR)
    assert not AnnualReport.objects.exists()


def test_station_manager_cannot_report_on_another_town(station_manager, network, fixed_chapters):
    with pytest.raises(ValidationError) as error:
        services.report_request(actor=station_manager, year=YEAR, part=network.town_b)
    assert "part" in error.value.message_dict


def test_a_community_is_not_a_town(district_admin, network, fixed_chapters):
    with pytest.raises(ValidationError) as error:
        services.report_request(actor=district_admin, year=YEAR, part=network.community_a)
    assert "part" in error.value.message_dict


@pytest.mark.parametrize("year", [1999, date.today().year + 1])
def test_year_must_be_from_2000_to_this_year(district_admin, fixed_chapters, year):
    with pytest.raises(ValidationError) as error:
        services.report_request(actor=district_admin, year=year)
    assert "year" in error.value.message_dict


def test_task_is_scheduled_only_when_the_request_commits(district_admin, fixed_chapters):
    report = services.report_request(actor=district_admin, year=YEAR)  # no commit in a test transaction
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.QUEUED and report.task_id and fixed_chapters == []


# The task


def test_running_the_task_twice_builds_once(
    district_admin, fixed_chapters, django_capture_on_commit_callbacks
):
    report = request_and_run(django_capture_on_commit_callbacks, actor=district_admin, year=YEAR)
    xlsx_name = report.xlsx.name

    assert annual_report_generate.apply(args=[report.pk]).get() == AnnualReport.Status.DONE

    report.refresh_from_db()
    assert len(fixed_chapters) == 1 and report.xlsx.name == xlsx_name


def test_failure_marks_the_report_failed_with_its_message(district_admin, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("figures unavailable")

    monkeypatch.setattr(figures, "chapters", broken)
    report = services.report_request(actor=district_admin, year=YEAR)

    assert annual_report_generate.apply(args=[report.pk]).get() == AnnualReport.Status.FAILED

    report.refresh_from_db()
    assert report.status == AnnualReport.Status.FAILED and report.error == "figures unavailable"
    assert not report.xlsx and not report.pdf and report.finished_at


def test_a_failed_report_is_built_when_the_task_runs_again(district_admin, monkeypatch, fixed_chapters):
    report = services.report_request(actor=district_admin, year=YEAR)
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.FAILED, error="x")

    annual_report_generate.apply(args=[report.pk])

    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE and report.error == "" and report.xlsx


def test_task_reports_progress_chapter_by_chapter(district_admin, fixed_chapters):
    report = services.report_request(actor=district_admin, year=YEAR)
    steps = []
    services.report_generate(
        report_id=report.pk, progress=lambda current, total: steps.append((current, total))
    )
    assert steps == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


# Pages


@pytest.fixture
def reports_of(network, district_admin, station_manager, other_station_manager):
    """A done report of each: the district's, station A's and station B's."""
    made = {}
    for user in (district_admin, station_manager, other_station_manager):
        report = AnnualReport.objects.create(
            year=YEAR,
            requested_by=user,
            scope_region=user.region if user.is_district_wide else user.unit.region,
            scope_unit=None if user.is_district_wide else user.unit,
            status=AnnualReport.Status.DONE,
        )
        report.xlsx.save(f"r{report.pk}.xlsx", io.BytesIO(b"PK-xlsx"), save=False)
        report.pdf.save(f"r{report.pk}.pdf", io.BytesIO(b"%PDF-1.4"), save=True)
        made[user.username] = report
    return made


def test_start_form_starts_the_report_and_shows_its_progress(
    as_user, district_admin, network, fixed_chapters, django_capture_on_commit_callbacks
):
    client = as_user(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/annual/", {"year": YEAR, "part": network.town_a.pk})
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/annual/?report={report.pk}"

    page = client.get(response["Location"]).content.decode()
    assert f"/tasks/{report.task_id}/" not in page  # done: the bar stops polling
    assert 'class="task-progress"' in page
    assert f"/reports/annual/{report.pk}/xlsx/" in page and f"/reports/annual/{report.pk}/pdf/" in page
    assert report.town == network.town_a and report.status == AnnualReport.Status.DONE


def test_page_polls_while_the_report_is_queued(as_user, district_admin, fixed_chapters):
    report = services.report_request(actor=district_admin, year=YEAR)
    page = as_user(district_admin).get(f"/reports/annual/?report={report.pk}").content.decode()
    assert f"/tasks/{report.task_id}/" in page and f"/reports/annual/{report.pk}/status/" in page


def test_social_worker_sees_no_start_form_and_cannot_post(as_user, social_worker):
    client = as_user(social_worker)
    assert 'id="annual-request"' not in client.get("/reports/annual/").content.decode()
    assert client.post("/reports/annual/", {"year": YEAR}).status_code == 403


def test_station_manager_lists_only_their_station_reports(as_user, station_manager, reports_of):
    page = as_user(station_manager).get("/reports/annual/").content.decode()
    assert f"/reports/annual/{reports_of['manager_a'].pk}/xlsx/" in page
    assert f"/reports/annual/{reports_of['manager_b'].pk}/xlsx/" not in page
    assert f"/reports/annual/{reports_of['district'].pk}/xlsx/" not in page


def test_district_admin_lists_every_report_of_the_district(as_user, district_admin, reports_of):
    page = as_user(district_admin).get("/reports/annual/").content.decode()
    assert all(f"/reports/annual/{report.pk}/pdf/" in page for report in reports_of.values())


def test_download_is_scoped(as_user, station_manager, reports_of):
    client = as_user(station_manager)
    own = client.get(f"/reports/annual/{reports_of['manager_a'].pk}/xlsx/")
    assert own.status_code == 200 and b"".join(own.streaming_content) == b"PK-xlsx"
    assert own["Content-Type"] == annual.XLSX_CONTENT_TYPE
    assert client.get(f"/reports/annual/{reports_of['manager_b'].pk}/pdf/").status_code == 404
    assert client.get(f"/reports/annual/{reports_of['district'].pk}/pdf/").status_code == 404


def test_download_of_an_unfinished_report_is_404(as_user, district_admin, fixed_chapters):
    report = services.report_request(actor=district_admin, year=YEAR)
    assert as_user(district_admin).get(f"/reports/annual/{report.pk}/xlsx/").status_code == 404


def test_list_page_queries_are_bounded(as_user, district_admin, reports_of, django_assert_max_num_queries):
    for _ in range(10):
        AnnualReport.objects.create(
            year=YEAR, requested_by=district_admin, scope_region=district_admin.region
        )
    client = as_user(district_admin)
    with django_assert_max_num_queries(12):
        response = client.get("/reports/annual/")
    assert response.content.decode().count('class="annual-status"') == 13


# API


def test_api_lists_only_visible_reports(api, station_manager, reports_of, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = api(station_manager).get("/api/v1/reports/")
    assert [row["id"] for row in response.json()["results"]] == [reports_of["manager_a"].pk]


def test_api_starts_a_report(
    api, district_admin, network, fixed_chapters, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(district_admin).post("/api/v1/reports/", {"year": YEAR, "part": network.town_b.pk})
    assert response.status_code == 201, response.json()
    report = AnnualReport.objects.get()
    assert response.json()["id"] == report.pk and response.json()["task_id"] == report.task_id

    detail = api(district_admin).get(f"/api/v1/reports/{report.pk}/").json()
    assert detail["status"] == "done" and detail["progress"] == 100
    assert detail["downloads"]["pdf"].endswith(f"/api/v1/reports/{report.pk}/download/?format=pdf")


def test_api_progress_of_a_queued_report_is_zero(api, district_admin, fixed_chapters):
    report = services.report_request(actor=district_admin, year=YEAR)
    detail = api(district_admin).get(f"/api/v1/reports/{report.pk}/").json()
    assert detail["status"] == "queued" and detail["progress"] == 0 and detail["downloads"] == {}


def test_api_refuses_a_social_worker_with_the_reason(api, social_worker):
    response = api(social_worker).post("/api/v1/reports/", {"year": YEAR})
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_api_refuses_a_town_outside_the_place(api, station_manager, network):
    response = api(station_manager).post("/api/v1/reports/", {"year": YEAR, "part": network.town_b.pk})
    assert response.status_code == 400 and "part" in response.json()


def test_api_download_is_scoped(api, station_manager, reports_of):
    client = api(station_manager)
    own = client.get(f"/api/v1/reports/{reports_of['manager_a'].pk}/download/?format=pdf")
    assert own.status_code == 200 and b"".join(own.streaming_content) == b"%PDF-1.4"
    xlsx = client.get(f"/api/v1/reports/{reports_of['manager_a'].pk}/download/?format=xlsx")
    assert b"".join(xlsx.streaming_content) == b"PK-xlsx"
    assert client.get(f"/api/v1/reports/{reports_of['manager_b'].pk}/download/?format=pdf").status_code == 404


# The demo district, with the real figures


@pytest.mark.django_db
def test_demo_district_report_has_a_sheet_per_chapter(django_capture_on_commit_callbacks):
    call_command("seed_demo", verbosity=0)
    admin = User.objects.get(username="district")

    report = request_and_run(django_capture_on_commit_callbacks, actor=admin, year=date.today().year)

    assert report.status == AnnualReport.Status.DONE, report.error
    chapters = figures.chapters(user=admin, year=report.year)
    book = load_workbook(io.BytesIO(report.xlsx.read()))
    assert len(book.sheetnames) == len(chapters) >= 5
    numbers = [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]
    assert any(isinstance(cell, int) and cell > 0 for cell in numbers)
    assert report.pdf.read().startswith(b"%PDF")
