import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tests.positions.test_workforce import make_worker
from training import services
from training.models import Enrolment, Trainer, TrainingSeries, TrainingSession

S = Enrolment.Status


def make_series(unit, **fields) -> TrainingSeries:
    fields.setdefault("title", "实务技能培训")
    fields.setdefault("category", TrainingSeries.Category.PRACTICAL_SKILLS)
    fields.setdefault("year", timezone.localdate().year)
    return TrainingSeries.objects.create(unit=unit, **fields)


def make_session(series, *, capacity=2, starts_at=None, host=None, **fields) -> TrainingSession:
    """A session under way unless `starts_at` says otherwise: people still enrol, and attendance
    is taken."""
    starts = starts_at or timezone.now() - timedelta(hours=1)
    return TrainingSession.objects.create(
        series=series, topic=fields.pop("topic", "会谈技巧"), starts_at=starts, ends_at=starts + timedelta(hours=3),
        venue="区社工中心", host_unit=host or series.unit, capacity=capacity,
        credit_hours=Decimal(fields.pop("credit_hours", "3.0")), **fields,
    )  # fmt: skip


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def session(network):
    return make_session(make_series(network.centre), capacity=1)


def enrol(client, session, **body):
    return client.post("/api/v1/training/enrolments/", {"session": session.pk, **body}, format="json")


# Scoping


def test_station_manager_cannot_see_another_stations_session(api, station_manager, network):
    own = make_session(make_series(network.station_a))
    other = make_session(make_series(network.station_b))
    client = api(station_manager)
    assert client.get(f"/api/v1/training/sessions/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/training/sessions/{own.pk}/").status_code == 200
    assert ids(client.get("/api/v1/training/sessions/")) == [own.pk]
    assert ids(client.get("/api/v1/training/series/")) == [own.series_id]


def test_a_series_hosted_in_the_station_is_visible_there(api, station_manager, network):
    hosted = make_session(make_series(network.centre), host=network.room_a)
    assert ids(api(station_manager).get("/api/v1/training/series/")) == [hosted.series_id]


def test_station_manager_cannot_see_enrolments_of_another_station(
    api, station_manager, district_admin, network
):
    other = make_session(make_series(network.station_b))
    enrolment = services.enrolment_create(actor=district_admin, session=other, outside_name="丙")
    client = api(station_manager)
    assert client.get(f"/api/v1/training/enrolments/{enrolment.pk}/").status_code == 404
    assert client.get("/api/v1/training/enrolments/").json()["count"] == 0


def test_a_worker_sees_their_own_enrolment_wherever_the_session_is(
    api, social_worker, district_admin, network
):
    worker = make_worker("胡社工", unit=network.room_a, user=social_worker)
    session = make_session(make_series(network.station_b))
    enrolment = services.enrolment_create(actor=district_admin, session=session, worker=worker)
    services.enrolment_create(actor=district_admin, session=session, outside_name="丙")
    assert ids(api(social_worker).get("/api/v1/training/enrolments/")) == [enrolment.pk]


# Enrolment


def test_enrolling_past_the_capacity_puts_people_on_the_waiting_list(api, district_admin, session, network):
    client = api(district_admin)
    first = enrol(client, session, worker=make_worker("甲").pk)
    second = enrol(client, session, outside_name="乙", outside_unit="志愿者协会", outside_kind="volunteer")
    assert (first.status_code, second.status_code) == (201, 201), second.json()
    assert (first.json()["status"], second.json()["status"]) == (S.CONFIRMED, S.WAITING)
    assert second.json()["participant_name"] == "乙"
    body = client.get(f"/api/v1/training/sessions/{session.pk}/").json()
    assert (body["confirmed"], body["waiting"]) == (1, 1)


def test_cancelling_gives_the_place_to_the_first_waiting(api, district_admin, session, network):
    client = api(district_admin)
    first = enrol(client, session, worker=make_worker("甲").pk).json()
    second = enrol(client, session, worker=make_worker("乙").pk).json()
    third = enrol(client, session, outside_name="丙").json()
    response = client.post(f"/api/v1/training/enrolments/{first['id']}/cancel/")
    assert response.status_code == 200, response.json()
    assert response.json()["cancelled"]["status"] == S.CANCELLED
    assert response.json()["promoted"]["id"] == second["id"]
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert (statuses[second["id"]], statuses[third["id"]]) == (S.CONFIRMED, S.WAITING)
    # A second cancel is refused: the step is no longer among the enrolment's actions.
    assert client.get(f"/api/v1/training/enrolments/{first['id']}/").json()["actions"] == []
    again = client.post(f"/api/v1/training/enrolments/{first['id']}/cancel/")
    assert again.status_code == 403 and again.json()["detail"]


