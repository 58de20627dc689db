"""The broker down (issue 16, finding 13): an export that must be written in the background says
503 with Retry-After, on the API and the page, instead of a 500; a notification's email is kept
in the database's outbox and sent once the outbox task runs, so an outage delays it, never loses
it."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from socialwork.models import Notification
from socialwork.roles import Role
from socialwork.services import notification_send
from socialwork.tasks import notification_outbox_drain
from tests.casework.factories import make_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def district(roles, network):
    return make_user("district", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district)


def test_the_export_api_answers_503_with_retry_after_when_the_broker_is_down(
    district, redis_down, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    api = APIClient()
    api.force_authenticate(district)
    response = api.post("/api/v1/exports/", {"key": "positions", "format": "csv"}, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "background service is unavailable" in response.json()["detail"]
    assert not any(path.is_file() for path in tmp_path.rglob("*")), "nothing was started"


def test_the_export_page_answers_503_with_retry_after_when_the_broker_is_down(
    district, redis_down, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EXPORT_INLINE_LIMIT = -1  # every list is "too long": written in the background
    browser = APIClient()
    browser.force_login(district)
    response = browser.get(reverse("reports:export", kwargs={"key": "positions", "fmt": "csv"}))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "background service is unavailable" in response.content.decode()


def test_emails_of_notifications_made_while_the_broker_is_down_are_sent_by_the_outbox(
    roles, network, redis_down, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    manager = make_user("manager_a", Role.STATION_MANAGER, unit=network.station_a)
    supervisor = make_user("supervisor", Role.SUPERVISOR, unit=network.centre, email="s@example.com")
    make_case(manager, supervisor=supervisor)
    notification = Notification.objects.get(user=supervisor)
    assert mail.outbox == [] and notification.emailed_at is None, "nothing could be queued"

    # The outbox task (beat, every minute) needs only the database and the mail server.
    assert notification_outbox_drain.apply().get() == 1
    assert [message.to for message in mail.outbox] == [["s@example.com"]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification_outbox_drain.apply().get() == 0, "sent once, however often the outbox runs"
    assert len(mail.outbox) == 1


def test_the_outbox_sends_only_what_was_wanted_by_email(roles, network, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    wanted = make_user("wanted", email="w@example.com")
    unwanted = make_user("unwanted", email="u@example.com")
    Notification.objects.create(user=wanted, kind="test", key="a", title="A", email_wanted=True)
    Notification.objects.create(user=unwanted, kind="test", key="b", title="B", email_wanted=False)
    assert notification_outbox_drain.apply().get() == 1
    assert [message.to for message in mail.outbox] == [["w@example.com"]]


def test_two_outbox_runs_at_once_send_each_email_once(roles, network, settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks that skip are PostgreSQL's; SQLite runs one writer at a time")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    person = make_user("person", email="p@example.com")
    for number in range(40):
        Notification.objects.create(user=person, kind="test", key=f"k{number}", title="T", email_wanted=True)
    barrier = threading.Barrier(2)
    counts = []

    def drain():
        barrier.wait()
        try:
            counts.append(notification_outbox_drain.apply().get())
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 40 and len(mail.outbox) == 40
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_a_notification_sent_again_leaves_its_email_to_the_outbox(roles, network, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    person = make_user("person", email="p@example.com")
    assert notification_send(user=person, kind="test", key="once", title="T")
    assert notification_send(user=person, kind="test", key="once", title="T") is None
    # Tests run tasks inline: the fast path has emailed it; the outbox finds nothing more.
    assert len(mail.outbox) == 1 and notification_outbox_drain.apply().get() == 0


def test_the_outbox_runs_every_minute_from_the_database_schedule(db):
    task = PeriodicTask.objects.get(task="socialwork.tasks.notification_outbox_drain")
    assert (task.crontab.minute, task.crontab.hour) == ("*", "*")
