from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from casework.models import Case
from positions.models import Appointment, Position, SocialWorker
from reports.charts import chart_svg
from reports.figures import Table, chapters
from socialwork.models import User
from socialwork.roles import Role
from tests.casework.factories import category, make_case, make_client
from tests.factories import make_user
from tests.positions.test_workforce import make_position, make_worker

C = Position.Category
THIS_YEAR = timezone.localdate().year


def chapter(user, key, year=THIS_YEAR, town=None):
    return next(c for c in chapters(user=user, year=year, part=town) if c.key == key)


def table(user, key, year=THIS_YEAR, town=None):
    return next(t for c in chapters(user=user, year=year, part=town) for t in c.tables if t.key == key)


def fill(position, name="张敏"):
    worker = make_worker(name, unit=position.unit)
    return Appointment.objects.create(worker=worker, position=position, starts_on=date(2020, 1, 1))


def test_posts_set_and_filled_by_category_are_exact(network, district_admin):
    grid = [make_position(post, category=C.GRID) for post in network.posts_a[:2]]
    correction = make_position(network.station_a, category=C.CORRECTION, quota=2)
    fill(grid[0], "甲"), fill(correction, "乙")

    rows = table(district_admin, "positions_by_category").rows

    assert rows == [
        ["Grid post in a village or community", 2, 1, 1],
        ["Community correction post", 2, 1, 1],
    ]
    headline = dict(chapter(district_admin, "positions").headline)
    assert headline["Posts set"] == 4 and headline["Posts filled"] == 2 and headline["Vacancies"] == 2


def test_abolished_posts_and_ended_appointments_do_not_count(network, district_admin):
    make_position(network.post_b, status=Position.Status.ABOLISHED)
    ended = fill(make_position(network.posts_a[0]))
    Appointment.objects.filter(pk=ended.pk).update(ends_on=date(2021, 1, 1))

    assert table(district_admin, "positions_by_category").rows == [
        ["Grid post in a village or community", 1, 0, 1]
    ]


def test_network_counts_units_by_town(network, district_admin):
    rows = table(district_admin, "network_by_town").rows

    assert ["甲镇", 1, 1, 1, 3] in rows and ["乙街道", 1, 1, 0, 1] in rows
    assert dict(chapter(district_admin, "network").headline)["Community service posts"] == 4


def test_station_manager_sees_only_their_station(network, station_manager):
    make_position(network.posts_a[0]), make_position(network.post_b), make_position(network.post_b)

    assert table(station_manager, "network_by_town").rows == [["甲镇", 1, 1, 1, 3]]
    assert table(station_manager, "positions_by_category").rows == [
        ["Grid post in a village or community", 1, 0, 1]
    ]


def test_a_town_limits_the_figures(network, district_admin):
    make_position(network.posts_a[0]), make_position(network.post_b)

    rows = table(district_admin, "positions_by_category", town=network.town_b).rows

    assert rows == [["Grid post in a village or community", 1, 0, 1]]
    assert table(district_admin, "network_by_town", town=network.town_b).rows == [["乙街道", 1, 1, 0, 1]]


def test_certified_workers_by_level_and_year(network, district_admin):
    make_worker("甲", network.station_a, level="assistant", certificate_year=2014, is_supervisor=True)
    make_worker(
        "乙", network.station_a, level="social_worker", certificate_year=2015, registration_number="R1"
    )
    make_worker("丙", network.station_b, level="none")
    make_worker(
        "丁", network.station_b, level="assistant", certificate_year=2014, status=SocialWorker.Status.LEFT
    )

    assert table(district_admin, "workforce_by_level").rows == [
        ["Assistant social worker", 1], ["Social worker", 1], ["Senior social worker", 0],
    ]  # fmt: skip
    assert table(district_admin, "workforce_by_year").rows == [["2014", 1], ["2015", 1]]
    headline = dict(chapter(district_admin, "workforce").headline)
    assert (headline["Certified social workers"], headline["Registered"], headline["Supervisors"]) == (
        2,
        1,
        1,
    )


def test_exam_candidates_passes_and_rate(network, district_admin):
    for n, passed in enumerate([True, False, False, True]):
        make_worker(f"考生{n}", network.station_a).exams.create(year=2015, level="assistant", passed=passed)

    assert table(district_admin, "exams_by_year").rows == [["2015", 4, 2, 50.0]]


@pytest.fixture
def worker_b(network):
    return make_user("worker_b", Role.SOCIAL_WORKER, unit=network.room_b)


