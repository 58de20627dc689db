"""Exports of the list pages: scoped like the page, filtered like the page, audited when they hold
personal data, safe to open in a spreadsheet, and written in the background when long."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from casework import services as casework_services
from casework.models import Volunteer
from positions.models import Award, Exam, Region, SocialWorker
from reports import exports
from reports.export_tasks import export_build
from reports.models import ExportRequest
from socialwork.models import AuditEntry, Notification
from socialwork.roles import Role
from tests.casework.factories import grant_access, make_case, make_client
from tests.factories import make_user
from tests.positions.test_workforce import make_position, make_worker
from tests.projects.factories import make_call, make_organization, make_project
from tests.training.test_services import make_series, make_session
from training import services as training_services
from training.models import HoursRequirement, PracticeBase, Trainer, TrainingSeries

TODAY = timezone.localdate()


def export_url(key, fmt="csv", query=""):
    return reverse("reports:export", args=[key, fmt]) + (f"?{query}" if query else "")


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def district(network, district_admin, station_manager, social_worker):
    """A little of everything on both stations, for every list in the registry."""
    for unit, category in (
        (network.posts_a[0], "grid"),
        (network.posts_a[1], "station"),
        (network.post_b, "grid"),
    ):
        make_position(unit, category=category)
    ming = make_worker("张敏", unit=network.station_a)
    qiang = make_worker("李强", unit=network.station_b)
    Exam.objects.create(worker=ming, year=TODAY.year, level="assistant", passed=True)
    Exam.objects.create(worker=qiang, year=TODAY.year - 1, level="assistant", passed=False)
    for unit, title in ((network.centre, "实务技能培训"), (network.station_a, "督导研修")):
        TrainingSeries.objects.create(unit=unit, title=title, category="practical_skills", year=TODAY.year)
    organization = make_organization()
    call = make_call()
    make_project(
        call=call, community=network.community_a, created_by=district_admin, organization=organization
    )
    make_project(call=call, community=network.community_b, created_by=district_admin)
    for theme in ("邻里守望", '=HYPERLINK("http://evil")'):
        casework_services.activity_save(
            actor=social_worker,
            community=network.community_a,
            theme=theme,
            held_on=TODAY - timedelta(days=3),
            participants=30,
            partners="居委会",
        )
    for name in ("王阿姨", "赵叔叔"):
        casework_services.volunteer_save(
            actor=social_worker,
            name=name,
            phone="13812345678",
            skills="陪伴",
            registered_on=TODAY - timedelta(days=9),
        )
    return network


# Each list page, a filter on it, and the export key.
LISTS = [
    ("positions", "positions:position_list", "category=grid"),
    ("workers", "positions:worker_list", "name=张"),
    ("exams", "positions:exam_list", f"year={TODAY.year}"),
    ("training-series", "training:series_list", "title=实务"),
    ("projects", "projects:project_list", ""),
    ("organizations", "projects:organization_list", ""),
    ("activities", "casework:activity_list", "theme=邻里"),
    ("volunteers", "casework:volunteer_list", "q=王"),
]


def test_every_list_page_is_registered():
    paged = {key for key, _page, _query in LISTS} | {key for key, _page, _query, _user in RECORD_LISTS}
    assert paged | {"coverage", "training-hours"} == set(exports.REGISTRY)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("key", "page", "query"), LISTS)
def test_an_export_holds_the_rows_of_the_filtered_list_page(
    as_user, district, district_admin, key, page, query, fmt, django_assert_max_num_queries
):
    client = as_user(district_admin)
    listed = client.get(reverse(page) + f"?{query}").context["page"].paginator.count
    unfiltered = client.get(reverse(page)).context["page"].paginator.count
    with django_assert_max_num_queries(12):
        response = client.get(export_url(key, fmt, query))
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert response.status_code == 200
    assert rows[0] == [str(column.header) for column in exports.REGISTRY[key].columns]
    assert len(rows) - 1 == listed > 0
    if query:
        assert listed < unfiltered, "the filter of this test should narrow the list"


def test_the_list_page_links_to_its_export_with_its_filters(as_user, district, district_admin):
    page = as_user(district_admin).get(reverse("positions:position_list") + "?category=grid&page=1")
    assert export_url("positions", "xlsx", "category=grid") in page.content.decode()
    assert export_url("positions", "csv", "category=grid") in page.content.decode()


def test_a_station_manager_exports_only_their_stations_positions(as_user, district, station_manager):
    rows = csv_rows(as_user(station_manager).get(export_url("positions")))
    units = {row[2] for row in rows[1:]}
    assert len(rows) == 3
    assert units == {district.posts_a[0].name, district.posts_a[1].name}


def test_a_social_worker_cannot_export_the_worker_registry(as_user, district, social_worker):
    client = as_user(social_worker)
    assert client.get(export_url("workers")).status_code == 403
    assert client.get(export_url("workers", "xlsx")).status_code == 403
    assert "reports/export/workers" not in client.get(reverse("positions:worker_list")).content.decode()


def test_an_unknown_export_is_404(as_user, district_admin):
    assert as_user(district_admin).get(export_url("nothing")).status_code == 404


def test_a_personal_data_export_is_audited_with_its_count_and_no_names(as_user, district, district_admin):
    as_user(district_admin).get(export_url("workers", "xlsx", "name=张敏"))
    entry = AuditEntry.objects.get(action="workers.export")
    assert entry.actor == district_admin
    assert entry.changes == {"count": 1, "format": "xlsx", "filters": ["name"]}
    assert "张敏" not in f"{entry.summary}{entry.changes}"


def test_an_export_without_personal_data_is_not_audited(as_user, district, district_admin):
    as_user(district_admin).get(export_url("positions"))
    assert not AuditEntry.objects.filter(action__endswith=".export").exists()


def test_volunteer_phones_are_masked_in_the_export(as_user, district, social_worker):
    rows = csv_rows(as_user(social_worker).get(export_url("volunteers")))
    assert {row[1] for row in rows[1:]} == {"138****5678"}


def test_a_volunteers_hours_print_with_one_decimal_place_on_every_database(as_user, district, social_worker):
    # SQLite sums decimals as floats (6 for 6.0); the page and PostgreSQL say 6.0.
    volunteer = Volunteer.objects.get(name="王阿姨")
    for hours in ("4", "2"):
        casework_services.volunteer_hours_add(
            actor=social_worker,
            volunteer=volunteer,
            served_on=TODAY - timedelta(days=1),
            hours=Decimal(hours),
        )
    rows = csv_rows(as_user(social_worker).get(export_url("volunteers")))
    # A volunteer without hours has 0 of them, as the page and the API say (one selector).
    assert {row[0]: row[-1] for row in rows[1:]} == {"王阿姨": "6.0", "赵叔叔": "0.0"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cell_that_would_run_as_a_formula_is_neutralised(as_user, district, social_worker, fmt):
    response = as_user(social_worker).get(export_url("activities", fmt))
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    themes = {row[1] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil")' in themes
    assert not any(str(theme).startswith(("=", "+", "-", "@")) for theme in themes)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_safe_cell_quotes_formula_starts(value):
    assert exports.safe_cell(value) == "'" + value


def test_safe_cell_keeps_numbers_and_plain_text():
    assert exports.safe_cell(-5) == -5
    assert exports.safe_cell("张敏") == "张敏"
    assert exports.safe_cell(None) == ""


# Background exports


@pytest.fixture
def small_inline_limit(settings):
    settings.EXPORT_INLINE_LIMIT = 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_long_list_is_exported_in_the_background_and_its_owner_notified(
    as_user, district, district_admin, small_inline_limit, fmt
):
    client = as_user(district_admin)
    page = client.get(export_url("workers", fmt))
    task_id = str(page.context["task"]["id"])
    assert page.templates[0].name == "reports/export_started.html"

    stored = ExportRequest.objects.get(pk=task_id).file.name
    assert stored == f"exports/{district_admin.pk}/{task_id}.{fmt}"
    assert default_storage.exists(stored)
    notification = Notification.objects.get(user=district_admin, kind="export_ready")
    download = reverse("reports:export_download", args=[task_id])
    assert notification.url == download
    status = client.get(reverse("reports:export_status", args=[task_id]))
    assert download in status.content.decode()

    response = client.get(download)
    body = b"".join(response.streaming_content)
    rows = (
        csv_rows_from(body)
        if fmt == "csv"
        else [list(r) for r in load_workbook(io.BytesIO(body)).active.values]
    )
    assert len(rows) == 3  # the header and both workers
    assert AuditEntry.objects.filter(action="workers.export", changes__count=2).exists()


def csv_rows_from(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))


def test_a_background_export_is_downloaded_only_by_its_owner(
    as_user, district, district_admin, auditor, small_inline_limit
):
    task_id = str(as_user(district_admin).get(export_url("positions")).context["task"]["id"])
    download = reverse("reports:export_download", args=[task_id])
    assert as_user(district_admin).get(download).status_code == 200
    assert as_user(auditor).get(download).status_code == 404
    assert as_user(auditor).get(reverse("report-export-detail", args=[task_id])).status_code == 404


# API


def test_the_export_api_starts_a_background_export_and_reports_its_download(
    api, as_user, district, district_admin
):
    client = api(district_admin)
    started = client.post(
        "/api/v1/exports/",
        {"key": "positions", "format": "csv", "filters": {"category": "grid"}},
        format="json",
    )
    assert started.status_code == 202
    status = client.get(started.data["status_url"])
    assert status.data["state"] == "SUCCESS"
    assert status.data["percent"] == 100
    body = b"".join(as_user(district_admin).get(status.data["download_url"]).streaming_content)
    assert len(csv_rows_from(body)) == 3  # the header and the two grid posts


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_whose_filter_the_page_marks_as_an_error_is_refused_and_names_it(
    as_user, district, district_admin, fmt
):
    client = as_user(district_admin)
    audited = AuditEntry.objects.count()
    refused = client.get(
        export_url("exams", fmt, "year=2024x"), HTTP_REFERER="http://testserver/workers/exams/"
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "<li>Year: Enter a number.</li>" in page
    assert 'href="http://testserver/workers/exams/"' in page
    assert AuditEntry.objects.count() == audited  # nothing was exported


def test_a_station_manager_cannot_export_by_another_stations_unit_or_town(
    as_user, district, station_manager, network
):
    client = as_user(station_manager)
    assert client.get(export_url("workers", query=f"unit={network.station_b.pk}")).status_code == 400
    assert client.get(export_url("positions", query=f"town={network.town_b.pk}")).status_code == 400
    mine = client.get(export_url("workers", query=f"unit={network.station_a.pk}"))
    assert [row[0] for row in csv_rows(mine)[1:]] == ["张敏"]


def test_the_export_api_refuses_invalid_filters_with_their_errors_and_starts_nothing(
    api, district, district_admin
):
    client = api(district_admin)
    notified = Notification.objects.count()
    refused = client.post(
        "/api/v1/exports/",
        {"key": "exams", "format": "csv", "filters": {"year": "2024x", "level": "nobody"}},
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.data["filters"]) == {"year", "level"}
    assert Notification.objects.count() == notified


def test_the_export_api_refuses_a_list_the_person_cannot_see(api, district, social_worker):
    client = api(social_worker)
    refused = client.post("/api/v1/exports/", {"key": "workers", "format": "csv"}, format="json")
    unknown = client.post("/api/v1/exports/", {"key": "nothing", "format": "csv"}, format="json")
    assert (refused.status_code, unknown.status_code) == (403, 404)


# The other list pages: case records (through casework's own visibility rule), groups, advocacy,
# access grants, calls, trainers, practice bases, awards, and the coverage page's gaps.


@pytest.fixture
def records(district, district_admin, station_manager, other_station_manager, social_worker, supervisor):
    """Cases, clients, groups and advocacy on both stations; grants, calls, trainers, practice
    bases and awards."""
    network = district
    worker_b = make_user("worker_b", Role.SOCIAL_WORKER, unit=network.room_b)
    ming = make_client(social_worker, name="张小明", phone="13900001111")
    hong = make_client(social_worker, name="李小红")
    mine = [
        make_case(social_worker, client=ming, supervisor=supervisor),
        make_case(social_worker, client=hong),
    ]
    theirs = make_case(worker_b, client=make_client(worker_b, name="王大伟", phone="13700002222"))
    for actor, name in ((social_worker, "亲青家园"), (social_worker, "长者乐园"), (worker_b, "乙街道亲青")):
        casework_services.group_create(
            actor=actor, name=name, kind="support", aims="陪伴", starts_on=TODAY - timedelta(days=20)
        )
    for actor, title in (
        (social_worker, "困境儿童助学"),
        (social_worker, "独居老人探访"),
        (worker_b, "乙街道助学"),
    ):
        casework_services.advocacy_save(
            actor=actor,
            title=title,
            problem="问题",
            evidence_note="个案",
            proposal="建议",
            department="民政局",
        )
    grant_access(
        actor=district_admin,
        case_number=theirs.number,
        user=supervisor,
        reason="督导复核",
        expires_on=TODAY + timedelta(days=10),
    )
    make_call(year=TODAY.year - 1, title="往年微创投")
    for name, kind in (("周教授", "university"), ("吴处长", "ministry")):
        Trainer.objects.create(name=name, affiliation="某大学", affiliation_kind=kind)
    for unit, university in (
        (network.station_a, "甲大学"),
        (network.station_a, "乙学院"),
        (network.station_b, "丙大学"),
    ):
        PracticeBase.objects.create(university=university, unit=unit, agreement_from=TODAY)
    for worker in SocialWorker.objects.order_by("pk"):
        Award.objects.create(name="优秀社工", level="district", year=TODAY.year, worker=worker)
    return {"mine": mine, "theirs": theirs, "ming": ming, "hong": hong}


# Each list page, a filter on it, the export key, and who looks.
RECORD_LISTS = [
    ("cases", "casework:case_list", "q=张小明", "social_worker"),
    ("clients", "casework:client_list", "q=张小明", "social_worker"),
    ("groups", "casework:group_list", "name=亲青", "social_worker"),
    ("advocacy", "casework:advocacy_list", "title=助学", "social_worker"),
    ("access-grants", "casework:grant_list", "", "district_admin"),
    ("calls", "projects:call_list", f"year={TODAY.year}", "district_admin"),
    ("trainers", "training:trainer_list", "name=周", "district_admin"),
    ("practice-bases", "training:practice_base_list", "university=大学", "district_admin"),
    ("awards", "positions:award_list", "worker__name=张", "district_admin"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("key", "page", "query", "who"), RECORD_LISTS)
def test_an_export_of_the_other_lists_holds_the_rows_of_the_filtered_page(
    request, as_user, records, key, page, query, who, fmt, django_assert_max_num_queries
):
    client = as_user(request.getfixturevalue(who))
    listed = client.get(reverse(page) + f"?{query}").context["page"].paginator.count
    unfiltered = client.get(reverse(page)).context["page"].paginator.count
    # case records: the cases reached by grant or transfer, the case filter's choices (bounded by
    # the person's place), their ids, then the audit row
    with django_assert_max_num_queries(18):
        response = client.get(export_url(key, fmt, query))
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert response.status_code == 200
    assert rows[0] == [str(column.header) for column in exports.REGISTRY[key].columns]
    assert len(rows) - 1 == listed > 0
    if query:
        assert listed < unfiltered, "the filter of this test should narrow the list"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_workers_case_export_holds_only_their_cases(as_user, records, social_worker, fmt):
    response = as_user(social_worker).get(export_url("cases", fmt))
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert sorted(row[0] for row in rows[1:]) == sorted(case.number for case in records["mine"])
    assert sorted(row[1] for row in rows[1:]) == ["张小明", "李小红"]


def test_a_station_manager_exports_the_cases_of_their_station_only(as_user, records, station_manager):
    rows = csv_rows(as_user(station_manager).get(export_url("cases")))
    assert {row[0] for row in rows[1:]} == {case.number for case in records["mine"]}
    assert records["theirs"].number not in {row[0] for row in rows[1:]}


@pytest.mark.parametrize("who", ["other_station_manager", "district_admin", "auditor", "org_staff"])
@pytest.mark.parametrize("key", ["cases", "clients"])
def test_a_casework_outsider_exports_no_case_and_no_client_of_station_a(request, as_user, records, who, key):
    response = as_user(request.getfixturevalue(who)).get(export_url(key))
    if response.status_code == 403:
        return
    body = b"".join(response.streaming_content).decode()
    mine = [case.number for case in records["mine"]] + ["张小明", "李小红"]
    assert not any(value in body for value in mine)
    if who != "other_station_manager":
        assert len(csv_rows_from(body.encode())) == 1  # the header alone


def test_a_district_administrator_exports_an_empty_case_file_in_excel_too(as_user, records, district_admin):
    rows = xlsx_rows(as_user(district_admin).get(export_url("cases", "xlsx")))
    assert len(rows) == 1


def test_a_case_export_is_audited_as_case_export_with_the_ids_and_no_names(as_user, records, social_worker):
    as_user(social_worker).get(export_url("cases", "xlsx", "q=张小明"))
    entry = AuditEntry.objects.get(action="case.export")
    assert (entry.actor, entry.target_type) == (social_worker, "casework.case")
    assert entry.changes["ids"] == [records["mine"][0].pk]
    assert entry.changes["count"] == 1
    assert "张小明" not in f"{entry.summary}{entry.changes}"


def test_a_client_export_is_audited_as_client_export_with_the_ids_and_masks_phones(
    as_user, records, social_worker
):
    rows = csv_rows(as_user(social_worker).get(export_url("clients")))
    entry = AuditEntry.objects.get(action="client.export")
    assert (entry.actor, entry.target_type) == (social_worker, "casework.client")
    assert entry.changes["ids"] == sorted([records["ming"].pk, records["hong"].pk])
    assert "张小明" not in f"{entry.summary}{entry.changes}"
    phones = {row[0]: row[4] for row in rows[1:]}
    assert phones["张小明"] == "139****1111"
    assert "13900001111" not in str(rows)


def test_an_empty_case_export_still_leaves_its_audit_row(as_user, records, other_station_manager):
    as_user(other_station_manager).get(export_url("cases", "csv", "q=张小明"))
    assert AuditEntry.objects.get(action="case.export").changes["count"] == 0


def test_a_background_case_export_is_audited_with_the_ids(
    as_user, records, social_worker, small_inline_limit
):
    as_user(social_worker).get(export_url("cases"))
    entry = AuditEntry.objects.get(action="case.export")
    assert entry.changes["ids"] == sorted(case.pk for case in records["mine"])


def test_the_case_and_client_lists_link_to_the_excel_and_csv_exports(as_user, records, social_worker):
    client = as_user(social_worker)
    cases = client.get(reverse("casework:case_list") + "?q=张小明&page=1").content.decode()
    clients = client.get(reverse("casework:client_list") + "?q=张小明").content.decode()
    for key, page in (("cases", cases), ("clients", clients)):
        assert export_url(key, "xlsx", "q=%E5%BC%A0%E5%B0%8F%E6%98%8E") in page
        assert export_url(key, "csv", "q=%E5%BC%A0%E5%B0%8F%E6%98%8E") in page


def test_groups_and_advocacy_exports_are_scoped_to_the_station(as_user, records, other_station_manager):
    client = as_user(other_station_manager)
    groups = csv_rows(client.get(export_url("groups")))
    advocacy = csv_rows(client.get(export_url("advocacy")))
    assert [row[0] for row in groups[1:]] == ["乙街道亲青"]
    assert [row[0] for row in advocacy[1:]] == ["乙街道助学"]


def test_a_district_administrator_exports_no_group(as_user, records, district_admin):
    assert len(csv_rows(as_user(district_admin).get(export_url("groups")))) == 1


@pytest.mark.parametrize("who", ["station_manager", "social_worker", "auditor"])
def test_only_the_district_administrator_exports_the_access_grants(request, as_user, records, who):
    client = as_user(request.getfixturevalue(who))
    assert client.get(export_url("access-grants")).status_code == 403
    assert "reports/export/access-grants" not in client.get(reverse("casework:my_cases")).content.decode()


def test_the_access_grant_export_names_the_case_by_number_only(as_user, records, district_admin):
    rows = csv_rows(as_user(district_admin).get(export_url("access-grants")))
    assert rows[1][0] == records["theirs"].number
    assert "王大伟" not in str(rows)


@pytest.mark.parametrize("who", ["social_worker", "org_staff"])
def test_someone_without_the_trainer_list_permission_cannot_export_it(request, as_user, records, who):
    assert as_user(request.getfixturevalue(who)).get(export_url("trainers", "xlsx")).status_code == 403


def test_organization_staff_export_the_calls_they_see_on_the_call_list(as_user, records, org_staff):
    rows = csv_rows(as_user(org_staff).get(export_url("calls")))
    assert len(rows) == 3  # the header and both calls


def test_a_station_manager_exports_the_practice_bases_of_their_place_only(
    as_user, records, district_admin, station_manager
):
    assert as_user(station_manager).get(export_url("practice-bases")).status_code == 403
    rows = csv_rows(as_user(district_admin).get(export_url("practice-bases")))
    assert len(rows) == 4


def test_the_coverage_export_lists_the_gaps_of_the_coverage_page(
    as_user, district, district_admin, django_assert_max_num_queries
):
    client = as_user(district_admin)
    page = client.get(reverse("positions:coverage"))
    coverage = page.context["coverage"]
    with django_assert_max_num_queries(10):
        rows = csv_rows(client.get(export_url("coverage")))
    assert export_url("coverage", "xlsx") in page.content.decode()
    gaps = {(row[1], row[2], row[3]) for row in rows[1:]}
    assert gaps == {(town.name, "", town.code) for town in coverage.towns_without_station} | {
        (community.name, community.town.name, community.code)
        for community in coverage.communities_without_room
    }
    assert ("丙村", "丙乡", Region.objects.get(name="丙村").code) in gaps


# Whose background export it is


def test_a_running_export_is_seen_by_its_owner_alone(
    as_user, api, district, district_admin, auditor, small_inline_limit, monkeypatch
):
    monkeypatch.setattr(export_build, "apply_async", lambda *args, **kwargs: None)  # still queued
    page = as_user(district_admin).get(export_url("positions"))
    task_id = str(page.context["task"]["id"])
    status = reverse("reports:export_status", args=[task_id])
    api_status = reverse("report-export-detail", args=[task_id])
    owner = as_user(district_admin).get(status)
    assert (owner.status_code, owner.context["task"]["state"]) == (200, "PENDING")
    assert api(district_admin).get(api_status).status_code == 200
    assert as_user(auditor).get(status).status_code == 404
    assert api(auditor).get(api_status).status_code == 404


def test_a_finished_export_status_is_404_to_anyone_else(as_user, api, district, district_admin, auditor):
    started = api(district_admin).post(
        "/api/v1/exports/", {"key": "positions", "format": "csv"}, format="json"
    )
    task_id = started.data["task_id"]
    assert as_user(auditor).get(reverse("reports:export_status", args=[task_id])).status_code == 404
    assert api(auditor).get(started.data["status_url"]).status_code == 404


def test_the_training_hours_export_holds_the_workers_short_of_hours_on_the_page(
    as_user, network, district_admin, social_worker
):
    year = timezone.localdate().year
    HoursRequirement.objects.create(year=year, hours=Decimal("6"))
    series = make_series(network)
    for name, hours in (("够", "6"), ("差一点", "4"), ("差很多", None)):
        worker = make_worker(name, unit=network.room_a)
        if hours:
            session = make_session(series, capacity=5, hours=hours, topic=f"{name}的课")
            enrolment = training_services.enrolment_create(
                actor=district_admin, session=session, worker=worker
            )
            training_services.attendance_record(actor=district_admin, session=session, present={enrolment.pk})
    page = as_user(district_admin).get(reverse("training:hours") + f"?year={year}")
    assert export_url("training-hours", query=f"year={year}") in page.content.decode().replace("&amp;", "&")

    rows = csv_rows(as_user(district_admin).get(export_url("training-hours", query=f"year={year}")))
    assert [(row[1], row[4]) for row in rows[1:]] == [("差很多", "6.0"), ("差一点", "2.0")]
    assert [row[1] for row in rows[1:]] == [short.worker.name for short in page.context["page"]]
    assert AuditEntry.objects.filter(action="training-hours.export").exists()
    assert as_user(social_worker).get(export_url("training-hours")).status_code == 403
