from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from positions.models import CertificateLevel, SocialWorker
from positions.pickers import worker_label
from tests.positions.test_workforce import make_worker
from training import services
from training.models import (
    Certificate,
    Enrolment,
    HoursRequirement,
    PracticeBase,
    Trainer,
    TrainingSeries,
    TrainingSession,
)

S = Enrolment.Status


def make_series(network, unit=None, **fields) -> TrainingSeries:
    fields.setdefault("title", "实务技能培训")
    fields.setdefault("category", TrainingSeries.Category.PRACTICAL_SKILLS)
    fields.setdefault("year", timezone.localdate().year)
    return TrainingSeries.objects.create(unit=unit or network.centre, **fields)


def make_session(series, *, capacity=2, days=0, hours="3.0", host=None, **fields) -> TrainingSession:
    """A session under way, or starting `days` from now: people enrol until it ends, and
    attendance is taken once it has begun."""
    starts = timezone.now() - timedelta(hours=1) + timedelta(days=days)
    return TrainingSession.objects.create(
        series=series, topic=fields.pop("topic", "会谈技巧"), starts_at=starts, ends_at=starts + timedelta(hours=3),
        venue="区社工中心", host_unit=host or series.unit, capacity=capacity, credit_hours=Decimal(hours), **fields,
    )  # fmt: skip


def url(name, *args):
    return reverse(f"training:{name}", args=args)


@pytest.fixture
def series(network):
    return make_series(network)


@pytest.fixture
def session(series):
    return make_session(series, capacity=1)


def year_of(session) -> int:
    return timezone.localtime(session.starts_at).year


# Pages render and stay in scope


@pytest.mark.parametrize(
    "name", ["series_list", "series_create", "hours", "figures", "trainer_list", "practice_base_list"]
)
def test_district_admin_sees_every_training_page(as_user, district_admin, session, name):
    assert as_user(district_admin).get(url(name)).status_code == 200


def test_series_and_session_pages_show_their_sessions_and_places(as_user, district_admin, session):
    client = as_user(district_admin)
    services.enrolment_create(actor=district_admin, session=session, worker=make_worker("甲"))
    services.enrolment_create(actor=district_admin, session=session, worker=make_worker("乙"))
    page = client.get(url("series_detail", session.series.pk))
    assert page.context["totals"] == {"sessions": 1, "confirmed": 1, "waiting": 1, "attended": 0}
    assert session.topic in page.content.decode()
    for name in ("session_detail", "attendance", "session_update"):
        assert client.get(url(name, session.pk)).status_code == 200
    assert client.get(url("session_create", session.series.pk)).status_code == 200
    assert client.get(url("series_update", session.series.pk)).status_code == 200


def test_series_list_filters_by_year_and_category_and_searches_titles(as_user, district_admin, network):
    make_series(network, title="会谈技巧", year=2025, category=TrainingSeries.Category.INTERVIEW_SKILLS)
    make_series(
        network, title="督导示范", year=2026, category=TrainingSeries.Category.SUPERVISION_DEMONSTRATION
    )
    client = as_user(district_admin)

    def titles(**query):
        return [s.title for s in client.get(url("series_list"), query).context["page"]]

    assert titles(year=2025) == ["会谈技巧"]
    assert titles(category="supervision_demonstration") == ["督导示范"]
    assert titles(title="督导") == ["督导示范"]
    assert titles(ordering="year") == ["会谈技巧", "督导示范"]


def test_station_manager_sees_only_training_of_their_place(
    as_user, station_manager, other_station_manager, network
):
    theirs = make_session(make_series(network, title="乙站培训", unit=network.station_b))
    ours = make_session(make_series(network, title="甲站培训", unit=network.station_a))
    client = as_user(station_manager)
    listed = [s.title for s in client.get(url("series_list")).context["page"]]
    assert listed == ["甲站培训"]
    assert client.get(url("series_detail", theirs.series.pk)).status_code == 404
    assert client.get(url("session_detail", theirs.pk)).status_code == 404
    assert client.get(url("attendance", theirs.pk)).status_code == 404
    assert client.get(url("session_detail", ours.pk)).status_code == 200
    assert client.post(url("enrolment_create", theirs.pk), {"outside_name": "某人"}).status_code == 404


