from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from positions.models import CertificateLevel
from socialwork.actions import ActionNotAllowed
from tests.positions.test_workforce import make_worker
from training import selectors, services
from training.models import Certificate, Enrolment, HoursRequirement, TrainingSeries, TrainingSession

S = Enrolment.Status


def make_series(network, **fields) -> TrainingSeries:
    fields.setdefault("title", "实务技能培训")
    fields.setdefault("category", TrainingSeries.Category.PRACTICAL_SKILLS)
    fields.setdefault("year", timezone.localdate().year)
    return TrainingSeries.objects.create(unit=network.centre, **fields)


def make_session(series, *, capacity=2, days=0, hours="3.0", host=None, **fields) -> TrainingSession:
    """A session under way, or starting `days` from now: people enrol until it ends, and
    attendance is taken once it has begun."""
    starts = timezone.now() - timedelta(hours=1) + timedelta(days=days)
    return TrainingSession.objects.create(
        series=series, topic=fields.pop("topic", "会谈技巧"), starts_at=starts, ends_at=starts + timedelta(hours=3),
        venue="区社工中心", host_unit=host or series.unit, capacity=capacity, credit_hours=Decimal(hours), **fields,
    )  # fmt: skip


@pytest.fixture
def session(network):
    return make_session(make_series(network), capacity=1)


def test_past_capacity_people_join_the_waiting_list_in_order(district_admin, session, network):
    first = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("甲"))
    second = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("乙"))
    third = services.enrolment_create(
        actor=district_admin, session=session, outside_name="丙", outside_unit="志愿者协会"
    )
    assert [e.status for e in (first, second, third)] == [S.CONFIRMED, S.WAITING, S.WAITING]
    assert list(selectors.waiting_list(session=session)) == [second, third]


def test_a_freed_place_goes_to_the_first_on_the_waiting_list(district_admin, session, network):
    first = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("甲"))
    second = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("乙"))
    third = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("丙"))
    promoted = services.enrolment_cancel(actor=district_admin, enrolment=first)
    assert promoted == second
    second.refresh_from_db(), third.refresh_from_db()
    assert (second.status, third.status) == (S.CONFIRMED, S.WAITING)


def test_cancelling_a_waiting_place_promotes_nobody(district_admin, session, network):
    services.enrolment_create(actor=district_admin, session=session, worker=make_worker("甲"))
    waiting = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("乙"))
    assert services.enrolment_cancel(actor=district_admin, enrolment=waiting) is None
    assert session.enrolments.filter(status=S.CONFIRMED).count() == 1


def test_the_same_worker_cannot_enrol_twice(district_admin, session, network):
    worker = make_worker()
    services.enrolment_create(actor=district_admin, session=session, worker=worker)
    with pytest.raises(ValidationError):
        services.enrolment_create(actor=district_admin, session=session, worker=worker)


def test_an_outside_person_needs_a_name(district_admin, session):
    with pytest.raises(ValidationError) as error:
        services.enrolment_create(actor=district_admin, session=session, outside_name="  ")
    assert "outside_name" in error.value.message_dict


def test_station_manager_cannot_enrol_into_another_stations_session(station_manager, network):
    elsewhere = make_session(make_series(network), host=network.station_b)
    elsewhere.series.unit = network.station_b
    elsewhere.series.save()
    with pytest.raises(ValidationError):
        services.enrolment_create(actor=station_manager, session=elsewhere, outside_name="甲")


def test_hours_are_credited_only_for_attendance(district_admin, network):
    series = make_series(network)
    session = make_session(series, capacity=5, hours="3.5")
    here, absent = make_worker("到"), make_worker("缺")
    present = services.enrolment_create(actor=district_admin, session=session, worker=here)
    services.enrolment_create(actor=district_admin, session=session, worker=absent)
    assert services.attendance_record(actor=district_admin, session=session, present={present.pk}) == 1
    year = session.starts_at.year
    assert selectors.worker_hours(worker=here, year=year) == Decimal("3.5")
    assert selectors.worker_hours(worker=absent, year=year) == 0


def test_an_enrolment_cannot_be_cancelled_once_attendance_is_taken(district_admin, session, network):
    enrolment = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("甲"))
    services.attendance_record(actor=district_admin, session=session, present={enrolment.pk})
    with pytest.raises(ActionNotAllowed):
        services.enrolment_cancel(actor=district_admin, enrolment=enrolment)


