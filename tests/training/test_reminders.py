from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from positions.models import CertificateLevel
from socialwork.models import Notification
from socialwork.reminders import REGISTRY, reminder_run
from tests.factories import make_user
from tests.positions.test_workforce import make_worker
from tests.training.test_api import make_series, make_session
from training.models import Enrolment, HoursRequirement
from training.reminders import DAYS_BEFORE

S = Enrolment.Status
DAY = date(2030, 11, 4)  # a Monday in the last quarter


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def worker_with_login(username: str, network, level=CertificateLevel.ASSISTANT, **fields):
    user = make_user(username, unit=network.room_a, language="en")  # notifications in English
    return make_worker(username, unit=network.room_a, user=user, level=level, **fields)


def enrol(session, worker, status=S.CONFIRMED, **fields) -> Enrolment:
    return Enrolment.objects.create(session=session, worker=worker, status=status, **fields)


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_training_reminder_kinds_are_registered():
    assert {"training_session_soon", "training_undersubscribed", "training_hours_short"} <= set(REGISTRY)
    assert REGISTRY["training_hours_short"].crontab["day_of_week"] == 1


# Session coming up


def test_confirmed_participants_with_a_login_hear_of_their_session_once_a_day(network):
    session = make_session(
        make_series(network.centre), starts_at=at(DAY + timedelta(days=DAYS_BEFORE)), capacity=5
    )
    confirmed = worker_with_login("confirmed", network)
    waiting = worker_with_login("waiting", network)
    cancelled = worker_with_login("cancelled", network)
    enrol(session, confirmed)
    enrol(session, waiting, status=S.WAITING)
    enrol(session, cancelled, status=S.CANCELLED)
    enrol(session, make_worker("no login"))
    Enrolment.objects.create(session=session, outside_name="志愿者", status=S.CONFIRMED)

    assert reminder_run(kind="training_session_soon", day=DAY) == 1
    assert reminder_run(kind="training_session_soon", day=DAY) == 0
    (notification,) = Notification.objects.all()
    assert notification.user == confirmed.user and notification.key.startswith(
        f"training_session_soon:session:{session.pk}:"
    )
    assert "会谈技巧" in notification.title and notification.url == session.get_absolute_url()


def test_sessions_outside_the_window_are_not_reminded(network):
    series = make_series(network.centre)
    worker = worker_with_login("hu", network)
    too_far = make_session(series, starts_at=at(DAY + timedelta(days=DAYS_BEFORE + 1)))
    past = make_session(series, starts_at=at(DAY - timedelta(days=1)))
    soon = make_session(series, starts_at=at(DAY, hour=14), topic="今天下午")
    for session in (too_far, past, soon):
        enrol(session, worker)
    assert reminder_run(kind="training_session_soon", day=DAY) == 1
    assert titles(worker.user) == [f"Training on {DAY} 14:00: 今天下午"]


def test_two_sessions_in_the_window_are_two_reminders(network):
    series = make_series(network.centre)
    worker = worker_with_login("hu", network)
    for days in (1, 2):
        enrol(make_session(series, starts_at=at(DAY + timedelta(days=days))), worker)
    assert reminder_run(kind="training_session_soon", day=DAY) == 2
    assert reminder_run(kind="training_session_soon", day=DAY) == 0


# Under-subscribed sessions


@pytest.fixture
def organizer(network):
    return make_user("organizer", unit=network.centre, language="en")


def test_organizer_hears_of_a_session_below_its_minimum_once_a_day(organizer, network):
    series = make_series(network.centre, organizer=organizer)
    thin = make_session(
        series, starts_at=at(DAY + timedelta(days=14)), capacity=10, minimum=3, topic="人数不足"
    )
    full_enough = make_session(series, starts_at=at(DAY + timedelta(days=5)), capacity=10, minimum=2)
    for session, people in ((thin, 2), (full_enough, 2)):
        for n in range(people):
            Enrolment.objects.create(session=session, outside_name=f"学员{n}", status=S.CONFIRMED)
    Enrolment.objects.create(session=thin, outside_name="等候", status=S.WAITING)  # waiting does not count
    Enrolment.objects.create(session=thin, outside_name="取消", status=S.CANCELLED)

    assert reminder_run(kind="training_undersubscribed", day=DAY) == 1
    assert reminder_run(kind="training_undersubscribed", day=DAY) == 0
    (title,) = titles(organizer)
    assert "人数不足" in title and "2 of at least 3" in title


def test_no_undersubscribed_reminder_outside_two_weeks_or_without_an_organizer(organizer, network):
    series = make_series(network.centre, organizer=organizer)
    make_session(series, starts_at=at(DAY + timedelta(days=15)), minimum=3)
    make_session(series, starts_at=at(DAY - timedelta(days=1)), minimum=3)
    make_session(
        make_series(network.centre), starts_at=at(DAY + timedelta(days=2)), minimum=3
    )  # nobody to tell
    assert reminder_run(kind="training_undersubscribed", day=DAY) == 0


# Hours short of the year's requirement


@pytest.fixture
def hours_year(network):
    """A requirement of 20 hours in 2030; `short` has 6, `done` has 21, `uncertified` has none."""
    HoursRequirement.objects.create(year=2030, hours=Decimal(20))
    series = make_series(network.centre, year=2030)
    people = {
        "short": worker_with_login("short", network),
        "done": worker_with_login("done", network),
        "uncertified": worker_with_login("uncertified", network, level=CertificateLevel.NONE),
        "left": worker_with_login("left", network, status="left"),
    }
    for name, hours in (("short", 6), ("done", 21)):
        session = make_session(series, starts_at=at(date(2030, 6, 1)), credit_hours=str(hours))
        enrol(session, people[name], attended=True, hours_credited=Decimal(hours))
    make_worker("no login")  # short, but nobody to tell
    return people


def test_workers_short_of_hours_hear_it_once_a_day_in_the_last_quarter(hours_year):
    assert reminder_run(kind="training_hours_short", day=DAY) == 1
    assert reminder_run(kind="training_hours_short", day=DAY) == 0
    assert titles(hours_year["short"].user) == ["2030: 6 of the 20 training hours done"]
    assert Notification.objects.get().body == "14 hours are still missing before the end of the year."
    # The next week, again.
    assert reminder_run(kind="training_hours_short", day=DAY + timedelta(days=7)) == 1


def test_no_hours_reminder_before_october(hours_year):
    assert reminder_run(kind="training_hours_short", day=date(2030, 9, 30)) == 0
    assert reminder_run(kind="training_hours_short", day=date(2030, 10, 1)) == 1


def test_no_hours_reminder_in_a_year_without_a_requirement(hours_year):
    assert reminder_run(kind="training_hours_short", day=date(2031, 11, 3)) == 0