def test_a_series_hosting_a_session_at_the_station_is_visible_there(
    as_user, station_manager, series, network
):
    make_session(series, host=network.room_a)
    assert as_user(station_manager).get(url("series_detail", series.pk)).status_code == 200


def test_station_managers_do_not_set_up_series_or_sessions(as_user, station_manager, network):
    series = make_series(network, unit=network.station_a)
    client = as_user(station_manager)
    assert client.get(url("series_create")).status_code == 403
    assert client.get(url("session_create", series.pk)).status_code == 403
    assert client.post(url("certificates_issue", series.pk)).status_code == 403


def test_the_training_link_is_in_the_header_for_managers_and_supervisors(
    as_user, station_manager, supervisor, social_worker
):
    def has_link(user):
        return ("Training", url("series_list")) in [
            (str(label), link) for label, link in as_user(user).get("/").context["nav_items"]
        ]

    assert has_link(station_manager) and has_link(supervisor)
    assert not has_link(social_worker)


# Creating series and sessions


def test_district_admin_sets_up_a_series_and_a_session(as_user, district_admin, network):
    client = as_user(district_admin)
    response = client.post(
        url("series_create"),
        {"title": "继续教育", "category": "continuing_education", "year": 2026, "unit": network.centre.pk,
         "completion_share": 80},
    )  # fmt: skip
    series = TrainingSeries.objects.get(title="继续教育")
    assert response.url == series.get_absolute_url()
    trainer = Trainer.objects.create(name="王教授", affiliation="三峡大学", affiliation_kind="university")
    response = client.post(
        url("session_create", series.pk),
        {"topic": "个案管理", "starts_at": "2026-12-05T09:00", "ends_at": "2026-12-05T12:00", "venue": "区中心",
         "host_unit": network.station_a.pk, "capacity": 30, "minimum": 5, "credit_hours": "3.0",
         "trainers": [trainer.pk]},
    )  # fmt: skip
    session = series.sessions.get()
    assert response.url == session.get_absolute_url()
    assert list(session.trainers.all()) == [trainer] and session.host_unit == network.station_a


def test_forms_show_their_errors(as_user, district_admin, series, network):
    client = as_user(district_admin)
    page = client.post(url("series_create"), {"title": "", "year": 2026, "completion_share": 150})
    assert page.status_code == 200 and {"title", "category", "unit", "completion_share"} <= set(
        page.context["form"].errors
    )
    page = client.post(
        url("session_create", series.pk),
        {"topic": "倒序", "starts_at": "2026-12-05T12:00", "ends_at": "2026-12-05T09:00", "venue": "区中心",
         "host_unit": network.centre.pk, "capacity": 0, "minimum": 0, "credit_hours": "3.0"},
    )  # fmt: skip
    assert page.status_code == 200 and not series.sessions.exists()
    assert page.context["form"].errors


# Enrolment, the waiting list and cancelling


def test_enrolling_past_capacity_shows_the_waiting_list_in_order(as_user, district_admin, session):
    client = as_user(district_admin)
    first, second = make_worker("甲", unit=None), make_worker("乙", unit=None)
    client.post(url("enrolment_create", session.pk), {"worker": worker_label(first)})
    response = client.post(url("enrolment_create", session.pk), {"worker": worker_label(second)}, follow=True)
    assert "number 1 on the waiting list" in response.content.decode()
    client.post(
        url("enrolment_create", session.pk),
        {"outside_name": "丙", "outside_unit": "志愿者协会", "outside_kind": "volunteer"},
    )
    page = client.get(url("session_detail", session.pk))
    assert [e.participant_name for e in page.context["confirmed"]] == ["甲"]
    assert [e.participant_name for e in page.context["waiting"]] == ["乙", "丙"]
    waiting = page.content.decode().split('id="waiting"')[1].split("</table>")[0]
    assert waiting.index("乙") < waiting.index("丙")


