"""A city's figures rolled up: its districts side by side with the city's totals, each district's
and each station's own figures grouped as before, and a fixed handful of queries per chapter
however many districts the city holds."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from positions.models import Appointment, CertificateLevel, Region, ServiceUnit
from projects.selectors import overview
from reports import figures, services
from reports.models import AnnualReport
from socialwork.roles import Role
from tests.casework.factories import make_case
from tests.factories import make_region, make_unit, make_user
from tests.plans import plan_with_only
from tests.positions.test_workforce import make_position, make_worker
from tests.projects.factories import make_call, make_project
from training.models import Enrolment, TrainingSeries, TrainingSession

L, U = Region.Level, ServiceUnit.Level
THIS_YEAR = timezone.localdate().year
NAMES = ["东区", "西区", "南区", "北区", "中区"]


@dataclass
class District:
    region: Region
    town: Region
    community: Region
    centre: ServiceUnit
    station: ServiceUnit
    room: ServiceUnit
    post: ServiceUnit


@dataclass
class City:
    region: Region
    centre: ServiceUnit
    districts: list[District]


def _session(host: ServiceUnit, series: TrainingSeries, attendees: int) -> TrainingSession:
    starts = timezone.now() - timedelta(hours=1)
    session = TrainingSession.objects.create(
        series=series, topic="会谈技巧", starts_at=starts, ends_at=starts + timedelta(hours=3),
        venue="服务站", host_unit=host, capacity=10, credit_hours=Decimal("3.0"),
    )  # fmt: skip
    for n in range(attendees):
        Enrolment.objects.create(
            session=session, outside_name=f"学员{n}", outside_unit="社区", status="confirmed", attended=True
        )
    return session


def build_city(count: int) -> City:
    """A city with `count` small districts; the i-th district (from 1) holds i of each thing
    counted (posts, certified workers, attendees, funded projects, cases), so its row tells it
    apart from the others; the city's own centre holds one training attendee of its own."""
    city = make_region("甲市", L.CITY)
    association = make_unit("市社工协会", U.ASSOCIATION, None, city)
    city_centre = make_unit("市社工服务中心", U.CENTRE, association, city)
    series = TrainingSeries.objects.create(
        title="实务技能培训",
        category=TrainingSeries.Category.PRACTICAL_SKILLS,
        year=THIS_YEAR,
        unit=city_centre,
    )
    _session(city_centre, series, attendees=1)
    call = make_call(year=THIS_YEAR)
    districts = []
    for index in range(count):
        size = index + 1
        region = make_region(NAMES[index], L.DISTRICT, city)
        town = make_region(f"{NAMES[index]}一镇", L.TOWN, region)
        community = make_region(f"{NAMES[index]}一社区", L.COMMUNITY, town)
        centre = make_unit(f"{NAMES[index]}社工中心", U.CENTRE, association, region)
        station = make_unit(f"{NAMES[index]}一镇服务站", U.STATION, centre, town)
        room = make_unit(f"{NAMES[index]}一社区服务室", U.ROOM, station, community)
        post = make_unit(f"{NAMES[index]}一社区岗位", U.POST, room, community)
        position = make_position(post, quota=size + 1)
        for n in range(size):
            worker = make_worker(f"社工{index}{n}", unit=station, level=CertificateLevel.ASSISTANT)
            Appointment.objects.create(worker=worker, position=position, starts_on=date(THIS_YEAR - 1, 1, 1))
        _session(station, series, attendees=size)
        caseworker = make_user(f"caseworker{index}", Role.SOCIAL_WORKER, unit=room)
        for _n in range(size):
            make_case(caseworker, intake_on=date(THIS_YEAR, 1, 2))
            make_project(
                call=call, community=community, created_by=caseworker, status="approved", approved="10000"
            )
        districts.append(District(region, town, community, centre, station, room, post))
    return City(city, city_centre, districts)


