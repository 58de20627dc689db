"""Each list has one selector, read by its page, its API list endpoint and its export: for the same
person and the same filters the three hold the same records, in the same order.

Before, each door built its own query: the API ignored filters the page offers (a project's
title, a trainer's name, a case's intake year...) and listed every record instead, and ordered
exams otherwise than the page and the export."""

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from positions.models import Exam
from reports import exports
from tests.casework.factories import make_case
from tests.positions.test_workforce import make_worker
from tests.projects.factories import make_call, make_organization, make_project
from tests.reports import test_exports

# The export tests' fixtures: a little of everything on both stations, and the case records.
district = test_exports.district
records = test_exports.records

TODAY = timezone.localdate()

# (export key, list page, API list, a filter of the page's, who asks)
DOORS = [
    ("positions", "positions:position_list", "/api/v1/positions/", "category=grid", "district_admin"),
    ("workers", "positions:worker_list", "/api/v1/workers/", "name=张", "district_admin"),
    ("exams", "positions:exam_list", "/api/v1/exams/", "", "district_admin"),
    ("training-series", "training:series_list", "/api/v1/training/series/", "title=实务", "district_admin"),
    ("trainers", "training:trainer_list", "/api/v1/training/trainers/", "name=周", "district_admin"),
    ("projects", "projects:project_list", "/api/v1/projects/", "title=营造", "district_admin"),
    ("organizations", "projects:organization_list", "/api/v1/organizations/", "q=邻里", "district_admin"),
    ("calls", "projects:call_list", "/api/v1/calls/", f"year={TODAY.year}", "district_admin"),
    ("activities", "casework:activity_list", "/api/v1/activities/", "theme=邻里", "social_worker"),
    ("volunteers", "casework:volunteer_list", "/api/v1/volunteers/", "q=王", "social_worker"),
    ("cases", "casework:case_list", "/api/v1/cases/", "q=张小明", "social_worker"),
    ("cases", "casework:case_list", "/api/v1/cases/", "risk_level=high", "station_manager"),
    ("clients", "casework:client_list", "/api/v1/clients/", "q=张小明", "social_worker"),
    ("groups", "casework:group_list", "/api/v1/groups/", "name=亲青", "social_worker"),
    ("advocacy", "casework:advocacy_list", "/api/v1/advocacy/", "title=助学", "social_worker"),
]


@pytest.fixture
def lists(records, district, district_admin, social_worker):
    """The export tests' records, and a few more that a filter or an order tells apart: a project
    and an organization of their own names, and two exams of one year entered out of name order."""
    network = district
    make_project(call=make_call(), community=network.community_a, created_by=district_admin, title="社区营造")
    make_organization(name="邻里社工中心")
    make_case(social_worker, risk_level="high")
    for name in ("赵一", "艾二"):
        Exam.objects.create(worker=make_worker(name, unit=network.station_a), year=2020, level="assistant")
    return network


def page_ids(client, page: str, query: str) -> list[int]:
    response = client.get(f"{reverse(page)}?{query}")
    assert response.status_code == 200
    return [record.pk for record in response.context["page"]]


def api_ids(client, path: str, query: str) -> list[int]:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def export_ids(user, key: str, query: str) -> list[int]:
    rows = exports.get(key).queryset(user=user, params=QueryDict(query))
    return [record.pk for record in rows]


@pytest.mark.parametrize(("key", "page", "path", "query", "who"), DOORS)
def test_the_page_the_api_and_the_export_of_a_list_hold_the_same_records(
    request, as_user, api, lists, key, page, path, query, who
):
    user = request.getfixturevalue(who)
    for asked in ("", query):
        listed = page_ids(as_user(user), page, asked)
        assert listed, f"{key}: the test should list something"
        assert api_ids(api(user), path, asked) == listed
        assert export_ids(user, key, asked) == listed
    if query:
        narrowed = len(page_ids(as_user(user), page, query)) < len(page_ids(as_user(user), page, ""))
        assert narrowed, "the filter of this test should narrow the list"


@pytest.mark.parametrize(
    ("key", "page", "query", "who"),
    [
        ("awards", "positions:award_list", "worker__name=张", "district_admin"),
        ("practice-bases", "training:practice_base_list", "university=大学", "district_admin"),
    ],
)
def test_lists_without_an_api_hold_the_same_records_on_the_page_and_in_the_export(
    request, as_user, records, key, page, query, who
):
    user = request.getfixturevalue(who)
    for asked in ("", query):
        assert export_ids(user, key, asked) == page_ids(as_user(user), page, asked)


def test_a_filter_the_page_refuses_is_a_400_in_the_api_too(api, as_user, records, district_admin):
    """An invalid value is refused at every door rather than dropped (which would list more)."""
    export = reverse("reports:export", args=["projects", "csv"])
    assert as_user(district_admin).get(f"{export}?year=x").status_code == 400
    assert api(district_admin).get("/api/v1/projects/?year=x").status_code == 400


def test_the_coverage_export_lists_the_gaps_the_coverage_page_shows(as_user, district, district_admin):
    page = as_user(district_admin).get(reverse("positions:coverage")).context["coverage"]
    gaps = [*page.towns_without_station, *page.communities_without_room]
    exported = list(exports.get("coverage").queryset(user=district_admin, params=QueryDict("")))
    assert gaps, "the test network should have a gap"
    assert sorted(region.pk for region in exported) == sorted(region.pk for region in gaps)


def test_every_api_list_built_on_a_selector_declares_the_selectors_filters(district_admin):
    """The schema lists `filterset_class`'s parameters: they are the ones the selector reads."""
    from socialwork.api_urls import router
    from socialwork.lists import ListSelectorMixin

    viewsets = [
        viewset for _prefix, viewset, _name in router.registry if issubclass(viewset, ListSelectorMixin)
    ]
    assert len(viewsets) >= 14
    for viewset in viewsets:
        filters = viewset.list_selector(user=district_admin, params=QueryDict(""))
        assert type(filters) is viewset.filterset_class, viewset


def test_the_lists_choices_stay_the_persons_after_the_api_schema_is_built(as_user, lists, social_worker):
    """The schema builds the filters' form fields on the filterset classes; a list page read after
    it (in the same process) once kept the class's choices: no intake year was valid, so the
    year filter was dropped and the list held every year."""
    from drf_spectacular.generators import SchemaGenerator

    make_case(social_worker, intake_on=TODAY.replace(year=TODAY.year - 1, month=6, day=1))
    SchemaGenerator().get_schema(request=None, public=True)
    this_year = page_ids(as_user(social_worker), "casework:case_list", f"year={TODAY.year}")
    last_year = page_ids(as_user(social_worker), "casework:case_list", f"year={TODAY.year - 1}")
    assert this_year and not set(this_year) & set(last_year)
    page = as_user(social_worker).get(reverse("casework:case_list"))
    assert list(page.context["filter"].form.fields["year"].choices)[1:], "the years are offered"
