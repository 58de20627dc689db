"""A worker killed mid-task (issue 16, finding 12): its task runs again soon, not after an hour.

Redis hands an unacknowledged message to another worker after the broker's visibility timeout,
which the settings draw from every task's time limits (socialwork/timelimits.py). A real worker
is killed with SIGKILL in the middle of a task and a second one finishes it within the (here
shortened) timeout. What a killed worker leaves behind in the database, an annual report or an
allowance roll generation still "running", is recovered by periodic tasks in the beat schedule.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from celery import states
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_results.models import TaskResult

from positions.models import AllowanceRoll, AllowanceRollRun
from positions.tasks import allowance_roll_runs_recover
from reports.models import AnnualReport
from reports.tasks import annual_reports_recover
from socialwork import timelimits
from socialwork.celery import app
from socialwork.roles import Role
from tests.factories import make_user
from tests.faults.worker_killed_settings import VISIBILITY_TIMEOUT
from tests.processes import reset_broker_connections, test_database_url

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = "redis://127.0.0.1:6379/6"
# Starting a worker takes a few seconds on a busy machine; the redelivery itself must come within
# the visibility timeout and the restore interval after the second worker is up.
START = 30


def test_the_visibility_timeout_outlasts_every_task_and_is_far_below_an_hour():
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert len(ours) >= 8
    for name, task in ours.items():
        hard = task.time_limit or app.conf.task_time_limit
        assert hard and hard < timelimits.VISIBILITY_TIMEOUT, f"{name} may outlive the visibility timeout"
        assert task.acks_late and task.reject_on_worker_lost, f"{name} is lost with its worker"
    assert timelimits.VISIBILITY_TIMEOUT <= 35 * 60
    code = "from django.conf import settings; print(settings.CELERY_BROKER_TRANSPORT_OPTIONS)"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialwork.settings.development",
        "CELERY_BROKER_URL": BROKER_URL,
    }
    output = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True, timeout=30,
    ).stdout  # fmt: skip
    assert f"'visibility_timeout': {timelimits.VISIBILITY_TIMEOUT}" in output


def _redis():
    import redis

    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"needs Redis at {BROKER_URL}: {error}")
    return client


def _start_worker(name: str, log: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER_URL,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_killed_settings",
        "DJANGO_DEBUG": "1",
    }
    command = [
        str(Path(sys.executable).parent / "celery"), "-A", "socialwork", "worker", "--pool=solo",
        "--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle",
        f"--hostname={name}@%h", "--include=tests.faults.blocking_tasks",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def _wait_for(condition, what: str, logs: list[Path], timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    tails = "\n".join(log.read_text()[-2000:] for log in logs if log.exists())
    pytest.fail(f"timed out waiting until {what}; worker logs:\n{tails}")


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_is_killed_is_redelivered_to_another_and_completes(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker processes share the test database")
    broker = _redis()
    broker.flushdb()
    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    started, finished = tmp_path / "started", tmp_path / "finished"
    workers: list[subprocess.Popen] = []
    task_id = str(uuid.uuid4())
    try:
        workers.append(_start_worker("first", logs[0]))
        with app.connection_for_write(BROKER_URL) as producer:
            app.send_task(
                "tests.faults.block_once", args=[str(tmp_path)], task_id=task_id, connection=producer
            )
        _wait_for(started.exists, "the first worker runs the task", logs, START)
        assert TaskResult.objects.get(task_id=task_id).status == states.STARTED
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)

        workers.append(_start_worker("second", logs[1]))
        waited = _wait_for(finished.exists, "the second worker finishes the task", logs, START)
        # Within the visibility timeout (from the kill, so also from the second worker's start),
        # plus the second worker's start-up and one restore interval.
        assert waited < VISIBILITY_TIMEOUT + 20
        _wait_for(
            lambda: TaskResult.objects.filter(task_id=task_id, status=states.SUCCESS).exists(),
            "the redelivered task is recorded as succeeded",
            logs,
            START,
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
        broker.flushdb()
        reset_broker_connections()
    assert finished.read_text() == str(workers[1].pid)
    assert "tests.faults.block_once" in logs[1].read_text() and "succeeded" in logs[1].read_text()


# Recovery of the status rows a killed worker leaves "running"


@pytest.fixture
def district(network):
    return make_user("district", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district)


def _running_report(district, *, started_ago: timedelta, attempts: int = 1) -> AnnualReport:
    report = AnnualReport.objects.create(
        year=date.today().year - 1,
        requested_by=district,
        scope_region=district.region,
        task_id=str(uuid.uuid4()),
    )
    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReport.Status.RUNNING, started_at=timezone.now() - started_ago, attempts=attempts
    )
    return report


def test_an_annual_report_left_running_by_a_killed_worker_is_built_again(
    district, client, django_capture_on_commit_callbacks
):
    hard = timedelta(seconds=timelimits.ANNUAL_REPORT.hard)
    stale = _running_report(district, started_ago=hard + timedelta(minutes=1))
    young = _running_report(district, started_ago=hard - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert annual_reports_recover.delay().get() == 1
    stale.refresh_from_db()
    young.refresh_from_db()
    assert young.status == AnnualReport.Status.RUNNING, "a build within its time limit may be alive"
    assert stale.status == AnnualReport.Status.QUEUED
    client.force_login(district)
    page = client.get(stale.get_absolute_url()).content.decode()
    assert "it was queued again" in page

    for callback in callbacks:  # the same task id is sent again; tests run it inline
        callback()
    stale.refresh_from_db()
    assert (stale.status, stale.error, stale.attempts) == (AnnualReport.Status.DONE, "", 2)


def test_an_annual_report_cut_off_three_times_is_failed_with_its_reason(district, client):
    report = _running_report(district, started_ago=timedelta(hours=1), attempts=3)
    annual_reports_recover.delay()
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.FAILED and report.finished_at
    client.force_login(district)
    assert "stopped 3 times" in client.get(report.get_absolute_url()).content.decode()


def _stale_generation(*, month: date, actor, status: str = "PROGRESS") -> TaskResult:
    """What a generation leaves when its worker dies mid-run: its request, and its row in the
    results backend (which keeps no task arguments) still saying it runs."""
    run = AllowanceRollRun.objects.create(id=uuid.uuid4(), month=month, requested_by=actor)
    too_long_ago = timezone.now() - timedelta(seconds=timelimits.ALLOWANCE_ROLL.hard + 60)
    AllowanceRollRun.objects.filter(pk=run.pk).update(created_at=too_long_ago)
    return TaskResult.objects.create(task_id=str(run.id), status=status, date_started=too_long_ago)


def test_an_allowance_roll_left_running_by_a_killed_worker_is_generated_again(
    district, client, django_capture_on_commit_callbacks
):
    run = _stale_generation(month=date(2025, 3, 1), actor=district)
    client.force_login(district)
    with django_capture_on_commit_callbacks(execute=True):
        assert allowance_roll_runs_recover.delay().get() == 1
    roll = AllowanceRoll.objects.get(month=date(2025, 3, 1))
    assert roll.generated_at is not None
    state = client.get(reverse("task_progress", args=[run.task_id])).json()
    assert state["state"] == states.SUCCESS and state["percent"] == 100
    assert allowance_roll_runs_recover.delay().get() == 0, "recovered once"


def test_a_task_of_another_kind_left_running_is_not_taken_for_a_generation(db):
    TaskResult.objects.create(
        task_id=str(uuid.uuid4()),
        status=states.STARTED,
        date_started=timezone.now() - timedelta(seconds=timelimits.ALLOWANCE_ROLL.hard + 60),
    )
    assert allowance_roll_runs_recover.delay().get() == 0


def test_an_allowance_roll_generation_that_cannot_be_sent_again_shows_failed(
    district, client, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError as BrokerError

    from positions.tasks import allowance_roll_generate_task

    def broker_down(*args, **kwargs):
        raise BrokerError("broker down")

    run = _stale_generation(month=date(2025, 3, 1), actor=district, status=states.STARTED)
    monkeypatch.setattr(allowance_roll_generate_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        assert allowance_roll_runs_recover.delay().get() == 1
    client.force_login(district)
    query = f"?task={run.task_id}&month=2025-03"
    page = client.get(reverse("positions:allowance_rolls") + query).content.decode()
    assert 'data-state="failed"' in page
    assert "could not be generated" in page
    assert client.get(reverse("task_progress", args=[run.task_id])).json()["failed"] is True


def test_the_recoveries_are_in_the_database_beat_schedule(db):
    scheduled = dict(PeriodicTask.objects.values_list("task", "crontab__minute"))
    assert scheduled["reports.tasks.annual_reports_recover"] == "*/5"
    assert scheduled["positions.tasks.allowance_roll_runs_recover"] == "*/5"
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
