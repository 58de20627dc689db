from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from positions.models import Position
from reports import services, tasks
from reports.models import DashboardSnapshot
from tests.casework.factories import make_case
from tests.positions.test_workforce import make_position

URL = "/reports/"
THIS_YEAR = timezone.localdate().year


def age_snapshots(seconds: int) -> None:
    """What time does to the figures: they were computed (and asked for) that much earlier."""
    DashboardSnapshot.objects.update(
        computed_at=F("computed_at") - timedelta(seconds=seconds),
        requested_at=F("requested_at") - timedelta(seconds=seconds),
    )


@pytest.fixture
def queued(monkeypatch) -> list[dict]:
    """The dashboard refreshes sent to the broker, held instead of run: a worker that is busy."""
    sent = []
    monkeypatch.setattr(tasks.dashboard_refresh, "delay", lambda **arguments: sent.append(arguments))
    return sent


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

    response = as_user(district_admin).get(URL, {"part": network.town_b.pk, "year": THIS_YEAR})

    assert response.context["part"] == network.town_b
    assert grid_row(response) == ["Grid post in a village or community", 1, 0, 1]


def test_a_town_outside_the_place_is_ignored(network, station_manager, as_user):
    response = as_user(station_manager).get(URL, {"part": network.town_b.pk})

    assert response.context["part"] is None


def test_new_records_show_once_the_figures_are_a_minute_old(network, district_admin, as_user):
    client = as_user(district_admin)
    make_position(network.posts_a[0])
    assert grid_row(client.get(URL))[1] == 1

    make_position(network.posts_a[1])
    age_snapshots(59)
    assert grid_row(client.get(URL))[1] == 1  # still the figures of a minute ago
    age_snapshots(2)
    assert grid_row(client.get(URL))[1] == 2


def test_a_first_look_queues_the_figures_and_the_page_fetches_them_when_ready(
    network, district_admin, as_user, queued
):
    client = as_user(district_admin)
    make_position(network.posts_a[0])

    page = client.get(URL)

    html = page.content.decode()
    assert page.status_code == 200 and len(queued) == 1
    assert "being computed in the background" in html and 'hx-trigger="load delay:2s"' in html
    assert 'id="positions_by_category"' not in html

    client.get(URL)  # a second look within the minute queues nothing more
    assert len(queued) == 1
    services.dashboard_refresh_now(**queued[0])
    fetched = client.get(URL, headers={"HX-Request": "true"})

    html = fetched.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-figures">'), "only the figures, no page around"
    assert 'id="positions_by_category"' in html and "hx-trigger" not in html
    assert grid_row(client.get(URL))[1] == 1


def test_old_figures_show_at_once_while_newer_ones_are_computed(network, district_admin, as_user, queued):
    client = as_user(district_admin)
    make_position(network.posts_a[0])
    client.get(URL)
    services.dashboard_refresh_now(**queued.pop())
    make_position(network.posts_a[1])
    age_snapshots(3600)

    page = client.get(URL)

    html = page.content.decode()
    assert grid_row(page)[1] == 1 and len(queued) == 1
    assert "Newer figures are being computed" in html and 'hx-trigger="load delay:2s"' in html
    services.dashboard_refresh_now(**queued.pop())
    assert "hx-trigger" not in client.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert grid_row(client.get(URL))[1] == 2


def test_a_lost_refresh_is_asked_for_again_after_a_minute(network, district_admin, as_user, queued):
    client = as_user(district_admin)
    client.get(URL)
    age_snapshots(30)
    client.get(URL)
    assert len(queued) == 1, "the refresh asked for half a minute ago is still on its way"
    age_snapshots(31)
    client.get(URL)
    assert len(queued) == 2, "a worker killed with the first one must not leave the page waiting"


def test_with_the_broker_down_the_figures_are_computed_in_the_request(
    network, district_admin, as_user, monkeypatch
):
    def refuse(**arguments):
        raise BrokerError("connection refused")

    monkeypatch.setattr(tasks.dashboard_refresh, "delay", refuse)
    make_position(network.posts_a[0])

    page = as_user(district_admin).get(URL)

    assert grid_row(page)[1] == 1 and "being computed" not in page.content.decode()


