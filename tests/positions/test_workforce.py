import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from positions.models import Appointment, CertificateLevel, HostInstitution, Position, SocialWorker
from positions.services import workforce as services
from socialwork.idnumbers import check_character, mask, validate_id_number
from socialwork.models import AuditEntry

C, M, L = Position.Category, Position.SetupMode, CertificateLevel
_serial = iter(range(1, 10_000))


def valid_id(n: int | None = None) -> str:
    first17 = f"42050619900101{(n or next(_serial)) % 1000:03d}"
    return first17 + check_character(first17)


def make_position(unit, code=None, quota=1, category=C.GRID, **fields) -> Position:
    return Position.objects.create(
        code=code or f"P-{next(_serial)}", title=fields.pop("title", "网格社工"), unit=unit,
        host=HostInstitution.objects.get_or_create(name="民政")[0], category=category, setup_mode=M.CONTRACT, quota=quota,
        **fields,
    )  # fmt: skip


def make_worker(name="张敏", unit=None, level=L.ASSISTANT, **fields) -> SocialWorker:
    return SocialWorker.objects.create(
        name=name,
        gender="female",
        id_number=fields.pop("id_number", None) or valid_id(),
        employer_unit=unit,
        certificate_level=level,
        **fields,
    )


# ID numbers (GB 11643)


def test_a_real_id_number_passes_the_check():
    validate_id_number("11010519491231002X")  # the standard's own example


