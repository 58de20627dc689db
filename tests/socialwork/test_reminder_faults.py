"""A reminder run survives a worker killed halfway: redelivered, it sends exactly what was missing.

A real Celery worker consumes a real Redis broker and writes to the test database. The test sends
a slow reminder run (tests/socialwork/fault_reminders.py), kills the worker with SIGKILL once part
of the notifications exist, starts a second worker, and waits for the broker to redeliver the
unacknowledged message. Each notification commits on its own with a unique key, so the rerun
must leave exactly one notification per person: none doubled, none lost.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from socialwork.celery import app
from socialwork.models import Notification
from tests.processes import test_database_url
from tests.socialwork.fault_reminders import GROUP, KIND

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = "redis://127.0.0.1:6379/7"
PEOPLE = 300
TIMEOUT = 45  # seconds for the whole dance, well above the ~15 it takes


def _redis():
    try:
        import redis

        client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1)
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means no broker to test against
        pytest.skip(f"needs Redis at {BROKER_URL}: {error}")
    return client


def _start_worker(name: str, log: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER_URL,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.socialwork.fault_worker_settings",
        "DJANGO_DEBUG": "1",
    }
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "socialwork",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        f"--hostname={name}@%h",
        "--include=tests.socialwork.fault_reminders",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def _wait_for(condition, what: str, logs: list[Path]):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    tails = "\n".join(log.read_text()[-2000:] for log in logs if log.exists())
    pytest.fail(f"timed out waiting until {what}; worker logs:\n{tails}")


@pytest.mark.django_db(transaction=True)
def test_reminder_run_killed_halfway_is_redelivered_and_sends_each_notification_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process shares the test database")
    broker = _redis()
    broker.flushdb()

    group = Group.objects.create(name=GROUP)
    User = get_user_model()
    people = User.objects.bulk_create(
        User(username=f"fault{n:03}", password="!", email="") for n in range(PEOPLE)
    )
    group.user_set.add(*people)

    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    workers: list[subprocess.Popen] = []
    eager, broker_url = app.conf.task_always_eager, app.conf.broker_url
    try:
        workers.append(_start_worker("first", logs[0]))
        app.conf.task_always_eager = False
        with app.connection_for_write(BROKER_URL) as producer_connection:
            app.send_task(
                "socialwork.tasks.reminder_task", kwargs={"kind": KIND}, connection=producer_connection
            )

        sent = Notification.objects.filter(kind=KIND)
        _wait_for(lambda: sent.count() >= 30, "the first worker has sent some notifications", logs)
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        halfway = sent.count()
        assert 30 <= halfway < PEOPLE, "the worker must die in the middle of the run"

        workers.append(_start_worker("second", logs[1]))
        _wait_for(lambda: sent.count() >= PEOPLE, "the second worker has finished the run", logs)
        # Let the second worker finish and acknowledge; nothing more may arrive.
        _wait_for(lambda: "succeeded" in logs[1].read_text(), "the redelivered run has succeeded", logs)
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker_url
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
        broker.flushdb()

    assert sent.count() == PEOPLE
    assert sent.values("user").distinct().count() == PEOPLE
    assert len(set(sent.values_list("key", flat=True))) == PEOPLE
    # The redelivered run reports only the notifications the killed one had not sent.
    assert "succeeded in" in logs[1].read_text()
    assert f": {PEOPLE - halfway}\n" in logs[1].read_text()