def test_only_confirmed_participants_can_be_marked_present(district_admin, session, network):
    services.enrolment_create(actor=district_admin, session=session, worker=make_worker("甲"))
    waiting = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("乙"))
    with pytest.raises(ValidationError):
        services.attendance_record(actor=district_admin, session=session, present={waiting.pk})


def test_short_of_hours_lists_certified_workers_below_the_requirement(district_admin, network):
    year = timezone.localdate().year
    HoursRequirement.objects.create(year=year, hours=Decimal("6"))
    session = make_session(make_series(network), capacity=5, hours="6")
    done = make_worker("够", unit=network.room_a)
    make_worker("差", unit=network.room_a)
    make_worker("未持证", unit=network.room_a, level=CertificateLevel.NONE)
    enrolment = services.enrolment_create(actor=district_admin, session=session, worker=done)
    services.attendance_record(actor=district_admin, session=session, present={enrolment.pk})
    listed = selectors.short_of_hours(user=district_admin, year=year)
    assert [(s.worker.name, s.missing) for s in listed] == [("差", Decimal("6"))]


def test_certificates_go_to_those_who_attended_enough_with_unique_numbers(district_admin, network):
    series = make_series(network, completion_share=50)
    sessions = [make_session(series, capacity=5, topic=f"第{d}讲") for d in (1, 2, 3, 4)]
    regular, once = make_worker("常到"), make_worker("一次")
    for index, session in enumerate(sessions):
        present = {services.enrolment_create(actor=district_admin, session=session, worker=regular).pk}
        if index == 0:
            present.add(services.enrolment_create(actor=district_admin, session=session, worker=once).pk)
        services.attendance_record(actor=district_admin, session=session, present=present)
    issued = services.certificates_issue(actor=district_admin, series=series)
    assert [(c.participant_name, c.attended_sessions, c.total_sessions) for c in issued] == [("常到", 4, 4)]
    assert services.certificates_issue(actor=district_admin, series=series) == []  # never twice
    other = make_series(network, title="第二期")
    session = make_session(other, capacity=5)
    enrolment = services.enrolment_create(actor=district_admin, session=session, worker=regular)
    services.attendance_record(actor=district_admin, session=session, present={enrolment.pk})
    services.certificates_issue(actor=district_admin, series=other)
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 2


def test_person_times_count_each_attendance_and_participants_each_person_once(district_admin, network):
    series = make_series(network)
    sessions = [make_session(series, capacity=5, topic=f"第{d}讲") for d in (1, 2, 3)]
    regular = make_worker("常到")
    for session in sessions:
        present = {services.enrolment_create(actor=district_admin, session=session, worker=regular).pk}
        present.add(
            services.enrolment_create(
                actor=district_admin, session=session, outside_name=f"志愿者{session.pk}"
            ).pk
        )
        services.attendance_record(actor=district_admin, session=session, present=present)
    [figures] = selectors.training_figures(user=district_admin, group_by="series")
    assert (figures.sessions, figures.participants, figures.person_times) == (3, 4, 6)


def test_past_attendance_is_entered_only_once_a_session_has_begun(district_admin, network):
    upcoming = make_session(make_series(network), days=3)
    with pytest.raises(ActionNotAllowed):
        services.attendance_enter(actor=district_admin, session=upcoming, attended=True, outside_name="甲")


def test_past_attendance_credits_the_session_hours_and_the_session_grows_to_hold_everyone(
    district_admin, session, network
):
    first = services.attendance_enter(
        actor=district_admin, session=session, attended=True, worker=make_worker("甲")
    )
    second = services.attendance_enter(
        actor=district_admin, session=session, attended=False, outside_name="乙", outside_unit="居委会"
    )
    session.refresh_from_db()
    assert (first.attended, first.hours_credited) == (True, session.credit_hours)
    assert (second.attended, second.hours_credited) == (False, 0)
    assert session.capacity == 2
    with pytest.raises(ValidationError):
        services.attendance_enter(
            actor=district_admin, session=session, attended=True, outside_name="乙", outside_unit="居委会"
        )
    corrected = services.attendance_enter(
        actor=district_admin, session=session, attended=True, enrolment=second
    )
    assert (corrected.pk, corrected.hours_credited) == (second.pk, session.credit_hours)
