"""The demo city (宜昌市): its two districts side by side, and the city's figures, which are seed
001's, as the city's administrator reads them in the annual report's chapters."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from positions.models import Award, Position
from positions.selectors.workforce import awards_visible_to
from reports.figures import chapters
from socialwork.models import User

SEED_001 = {
    "certified": 3263,
    "social workers": 1094,
    "assistants": 2169,
    "candidates 2015": 1715,
    "passes 2015": 659,
    "candidates change": 56.5,
    "passes change": 40.5,
    "award winners": 8,
    "community projects": 25,
    "full-time posts in towns": 110,
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        try:
            yield
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def figures_of(demo, db):
    """A person's 2015 figures, as seed 001 counts them."""

    def read(username: str) -> dict:
        user = User.objects.get(username=username)
        with translation.override("en"):
            found = {c.key: c for c in chapters(user=user, year=2015)}
        tables = {t.key: t for c in found.values() for t in c.tables}
        levels = dict(tables["workforce_by_level"].rows)
        exams = {"2014": [0, 0], "2015": [0, 0]} | {row[0]: row[1:3] for row in tables["exams_by_year"].rows}
        posts = {row[0]: row[1] for row in tables["positions_by_category"].rows}
        (c14, p14), (c15, p15) = exams["2014"], exams["2015"]
        city_award = awards_visible_to(user=user).filter(level=Award.Level.CITY, year=2015)
        return {
            "certified": dict(found["workforce"].headline)["Certified social workers"],
            "social workers": levels["Social worker"],
            "assistants": levels["Assistant social worker"],
            "candidates 2015": dict(found["exams"].headline)["Candidates in 2015"],
            "passes 2015": dict(found["exams"].headline)["Passes in 2015"],
            "candidates 2014": c14,
            "passes 2014": p14,
            "candidates change": round(100 * (c15 - c14) / c14, 1) if c14 else None,
            "passes change": round(100 * (p15 - p14) / p14, 1) if p14 else None,
            "award winners": city_award.values("worker").distinct().count(),
            "community projects": dict(found["projects"].headline)["Community projects"],
            "full-time posts in towns": posts.get(str(Position.Category.ASSISTANCE.label), 0),
            "stations": dict(found["network"].headline)["Service stations"],
        }

    return read


def test_the_city_administrator_reads_every_figure_of_seed_001(figures_of):
    city = figures_of("city")
    assert {key: city[key] for key in SEED_001} == SEED_001
    assert (city["candidates 2014"], city["passes 2014"]) == (1096, 469)


def test_the_city_statistics_page_shows_seed_001s_growth(demo, db, client):
    client.force_login(User.objects.get(username="city"))
    context = client.get("/statistics/").context
    assert context["certified_total"] == 3263
    exams = {f.year: (f.candidates, f.passes, f.candidates_change, f.passes_change) for f in context["exams"]}
    assert exams[2015] == (1715, 659, 56.5, 40.5)


def test_the_two_districts_share_the_citys_figures(figures_of):
    """Yiling and 点军区 each see their own part; together they make the city's, and 点军区's is
    smaller but real."""
    city, yiling, dianjun = figures_of("city"), figures_of("district"), figures_of("dianjun")
    counted = [*SEED_001, "candidates 2014", "passes 2014", "stations"]
    counted.remove("candidates change")
    counted.remove("passes change")
    for key in counted:
        assert yiling[key] + dianjun[key] == city[key], key
        assert 0 < dianjun[key] < yiling[key], key
    assert (yiling["certified"], yiling["social workers"], yiling["assistants"]) == (3000, 1000, 2000)
    assert (dianjun["certified"], dianjun["social workers"], dianjun["assistants"]) == (263, 94, 169)
    assert (yiling["community projects"], dianjun["community projects"]) == (19, 6)
    assert (yiling["full-time posts in towns"], dianjun["full-time posts in towns"]) == (88, 22)
    assert (yiling["award winners"], dianjun["award winners"]) == (6, 2)


def test_a_dianjun_station_manager_counts_only_their_station(figures_of):
    station = figures_of("dianjun_station")
    assert station["stations"] == 1
    assert 0 < station["certified"] < figures_of("dianjun")["certified"]
    assert station["community projects"] <= 6