def test_an_enrolment_the_service_refuses_shows_its_message_on_the_form(as_user, district_admin, network):
    past = make_session(make_series(network), days=-3)
    client = as_user(district_admin)
    worker = make_worker("甲")
    # The page offers no form for a past session; a stale form posted anyway gets the reason.
    assert client.get(url("session_detail", past.pk)).context["enrol_form"] is None
    page = client.post(url("enrolment_create", past.pk), {"worker": worker_label(worker)})
    assert page.status_code == 200
    assert "nobody can enrol any more" in str(page.context["enrol_form"].non_field_errors())


def test_enrol_form_needs_a_worker_or_a_name_and_refuses_someone_enrolled_twice(
    as_user, district_admin, session
):
    client = as_user(district_admin)
    page = client.post(url("enrolment_create", session.pk), {})
    assert page.status_code == 200 and page.context["enrol_form"].non_field_errors()
    worker = make_worker("甲")
    client.post(url("enrolment_create", session.pk), {"worker": worker_label(worker)})
    again = client.post(url("enrolment_create", session.pk), {"worker": worker_label(worker)})
    assert again.status_code == 200 and "worker" in again.context["enrol_form"].errors
    assert session.enrolments.count() == 1


def test_station_manager_enrols_only_workers_they_see(as_user, station_manager, network):
    session = make_session(make_series(network, unit=network.station_a))
    mine, theirs = make_worker("甲", unit=network.room_a), make_worker("乙", unit=network.room_b)
    client = as_user(station_manager)
    offered = client.get(url("session_detail", session.pk)).context["enrol_form"].fields["worker"].queryset
    assert list(offered) == [mine]
    page = client.post(url("enrolment_create", session.pk), {"worker": worker_label(theirs)})
    assert page.status_code == 200 and "worker" in page.context["enrol_form"].errors
    client.post(url("enrolment_create", session.pk), {"worker": worker_label(mine)})
    assert session.enrolments.get().worker == mine


def test_cancelling_a_place_moves_the_first_waiting_person_up(as_user, district_admin, session):
    first = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("甲"))
    second = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("乙"))
    services.enrolment_create(actor=district_admin, session=session, worker=make_worker("丙"))
    client = as_user(district_admin)
    asked = client.post(url("enrolment_cancel", first.pk))
    assert (
        asked.templates[0].name == "partials/confirm_page.html" and "waiting list" in asked.content.decode()
    )
    first.refresh_from_db()
    assert first.status == S.CONFIRMED  # asked, not cancelled
    response = client.post(url("enrolment_cancel", first.pk), {"confirmed": "1"}, follow=True)
    assert "乙 moved up from the waiting list" in response.content.decode()
    assert [e.pk for e in response.context["confirmed"]] == [second.pk]
    assert [e.participant_name for e in response.context["waiting"]] == ["丙"]
    again = client.post(url("enrolment_cancel", first.pk), {"confirmed": "1"}, follow=True)
    assert again.status_code == 200 and "already cancelled" in again.content.decode()


def test_station_manager_cannot_cancel_another_stations_enrolment(
    as_user, district_admin, station_manager, network
):
    theirs = make_session(make_series(network, unit=network.station_b))
    enrolment = services.enrolment_create(actor=district_admin, session=theirs, outside_name="某人")
    assert as_user(station_manager).post(url("enrolment_cancel", enrolment.pk)).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == S.CONFIRMED


# Attendance and hours