@pytest.mark.parametrize(
    ("value", "code"),
    [("110105194912310021", "check_digit"), ("11010519491331002X", "birth_date"), ("1101051949", "format")],
)
def test_a_wrong_id_number_is_refused_with_the_reason(value, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == code


def test_id_numbers_are_masked():
    assert mask("11010519491231002X") == "110105********002X"


# Appointments and the quota


def test_appointing_fills_the_post_and_is_audited(district_admin, network):
    position = make_position(network.posts_a[0])
    worker = make_worker(unit=network.room_a)
    appointment = services.appointment_create(
        actor=district_admin, worker=worker, position=position, starts_on=date(2026, 1, 1)
    )
    assert appointment.is_active
    assert AuditEntry.objects.filter(action="appointment.create", target_id=str(appointment.pk)).exists()


def test_a_full_post_refuses_another_appointment_with_a_clear_message(district_admin, network):
    position = make_position(network.posts_a[0], quota=1)
    services.appointment_create(
        actor=district_admin, worker=make_worker(), position=position, starts_on=date(2026, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        services.appointment_create(
            actor=district_admin, worker=make_worker("李强"), position=position, starts_on=date(2026, 1, 2)
        )
    assert "full" in str(error.value)


def test_ending_and_transferring_keep_the_history(district_admin, network):
    first, second = make_position(network.posts_a[0]), make_position(network.posts_a[1])
    worker = make_worker()
    appointment = services.appointment_create(
        actor=district_admin, worker=worker, position=first, starts_on=date(2026, 1, 1)
    )
    moved = services.appointment_transfer(
        actor=district_admin, appointment=appointment, to_position=second, on=date(2026, 6, 1)
    )
    appointment.refresh_from_db()
    assert appointment.ends_on == date(2026, 6, 1) and moved.position == second and moved.is_active
    assert list(worker.appointments.order_by("starts_on").values_list("position__code", flat=True)) == [
        first.code, second.code,
    ]  # fmt: skip


def test_transfer_into_a_full_post_changes_nothing(district_admin, network):
    first, full = make_position(network.posts_a[0]), make_position(network.posts_a[1])
    services.appointment_create(
        actor=district_admin, worker=make_worker(), position=full, starts_on=date(2026, 1, 1)
    )
    appointment = services.appointment_create(
        actor=district_admin, worker=make_worker("王芳"), position=first, starts_on=date(2026, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.appointment_transfer(
            actor=district_admin, appointment=appointment, to_position=full, on=date(2026, 6, 1)
        )
    appointment.refresh_from_db()
    assert appointment.ends_on is None  # the end was rolled back with the failed appointment


@pytest.mark.django_db(transaction=True)
def test_two_staff_appointing_to_the_last_place_at_once_leave_the_quota_intact(network, district_admin):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven on PostgreSQL")
    position = make_position(network.posts_a[0], quota=1)
    workers = [make_worker("甲"), make_worker("乙")]
    barrier, outcomes = threading.Barrier(2), []

    def appoint(worker):
        barrier.wait()
        try:
            services.appointment_create(
                actor=district_admin, worker=worker, position=position, starts_on=date(2026, 1, 1)
            )
            outcomes.append("appointed")
        except ValidationError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=appoint, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Appointment.objects.filter(position=position, ends_on__isnull=True).count() == 1
    assert sorted(outcome == "appointed" for outcome in outcomes) == [False, True]
    assert any("full" in outcome for outcome in outcomes)


def test_station_manager_cannot_appoint_in_another_station(station_manager, network):
    position = make_position(network.post_b)
    with pytest.raises(ValidationError):
        services.appointment_create(
            actor=station_manager, worker=make_worker(), position=position, starts_on=date(2026, 1, 1)
        )


def test_quota_cannot_drop_below_the_people_holding_the_post(district_admin, network):
    position = make_position(network.posts_a[0], quota=2)
    for name in ("甲", "乙"):
        services.appointment_create(
            actor=district_admin, worker=make_worker(name), position=position, starts_on=date(2026, 1, 1)
        )
    with pytest.raises(ValidationError) as error:
        services.position_save(actor=district_admin, position=position, quota=1)
    assert "quota" in error.value.message_dict


def test_setting_up_a_position_through_the_service_is_audited(district_admin, network):
    position = services.position_save(
        actor=district_admin, code="P-NEW", title="新岗", unit=network.room_a,
        host=HostInstitution.objects.get(name="民政"), category=C.GRID, setup_mode=M.CONTRACT, quota=2,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="position.create", target_id=str(position.pk))
    assert entry.changes["quota"] == ["None", "2"]


# Exams


def test_passing_an_exam_raises_the_certificate(district_admin, network):
    worker = make_worker(level=L.NONE)
    services.exam_record(actor=district_admin, worker=worker, year=2015, level=L.ASSISTANT, passed=True)
    worker.refresh_from_db()
    assert (worker.certificate_level, worker.certificate_year) == (L.ASSISTANT, 2015)
    services.exam_record(actor=district_admin, worker=worker, year=2016, level=L.SOCIAL_WORKER, passed=False)
    worker.refresh_from_db()
    assert worker.certificate_level == L.ASSISTANT


def test_exam_figures_give_pass_rate_and_change_on_the_year(as_user, district_admin, network):
    for n in range(4):
        services.exam_record(
            actor=district_admin,
            worker=make_worker(level=L.NONE),
            year=2014,
            level=L.ASSISTANT,
            passed=n == 0,
        )
    for n in range(6):
        services.exam_record(
            actor=district_admin, worker=make_worker(level=L.NONE), year=2015, level=L.ASSISTANT, passed=n < 3
        )
    figures = as_user(district_admin).get(reverse("positions:exam_list")).context["figures"]
    latest = figures[0]
    assert (latest.year, latest.candidates, latest.passes, latest.rate) == (2015, 6, 3, 50.0)
    assert (latest.candidates_change, latest.passes_change) == (50.0, 200.0)


# Scoping: pages and API


def test_station_manager_sees_and_changes_only_their_stations_positions_and_workers(
    as_user, station_manager, network
):
    mine, theirs = (
        make_position(network.posts_a[0], title="甲岗"),
        make_position(network.post_b, title="乙岗"),
    )
    my_worker, their_worker = (
        make_worker("甲工", unit=network.room_a),
        make_worker("乙工", unit=network.room_b),
    )
    client = as_user(station_manager)
    page = client.get(reverse("positions:position_list")).content.decode()
    assert "甲岗" in page and "乙岗" not in page
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(their_worker.get_absolute_url()).status_code == 404
    assert client.get(my_worker.get_absolute_url()).status_code == 200
    assert client.get(reverse("positions:position_update", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("positions:position_update", args=[mine.pk])).status_code == 200
    api = APIClient()
    api.force_authenticate(station_manager)
    assert {p["title"] for p in api.get("/api/v1/positions/").json()["results"]} == {"甲岗"}
    assert api.get(f"/api/v1/workers/{their_worker.pk}/").status_code == 404


def test_the_worker_list_offers_the_units_of_the_managers_station_only(as_user, station_manager, network):
    make_worker("甲工", unit=network.room_a)
    client = as_user(station_manager)
    offered = set(client.get(reverse("positions:worker_list")).context["filter"].form.fields["unit"].queryset)
    assert network.room_a in offered and network.room_b not in offered
    other_unit = client.get(reverse("positions:worker_list"), {"unit": network.room_b.pk})
    assert other_unit.context["filter"].errors["unit"]  # another station's unit is no choice
    api = APIClient()
    api.force_authenticate(station_manager)
    assert api.get("/api/v1/workers/", {"unit": network.room_b.pk}).status_code == 400
    assert [
        w["name"] for w in api.get("/api/v1/workers/", {"unit": network.room_a.pk}).json()["results"]
    ] == ["甲工"]


def test_the_position_list_offers_the_towns_of_the_persons_place_only(
    as_user, station_manager, district_admin, network
):
    make_position(network.posts_a[0], title="甲岗")
    url = reverse("positions:position_list")
    offered = set(as_user(station_manager).get(url).context["filter"].form.fields["town"].queryset)
    assert offered == {network.town_a}
    everywhere = set(as_user(district_admin).get(url).context["filter"].form.fields["town"].queryset)
    assert everywhere == {network.town_a, network.town_b, network.town_c}
    other_town = as_user(station_manager).get(url, {"town": network.town_b.pk})
    assert other_town.context["filter"].errors["town"]
    api = APIClient()
    api.force_authenticate(station_manager)
    assert "town" in api.get("/api/v1/positions/", {"town": network.town_b.pk}).json()
    mine = api.get("/api/v1/positions/", {"town": network.town_a.pk}).json()["results"]
    assert [p["title"] for p in mine] == ["甲岗"]


def test_social_worker_sees_their_own_profile_only(as_user, social_worker, network):
    me = make_worker("胡社工", unit=network.room_a, user=social_worker)
    colleague = make_worker("同事", unit=network.room_a)  # same room, still not theirs to read
    client = as_user(social_worker)
    assert client.get(me.get_absolute_url()).status_code == 200
    assert client.get(colleague.get_absolute_url()).status_code == 404
    api = APIClient()
    api.force_authenticate(social_worker)
    assert [w["name"] for w in api.get("/api/v1/workers/").json()["results"]] == ["胡社工"]


def test_full_id_number_only_for_those_allowed(as_user, district_admin, station_manager, network):
    worker = make_worker(unit=network.room_a)
    assert worker.id_number in as_user(district_admin).get(worker.get_absolute_url()).content.decode()
    page = as_user(station_manager).get(worker.get_absolute_url()).content.decode()
    assert worker.id_number not in page and worker.masked_id_number in page
    api = APIClient()
    api.force_authenticate(station_manager)
    assert api.get(f"/api/v1/workers/{worker.pk}/").json()["id_number"] == worker.masked_id_number


def test_worker_form_refuses_a_bad_id_number_and_saves_nothing(as_user, district_admin, network):
    response = as_user(district_admin).post(
        reverse("positions:worker_create"),
        {"name": "错号", "gender": "male", "id_number": "110105194912310021", "certificate_level": L.NONE,
         "status": "active"},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors["id_number"]
    assert not SocialWorker.objects.filter(name="错号").exists()


def test_api_appointment_past_the_quota_is_a_400_with_the_reason(district_admin, network):
    position = make_position(network.posts_a[0], quota=1)
    api = APIClient()
    api.force_authenticate(district_admin)
    first = api.post(
        "/api/v1/appointments/",
        {"worker": make_worker().pk, "position": position.pk, "starts_on": "2026-01-01"},
    )
    assert first.status_code == 201
    second = api.post(
        "/api/v1/appointments/",
        {"worker": make_worker("乙").pk, "position": position.pk, "starts_on": "2026-01-01"},
    )
    assert second.status_code == 400 and "position" in second.json()


@pytest.mark.parametrize(
    ("url", "bound"),
    [("/positions/", 14), ("/workers/", 14), ("/exams/", 14), ("/awards/", 14), ("/studios/", 14), ("/api/v1/positions/", 14),
     ("/api/v1/workers/", 14), ("/api/v1/appointments/", 14), ("/api/v1/exams/", 14),
     ("/statistics/", 18)],  # a fixed set of aggregates, whatever the number of rows
)  # fmt: skip
def test_list_query_counts_do_not_grow_with_the_rows(
    as_user, district_admin, network, url, bound, django_assert_max_num_queries
):
    for n in range(30):
        worker = make_worker(f"工{n}", unit=network.room_a)
        position = make_position(network.posts_a[n % 3], quota=2)
        services.appointment_create(
            actor=district_admin, worker=worker, position=position, starts_on=date(2026, 1, 1)
        )
        services.exam_record(
            actor=district_admin, worker=worker, year=2015, level=L.ASSISTANT, passed=n % 2 == 0
        )
    client = as_user(district_admin)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200


def test_statistics_page_counts_posts_and_certified_workers(as_user, district_admin, network):
    for n in range(3):
        position = make_position(network.posts_a[0], category=C.GRID)
        if n < 2:
            services.appointment_create(
                actor=district_admin, worker=make_worker(), position=position, starts_on=date(2026, 1, 1)
            )
    make_position(network.station_b, category=C.CORRECTION)
    make_worker(level=L.SOCIAL_WORKER)
    context = as_user(district_admin).get(reverse("positions:workforce_statistics")).context
    grid = next(row for row in context["by_category"] if row.label == str(C.GRID.label))
    assert (grid.set, grid.filled, grid.vacant) == (3, 2, 1)
    towns = {row.label: (row.set, row.filled) for row in context["by_town"]}
    assert towns["甲镇"] == (3, 2) and towns["乙街道"] == (1, 0)
    assert dict(context["certified"])[L.SOCIAL_WORKER.label] == 1


def test_awards_page_filters_by_year_and_stays_in_scope(as_user, station_manager, network):
    from positions.models import Award

    mine, theirs = make_worker("甲工", unit=network.room_a), make_worker("乙工", unit=network.room_b)
    Award.objects.create(name="优秀社工", level=Award.Level.CITY, year=2015, worker=mine)
    Award.objects.create(name="十佳社工", level=Award.Level.DISTRICT, year=2016, worker=mine)
    Award.objects.create(name="别站奖", level=Award.Level.CITY, year=2015, worker=theirs)
    page = as_user(station_manager).get(reverse("positions:award_list"), {"year": 2015}).content.decode()
    assert "优秀社工" in page and "十佳社工" not in page and "别站奖" not in page


# Appointing from the position's page: the worker is typed, not picked from thousands


def test_the_position_page_appoints_a_worker_typed_by_id_number_and_lists_no_candidates(
    as_user, station_manager, network
):
    position = make_position(network.posts_a[0], quota=2)
    worker = make_worker("叶明", unit=network.room_a)
    make_worker("陈洁", unit=network.room_a)
    browser = as_user(station_manager)
    page = browser.get(position.get_absolute_url()).content.decode()
    assert "<select" not in page.split('id="appoint-form"')[1].split("</form>")[0]
    assert "陈洁" not in page  # no list of every candidate

    response = browser.post(
        reverse("positions:appointment_create", args=[position.pk]),
        {"worker": worker.id_number.lower(), "starts_on": "2026-11-01"},
        follow=True,
    )
    assert position.appointments.get().worker == worker
    assert "叶明" in response.content.decode()


def test_an_unknown_or_out_of_reach_number_appoints_no_one_and_says_why(as_user, station_manager, network):
    position = make_position(network.posts_a[0])
    elsewhere = make_worker("乙站社工", unit=network.room_b)
    browser = as_user(station_manager)
    for typed in ("420506199001011234", elsewhere.id_number):
        response = browser.post(
            reverse("positions:appointment_create", args=[position.pk]),
            {"worker": typed, "starts_on": "2026-11-01"},
            follow=True,
        )
        assert "No social worker you can see has this ID or certificate number." in response.content.decode()
    assert not position.appointments.exists()


def test_a_holder_is_transferred_to_a_position_typed_by_its_code(as_user, district_admin, network):
    first = make_position(network.posts_a[0], code="A-001")
    make_position(network.posts_a[1], code="A-002")
    worker = make_worker("叶明", unit=network.room_a)
    appointment = services.appointment_create(
        actor=district_admin, worker=worker, position=first, starts_on=date(2026, 1, 1)
    )
    browser = as_user(district_admin)
    page = browser.get(first.get_absolute_url()).content.decode()
    assert "A-002" not in page  # no list of every vacant position on the holder's row

    refused = browser.post(
        reverse("positions:appointment_transfer", args=[appointment.pk]),
        {"to_position": "NO-SUCH", "on": "2026-06-01"},
        follow=True,
    )
    assert "No active position you can see has this code." in refused.content.decode()
    assert worker.appointments.get().position == first

    browser.post(
        reverse("positions:appointment_transfer", args=[appointment.pk]),
        {"to_position": "a-002", "on": "2026-06-01"},
    )
    assert worker.appointments.get(ends_on__isnull=True).position.code == "A-002"
