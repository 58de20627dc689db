from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from positions.models import Position
from tests.casework.factories import make_case
from tests.positions.test_workforce import make_position

URL = "/reports/"
THIS_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def grid_row(response):
    table = next(
        t for c in response.context["chapters"] for t in c.tables if t.key == "positions_by_category"
    )
    return next((row for row in table.rows if row[0] == "Grid post in a village or community"), None)


def test_the_url_name_is_reports_dashboard():
    assert reverse("reports:dashboard") == URL


def test_dashboard_renders_every_chart_beside_its_table(network, district_admin, as_user):
    make_position(network.posts_a[0])

    response = as_user(district_admin).get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="positions_by_category"' in html and 'id="network_by_town"' in html
    assert html.count('<svg class="chart" role="img"') >= 3
    assert "甲镇" in html and "乙街道" in html


@pytest.mark.parametrize("role", ["social_worker", "supervisor", "org_staff"])
def test_people_without_a_place_to_report_on_are_refused(role, request, as_user):
    assert as_user(request.getfixturevalue(role)).get(URL).status_code == 403


def test_station_manager_dashboard_excludes_the_other_station(
    network, station_manager, social_worker, as_user
):
    make_position(network.posts_a[0]), make_position(network.post_b), make_position(network.post_b)
    make_case(social_worker, intake_on=date(THIS_YEAR, 1, 5))

    response = as_user(station_manager).get(URL)

    assert grid_row(response) == ["Grid post in a village or community", 1, 0, 1]
    assert "乙街道服务站" not in response.content.decode()
    casework = next(c for c in response.context["chapters"] if c.key == "casework")
    assert dict(casework.headline)["Cases opened"] == 1


def test_town_filter_limits_the_page(network, district_admin, as_user):
    make_position(network.posts_a[0]), make_position(network.post_b)

    response = as_user(district_admin).get(URL, {"town": network.town_b.pk, "year": THIS_YEAR})

    assert response.context["town"] == network.town_b
    assert grid_row(response) == ["Grid post in a village or community", 1, 0, 1]


def test_a_town_outside_the_place_is_ignored(network, station_manager, as_user):
    response = as_user(station_manager).get(URL, {"town": network.town_b.pk})

    assert response.context["town"] is None


def test_new_records_show_once_the_cached_figures_expire(network, district_admin, as_user):
    client = as_user(district_admin)
    make_position(network.posts_a[0])
    assert grid_row(client.get(URL))[1] == 1

    make_position(network.posts_a[1])
    assert grid_row(client.get(URL))[1] == 1  # still the cached figures
    cache.clear()  # what sixty seconds do
    assert grid_row(client.get(URL))[1] == 2


def test_figures_are_cached_at_most_a_minute(network, district_admin, as_user, monkeypatch):
    timeouts = []
    monkeypatch.setattr(cache, "set", lambda key, value, timeout=None: timeouts.append(timeout))

    as_user(district_admin).get(URL)

    assert timeouts and all(0 < t <= 60 for t in timeouts)


def test_dashboard_queries_stay_flat_as_rows_grow(
    network, district_admin, as_user, django_assert_max_num_queries
):
    client = as_user(district_admin)
    make_position(network.posts_a[0])
    client.get(URL)  # renews the session; the two measured requests come within its minute
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(30):
        make_position(network.posts_a[n % 3], category=list(Position.Category)[n % 7])
    cache.clear()
    with django_assert_max_num_queries(50), CaptureQueriesContext(connection) as many:
        client.get(URL)

    assert len(many) == len(few)
