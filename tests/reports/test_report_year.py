"""Issue 18: the figures of a year are that year's. Stocks (the network, posts and who holds them,
certified workers, organizations) are counted as they stood at the end of the year; flows (exams,
training, projects, payments, casework) within it. A past year's dashboard and annual report never
show today's figures."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from positions.models import Appointment, ServiceUnit
from projects.models import Call, Payment, Project
from reports.figures import chapters
from tests.factories import make_unit
from tests.positions.test_workforce import make_position, make_worker
from tests.projects.factories import make_call, make_contract, make_organization, make_project

THIS_YEAR = timezone.localdate().year
PAST = 2015


def chapter(user, key, year=PAST, town=None):
    return next(c for c in chapters(user=user, year=year, part=town) if c.key == key)


def table(user, key, year=PAST, town=None):
    return next(t for c in chapters(user=user, year=year, part=town) for t in c.tables if t.key == key)


@pytest.fixture
def exams_of_two_years(network):
    """2015: 4 candidates, 1 pass. This year: 10 candidates, 9 passes."""
    for n, passed in enumerate([True, False, False, False]):
        make_worker(f"旧考生{n}", network.station_a).exams.create(year=PAST, level="assistant", passed=passed)
    for n in range(10):
        make_worker(f"新考生{n}", network.station_a).exams.create(
            year=THIS_YEAR, level="social_worker", passed=n < 9
        )


def test_exam_headline_of_a_past_year_is_that_year_s(network, district_admin, exams_of_two_years):
    headline = dict(chapter(district_admin, "exams").headline)

    assert headline["Candidates in 2015"] == 4 and headline["Passes in 2015"] == 1
    assert headline["Pass rate (%)"] == 25.0


def test_exam_tables_of_a_past_year_hold_no_later_year(network, district_admin, exams_of_two_years):
    assert [row[0] for row in table(district_admin, "exams_by_year").rows] == ["2015"]
    assert [row[0] for row in table(district_admin, "exams_by_level").rows] == [
        "2015 Assistant social worker"
    ]


def test_a_year_without_exams_says_none_rather_than_another_year_s(
    network, district_admin, exams_of_two_years
):
    headline = dict(chapter(district_admin, "exams", year=2016).headline)

    assert headline["Candidates in 2016"] == 0 and headline["Pass rate (%)"] is None


def test_the_network_stands_as_at_the_end_of_the_year(network, district_admin):
    make_unit("新建服务站", ServiceUnit.Level.STATION, network.centre, network.town_c,
              established_on=date(THIS_YEAR, 1, 1))  # fmt: skip
    make_unit(
        "老服务站",
        ServiceUnit.Level.STATION,
        network.centre,
        network.town_c,
        established_on=date(2015, 12, 31),
    )

    past = dict(chapter(district_admin, "network").headline)["Service stations"]
    now = dict(chapter(district_admin, "network", year=THIS_YEAR).headline)["Service stations"]

    assert now == past + 1


def test_posts_and_their_holders_stand_as_at_the_end_of_the_year(network, district_admin):
    old = make_position(network.posts_a[0], established_on=date(2014, 5, 1))
    make_position(network.posts_a[1], established_on=date(THIS_YEAR, 1, 1))  # set up later
    held_then = make_worker("甲", network.station_a)
    Appointment.objects.create(
        worker=held_then, position=old, starts_on=date(2015, 2, 1), ends_on=date(2016, 3, 1)
    )  # left the post after 2015: it was filled at the end of 2015, and is vacant now
    later = make_worker("乙", network.station_a)
    Appointment.objects.create(worker=later, position=old, starts_on=date(2016, 4, 1))

    assert table(district_admin, "positions_by_category").rows == [
        ["Grid post in a village or community", 1, 1, 0]
    ]
    assert table(district_admin, "positions_by_category", year=2014).rows == [
        ["Grid post in a village or community", 1, 0, 1]
    ]


def test_certified_workers_are_those_certified_by_the_end_of_the_year(network, district_admin):
    make_worker("甲", network.station_a, certificate_year=2014)
    make_worker("乙", network.station_a, certificate_year=THIS_YEAR)

    assert dict(chapter(district_admin, "workforce").headline)["Certified social workers"] == 1
    assert table(district_admin, "workforce_by_year").rows == [["2014", 1]]


def test_organizations_are_those_registered_by_the_end_of_the_year(network, district_admin):
    make_organization("老机构", registered_on=date(2012, 1, 1))
    make_organization("新机构", registered_on=date(THIS_YEAR, 1, 1))

    assert dict(chapter(district_admin, "projects").headline)["Social organizations"] == 1


def test_paid_means_paid_within_the_year(network, district_admin):
    call = make_call(year=PAST, open_now=False, kind=Call.Kind.MICRO)
    project = make_project(
        call=call, community=network.community_a, created_by=district_admin,
        status=Project.Status.IN_PROGRESS, approved="30000",
    )  # fmt: skip
    contract = make_contract(project, make_organization(), amount="30000", signed_on=date(2015, 5, 1))
    Payment.objects.create(
        contract=contract, amount=Decimal("10000"), paid_on=date(2015, 7, 1), recorded_by=district_admin
    )
    Payment.objects.create(
        contract=contract, amount=Decimal("5000"), paid_on=date(2016, 2, 1), recorded_by=district_admin
    )

    assert table(district_admin, "projects_by_area").total[3] == Decimal("10000")


def test_a_past_year_s_dashboard_shows_that_year_s_exams(
    network, district_admin, exams_of_two_years, as_user
):
    response = as_user(district_admin).get("/reports/", {"year": PAST})

    exams = next(c for c in response.context["chapters"] if c.key == "exams")
    assert dict(exams.headline)["Candidates in 2015"] == 4
    html = response.content.decode()
    assert "<dt>Candidates in 2015</dt><dd>4</dd>" in html and f"Candidates in {THIS_YEAR}" not in html
    assert "In 2015, 4 candidates of the whole district sat the professional level examination" in html
