"""The calendar of a worker's follow-ups and plan tasks (issue 18): a month, Monday first, each
item on the day it is due and linked to its case, only of cases the person may see."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from casework import services
from casework.selectors import calendar_month
from socialwork.models import AuditEntry
from socialwork.roles import Role
from tests.casework.factories import case_in_intervention
from tests.factories import AUDIT_CHAIN, make_user


def task_day(case) -> date:
    return case.plans.get().tasks.get().due_on


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


@pytest.fixture
def colleague(network):
    return make_user("worker_a2", Role.SOCIAL_WORKER, unit=network.room_a, full_name="吴社工")


@pytest.fixture
def cases(social_worker, colleague, supervisor, other_station_manager, network):
    """The worker's case, a colleague's case at the same station, and a case of station B."""
    mine = case_in_intervention(social_worker, supervisor)
    theirs = case_in_intervention(colleague, supervisor)
    worker_b = make_user("worker_b", Role.SOCIAL_WORKER, unit=network.room_b)
    elsewhere = case_in_intervention(
        worker_b, make_user("supervisor_b", Role.SUPERVISOR, unit=network.station_b)
    )
    day = task_day(mine)
    for case, actor, purpose in ((mine, social_worker, "家访回访"), (theirs, colleague, "电话回访"),
                                 (elsewhere, worker_b, "乙站回访")):  # fmt: skip
        services.follow_up_schedule(actor=actor, case=case, due_on=day + timedelta(days=1), purpose=purpose)
    return mine, theirs, elsewhere


def items_by_day(response) -> dict[str, list[str]]:
    month = response.context["calendar"]
    return {
        str(day.day): [item.case.number for item in day.items]
        for week in month.weeks
        for day in week
        if day.items
    }


def test_a_worker_sees_their_own_follow_ups_and_plan_tasks_on_their_days(as_user, social_worker, cases):
    mine, theirs, elsewhere = cases
    day = task_day(mine)
    response = as_user(social_worker).get(reverse("casework:calendar"), {"month": month_of(day)})
    page = response.content.decode()
    assert items_by_day(response) == {
        str(day): [mine.number],  # the plan's task
        str(day + timedelta(days=1)): [mine.number],  # the follow-up
    }
    assert f'href="{mine.get_absolute_url()}#plan"' in page
    assert f'href="{mine.get_absolute_url()}#follow-ups"' in page
    assert "联系工会" in page and "家访回访" in page
    assert theirs.number not in page and elsewhere.number not in page


def test_a_worker_cannot_ask_for_other_peoples_cases(as_user, social_worker, colleague, cases):
    mine, theirs, _elsewhere = cases
    response = as_user(social_worker).get(
        reverse("casework:calendar"),
        {"month": month_of(task_day(mine)), "whose": "team", "worker": colleague.pk},
    )
    assert response.context["calendar"].whose == "mine"
    assert theirs.number not in response.content.decode()
    assert 'name="whose"' not in response.content.decode()  # the choice is offered only to those who have it


def test_a_station_manager_sees_their_stations_people_and_not_the_next_station(
    as_user, station_manager, colleague, cases
):
    mine, theirs, elsewhere = cases
    browser = as_user(station_manager)
    page = browser.get(reverse("casework:calendar"), {"month": month_of(task_day(mine))}).content.decode()
    assert mine.number in page and theirs.number in page and elsewhere.number not in page
    assert "吴社工" in page  # whose case it is

    one = browser.get(
        reverse("casework:calendar"),
        {"month": month_of(task_day(mine)), "whose": "team", "worker": colleague.pk},
    ).content.decode()
    assert theirs.number in one and mine.number not in one


def test_a_supervisor_sees_the_cases_they_supervise(as_user, supervisor, cases):
    mine, theirs, elsewhere = cases
    page = as_user(supervisor).get(reverse("casework:calendar"), {"month": month_of(task_day(mine))})
    numbers = {number for numbers in items_by_day(page).values() for number in numbers}
    assert numbers == {mine.number, theirs.number}


def test_the_month_runs_monday_first_with_previous_and_next_links(as_user, social_worker, network):
    response = as_user(social_worker).get(reverse("casework:calendar"), {"month": "2026-03"})
    month = response.context["calendar"]
    assert month.weeks[0][0].day == date(2026, 2, 23)  # the Monday before Sunday 1 March
    assert month.weeks[-1][-1].day == date(2026, 4, 5)  # the Sunday after Tuesday 31 March
    assert all(len(week) == 7 for week in month.weeks) and len(month.weeks) == 6
    assert [day.in_month for day in month.weeks[0]] == [False] * 6 + [True]
    page = response.content.decode()
    headers = page.split('id="calendar"')[1].split("</thead>")[0]
    assert headers.index("Mon") < headers.index("Sun")
    assert "?month=2026-02&amp;whose=mine" in page and "?month=2026-04&amp;whose=mine" in page
    december = (
        as_user(social_worker).get(reverse("casework:calendar"), {"month": "2026-12"}).context["calendar"]
    )
    assert (december.previous, december.next) == (date(2026, 11, 1), date(2027, 1, 1))


def test_nonsense_asks_for_this_month(as_user, social_worker, network):
    from django.utils import timezone

    response = as_user(social_worker).get(reverse("casework:calendar"), {"month": "2026-13", "whose": "all"})
    assert response.status_code == 200
    assert response.context["calendar"].month == timezone.localdate().replace(day=1)


def test_the_weekdays_read_in_chinese(as_user, social_worker, network, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = as_user(social_worker).get(reverse("casework:calendar"), {"month": "2026-03"}).content.decode()
    headers = page.split('id="calendar"')[1].split("</thead>")[0]
    assert [part.split("<")[0] for part in headers.split('<th scope="col">')[1:]] == list("一二三四五六日")
    assert "2026年3月" in page


def test_the_cases_shown_are_audited_as_a_list(as_user, social_worker, cases):
    mine, _theirs, _elsewhere = cases
    as_user(social_worker).get(reverse("casework:calendar"), {"month": month_of(task_day(mine))})
    assert AuditEntry.objects.filter(action="case.list", actor=social_worker).last().changes == {
        "ids": [mine.pk]
    }


def test_the_menu_leads_to_the_calendar(as_user, social_worker, network):
    links = {url for _label, url in as_user(social_worker).get("/").context["nav_items"]}
    assert reverse("casework:calendar") in links


def test_the_calendar_takes_a_fixed_number_of_queries(
    as_user, station_manager, social_worker, supervisor, network, django_assert_max_num_queries
):
    first = case_in_intervention(social_worker, supervisor)
    day = task_day(first)
    for n in range(15):
        case = case_in_intervention(social_worker, supervisor) if n else first
        services.follow_up_schedule(
            actor=social_worker, case=case, due_on=day + timedelta(days=n % 5), purpose="回访"
        )
    for person in (social_worker, station_manager):
        browser = as_user(person)
        with django_assert_max_num_queries(16 + AUDIT_CHAIN):
            response = browser.get(reverse("casework:calendar"), {"month": month_of(day)})
        assert len(response.context["calendar"].items) >= 30 or day.month != (day + timedelta(days=4)).month


def test_calendar_month_reads_the_items_in_two_queries(
    social_worker, supervisor, network, django_assert_num_queries
):
    day = task_day(case_in_intervention(social_worker, supervisor))
    with django_assert_num_queries(2):
        month = calendar_month(user=social_worker, month=day)
    assert [item.kind for item in month.items] == ["task"]


def test_a_station_manager_is_shown_their_peoples_cases_unless_they_ask_for_their_own(
    as_user, station_manager, cases
):
    mine, _theirs, _elsewhere = cases
    browser = as_user(station_manager)
    shown = browser.get(reverse("casework:calendar"), {"month": month_of(task_day(mine))})
    assert shown.context["calendar"].whose == "team"
    assert '<option value="team" selected>' in shown.content.decode()
    own = browser.get(reverse("casework:calendar"), {"month": month_of(task_day(mine)), "whose": "mine"})
    assert own.context["calendar"].items == []


def test_the_month_downloads_as_ical_naming_cases_by_number_only(as_user, social_worker, cases):
    mine, _theirs, _elsewhere = cases
    day = task_day(mine)
    response = as_user(social_worker).get(reverse("casework:calendar_ics"), {"month": month_of(day)})
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 2
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in body and f"SUMMARY:{mine.number} Plan task" in body
    assert "联系工会" not in body and "家访回访" not in body  # what may speak of the client stays inside
    assert AuditEntry.objects.filter(action="case.list", actor=social_worker).exists()