def test_enrolling_the_same_worker_twice_is_a_400_on_the_worker(api, district_admin, session, network):
    client = api(district_admin)
    worker = make_worker("甲")
    assert enrol(client, session, worker=worker.pk).status_code == 201
    response = enrol(client, session, worker=worker.pk)
    assert response.status_code == 400 and "worker" in response.json()
    assert Enrolment.objects.filter(worker=worker).count() == 1


def test_enrolling_nobody_is_a_400_asking_for_a_name(api, district_admin, session):
    response = enrol(api(district_admin), session)
    assert response.status_code == 400 and "outside_name" in response.json()


def test_enrolling_into_another_stations_session_is_a_400_on_the_session(
    api, district_admin, station_manager, network
):
    station_manager.user_permissions.add(Permission.objects.get(codename="add_enrolment"))
    other = make_session(make_series(network.station_b))
    response = enrol(api(station_manager), other, outside_name="丙")
    assert response.status_code == 400 and "session" in response.json()


def test_social_worker_cannot_enrol_or_cancel_through_the_api(api, social_worker, district_admin, network):
    session = make_session(make_series(network.room_a))
    assert enrol(api(social_worker), session, outside_name="丙").status_code == 403
    enrolment = services.enrolment_create(actor=district_admin, session=session, outside_name="丙")
    assert api(social_worker).post(f"/api/v1/training/enrolments/{enrolment.pk}/cancel/").status_code == 403
    assert Enrolment.objects.get(pk=enrolment.pk).status == S.CONFIRMED


# Filters


def test_filters_narrow_series_sessions_and_enrolments(api, district_admin, network):
    this_year = timezone.localdate().year
    series = make_series(network.centre, category=TrainingSeries.Category.EXPERT_LECTURE)
    older = make_series(network.centre, year=this_year - 1)
    tomorrow = make_session(series, starts_at=timezone.now() + timedelta(days=1), capacity=1)
    later = make_session(series, starts_at=timezone.now() + timedelta(days=10))
    make_session(older)
    services.enrolment_create(actor=district_admin, session=tomorrow, outside_name="甲")
    waiting = services.enrolment_create(actor=district_admin, session=tomorrow, outside_name="乙")
    client = api(district_admin)
    assert ids(client.get(f"/api/v1/training/series/?year={this_year - 1}")) == [older.pk]
    assert ids(client.get("/api/v1/training/series/?category=expert_lecture")) == [series.pk]
    assert ids(client.get(f"/api/v1/training/sessions/?series={series.pk}")) == [tomorrow.pk, later.pk]
    day = timezone.localtime(later.starts_at).date()
    assert ids(client.get(f"/api/v1/training/sessions/?date={day}")) == [later.pk]
    assert ids(client.get(f"/api/v1/training/enrolments/?session={tomorrow.pk}&status=waiting")) == [
        waiting.pk
    ]


# Attendance and certificates through the API


def test_attendance_and_certificates_through_the_api(api, district_admin, network):
    series = make_series(network.centre)
    session = make_session(series)
    worker = make_worker("甲")
    present = services.enrolment_create(actor=district_admin, session=session, worker=worker)
    services.enrolment_create(actor=district_admin, session=session, outside_name="乙")
    client = api(district_admin)
    response = client.post(
        f"/api/v1/training/sessions/{session.pk}/attendance/", {"present": [present.pk]}, format="json"
    )
    assert response.json() == {"attended": 1}
    response = client.post(f"/api/v1/training/series/{series.pk}/certificates/")
    assert response.status_code == 201
    assert [(c["worker"], c["attended_sessions"], c["total_sessions"]) for c in response.json()] == [
        (worker.pk, 1, 1)
    ]
    assert client.post(f"/api/v1/training/series/{series.pk}/certificates/").json() == []


# Query counts