def test_each_place_and_language_has_its_own_figures(
    network, district_admin, station_manager, as_user, settings
):
    make_position(network.posts_a[0]), make_position(network.post_b)
    district = as_user(district_admin)
    manager = as_user(station_manager)

    assert grid_row(district.get(URL))[1] == 2
    assert grid_row(manager.get(URL))[1] == 1
    english = district.get(URL)
    district.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = district.get(URL)
    assert "Posts set and filled by category" in english.content.decode()
    assert "Posts set and filled by category" not in chinese.content.decode()
    assert DashboardSnapshot.objects.count() == 3


def test_figures_from_before_an_upgrade_are_computed_again(network, district_admin, as_user):
    client = as_user(district_admin)
    make_position(network.posts_a[0])
    client.get(URL)
    DashboardSnapshot.objects.update(chapters=b"not a pickle")

    assert grid_row(client.get(URL))[1] == 1


def test_figures_nobody_looked_at_for_a_month_are_deleted(network, district_admin, as_user):
    forgotten = DashboardSnapshot.objects.create(
        key="region-0-:2001:-:en", requested_at=timezone.now() - timedelta(days=31)
    )
    as_user(district_admin).get(URL)

    assert not DashboardSnapshot.objects.filter(pk=forgotten.pk).exists()
    assert DashboardSnapshot.objects.count() == 1


def test_dashboard_queries_stay_flat_as_rows_grow(
    network, district_admin, as_user, django_assert_max_num_queries
):
    client = as_user(district_admin)
    make_position(network.posts_a[0])
    client.get(URL)  # renews the session; the two measured requests come within its minute
    age_snapshots(61)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(30):
        make_position(network.posts_a[n % 3], category=list(Position.Category)[n % 7])
    age_snapshots(61)
    # The figures (computed in the request here: tasks run eagerly in tests) and the snapshot kept.
    # 60, and the satisfaction and referral figures by station (issue 21) a few more.
    with django_assert_max_num_queries(64), CaptureQueriesContext(connection) as many:
        client.get(URL)

    assert len(many) == len(few)


def test_figures_begun_before_those_already_written_are_dropped(network, district_admin, as_user, queued):
    client = as_user(district_admin)
    make_position(network.posts_a[0])
    client.get(URL)
    late = queued.pop()  # a refresh that waited in the queue
    age_snapshots(61)
    client.get(URL)
    services.dashboard_refresh_now(**queued.pop())
    written = DashboardSnapshot.objects.get().computed_at
    DashboardSnapshot.objects.update(computed_at=F("computed_at") + timedelta(minutes=5))

    services.dashboard_refresh_now(**late)

    assert DashboardSnapshot.objects.get().computed_at == written + timedelta(minutes=5)


def test_figures_already_rendered_are_shown_from_the_cache_until_new_ones_come(
    network, district_admin, as_user, monkeypatch
):
    """Rendering a district's charts and tables took 25–30 ms a look (bench/results.md); the
    figures change only when the worker writes new ones, so their HTML is kept for them."""
    from django.utils.safestring import mark_safe

    from reports.templatetags import charts

    make_position(network.posts_a[0])
    browser = as_user(district_admin)
    first = browser.get(URL).content.decode()
    drawn = []
    monkeypatch.setattr(charts, "chart_svg", lambda table: drawn.append(table) or mark_safe("<svg>new</svg>"))

    again = browser.get(URL).content.decode()

    figures = 'id="dashboard-figures"'
    assert drawn == [] and again.split(figures)[1] == first.split(figures)[1], (
        "the same figures: not drawn again"
    )
    make_position(network.posts_a[0])
    age_snapshots(61)
    fresh = browser.get(URL)
    assert drawn and "<svg>new</svg>" in fresh.content.decode(), "new figures are drawn"
