"""Referrals with deadlines: the answer and result dates and their defaults, the day answered, the
reminders (the worker first, the supervisor after the further period, each once), the figures
against hand counts, and where they show (case page, API, station page, district dashboard)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import CaseworkPolicy, Referral
from casework.selectors import referral_figures, referral_figures_by
from reports import figures as report_figures
from socialwork.models import Notification
from socialwork.reminders import REGISTRY, reminder_run
from tests.casework.factories import case_in_intervention

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
KIND = "casework_referrals_overdue"


def days(n):
    return TODAY - timedelta(days=n)


@pytest.fixture
def case(social_worker, supervisor):
    return case_in_intervention(social_worker, supervisor, intake_on=days(200))


def refer(worker, case, *, on, target="民政局", **dates):
    return services.referral_add(
        actor=worker, case=case, target_kind="department", target=target, request="申请临时救助", referred_on=on,
        **dates,
    )  # fmt: skip


def titles(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind=KIND).order_by("pk").values_list("title", flat=True)
    )


# Services


def test_a_new_referral_expects_an_answer_and_a_result_by_the_districts_days(case, social_worker):
    referral = refer(social_worker, case, on=days(3))
    assert (referral.answer_by, referral.outcome_by) == (
        days(3) + timedelta(days=10),
        days(3) + timedelta(days=60),
    )
    policy = CaseworkPolicy.at(None)
    policy.referral_answer_days, policy.referral_outcome_days = 5, 30
    policy.save()
    referral = refer(social_worker, case, on=days(3))
    assert (referral.answer_by, referral.outcome_by) == (
        days(3) + timedelta(days=5),
        days(3) + timedelta(days=30),
    )
    given = refer(social_worker, case, on=days(3), answer_by=TODAY, outcome_by=TODAY + timedelta(days=7))
    assert (given.answer_by, given.outcome_by) == (TODAY, TODAY + timedelta(days=7))
    with pytest.raises(ValidationError) as error:
        refer(social_worker, case, on=days(3), answer_by=days(5))
    assert "answer_by" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        refer(social_worker, case, on=days(3), answer_by=TODAY, outcome_by=days(1))
    assert "outcome_by" in error.value.message_dict


def test_the_day_answered_is_set_when_the_status_first_moves_on(case, social_worker):
    referral = refer(social_worker, case, on=days(8))
    referral = services.referral_update(actor=social_worker, referral=referral, status="in_progress")
    assert referral.answered_on == TODAY
    referral = services.referral_update(actor=social_worker, referral=referral, status="in_progress")
    assert referral.answered_on == TODAY  # kept
    referral = services.referral_update(actor=social_worker, referral=referral, status="requested")
    assert referral.answered_on is None
    referral = services.referral_update(
        actor=social_worker, referral=referral, status="succeeded", outcome="subsidy", concluded_on=days(2)
    )
    assert referral.answered_on == days(2)  # concluded straight away: the answer came that day
    referral = services.referral_update(
        actor=social_worker, referral=referral, status="succeeded", outcome="subsidy", concluded_on=days(2),
        answered_on=days(6), outcome_by=TODAY + timedelta(days=30),
    )  # fmt: skip
    assert referral.answered_on == days(6) and referral.outcome_by == TODAY + timedelta(days=30)


def test_referrals_made_before_deadlines_keep_working(case, social_worker):
    old = refer(social_worker, case, on=days(100))
    Referral.objects.filter(pk=old.pk).update(answer_by=None, outcome_by=None)
    old.refresh_from_db()
    old = services.referral_update(actor=social_worker, referral=old, status="declined")
    assert old.answered_on == TODAY and old.answer_by is None
    figures = referral_figures(Referral.objects.filter(pk=old.pk))
    assert (figures.no_deadline, figures.answer_due, figures.outcome_due, figures.overdue) == (1, 0, 1, 0)


# Reminders


def test_an_overdue_referral_reminds_the_worker_then_the_supervisor_each_once(
    case, social_worker, supervisor, station_manager
):
    # Titles are written in each recipient's language: English here, to read them below.
    get_user_model().objects.update(language="en")
    assert KIND in REGISTRY
    referral = refer(social_worker, case, on=days(12))  # answer by days(2)
    refer(social_worker, case, on=TODAY, target="工会", answer_by=TODAY + timedelta(days=100),
          outcome_by=TODAY + timedelta(days=200))  # not due in this test  # fmt: skip
    assert reminder_run(kind=KIND, day=TODAY) == 1
    assert reminder_run(kind=KIND, day=TODAY) == 0
    assert reminder_run(kind=KIND, day=TODAY + timedelta(days=1)) == 0  # once, not every day
    assert len(titles(social_worker)) == 1 and case.number in titles(social_worker)[0]
    assert titles(supervisor) == [] and titles(station_manager) == []
    # Seven days past the answer date, the supervisor hears of it, once.
    assert reminder_run(kind=KIND, day=days(2) + timedelta(days=7)) == 1
    assert reminder_run(kind=KIND, day=days(2) + timedelta(days=8)) == 0
    assert len(titles(supervisor)) == 1 and len(titles(social_worker)) == 1
    assert not any("叶" in title for title in titles(supervisor))
    # An answer, then no result by the result date: a new item, the worker first again.
    services.referral_update(actor=social_worker, referral=referral, status="in_progress")
    later = referral.outcome_by + timedelta(days=1)
    assert reminder_run(kind=KIND, day=later) == 1
    assert len(titles(social_worker)) == 2 and "no result" in titles(social_worker)[1]
    # Concluded: nothing more.
    services.referral_update(actor=social_worker, referral=referral, status="succeeded", outcome="subsidy")
    assert reminder_run(kind=KIND, day=later + timedelta(days=10)) == 0


def test_a_case_without_a_supervisor_escalates_to_the_station_manager(case, social_worker, station_manager):
    refer(social_worker, case, on=days(30))
    case.supervisor = None
    case.save(update_fields=["supervisor"])
    assert reminder_run(kind=KIND, day=TODAY) == 2
    assert len(titles(station_manager)) == 1


# Figures


@pytest.fixture
def mixed(case, social_worker, supervisor):
    """Hand-counted referrals of one case, on TODAY:
    a: answered in time (day 3 of 10), succeeded            -> answered in time, with result
    b: answered late (day 15 of 10), declined               -> late, concluded without result
    c: no answer, answer date passed                        -> overdue
    d: made today, nothing due                              -> not counted in either share
    e: answered in time, in progress, result date passed    -> answered in time, overdue (no result)
    f: made before deadlines, succeeded                     -> no deadline, with result
    """
    a = refer(social_worker, case, on=days(40), target="a")
    services.referral_update(actor=social_worker, referral=a, status="succeeded", outcome="subsidy",
                             answered_on=days(37), concluded_on=days(30))  # fmt: skip
    b = refer(social_worker, case, on=days(40), target="b")
    services.referral_update(actor=social_worker, referral=b, status="declined", answered_on=days(25),
                             concluded_on=days(25))  # fmt: skip
    refer(social_worker, case, on=days(40), target="c")
    refer(social_worker, case, on=TODAY, target="d")
    e = refer(social_worker, case, on=days(70), target="e")
    services.referral_update(actor=social_worker, referral=e, status="in_progress", answered_on=days(65))
    f = refer(social_worker, case, on=days(150), target="f")
    services.referral_update(
        actor=social_worker, referral=f, status="succeeded", outcome="job", concluded_on=days(100)
    )
    Referral.objects.filter(pk=f.pk).update(answer_by=None, outcome_by=None, answered_on=None)
    return case


def test_the_figures_match_a_hand_count(mixed, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = referral_figures(Referral.objects.filter(case=mixed))
    assert figures.total == 6
    assert (figures.answer_due, figures.answered_in_time) == (4, 2)  # a, b, c, e; a and e
    assert figures.answered_in_time_share == 50.0
    assert (figures.outcome_due, figures.with_result) == (4, 2)  # a, b, e, f; a and f
    assert figures.with_result_share == 50.0
    assert figures.overdue == 2  # c, e
    assert figures.no_deadline == 1
    assert referral_figures(Referral.objects.none()).answered_in_time_share is None


def test_the_figures_per_station_are_one_query(mixed, network, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_station = referral_figures_by(Referral.objects.all(), "case__station")
    assert list(by_station) == [network.station_a.pk] and by_station[network.station_a.pk].total == 6


def test_the_station_page_shows_the_figures(mixed, as_user, station_manager, district_admin, other_station_manager,
                                            network, django_assert_max_num_queries):  # fmt: skip
    unit_url = reverse("positions:unit_detail", args=[network.station_a.pk])
    page = as_user(station_manager).get(unit_url).content.decode()
    assert 'id="station-referral-figures"' in page and "50.0%" in page
    detail_url = reverse("casework:station_referrals", args=[network.station_a.pk])
    client = as_user(station_manager)
    with django_assert_max_num_queries(20):
        page = client.get(detail_url).content.decode()
    assert 'id="overdue-referrals"' in page and mixed.number in page
    # The district counts them but lists no case.
    page = as_user(district_admin).get(detail_url).content.decode()
    assert "50.0%" in page and 'id="overdue-referrals"' not in page
    assert as_user(other_station_manager).get(detail_url).status_code == 404


def test_the_district_dashboard_shows_the_figures_per_station(mixed, district_admin, network):
    chapters = report_figures.chapters(user=district_admin, year=TODAY.year)
    casework = next(chapter for chapter in chapters if chapter.key == "casework")
    table = next(table for table in casework.tables if table.key == "referrals_by_station")
    this_year = referral_figures(Referral.objects.filter(referred_on__year=TODAY.year))
    assert table.rows == [[network.station_a.name, this_year.total, this_year.answered_in_time_share
                           if this_year.answered_in_time_share is not None else "—",
                           this_year.with_result_share if this_year.with_result_share is not None else "—",
                           this_year.overdue]]  # fmt: skip


# Doors


def test_the_case_page_and_api_show_the_dates_and_what_is_overdue(mixed, as_user, api, social_worker):
    page = as_user(social_worker).get(mixed.get_absolute_url()).content.decode()
    assert "Answer expected by" in page and "Overdue" in page
    body = api(social_worker).get(f"/api/v1/cases/{mixed.pk}/referrals/").json()
    rows = body["results"] if isinstance(body, dict) else body
    c = next(row for row in rows if row["target"] == "c")
    assert c["overdue"] is True and c["answer_by"] == (days(40) + timedelta(days=10)).isoformat()
    response = api(social_worker).post(
        f"/api/v1/cases/{mixed.pk}/referrals/",
        {"target_kind": "person", "target": "亲属", "request": "照顾", "referred_on": TODAY.isoformat(),
         "answer_by": (TODAY + timedelta(days=3)).isoformat()},
        format="json",
    )  # fmt: skip
    assert (
        response.status_code == 201
        and response.json()["answer_by"] == (TODAY + timedelta(days=3)).isoformat()
    )
    answered = api(social_worker).post(
        f"/api/v1/cases/{mixed.pk}/referrals/{c['id']}/outcome/", {"status": "in_progress"}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["answered_on"] == TODAY.isoformat()


def test_the_referral_form_takes_the_dates(mixed, as_user, social_worker):
    response = as_user(social_worker).post(
        reverse("casework:referral_add", args=[mixed.pk]),
        {"referral-target_kind": "person", "referral-target": "表姐", "referral-request": "照顾",
         "referral-referred_on": TODAY.isoformat(), "referral-answer_by": (TODAY + timedelta(days=2)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    referral = Referral.objects.get(target="表姐")
    assert referral.answer_by == TODAY + timedelta(days=2) and referral.outcome_by == TODAY + timedelta(
        days=60
    )


def test_the_district_sets_the_referral_days(as_user, district_admin):
    response = as_user(district_admin).post(
        reverse("casework:policy"),
        {"retention_days": 1095, "quiet_case_days": 30, "grant_max_days": 30, "break_glass_hours": 4,
         "referral_answer_days": 7, "referral_outcome_days": 45, "referral_escalate_days": 3},
    )  # fmt: skip
    assert response.status_code == 302
    policy = CaseworkPolicy.at(district_admin.region)
    assert (policy.referral_answer_days, policy.referral_outcome_days, policy.referral_escalate_days) == (
        7,
        45,
        3,
    )