def test_attendance_credits_hours_that_show_on_the_worker_profile(as_user, district_admin, series):
    session = make_session(series, capacity=5, hours="2.5")
    here, away = make_worker("甲"), make_worker("乙")
    present = services.enrolment_create(actor=district_admin, session=session, worker=here)
    services.enrolment_create(actor=district_admin, session=session, worker=away)
    client = as_user(district_admin)
    page = client.get(url("attendance", session.pk))
    assert [enrolment.participant_name for enrolment, _ticked in page.context["rows"]] == ["甲", "乙"]
    response = client.post(url("attendance", session.pk), {"present": [present.pk]})
    assert response.url == session.get_absolute_url()
    profile = client.get(here.get_absolute_url())
    assert profile.context["profile"].training_hours == {year_of(session): Decimal("2.5")}
    assert session.topic in profile.content.decode()
    assert client.get(away.get_absolute_url()).context["profile"].training_hours == {year_of(session): 0}


def test_attendance_refuses_someone_who_is_not_a_confirmed_participant(as_user, district_admin, session):
    services.enrolment_create(actor=district_admin, session=session, worker=make_worker("甲"))
    waiting = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("乙"))
    page = as_user(district_admin).post(url("attendance", session.pk), {"present": [waiting.pk]})
    assert page.status_code == 200 and page.context["form"].errors
    assert not Enrolment.objects.filter(attended=True).exists()


def test_hours_page_lists_who_is_short_grouped_by_unit(as_user, district_admin, network, series):
    session = make_session(series, capacity=5, hours="6.0")
    year = year_of(session)
    HoursRequirement.objects.create(year=year, hours=Decimal("5.0"))
    done, short_a, short_b = (
        make_worker("满", unit=network.room_a, level=CertificateLevel.SOCIAL_WORKER),
        make_worker("缺甲", unit=network.room_a, level=CertificateLevel.SOCIAL_WORKER),
        make_worker("缺乙", unit=network.room_b, level=CertificateLevel.SOCIAL_WORKER),
    )
    enrolment = services.enrolment_create(actor=district_admin, session=session, worker=done)
    services.attendance_record(actor=district_admin, session=session, present={enrolment.pk})
    page = as_user(district_admin).get(url("hours"), {"year": year})
    assert {row.worker.name for row in page.context["page"]} == {short_a.name, short_b.name}
    html = page.content.decode()
    assert network.room_a.name in html and network.room_b.name in html and "缺甲" in html
    assert ">满<" not in html


def test_district_admin_sets_the_years_requirement(as_user, district_admin, station_manager, network):
    client = as_user(district_admin)
    response = client.post(f"{url('hours')}?year=2027", {"hours": "24"})
    assert response.status_code == 302 and HoursRequirement.objects.get(year=2027).hours == 24
    client.post(f"{url('hours')}?year=2027", {"hours": "30"})
    assert HoursRequirement.objects.get(year=2027).hours == 30
    bad = client.post(f"{url('hours')}?year=2027", {"hours": "many"})
    assert bad.status_code == 200 and "hours" in bad.context["form"].errors
    assert as_user(station_manager).get(url("hours")).context["form"] is None


def test_figures_count_people_once_and_attendances_each_time(as_user, district_admin, series):
    sessions = [make_session(series, capacity=5, topic=f"第{d}讲") for d in (3, 4)]
    worker = make_worker("甲")
    for session in sessions:
        enrolment = services.enrolment_create(actor=district_admin, session=session, worker=worker)
        services.attendance_record(actor=district_admin, session=session, present={enrolment.pk})
    page = as_user(district_admin).get(url("figures"))
    by_series = page.context["tables"][0][2]
    assert [(f.label, f.sessions, f.participants, f.person_times) for f in by_series] == [
        (series.title, 2, 1, 2)
    ]
    assert 'id="by-category"' in page.content.decode()


def test_district_admin_issues_certificates_from_the_series_page(as_user, district_admin, session):
    enrolment = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("甲"))
    services.attendance_record(actor=district_admin, session=session, present={enrolment.pk})
    client = as_user(district_admin)
    asked = client.post(url("certificates_issue", session.series.pk))
    assert asked.templates[0].name == "partials/confirm_page.html" and not Certificate.objects.exists()
    response = client.post(url("certificates_issue", session.series.pk), {"confirmed": "1"}, follow=True)
    assert "Certificates issued: 1." in response.content.decode()
    assert [c.participant_name for c in response.context["certificates"]] == ["甲"]