@pytest.fixture
def city(db) -> City:
    return build_city(2)


@pytest.fixture
def city_admin(city):
    return make_user("city", Role.DISTRICT_ADMIN, unit=city.centre, region=city.region, is_staff=True)


@pytest.fixture
def east_admin(city):
    east = city.districts[0]
    return make_user("east", Role.DISTRICT_ADMIN, unit=east.centre, region=east.region, is_staff=True)


@pytest.fixture
def east_station_manager(city):
    return make_user("east_station", Role.STATION_MANAGER, unit=city.districts[0].station)


def chapter_of(user, key, part=None):
    return next((c for c in figures.chapters(user=user, year=THIS_YEAR, part=part) if c.key == key), None)


def table_of(user, key, part=None):
    return next(
        t for c in figures.chapters(user=user, year=THIS_YEAR, part=part) for t in c.tables if t.key == key
    )


def headline(chapter, label):
    return dict(chapter.headline)[label]


def test_the_city_admin_sees_each_district_side_by_side_with_the_city_s_own_row_and_the_totals(city_admin):
    chapters = {c.key: c for c in figures.chapters(user=city_admin, year=THIS_YEAR)}
    table = chapters["side_by_side"].tables[0]

    # district, stations, posts set, filled, certified, person-times, projects funded, opened, closed
    assert table.rows == [
        ["东区", 1, 2, 1, 1, 1, 1, 1, 0],
        ["西区", 1, 3, 2, 2, 2, 2, 2, 0],
        ["City level", 0, 0, 0, 0, 1, 0, 0, 0],
    ]
    assert table.total == ["Total", 2, 5, 3, 3, 4, 3, 3, 0]
    assert table.total[1:] == [sum(row[i] for row in table.rows) for i in range(1, 9)]
    money = chapters["side_by_side"].tables[1]
    assert money.rows == [["东区", 10000, 0, 0], ["西区", 20000, 0, 0]]
    assert (
        money.total[1]
        == 30000
        == sum(row.approved for row in overview(user=city_admin, year=THIS_YEAR)["by_area"])
    )
    # The totals are the figures the chapters below count for the whole city.
    assert headline(chapters["network"], "Service stations") == table.total[1]
    assert headline(chapters["positions"], "Posts set") == table.total[2]
    assert headline(chapters["positions"], "Posts filled") == table.total[3]
    assert headline(chapters["workforce"], "Certified social workers") == table.total[4]
    assert headline(chapters["training"], "Person-times") == table.total[5]
    assert headline(chapters["casework"], "Cases opened") == table.total[7]
    assert table.chart == "grouped" and table.columns[0] == "District or county-level city"
    assert chapters["side_by_side"].title == "Districts side by side"


def test_the_city_s_other_tables_go_by_district_and_its_narratives_speak_of_the_whole_city(city_admin):
    chapters = {c.key: c for c in figures.chapters(user=city_admin, year=THIS_YEAR)}
    network = chapters["network"].tables[0]

    assert network.title == "Stations, rooms and posts by district"
    assert [row[0] for row in network.rows] == ["东区", "西区"]
    assert "the whole city" in chapters["network"].narrative
    assert "2 districts and county-level cities" in chapters["side_by_side"].narrative


def test_a_district_admin_sees_only_their_towns_and_no_districts_side_by_side(city, east_admin):
    chapters = {c.key: c for c in figures.chapters(user=east_admin, year=THIS_YEAR)}

    assert "side_by_side" not in chapters
    assert chapters["network"].tables[0].rows == [["东区一镇", 1, 1, 0, 1]]
    assert headline(chapters["workforce"], "Certified social workers") == 1
    assert headline(chapters["casework"], "Cases opened") == 1
    assert "the whole district" in chapters["network"].narrative
    assert [p.name for p in figures.parts_for(user=east_admin)] == ["东区一镇"]


