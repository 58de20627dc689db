"""Intake is not a search of the district (issue 16, finding 6). Asking whether an ID number is
on record elsewhere answered `known_elsewhere: true` for anyone, as often as one liked, and the
probe client could be removed at once. Every look-up is now an audit row, a person makes a
limited number an hour (429 in the API, a form error on the page), and a burst or a
register-then-remove is reported to the district administrators once a day."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Client
from socialwork.idnumbers import check_character
from socialwork.models import AuditEntry, Notification
from tests.casework.factories import category, make_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_limits(settings):
    """The defaults of socialwork/settings/base.py (the test settings raise them for fixtures)."""
    settings.CASEWORK_DUPLICATE_CHECKS_PER_HOUR = 60
    settings.CASEWORK_DUPLICATE_CHECK_BURST = 30
    settings.CASEWORK_DUPLICATE_CHECK_BURST_MINUTES = 10


def id_number(n: int) -> str:
    first17 = f"42050619800101{n:03d}"
    return first17 + check_character(first17)


def body(network, n: int) -> dict:
    return {
        "name": f"邬{n}",
        "community": network.community_a.pk,
        "id_number": id_number(n),
        "consents_to_data_processing": True,
    }


def checks(user):
    return AuditEntry.objects.filter(actor=user, action="client.duplicate_check")


def test_each_look_up_is_audited_with_who_and_why_and_no_id_number(api, social_worker, other_worker, network):
    make_client(other_worker, name="他站案主", id_number=id_number(1), birth_date=None)
    response = api(social_worker).post("/api/v1/clients/", body(network, 1), format="json")
    assert response.status_code == 201 and response.json()["known_elsewhere"] is True
    row = checks(social_worker).get()
    assert row.changes["purpose"] == "intake" and row.changes["known_elsewhere"] is True
    assert row.target_id == str(social_worker.pk)
    written = f"{row.summary} {row.changes}"
    assert id_number(1) not in written and id_number(1)[-6:] not in written and "邬" not in written


def test_past_the_hourly_limit_the_api_answers_429_and_registers_nobody(
    api, settings, monkeypatch, social_worker, network, district_admin
):
    settings.CASEWORK_DUPLICATE_CHECKS_PER_HOUR = 3
    settings.CASEWORK_DUPLICATE_CHECK_BURST = 100
    worker = api(social_worker)
    for n in range(3):
        assert worker.post("/api/v1/clients/", body(network, n), format="json").status_code == 201
    response = worker.post("/api/v1/clients/", body(network, 9), format="json")
    assert response.status_code == 429
    assert "the most look-ups of people on record allowed in an hour (3)" in response.json()["detail"]
    assert Client.objects.count() == 3 and checks(social_worker).count() == 3
    # Reaching the limit is reported to the district, once.
    assert Notification.objects.filter(user=district_admin, kind="casework_intake_probe").count() == 1
    # An hour on, the person may look up again (the audit log is append-only: move the clock).
    later = timezone.now() + timedelta(minutes=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert worker.post("/api/v1/clients/", body(network, 9), format="json").status_code == 201


def intake_form(network, n: int) -> dict:
    return {
        "intake-client": "",
        "client-name": "李奶奶",
        "client-gender": "",  # the ID number's
        "client-birth_date": "",
        "client-id_number": id_number(n),
        "client-community": network.community_a.pk,
        "client-consents_to_services": "on",
        "client-consents_to_data_processing": "on",
        "household-TOTAL_FORMS": "0",
        "household-INITIAL_FORMS": "0",
        "case-intake_on": timezone.localdate().isoformat(),
        "case-source": "walk_in",
        "case-presenting_problem": "独居",
        "case-risk_level": "medium",
        "case-category": category("elderly_alone").pk,
    }


def test_a_registration_through_the_intake_page_is_one_look_up(as_user, social_worker, network):
    response = as_user(social_worker).post(reverse("casework:case_open"), intake_form(network, 7))
    assert response.status_code == 302 and Client.objects.count() == 1
    assert checks(social_worker).count() == 1


def test_past_the_limit_the_intake_page_shows_a_form_error(as_user, settings, social_worker, network):
    settings.CASEWORK_DUPLICATE_CHECKS_PER_HOUR = 1
    services.client_duplicate_check(actor=social_worker, id_number=id_number(0))
    response = as_user(social_worker).post(reverse("casework:case_open"), intake_form(network, 7))
    assert response.status_code == 400
    assert "the most look-ups of people on record allowed in an hour (1)" in " ".join(
        response.context["client_form"].non_field_errors()
    )
    assert not Client.objects.exists()


def test_a_burst_of_look_ups_is_reported_to_the_district_once_a_day(
    api, settings, social_worker, network, district_admin, district_admin2, station_manager
):
    settings.CASEWORK_DUPLICATE_CHECK_BURST = 3
    worker = api(social_worker)
    for n in range(6):
        assert worker.post("/api/v1/clients/", body(network, n), format="json").status_code == 201
    told = Notification.objects.filter(kind="casework_intake_probe")
    assert sorted(told.values_list("user", flat=True)) == sorted([district_admin.pk, district_admin2.pk])
    assert all("邬" not in n.title + n.body and id_number(0) not in n.body for n in told)
    report = AuditEntry.objects.get(action="client.probe_report")
    assert report.actor == social_worker and report.changes["why"] == "burst"


def test_a_client_registered_and_removed_at_once_is_reported(api, social_worker, network, district_admin):
    worker = api(social_worker)
    response = worker.post("/api/v1/clients/", body(network, 5), format="json")
    pk = response.json()["id"]
    assert worker.post(f"/api/v1/clients/{pk}/remove/", {"reason": "录错"}).status_code == 204
    notification = Notification.objects.get(user=district_admin, kind="casework_intake_probe")
    assert "registered a client and removed them at once" in notification.title
    assert AuditEntry.objects.get(action="client.probe_report").changes["why"] == "remove"


def test_a_worker_registering_clients_through_the_day_is_never_stopped_nor_reported(
    api, social_worker, network
):
    """Ten clients within an hour (two look-ups each through the page, one through the API) stay
    well inside the defaults."""
    worker = api(social_worker)
    for n in range(10):
        services.client_duplicate_check(actor=social_worker, id_number=id_number(n))
        assert worker.post("/api/v1/clients/", body(network, n), format="json").status_code == 201
    assert not Notification.objects.filter(kind="casework_intake_probe").exists()
    assert not AuditEntry.objects.filter(action="client.probe_report").exists()