def test_casework_counts_all_cases_of_the_region_for_district_people(
    network, district_admin, social_worker, worker_b
):
    children = category("children_in_distress")
    make_case(social_worker, category=children, intake_on=date(THIS_YEAR, 1, 5))
    closed = make_case(social_worker, category=children, intake_on=date(THIS_YEAR, 1, 6))
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED, closed_on=date(THIS_YEAR, 3, 1))
    make_case(worker_b, intake_on=date(THIS_YEAR, 2, 1))
    make_case(worker_b, intake_on=date(THIS_YEAR - 1, 2, 1))  # another year

    rows = table(district_admin, "cases_by_category").rows

    assert rows == [[children.name, 2, 1], ["Uncategorized", 1, 0]]
    assert dict(chapter(district_admin, "casework").headline)["Clients served"] == 4


def test_station_manager_counts_only_their_station_cases(network, station_manager, social_worker, worker_b):
    make_case(social_worker, intake_on=date(THIS_YEAR, 1, 5))
    make_case(worker_b, intake_on=date(THIS_YEAR, 1, 5))
    make_case(worker_b, intake_on=date(THIS_YEAR, 1, 6))

    assert dict(chapter(station_manager, "casework").headline)["Cases opened"] == 1


def test_casework_figures_never_carry_a_name(network, district_admin, social_worker):
    client = make_client(social_worker, name="保密案主")
    make_case(social_worker, client=client, intake_on=date(THIS_YEAR, 1, 5))

    casework = chapter(district_admin, "casework")

    cells = [str(v) for _label, v in casework.headline] + [
        str(c) for t in casework.tables for r in t.rows for c in r
    ]
    assert cells and not any("保密案主" in cell or social_worker.full_name in cell for cell in cells)
    assert not any(case.number in cell for case in Case.objects.all() for cell in cells)


def test_figures_take_a_bounded_number_of_queries(network, district_admin, django_assert_max_num_queries):
    for post in network.posts_a:
        fill(make_position(post), f"工{post.pk}")
    with django_assert_max_num_queries(45):
        chapters(user=district_admin, year=THIS_YEAR)


# Charts


def test_chart_escapes_labels_and_describes_itself():
    svg = chart_svg(
        Table(key="t", title="<b>x</b>", columns=["名称", "数量"], rows=[["<script>alert(1)</script>", 3]])
    )

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "<title" in svg and "&lt;b&gt;x&lt;/b&gt;" in svg


def test_grouped_chart_draws_a_bar_per_series_with_a_legend():
    svg = chart_svg(
        Table(
            key="g",
            title="岗位",
            columns=["类别", "设岗", "在岗"],
            rows=[["网格", 10, 7], ["矫正", 4, 4]],
            chart="grouped",
        )
    )

    assert svg.count("<rect") == 4 + 2  # two rows × two series, and two legend keys
    assert "chart-legend" in svg and "设岗" in svg and "网格" in svg and ">7<" in svg


def test_vertical_chart_and_empty_table():
    svg = chart_svg(
        Table(
            key="v", title="年", columns=["年", "人"], rows=[["2014", 1], ["2015", 2]], orientation="vertical"
        )
    )

    assert svg.count("<rect") == 2 and "2015" in svg
    assert chart_svg(Table(key="e", title="空", columns=["a", "b"], rows=[])) == ""


# The demo district


def test_chapters_of_the_demo_district_show_the_seed_figures(db):
    """Yiling's administrator: seed 000's network and posts, and Yiling's share of the demo city's
    workforce (the city's own figures, seed 001's, in test_demo_city.py)."""
    call_command("seed_demo", verbosity=0)
    district = User.objects.get(username="district")

    figures = {c.key: c for c in chapters(user=district, year=2015)}

    network = dict(figures["network"].headline)
    assert network["Service stations"] == 16 and network["Model rooms"] == 5
    assert network["Community service posts"] == 1417
    posts = {row[0]: row[1] for row in figures["positions"].tables[0].rows}
    assert posts["Standardized post in a public institution"] == 57
    assert posts["Grid post in a village or community"] == 1367
    assert (posts["Civil affairs assistant post"], posts["Community correction post"]) == (22, 20)
    assert posts["Community anti-drug post"] == 8
    assert posts["Town full-time social assistance post"] == 88  # of the city's 110
    assert dict(figures["workforce"].headline)["Certified social workers"] == 3000  # of the city's 3,263
    exams = {row[0]: row[1:3] for row in figures["exams"].tables[0].rows}
    assert exams == {"2014": [1015, 431], "2015": [1596, 608]}  # of the city's 1,096/469 and 1,715/659
    assert dict(figures["projects"].headline)["Community projects"] == 19  # seed 000's; the city's 25
    assert dict(figures["projects"].headline)["Budget for 2015"] == "¥1,290,000.00"