def test_a_station_manager_sees_only_their_station(city, east_station_manager):
    chapters = {c.key: c for c in figures.chapters(user=east_station_manager, year=THIS_YEAR)}

    assert "side_by_side" not in chapters
    assert chapters["network"].tables[0].rows == [["东区一镇", 1, 1, 0, 1]]
    assert headline(chapters["training"], "Person-times") == 1
    assert headline(chapters["positions"], "Posts set") == 2


def test_a_city_admin_narrowing_to_a_district_sees_its_towns(city, city_admin):
    west = city.districts[1]

    assert [p.name for p in figures.parts_for(user=city_admin)] == ["东区", "西区"]
    assert chapter_of(city_admin, "side_by_side", part=west.region) is None
    assert table_of(city_admin, "network_by_town", part=west.region).rows == [["西区一镇", 1, 1, 0, 1]]


def test_the_dashboard_of_the_city_and_of_each_district_are_kept_apart(city, city_admin, east_admin, as_user):
    city_page = as_user(city_admin).get("/reports/", {"year": THIS_YEAR}).content.decode()
    east_page = as_user(east_admin).get("/reports/", {"year": THIS_YEAR}).content.decode()

    assert 'id="side_by_side"' in city_page and "西区" in city_page
    assert 'id="side_by_side"' not in east_page and "西区" not in east_page
    keys = {
        services.dashboard_key(user=user, year=THIS_YEAR, town=None, language="en")
        for user in (city_admin, east_admin)
    }
    assert len(keys) == 2


def test_the_dashboard_filter_offers_the_city_s_districts(city, city_admin, as_user):
    west = city.districts[1]
    response = as_user(city_admin).get("/reports/", {"year": THIS_YEAR, "part": west.region.pk})

    html = response.content.decode()
    assert response.context["part"] == west.region
    assert "District or county-level city" in html and 'name="part"' in html
    assert 'id="side_by_side"' not in html and "西区一镇" in html


def test_the_city_s_annual_report_is_titled_by_the_city_and_carries_the_districts(
    city, city_admin, django_capture_on_commit_callbacks
):
    assert services.report_title_for(actor=city_admin, year=THIS_YEAR) == (
        f"甲市 social work development report {THIS_YEAR}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=city_admin, year=THIS_YEAR)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE, report.error

    with report.xlsx.open("rb") as file:
        book = load_workbook(BytesIO(file.read()))
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert book.sheetnames[0] == "Districts side by side"
    assert "东区" in cells and "西区" in cells and "City level" in cells


def test_a_city_admin_may_report_on_a_district_but_not_on_a_town(
    city, city_admin, django_capture_on_commit_callbacks
):
    east = city.districts[0]
    with pytest.raises(Exception) as error:
        services.report_request(actor=city_admin, year=THIS_YEAR, part=east.town)
    assert "part" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=city_admin, year=THIS_YEAR, part=east.region)
    assert services.report_title_for(actor=city_admin, year=THIS_YEAR, part=report.town) == (
        f"甲市 东区 social work development report {THIS_YEAR}"
    )


def test_the_api_gives_the_city_s_figures_with_its_districts(city, city_admin, east_admin, api):
    data = api(city_admin).get("/api/v1/figures/", {"year": THIS_YEAR}).json()

    assert [p["name"] for p in data["parts"]] == ["东区", "西区"]
    side = data["chapters"][0]
    assert side["key"] == "side_by_side" and side["tables"][0]["total"][1] == 2
    east = city.districts[0].region.pk
    assert api(east_admin).get("/api/v1/figures/", {"year": THIS_YEAR, "part": east}).status_code == 400
    future = api(city_admin).get("/api/v1/figures/", {"year": THIS_YEAR + 1})
    assert future.status_code == 400 and "year" in future.json()


# Queries: a fixed handful per chapter, however many districts


# The queries each chapter costs for a city, however many districts it holds.
CHAPTER_QUERIES = {
    "side_by_side": 12, "network": 1, "positions": 4, "workforce": 3, "exams": 1, "training": 2,
    "projects": 12, "casework": 18,
}  # fmt: skip


