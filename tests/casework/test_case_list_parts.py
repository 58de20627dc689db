"""The case list read part by part (issue 24): a page of a person's cases is found as the union
of the parts of their scope (their own cases, those they supervise, their station's, those they
reach by a grant), each without the cases of the parts before it (socialwork.pages.InParts). The
pages must hold exactly the cases one query in the list's order would, each once, on the page and
through the API; on PostgreSQL each part is read from its own index in that order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Case
from casework.selectors import case_scope
from tests.casework.factories import grant_access, make_case
from tests.plans import plan_with_only

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def cases(social_worker, other_worker, supervisor, station_manager, district_admin):
    """Cases that fall in several parts of the supervisor's and the station manager's scopes,
    several taken in on the same day (the list's order then goes by id)."""
    days = [TODAY - timedelta(days=n) for n in (3, 3, 3, 8, 8, 20, 40)]
    at_a = [make_case(social_worker, supervisor=supervisor, intake_on=day) for day in days]
    at_a += [make_case(social_worker, intake_on=day) for day in days[:3]]
    at_b = [make_case(other_worker, supervisor=supervisor, intake_on=day) for day in days[2:5]]
    at_b += [make_case(other_worker, intake_on=day) for day in days[1:4]]
    services.case_update(actor=social_worker, case=at_a[1], risk_level="high")
    services.case_update(actor=other_worker, case=at_b[0], risk_level="high")
    for case, user in (
        (at_b[0], supervisor),  # also supervised by them: one case in two parts
        (at_b[4], supervisor),
        (at_b[3], station_manager),  # at another station
        (at_a[0], station_manager),  # at their own station: in two parts
    ):
        grant_access(
            actor=district_admin, case_number=case.number, user=user, reason="代班", expires_on=TODAY
        )
    return at_a + at_b


def in_order(user, **filters) -> list[int]:
    """The cases `user` sees, as one query in the list's order."""
    visible = Case.objects.filter(case_scope(user), **filters)
    return list(visible.order_by("-intake_on", "-pk").values_list("pk", flat=True))


def pages_of_the_list(browser, params=None) -> list[int]:
    shown, number = [], 1
    while True:
        response = browser.get(reverse("casework:case_list"), {**(params or {}), "page": number})
        shown += [case.pk for case, _client in response.context["rows"]]
        if not response.context["page"].has_next():
            return shown
        number += 1


def pages_of_the_api(browser, params=None) -> list[int]:
    shown, number = [], 1
    while True:
        body = browser.get("/api/v1/cases/", {**(params or {}), "page_size": 2, "page": number}).json()
        shown += [row["id"] for row in body["results"]]
        if body["next"] is None:
            return shown
        number += 1


@pytest.mark.parametrize("who", ["supervisor", "station_manager", "social_worker"])
def test_each_page_of_the_case_list_holds_the_cases_one_query_would_in_its_order(
    request, as_user, api, cases, who, monkeypatch
):
    monkeypatch.setattr("socialwork.pages.PAGE_SIZE", 2)
    user = request.getfixturevalue(who)
    expected = in_order(user)
    assert len(expected) > 6  # several pages, from more than one part
    assert pages_of_the_list(as_user(user)) == expected
    assert pages_of_the_api(api(user)) == expected
    # with a filter of the list, and the count beside it
    high = in_order(user, risk_level="high")
    assert pages_of_the_list(as_user(user), {"risk_level": "high"}) == high
    first = as_user(user).get(reverse("casework:case_list"), {"risk_level": "high"})
    assert first.context["page"].paginator.count == len(high)


def test_a_person_with_no_cases_gets_an_empty_page_and_api_list(as_user, api, district_admin, cases):
    """Their scope has parts (their own cases, those they supervise), none of which holds a case."""
    response = as_user(district_admin).get(reverse("casework:case_list"))
    assert response.status_code == 200 and response.context["rows"] == []
    assert api(district_admin).get("/api/v1/cases/").json()["results"] == []


def test_the_api_s_own_ordering_and_search_still_apply(api, supervisor, cases):
    browser = api(supervisor)
    ascending = [row["id"] for row in browser.get("/api/v1/cases/", {"ordering": "number"}).json()["results"]]
    numbers = dict(Case.objects.filter(pk__in=ascending).values_list("pk", "number"))
    assert [numbers[pk] for pk in ascending] == sorted(numbers.values())
    assert len(ascending) == len(in_order(supervisor))
    one = cases[0]
    found = browser.get("/api/v1/cases/", {"search": one.number}).json()["results"]
    assert [row["id"] for row in found] == [one.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_social_workers_page_merges_their_own_and_supervised_cases_from_two_indexes(
    as_user, social_worker, cases
):
    """At a province's ten million cases the page's one query walked the intake day's index past
    every case the worker may not see (52,139 pages, 240 ms). Read part by part, each part is an
    index scan in the list's order and PostgreSQL merges them, stopping at the page's last row."""
    with CaptureQueriesContext(connection) as captured:
        as_user(social_worker).get(reverse("casework:case_list"))
    [sql] = [q["sql"] for q in captured.captured_queries if "UNION ALL" in q["sql"]]
    plan = plan_with_only(["case_worker_intake_idx", "case_supervisor_intake_idx"], sql, sorts=False)
    assert plan.startswith("Limit") and "Merge Append" in plan
    # Their own part is the index alone: worker, intake day and id, for cases not removed.
    assert "Index Only Scan Backward using case_worker_intake_idx" in plan
    assert "Index Scan Backward using case_supervisor_intake_idx" in plan
    assert "Sort  (" not in plan  # no part read whole and sorted


def test_a_part_carries_its_own_condition_not_the_whole_scope_again(as_user, api, social_worker, cases):
    """Each part is a piece of the cases not removed, filtered as the list is. Read out of the
    person's whole scope instead, the worker's own part repeated the scope's OR: at a province,
    PostgreSQL multiplied the two, took the worker's 7,424 cases for 5 and read them all with a
    bitmap and a sort rather than the page's rows from their index."""
    for door in (
        lambda: as_user(social_worker).get(reverse("casework:case_list"), {"status": "intake"}),
        lambda: api(social_worker).get("/api/v1/cases/", {"search": "-"}),
    ):
        with CaptureQueriesContext(connection) as captured:
            assert door().status_code == 200
        [sql] = [q["sql"] for q in captured.captured_queries if "UNION ALL" in q["sql"]]
        own = sql.split("UNION ALL")[0]
        assert '"worker_id" =' in own and '"supervisor_id"' not in own