def test_issuing_certificates_for_a_series_without_sessions_shows_the_reason(as_user, district_admin, series):
    response = as_user(district_admin).post(
        url("certificates_issue", series.pk), {"confirmed": "1"}, follow=True
    )
    assert response.status_code == 200 and "no sessions yet" in response.content.decode()


# Trainers and practice bases


def test_trainers_and_practice_bases_are_added_from_their_lists(as_user, district_admin, network):
    client = as_user(district_admin)
    client.post(
        url("trainer_list"), {"name": "李老师", "affiliation": "华中师大", "affiliation_kind": "university"}
    )
    assert Trainer.objects.get().name == "李老师"
    client.post(
        url("practice_base_list"),
        {"university": "三峡大学", "unit": network.room_a.pk, "agreement_from": "2026-01-01"},
    )
    assert PracticeBase.objects.get().unit == network.room_a
    page = client.post(url("trainer_list"), {"name": ""})
    assert page.status_code == 200 and "name" in page.context["form"].errors


def test_station_manager_sees_practice_bases_of_their_place_only(as_user, station_manager, network):
    PracticeBase.objects.create(university="甲大学", unit=network.room_a, agreement_from="2026-01-01")
    PracticeBase.objects.create(university="乙大学", unit=network.room_b, agreement_from="2026-01-01")
    page = as_user(station_manager).get(url("practice_base_list"))
    assert [b.university for b in page.context["page"]] == ["甲大学"]
    assert page.context["form"] is None


# Query counts


@pytest.fixture
def busy_district(district_admin, network):
    """Three series, each with sessions full of people, some waiting, attendance taken."""
    HoursRequirement.objects.create(year=timezone.localdate().year, hours=Decimal("100"))
    Trainer.objects.bulk_create(
        Trainer(name=f"讲师{n}", affiliation="大学", affiliation_kind="university") for n in range(5)
    )
    workers = [make_worker(f"工{n}", unit=network.room_a) for n in range(12)]
    for n in range(3):
        series = make_series(network, title=f"系列{n}")
        for d in range(3):
            session = make_session(series, capacity=8, topic=f"专题{n}-{d}")
            session.trainers.set(Trainer.objects.all())
            for worker in workers:
                services.enrolment_create(actor=district_admin, session=session, worker=worker)
            services.enrolment_create(actor=district_admin, session=session, outside_name="志愿者")
            confirmed = set(session.enrolments.filter(status=S.CONFIRMED).values_list("pk", flat=True))
            services.attendance_record(actor=district_admin, session=session, present=confirmed)
    return TrainingSession.objects.order_by("pk").first()


@pytest.mark.parametrize(
    ("name", "bound"),
    [("series_list", 12), ("series_detail", 14), ("session_detail", 16), ("attendance", 14), ("hours", 14),
     ("figures", 18), ("trainer_list", 12), ("practice_base_list", 12)],
)  # fmt: skip
def test_training_pages_query_counts_do_not_grow_with_the_rows(
    as_user, district_admin, busy_district, name, bound, django_assert_max_num_queries
):
    args = {"series_detail": [busy_district.series.pk], "session_detail": [busy_district.pk]}.get(name, [])
    if name == "attendance":
        args = [busy_district.pk]
    client = as_user(district_admin)
    with django_assert_max_num_queries(bound):
        assert client.get(url(name, *args)).status_code == 200


def test_worker_profile_query_count_does_not_grow_with_their_training(
    as_user, district_admin, busy_district, django_assert_max_num_queries
):
    worker = SocialWorker.objects.get(name="工0")
    client = as_user(district_admin)
    # 18, where the record came from and its content type, and the registration ledger: its periods
    # and the hours each certificate level owes (one query each, however much training)
    with django_assert_max_num_queries(22):
        page = client.get(worker.get_absolute_url())
    assert len(page.context["profile"].enrolments) == 9