@pytest.mark.parametrize("count", [2, 5])
def test_each_chapter_costs_a_fixed_handful_of_queries_with_two_and_with_five_districts(
    db, count, django_assert_max_num_queries
):
    build_city(count)
    city = Region.objects.get(level=L.CITY)
    admin = make_user("city", Role.DISTRICT_ADMIN, region=city, is_staff=True)
    place = figures._Place(user=admin, town=None, year=THIS_YEAR)
    place.region, place.part_names  # noqa: B018 — the place's own reads, once for every chapter
    builders = {
        "side_by_side": figures._side_by_side, "network": figures._network, "positions": figures._positions,
        "workforce": figures._workforce, "exams": figures._exams,
        "training": lambda p: figures._training(p, THIS_YEAR), "projects": lambda p: figures._projects(p, THIS_YEAR),
        "casework": lambda p: figures._casework(p, THIS_YEAR),
    }  # fmt: skip

    for key, build in builders.items():
        with django_assert_max_num_queries(CHAPTER_QUERIES[key]):
            chapter = build(place)
        assert chapter.key == key
    assert len(chapter_of(admin, "side_by_side").tables[0].rows) == count + 1  # and the city's own row


@pytest.mark.parametrize("count", [2, 5])
def test_the_city_s_dashboard_and_api_cost_a_fixed_handful_of_queries(
    db, count, as_user, api, django_assert_max_num_queries
):
    build_city(count)
    city = Region.objects.get(level=L.CITY)
    admin = make_user("city", Role.DISTRICT_ADMIN, region=city, is_staff=True)

    browser, program = as_user(admin), api(admin)
    # The page: the figures (computed in the request here: tasks run eagerly in tests) and the
    # snapshot kept; the district's page costs 64 (tests/reports/test_dashboard.py).
    with django_assert_max_num_queries(72):
        page = browser.get("/reports/", {"year": THIS_YEAR})
    with django_assert_max_num_queries(50):  # the figures computed, nothing kept
        data = program.get("/api/v1/figures/", {"year": THIS_YEAR}).json()
    html = page.content.decode()
    assert 'id="parts_side_by_side"' in html and all(name in html for name in NAMES[:count])
    assert len(data["chapters"][0]["tables"][0]["rows"]) == count + 1  # and the city's own row


# The indexes the figures' case counts read (issue 24: a province's ten million cases)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the covering indexes are PostgreSQL's")
def test_the_cases_opened_and_closed_are_counted_from_the_case_indexes_by_station_and_day(city_admin, city):
    """The counts of the cases opened and closed in the year, in the side-by-side chapter and by
    category in the casework chapter, each read the case index by station and day that covers them
    (case_station_intake_idx, case_station_closed_idx): on a province's ten million cases, a count
    that read the table took 12 s, from the index alone 2 s (bench/results_notes.md). Each is
    planned with that index the table's only other one (tests/plans.py)."""
    place = figures._Place(user=city_admin, town=None, year=THIS_YEAR)
    place.region, place.part_names  # noqa: B018
    with CaptureQueriesContext(connection) as captured:
        figures._side_by_side(place)
        figures._casework(place, THIS_YEAR)
    counts = [
        q["sql"] for q in captured.captured_queries
        if 'FROM "casework_case"' in q["sql"] and "casework_followup" not in q["sql"]
        and ('"intake_on" BETWEEN' in q["sql"] or '"closed_on" BETWEEN' in q["sql"])
    ]  # fmt: skip
    assert len(counts) == 4  # opened and closed, side by side and by category (satisfaction apart)
    for sql in counts:
        index = "case_station_intake_idx" if '"intake_on" BETWEEN' in sql else "case_station_closed_idx"
        assert f"using {index} on casework_case" in plan_with_only([index], sql)