@pytest.fixture
def busy_district(district_admin, network):
    """Three series with three sessions each, two trainers each and a few enrolments."""
    trainers = [
        Trainer.objects.create(name=f"讲师{n}", affiliation="三峡大学", affiliation_kind="university")
        for n in range(3)
    ]
    for s in range(3):
        series = make_series(network.centre, title=f"系列{s}")
        for n in range(3):
            session = make_session(series, capacity=2, topic=f"专题{s}-{n}")
            session.trainers.set(trainers[:2])
            for person in range(3):
                services.enrolment_create(actor=district_admin, session=session, outside_name=f"学员{person}")


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/api/v1/training/series/", 3),
        ("/api/v1/training/sessions/", 9),
        ("/api/v1/training/trainers/", 3),
        ("/api/v1/training/enrolments/", 27),
        ("/api/v1/training/certificates/", 0),
    ],
)
def test_list_query_count_is_bounded(
    api, district_admin, busy_district, django_assert_max_num_queries, path, count
):
    client = api(district_admin)
    with django_assert_max_num_queries(4):
        response = client.get(path)
    assert response.status_code == 200 and response.json()["count"] == count


# Concurrency (PostgreSQL)


def _run_at_once(*actions):
    barrier, errors = threading.Barrier(len(actions)), []

    def run(action):
        barrier.wait()
        try:
            action()
        except ValidationError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_many_enrolling_at_once_never_pass_the_capacity(network, district_admin):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven on PostgreSQL")
    session = make_session(make_series(network.centre), capacity=3)
    workers = [make_worker(f"学员{n}") for n in range(10)]
    errors = _run_at_once(
        *[
            lambda worker=worker: services.enrolment_create(
                actor=district_admin, session=session, worker=worker
            )
            for worker in workers
        ]
    )
    assert errors == []
    in_order = list(session.enrolments.order_by("created_at", "pk").values_list("status", flat=True))
    assert in_order == [S.CONFIRMED] * 3 + [S.WAITING] * 7


@pytest.mark.django_db(transaction=True)
def test_cancelling_and_enrolling_at_once_keeps_the_session_exactly_full(network, district_admin):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven on PostgreSQL")
    session = make_session(make_series(network.centre), capacity=2)
    held = [
        services.enrolment_create(actor=district_admin, session=session, worker=make_worker(n))
        for n in "甲乙"
    ]
    services.enrolment_create(actor=district_admin, session=session, worker=make_worker("丙"))  # waiting
    newcomers = [make_worker(f"新{n}") for n in range(4)]
    errors = _run_at_once(
        *[
            lambda enrolment=e: services.enrolment_cancel(actor=district_admin, enrolment=enrolment)
            for e in held
        ],
        *[
            lambda worker=worker: services.enrolment_create(
                actor=district_admin, session=session, worker=worker
            )
            for worker in newcomers
        ],
    )
    assert errors == []
    assert session.enrolments.filter(status=S.CONFIRMED).count() == session.capacity
    assert session.enrolments.filter(status=S.WAITING).count() == 5 - session.capacity
    # Nobody who joined later holds a place while someone who joined earlier still waits.
    in_order = list(
        session.enrolments.exclude(status=S.CANCELLED)
        .order_by("created_at", "pk")
        .values_list("status", flat=True)
    )
    assert in_order == sorted(in_order, key=lambda status: status != S.CONFIRMED)


# What schemathesis found (issue 16)


@pytest.mark.parametrize(
    "action", ["enrolments/abc/cancel", "sessions/abc/attendance", "series/abc/certificates"]
)
def test_an_id_that_is_not_a_number_is_not_found(api, district_admin, action):
    assert api(district_admin).post(f"/api/v1/training/{action}/", {}, format="json").status_code == 404


def test_an_enrolment_id_too_large_for_the_database_is_a_400_on_every_database(api, district_admin, session):
    response = api(district_admin).post(
        f"/api/v1/training/sessions/{session.pk}/attendance/", {"present": [2**64]}, format="json"
    )
    assert response.status_code == 400 and "present" in response.json()


def test_a_series_id_too_large_for_the_database_is_a_400_on_every_database(api, district_admin, session):
    response = api(district_admin).get("/api/v1/training/sessions/", {"series": 2**64})
    assert response.status_code == 400 and "series" in response.json()
