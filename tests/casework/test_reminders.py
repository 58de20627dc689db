from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from casework import services
from casework.models import Case, CaseworkPolicy, Client
from casework.tasks import PURGE_TASK_NAME, purge_removed_clients, schedule_purge
from socialwork.models import AuditEntry, Notification
from socialwork.reminders import REGISTRY, reminder_run
from tests.casework.factories import make_case, make_client

TODAY = timezone.localdate()


def titles(user, kind) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind=kind).order_by("pk").values_list("title", flat=True)
    )


@pytest.fixture
def case(social_worker, supervisor):
    client = make_client(social_worker, name="叶先生")
    return make_case(
        social_worker, client=client, supervisor=supervisor, intake_on=TODAY - timedelta(days=60)
    )


def test_casework_reminder_kinds_are_registered():
    assert {"casework_follow_ups_due", "casework_quiet_cases", "casework_unassigned_high_risk"} <= set(
        REGISTRY
    )


def test_worker_hears_of_follow_ups_due_or_overdue_once_a_day(
    case, social_worker, supervisor, station_manager, colleague
):
    kind = "casework_follow_ups_due"
    overdue = services.follow_up_schedule(
        actor=social_worker, case=case, due_on=TODAY - timedelta(days=3), purpose="回访叶先生"
    )
    services.follow_up_schedule(actor=social_worker, case=case, due_on=TODAY, purpose="电话")
    services.follow_up_schedule(
        actor=social_worker, case=case, due_on=TODAY + timedelta(days=1), purpose="以后"
    )
    done = services.follow_up_schedule(actor=social_worker, case=case, due_on=TODAY, purpose="已完成")
    services.follow_up_done(actor=social_worker, follow_up=done, done_on=TODAY, result="好")

    assert reminder_run(kind=kind, day=TODAY) == 2
    assert reminder_run(kind=kind, day=TODAY) == 0
    sent = titles(social_worker, kind)
    assert len(sent) == 2 and all(case.number in title for title in sent)
    assert not any("叶" in title for title in sent)
    for person in (supervisor, station_manager, colleague):
        assert titles(person, kind) == []
    services.follow_up_done(actor=social_worker, follow_up=overdue, done_on=TODAY, result="好")
    assert reminder_run(kind=kind, day=TODAY + timedelta(days=1)) == 2  # the second, and the one due then


def test_quiet_open_cases_reach_the_worker_and_the_station_manager(
    case, social_worker, supervisor, station_manager, other_station_manager
):
    kind = "casework_quiet_cases"
    busy = make_case(social_worker, intake_on=TODAY - timedelta(days=60))
    services.note_add(actor=social_worker, case=busy, noted_on=TODAY - timedelta(days=5), method="phone", minutes=5,
                      content="电话")  # fmt: skip
    closed = make_case(social_worker, intake_on=TODAY - timedelta(days=90))
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    fresh = make_case(social_worker, intake_on=TODAY - timedelta(days=10))

    assert reminder_run(kind=kind, day=TODAY) == 2
    assert reminder_run(kind=kind, day=TODAY) == 0
    for person in (social_worker, station_manager):
        sent = titles(person, kind)
        assert len(sent) == 1 and case.number in sent[0] and "60" in sent[0]
    assert titles(supervisor, kind) == [] and titles(other_station_manager, kind) == []
    assert not Notification.objects.filter(title__contains=busy.number).exists()
    assert not Notification.objects.filter(title__contains=closed.number).exists()
    assert not Notification.objects.filter(title__contains=fresh.number).exists()


def test_quiet_case_days_follow_the_district_policy(case, social_worker, station_manager):
    CaseworkPolicy.objects.update_or_create(region=None, defaults={"quiet_case_days": 90})
    assert reminder_run(kind="casework_quiet_cases", day=TODAY) == 0
    assert reminder_run(kind="casework_quiet_cases", day=TODAY + timedelta(days=30)) == 2


def test_unassigned_high_risk_case_reaches_its_station_managers_daily(
    station_manager, other_station_manager, social_worker, supervisor
):
    kind = "casework_unassigned_high_risk"
    client = make_client(station_manager, name="陈女士")
    unassigned = make_case(station_manager, client=client, risk_level="high")
    make_case(station_manager, risk_level="medium")
    make_case(social_worker, risk_level="high")  # has a worker

    assert reminder_run(kind=kind, day=TODAY) == 1
    assert reminder_run(kind=kind, day=TODAY) == 0
    sent = titles(station_manager, kind)
    assert len(sent) == 1 and unassigned.number in sent[0] and "陈" not in sent[0]
    assert titles(other_station_manager, kind) == [] and titles(social_worker, kind) == []
    assert reminder_run(kind=kind, day=TODAY + timedelta(days=1)) == 1
    services.case_assign(actor=station_manager, case=unassigned, worker=social_worker, supervisor=supervisor)
    assert reminder_run(kind=kind, day=TODAY + timedelta(days=2)) == 0


# The purge of removed clients


def _removed(client: Client, days_ago: int) -> None:
    Client.objects.filter(pk=client.pk).update(removed_at=timezone.now() - timedelta(days=days_ago))


def test_purge_erases_only_clients_past_retention_and_is_safe_to_run_twice(social_worker, supervisor):
    retention = CaseworkPolicy.at(None).retention_days
    old = make_client(social_worker)
    old_case = make_case(social_worker, client=old, supervisor=supervisor)
    recent = make_client(social_worker)
    kept = make_client(social_worker)
    _removed(old, retention + 2)
    Case.objects.filter(pk=old_case.pk).update(removed_at=timezone.now())
    _removed(recent, retention - 2)

    assert purge_removed_clients.delay().get() == 1
    assert purge_removed_clients.delay().get() == 0
    assert set(Client.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}
    assert not Case.objects.filter(pk=old_case.pk).exists()
    assert AuditEntry.objects.filter(action="client.erase", target_id=str(old.pk)).count() == 1


def test_purge_is_scheduled_nightly_once_and_an_edited_schedule_stays(db):
    PeriodicTask.objects.filter(name=PURGE_TASK_NAME).delete()
    schedule_purge()
    schedule_purge()
    task = PeriodicTask.objects.get(name=PURGE_TASK_NAME)
    assert task.task == "casework.tasks.purge_removed_clients" and task.crontab.hour == "2"
    PeriodicTask.objects.filter(pk=task.pk).update(enabled=False)
    schedule_purge()
    assert PeriodicTask.objects.get(name=PURGE_TASK_NAME).enabled is False


def test_a_case_whose_last_note_is_exactly_the_policys_days_old_is_quiet_on_every_door(
    as_user, case, social_worker
):
    """One rule of a quiet case (casework.selectors.case_quiet): the Monday reminder and the flag
    on My cases agree on its edge. The page once flagged a case only a day later than the
    reminder told of it."""
    days = CaseworkPolicy.at(None).quiet_case_days
    services.note_add(actor=social_worker, case=case, noted_on=TODAY - timedelta(days=days), method="phone",
                      minutes=5, content="电话")  # fmt: skip
    assert reminder_run(kind="casework_quiet_cases", day=TODAY) >= 1
    [row] = as_user(social_worker).get("/casework/").context["cases"]
    assert row["case"] == case and row["quiet"] is True
    services.note_add(actor=social_worker, case=case, noted_on=TODAY - timedelta(days=days - 1), method="phone",
                      minutes=5, content="电话")  # fmt: skip
    [row] = as_user(social_worker).get("/casework/").context["cases"]
    assert row["quiet"] is False
