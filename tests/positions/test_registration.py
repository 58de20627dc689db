"""Registration by the national rules (issue 21, point 5): three-year periods, renewal from three
months before expiry with the continuing-education hours the policy table requires, the hours
ledger per period, outside training with its certificate, and the reminders at 6, 3 and 1 months."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from positions.models import (
    CertificateLevel,
    OutsideTraining,
    RegistrationHoursPolicy,
    ServiceUnit,
    SocialWorker,
)
from positions.reminders import registration_hours_short, registration_renewal_open
from positions.selectors import registration as selectors
from positions.services import registration as services
from positions.services.workforce import worker_save
from socialwork.idnumbers import gender
from socialwork.models import AuditEntry, Notification
from socialwork.reminders import reminder_run
from tests.positions.test_workforce import valid_id
from training.models import Enrolment, TrainingSeries, TrainingSession

L = CertificateLevel
TODAY = date(2026, 12, 6)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def policy(db):
    """The national figures, as migration 0013 seeds them (a transactional test may have flushed them)."""
    services.registration_hours_defaults()


def make_worker(name="张敏", unit=None, level=L.ASSISTANT, **fields) -> SocialWorker:
    number = valid_id()
    return SocialWorker.objects.create(
        name=name,
        gender=gender(number),
        id_number=number,
        employer_unit=unit,
        certificate_level=level,
        **fields,
    )


def certificate(name="证书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def registered(name="张敏", unit=None, level=L.ASSISTANT, *, ends_on, actor=None, user=None) -> SocialWorker:
    """A worker whose latest period ends on `ends_on`, through the worker service."""
    worker = make_worker(name, unit=unit, level=level, user=user)
    starts_on = ends_on - timedelta(days=3 * 365)
    return worker_save(
        actor=actor, worker=worker, registration_number=f"DJ-{worker.pk}", registered_on=starts_on,
        registration_valid_until=ends_on,
    )  # fmt: skip


def attended(worker, day: date, hours="6.0", unit=None) -> Enrolment:
    unit = unit or ServiceUnit.objects.first()
    series, _made = TrainingSeries.objects.get_or_create(
        title="继续教育", category="continuing_education", year=day.year, unit=unit
    )
    at = timezone.make_aware(datetime.combine(day, time(9)))
    session = TrainingSession.objects.create(
        series=series, topic=f"课程{day}", starts_at=at, ends_at=at + timedelta(hours=3), venue="中心",
        host_unit=unit, capacity=10, credit_hours=Decimal(hours),
    )  # fmt: skip
    return Enrolment.objects.create(
        session=session, worker=worker, status="confirmed", attended=True, hours_credited=Decimal(hours)
    )


def outside(worker, actor, day: date, hours="10.0") -> OutsideTraining:
    return services.outside_training_record(
        actor=actor, worker=worker, title="省级培训", organizer="省民政厅", held_on=day, hours=Decimal(hours),
        certificate=certificate(),
    )  # fmt: skip


# The period and the policy table


def test_the_policy_table_is_seeded_with_the_national_figures(db):
    assert dict(RegistrationHoursPolicy.objects.values_list("level", "hours")) == {
        "assistant": Decimal(72), "social_worker": Decimal(90), "senior": Decimal(90),
    }  # fmt: skip


def test_a_registration_without_an_end_is_valid_three_years(network, station_manager):
    worker = make_worker(unit=network.room_a)
    worker = worker_save(
        actor=station_manager, worker=worker, registration_number="DJ1", registered_on=date(2025, 3, 1)
    )
    period = worker.registration_periods.get()
    assert (period.starts_on, period.ends_on) == (date(2025, 3, 1), date(2028, 2, 29))
    worker.refresh_from_db()
    assert worker.registration_valid_until == date(2028, 2, 29)
    assert AuditEntry.objects.filter(action="registration_period.create", target_id=str(period.pk)).exists()


def test_the_worker_form_changing_the_end_changes_the_latest_period(network, station_manager):
    worker = registered(unit=network.room_a, ends_on=date(2027, 5, 31), actor=station_manager)
    worker_save(actor=station_manager, worker=worker, registration_valid_until=date(2027, 6, 30))
    assert list(worker.registration_periods.values_list("ends_on", flat=True)) == [date(2027, 6, 30)]


# Renewal


def test_renewal_before_the_window_says_when_it_opens(network, station_manager):
    worker = registered(unit=network.room_a, ends_on=TODAY + timedelta(days=120), actor=station_manager)
    with pytest.raises(ValidationError) as error:
        services.registration_renew(actor=station_manager, worker=worker, today=TODAY)
    opens = selectors.renewal_opens_on(worker.registration_periods.get())
    assert f"{opens:%Y-%m-%d}" in error.value.messages[0]
    assert "three months" in error.value.messages[0]


def test_renewal_refused_when_short_gives_the_figures(network, station_manager):
    worker = registered(unit=network.room_a, ends_on=TODAY + timedelta(days=60), actor=station_manager)
    attended(worker, TODAY - timedelta(days=100), "30.0", unit=network.station_a)
    with pytest.raises(ValidationError) as error:
        services.registration_renew(actor=station_manager, worker=worker, today=TODAY)
    assert error.value.messages == [
        "30 of the 72 continuing-education hours this period requires are recorded: 42 hours are missing."
    ]
    assert worker.registration_periods.count() == 1


@pytest.mark.parametrize(("level", "needed"), [(L.ASSISTANT, 72), (L.SOCIAL_WORKER, 90), (L.SENIOR, 90)])
def test_the_hours_required_follow_the_certificate_level(network, station_manager, level, needed):
    worker = registered(
        unit=network.room_a, level=level, ends_on=TODAY + timedelta(days=30), actor=station_manager
    )
    outside(worker, station_manager, TODAY - timedelta(days=10), str(needed - 1))
    assert selectors.renewal_status(worker=worker, today=TODAY).ledger.short == 1
    outside(worker, station_manager, TODAY - timedelta(days=9), "1")
    assert selectors.renewal_status(worker=worker, today=TODAY).possible


def test_the_district_changes_the_figure_in_the_policy_table(network, station_manager):
    RegistrationHoursPolicy.objects.filter(level=L.ASSISTANT).update(hours=40)
    worker = registered(unit=network.room_a, ends_on=TODAY + timedelta(days=30), actor=station_manager)
    outside(worker, station_manager, TODAY - timedelta(days=10), "40")
    assert selectors.renewal_status(worker=worker, today=TODAY).possible


def test_renewal_makes_the_next_three_year_period_audited_and_told(network, station_manager, social_worker):
    worker = registered(
        unit=network.room_a, ends_on=TODAY + timedelta(days=30), actor=station_manager, user=social_worker
    )
    outside(worker, station_manager, TODAY - timedelta(days=10), "72")
    old = worker.registration_periods.get()
    with django_capture_on_commit():
        period = services.registration_renew(actor=station_manager, worker=worker, today=TODAY)
    assert period.renewed_from == old
    assert period.starts_on == old.ends_on + timedelta(days=1)
    assert period.ends_on == date(
        period.starts_on.year + 3, period.starts_on.month, period.starts_on.day
    ) - timedelta(days=1)
    worker.refresh_from_db()
    assert (worker.registration_number, worker.registration_valid_until) == (old.number, period.ends_on)
    entry = AuditEntry.objects.get(action="registration.renew")
    assert entry.changes["hours"] == ["72.0", "72.0"]
    assert Notification.objects.filter(user=social_worker, kind="registration_renewed").exists()
    with pytest.raises(ValidationError):  # the new period's renewal is three years away
        services.registration_renew(actor=station_manager, worker=worker, today=TODAY)


def test_renewal_after_expiry_is_refused(network, station_manager):
    worker = registered(unit=network.room_a, ends_on=TODAY - timedelta(days=1), actor=station_manager)
    with pytest.raises(ValidationError, match="expired"):
        services.registration_renew(actor=station_manager, worker=worker, today=TODAY)


def test_other_station_and_the_worker_cannot_renew(
    network, station_manager, other_station_manager, social_worker
):
    worker = registered(
        unit=network.room_a, ends_on=TODAY + timedelta(days=30), actor=station_manager, user=social_worker
    )
    for person in (other_station_manager, social_worker):
        with pytest.raises(ValidationError, match="may not renew"):
            services.registration_renew(actor=person, worker=worker, today=TODAY)


# The ledger


def test_the_ledger_counts_hours_within_the_period_boundaries(network, station_manager):
    worker = registered(unit=network.room_a, ends_on=date(2027, 5, 31), actor=station_manager)
    period = worker.registration_periods.get()
    attended(worker, period.starts_on - timedelta(days=1), "5", unit=network.station_a)  # before
    attended(worker, period.starts_on, "6", unit=network.station_a)  # first day
    attended(worker, period.ends_on, "7", unit=network.station_a)  # last day (in the future: still counted)
    outside(worker, station_manager, period.starts_on + timedelta(days=40), "3")
    Enrolment.objects.create(
        session=TrainingSession.objects.first(),
        worker=make_worker("缺席", network.room_a),
        status="confirmed",
        attended=False,
    )
    ledger = selectors.period_ledger(period)
    assert [line.hours for line in ledger.lines] == [Decimal(6), Decimal(3), Decimal(7)]
    assert ledger.total == 16
    assert [line.kind for line in ledger.lines] == ["session", "outside", "session"]
    assert ledger.lines[0].url == ledger.lines[0].record.get_absolute_url()


def test_a_workers_own_hours_count_once_checked(network, station_manager, social_worker):
    worker = registered(
        unit=network.room_a, ends_on=TODAY + timedelta(days=30), actor=station_manager, user=social_worker
    )
    with django_capture_on_commit():
        record = outside(worker, social_worker, TODAY - timedelta(days=3), "8")
    assert not record.is_checked
    assert Notification.objects.filter(user=station_manager, kind="outside_training_recorded").exists()
    ledger = selectors.period_ledger(worker.registration_periods.get())
    assert (ledger.total, ledger.pending) == (0, 8)
    services.outside_training_check(actor=station_manager, record=record)
    assert selectors.period_ledger(worker.registration_periods.get()).total == 8


def test_outside_hours_need_a_certificate(network, station_manager):
    worker = registered(unit=network.room_a, ends_on=TODAY + timedelta(days=30), actor=station_manager)
    with pytest.raises(ValidationError) as error:
        services.outside_training_record(
            actor=station_manager, worker=worker, title="培训", organizer="省厅", held_on=TODAY, hours=Decimal(4),
            certificate=None,
        )  # fmt: skip
    assert "certificate" in error.value.message_dict


# Reminders


@pytest.mark.parametrize(
    ("days_before", "point"), [(200, None), (182, 6), (120, 6), (91, 6), (89, 3), (60, 3), (30, 1), (1, 1)]
)
def test_the_reminder_point_follows_the_months_left(network, station_manager, days_before, point):
    worker = registered(
        unit=network.room_a, ends_on=TODAY + timedelta(days=days_before), actor=station_manager
    )
    items = {r.item for r in registration_hours_short(TODAY)}
    period = worker.registration_periods.get()
    assert items == ({f"registration:{period.pk}:{point}"} if point else set())


def test_reminders_go_to_worker_and_manager_once_at_each_point(network, station_manager, social_worker):
    ends_on = TODAY + timedelta(days=200)
    registered(unit=network.room_a, ends_on=ends_on, actor=station_manager, user=social_worker)
    sent = {}
    day = TODAY
    while day <= ends_on:
        sent[day] = reminder_run(kind="registration_hours_short", day=day)
        day += timedelta(days=1)
    assert sum(sent.values()) == 6  # three points, two people
    titles = Notification.objects.filter(kind="registration_hours_short").values_list(
        "user__username", flat=True
    )
    assert sorted(titles) == ["manager_a"] * 3 + ["worker_a"] * 3


def test_no_reminder_when_the_hours_suffice_but_renewal_opens(network, station_manager):
    worker = registered(unit=network.room_a, ends_on=TODAY + timedelta(days=60), actor=station_manager)
    outside(worker, station_manager, TODAY - timedelta(days=5), "72")
    assert list(registration_hours_short(TODAY)) == []
    assert [r.user for r in registration_renewal_open(TODAY)] == [station_manager]


def test_reminders_cost_few_queries_whatever_the_number(
    network, station_manager, django_assert_max_num_queries
):
    for n in range(5):
        registered(
            f"社工{n}", unit=network.room_a, ends_on=TODAY + timedelta(days=30 + n), actor=station_manager
        )
    # 7: the hours each level owes are the workers' districts' (the rule table, then the workers'
    # regions), one query each whatever the number
    with django_assert_max_num_queries(7):
        assert len(list(registration_hours_short(TODAY))) == 5


# Pages and API


def test_the_worker_page_shows_each_period_ledger(
    network, station_manager, as_user, django_assert_max_num_queries
):
    worker = registered(
        unit=network.room_a, ends_on=timezone.localdate() + timedelta(days=60), actor=station_manager
    )
    attended(worker, timezone.localdate() - timedelta(days=30), "6", unit=network.station_a)
    outside(worker, station_manager, timezone.localdate() - timedelta(days=10), "4")
    client = as_user(station_manager)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("positions:worker_detail", args=[worker.pk]))
    html = page.content.decode()
    assert 'id="registration"' in html
    ledger = page.context["ledgers"][0]
    assert (ledger.total, ledger.required, ledger.short) == (10, 72, 62)
    assert reverse("positions:outside_training_certificate", args=[OutsideTraining.objects.get().pk]) in html
    assert "62 hours are missing" in html


def test_the_station_manager_records_outside_hours_on_the_page(network, station_manager, as_user):
    worker = registered(unit=network.room_a, ends_on=TODAY + timedelta(days=60), actor=station_manager)
    client = as_user(station_manager)
    url = reverse("positions:outside_training_create", args=[worker.pk])
    data = {"title": "督导研修", "organizer": "华中师大", "held_on": "2026-10-01", "hours": "12"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "certificate" in refused.context["form"].errors
    done = client.post(url, {**data, "certificate": certificate()})
    assert done.status_code == 302
    record = OutsideTraining.objects.get()
    assert record.is_checked and record.recorded_by == station_manager
    download = client.get(reverse("positions:outside_training_certificate", args=[record.pk]))
    assert download.status_code == 200
    assert AuditEntry.objects.filter(action="outside_training.download").exists()


def test_other_people_cannot_reach_the_pages(network, station_manager, other_station_manager, as_user):
    worker = registered(unit=network.room_a, ends_on=TODAY + timedelta(days=60), actor=station_manager)
    record = outside(worker, station_manager, TODAY - timedelta(days=3))
    client = as_user(other_station_manager)
    for url in (
        reverse("positions:outside_training_create", args=[worker.pk]),
        reverse("positions:registration_renew", args=[worker.pk]),
        reverse("positions:outside_training_certificate", args=[record.pk]),
    ):
        assert client.get(url).status_code == 404


def test_the_renew_page_says_why_not_and_renews_when_it_can(network, station_manager, as_user):
    today = timezone.localdate()
    worker = registered(unit=network.room_a, ends_on=today + timedelta(days=40), actor=station_manager)
    client = as_user(station_manager)
    url = reverse("positions:registration_renew", args=[worker.pk])
    page = client.get(url)
    assert "72 hours are missing" in page.content.decode()
    outside(worker, station_manager, today - timedelta(days=3), "72")
    assert client.post(url, {"number": "DJ-NEW"}).status_code == 302
    worker.refresh_from_db()
    assert worker.registration_number == "DJ-NEW"
    assert worker.registration_periods.count() == 2


def test_the_api_lists_periods_with_hours_and_renews(
    network, station_manager, api, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(3):
        registered(f"社工{n}", unit=network.room_a, ends_on=today + timedelta(days=40), actor=station_manager)
    worker = SocialWorker.objects.get(name="社工0")
    client = api(station_manager)
    with django_assert_max_num_queries(12):
        rows = client.get("/api/v1/registration-periods/").json()["results"]
    assert [row["short"] for row in rows] == ["72.0"] * 3
    period = worker.registration_periods.get()
    refused = client.post(f"/api/v1/registration-periods/{period.pk}/renew/", {}, format="json")
    assert refused.status_code == 400
    assert "72 hours are missing" in str(refused.json())
    created = client.post(
        "/api/v1/outside-training/",
        {"worker": worker.pk, "title": "培训", "organizer": "省厅", "held_on": str(today), "hours": "72",
         "certificate": certificate()},
        format="multipart",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    renewed = client.post(f"/api/v1/registration-periods/{period.pk}/renew/", {}, format="json")
    assert renewed.status_code == 201
    assert renewed.json()["renewed_from"] == period.pk


def test_the_worker_list_filters_expiring_and_short(
    network, station_manager, as_user, django_assert_max_num_queries
):
    today = timezone.localdate()
    short = registered(
        "缺学时", unit=network.room_a, ends_on=today + timedelta(days=50), actor=station_manager
    )
    enough = registered(
        "学时够", unit=network.room_a, ends_on=today + timedelta(days=50), actor=station_manager
    )
    outside(enough, station_manager, today - timedelta(days=3), "72")
    registered("还早", unit=network.room_a, ends_on=today + timedelta(days=400), actor=station_manager)
    client = as_user(station_manager)
    url = reverse("positions:worker_list")
    with django_assert_max_num_queries(20):
        page = client.get(url, {"expires_within": 3, "hours_short": "true"})
    assert [w.name for w in page.context["page"]] == [short.name]
    page = client.get(url, {"expires_within": 3})
    assert sorted(w.name for w in page.context["page"]) == sorted([short.name, enough.name])


def django_capture_on_commit():
    """Run on_commit callbacks at once (the tests run inside a transaction)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_the_worker_records_their_own_hours_and_the_manager_checks_them(
    network, station_manager, social_worker, as_user
):
    worker = registered(
        unit=network.room_a, ends_on=TODAY + timedelta(days=60), actor=station_manager, user=social_worker
    )
    mine = as_user(social_worker)
    page = mine.get(reverse("positions:worker_detail", args=[worker.pk]))
    assert page.context["may_record_hours"] and not page.context["may_renew"]
    assert mine.get(reverse("positions:registration_renew", args=[worker.pk])).status_code == 403
    done = mine.post(
        reverse("positions:outside_training_create", args=[worker.pk]),
        {"title": "网络课程", "organizer": "省社工联合会", "held_on": "2026-11-01", "hours": "8", "certificate": certificate()},
    )  # fmt: skip
    assert done.status_code == 302
    record = OutsideTraining.objects.get()
    assert not record.is_checked
    assert mine.post(reverse("positions:outside_training_check", args=[record.pk])).status_code == 403
    record.refresh_from_db()
    assert not record.is_checked  # a worker does not check their own hours
    as_user(station_manager).post(reverse("positions:outside_training_check", args=[record.pk]))
    record.refresh_from_db()
    assert record.checked_by == station_manager


def test_a_photo_of_the_certificate_is_taken_and_a_file_only_named_like_one_is_not(
    network, station_manager, as_user
):
    worker = registered(unit=network.room_a, ends_on=TODAY + timedelta(days=60), actor=station_manager)
    client = as_user(station_manager)
    url = reverse("positions:outside_training_create", args=[worker.pk])
    data = {"title": "督导研修", "organizer": "华中师大", "held_on": "2026-10-01", "hours": "12"}
    fake = SimpleUploadedFile("证书.jpg", b"<html><script>alert(1)</script>", content_type="image/jpeg")
    refused = client.post(url, {**data, "certificate": fake})
    assert refused.status_code == 200 and "certificate" in refused.context["form"].errors
    photo = SimpleUploadedFile(
        "证书.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, content_type="image/jpeg"
    )
    assert client.post(url, {**data, "certificate": photo}).status_code == 302
    assert OutsideTraining.objects.get().certificate.name.endswith(".jpg")
