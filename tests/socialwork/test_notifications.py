import threading
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from socialwork import reminders
from socialwork.models import Notification, NotificationPreference
from socialwork.reminders import Reminder, reminder, reminder_run
from socialwork.services import notification_email_send, notification_send
from tests.factories import make_user


@pytest.fixture
def person(db):
    return make_user("lin", email="lin@example.com")


@pytest.fixture
def due_reminder(person):
    """A reminder kind that reminds `person` of two items each day."""
    reminder("test_due", label="Things due")(
        lambda day: [Reminder(user=person, item=f"thing:{n}", title=f"Thing {n} is due") for n in (1, 2)]
    )
    yield "test_due"
    reminders.REGISTRY.pop("test_due")


def test_sending_the_same_key_twice_notifies_once(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(user=person, kind="test", key="k1", title="Hello")
        second = notification_send(user=person, kind="test", key="k1", title="Hello")
    assert first is not None and second is None
    assert Notification.objects.filter(user=person).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lin@example.com"]


def test_a_rerun_queues_the_email_a_dead_worker_never_queued(person, django_capture_on_commit_callbacks):
    # The first run saved the notification, then died before its email was queued.
    notification_send(user=person, kind="test", key="k2", title="Hello")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_send(user=person, kind="test", key="k2", title="Hello") is None
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(user=person, kind="test", key="k2", title="Hello")
    assert len(mail.outbox) == 1  # emailed once, however often it is run


def test_reminder_runs_twice_a_day_but_notifies_once_per_item(person, due_reminder):
    assert reminder_run(kind=due_reminder, day=date(2026, 11, 24)) == 2
    assert reminder_run(kind=due_reminder, day=date(2026, 11, 24)) == 0
    assert Notification.objects.filter(user=person).count() == 2
    # The next day is a new reminder.
    assert reminder_run(kind=due_reminder, day=date(2026, 11, 25)) == 2


def test_a_once_reminder_is_sent_once_for_good_not_once_a_day(person):
    reminder("test_once", label="x")(
        lambda day: [Reminder(user=person, item="event:1", title="Soon", once=True)]
    )
    try:
        assert reminder_run(kind="test_once", day=date(2026, 11, 24)) == 1
        assert reminder_run(kind="test_once", day=date(2026, 11, 25)) == 0
    finally:
        reminders.REGISTRY.pop("test_once")


def test_person_who_turned_email_off_gets_only_the_inbox(
    person, due_reminder, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=person, kind=due_reminder, in_app=True, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        reminder_run(kind=due_reminder, day=date(2026, 11, 24))
    assert Notification.objects.filter(user=person, in_app=True).count() == 2
    assert mail.outbox == []


def test_person_who_turned_the_inbox_off_gets_only_email(
    client, person, due_reminder, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=person, kind=due_reminder, in_app=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        reminder_run(kind=due_reminder, day=date(2026, 11, 24))
    assert len(mail.outbox) == 2
    client.force_login(person)
    assert client.get(reverse("inbox")).context["notifications"].count() == 0


def test_email_task_is_safe_to_run_twice(person):
    notification = Notification.objects.create(user=person, kind="test", key="k2", title="Once")
    assert notification_email_send(notification_id=notification.pk) is True
    assert notification_email_send(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_unread_count_in_the_header_and_marking_read(client, person):
    for n in range(3):
        Notification.objects.create(user=person, kind="test", key=f"u{n}", title=f"Note {n}")
    client.force_login(person)
    assert client.get(reverse("home")).context["unread_count"] == 3
    first = Notification.objects.filter(user=person).first()
    response = client.post(reverse("inbox_read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="notification-{first.pk}"' in response.content.decode()
    assert client.get(reverse("home")).context["unread_count"] == 2
    client.post(reverse("inbox_read_all"))
    assert client.get(reverse("home")).context["unread_count"] == 0


def test_inbox_shows_only_ones_own_notifications(client, person, django_assert_max_num_queries):
    other = make_user("zhao")
    Notification.objects.create(user=other, kind="test", key="o1", title="Not for Lin")
    Notification.objects.create(user=person, kind="test", key="p1", title="For Lin")
    client.force_login(person)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("inbox")).content.decode()
    assert "For Lin" in page and "Not for Lin" not in page
    other_note = Notification.objects.get(user=other)
    client.post(reverse("inbox_read", args=[other_note.pk]))
    other_note.refresh_from_db()
    assert other_note.read_at is None


def test_preferences_page_saves_the_choices(client, person, due_reminder):
    client.force_login(person)
    response = client.post(
        reverse("notification_preferences"), {f"{due_reminder}__in_app": "on"}
    )  # email left unticked
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=person, kind=due_reminder)
    assert (preference.in_app, preference.email) == (True, False)


def test_what_i_receive_lists_every_kind_a_person_can_be_sent(client, person, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    client.force_login(person)
    page = client.get(reverse("notification_preferences")).content.decode()
    for label in (
        "我的导出文件已可下载",
        "有培训名额空出给我",
        "申请查阅个案",
        "我的密码被重置",
        "我的个案：分派、服务计划、结案和转案",
    ):
        assert label in page
    assert 'name="export_ready__email"' in page and 'name="casework_access_grant__in_app"' in page


def test_a_kind_nobody_declared_is_refused_before_anyone_receives_it(person):
    with pytest.raises(ImproperlyConfigured):
        notification_send(user=person, kind="undeclared", key="k", title="Hello")
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_each_reminder_kind_has_a_schedule_in_the_database_that_the_admin_can_change():
    task = PeriodicTask.objects.get(name="reminder: network_coverage_gaps")
    assert task.task == "socialwork.tasks.reminder_task" and task.crontab.day_of_week == "1"
    task.crontab.hour = "7"
    task.crontab.save()
    reminders.sync_reminder_schedules()
    assert PeriodicTask.objects.get(name="reminder: network_coverage_gaps").crontab.hour == "7"


def test_coverage_reminder_tells_district_admins_of_the_gaps(district_admin, network):
    assert reminder_run(kind="network_coverage_gaps", day=date(2026, 11, 23)) == 1
    notification = Notification.objects.get(user=district_admin)
    assert notification.title == "1个镇（街道）未设服务站，2个社区（村）未设服务室"
    assert "丙乡" in notification.body


def test_notification_is_written_in_the_recipients_language(person):
    person.language = "en"
    person.save()
    reminder("test_lang", label="x")(lambda day: [Reminder(user=person, item="1", title=_lazy_title())])
    try:
        reminder_run(kind="test_lang", day=date(2026, 11, 24))
    finally:
        reminders.REGISTRY.pop("test_lang")
    assert Notification.objects.get(user=person).title == "Service network"


def _lazy_title():
    from django.utils.translation import gettext_lazy

    return gettext_lazy("Service network")


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_reminder_at_once_leave_one(person):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL")
    barrier = threading.Barrier(2)
    results = []

    def send():
        barrier.wait()
        results.append(notification_send(user=person, kind="test", key="race", title="Once"))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Notification.objects.filter(key="race").count() == 1
    assert sum(result is not None for result in results) == 1
