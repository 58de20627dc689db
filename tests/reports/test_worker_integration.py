"""The annual report end to end with a real Celery worker: the page sends the task through Redis,
a worker process builds the files into a shared media folder, and the page serves them."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from positions.models import Region, ServiceUnit
from reports.models import AnnualReport
from socialwork.celery import app
from socialwork.roles import Role
from tests.factories import make_region, make_unit, make_user
from tests.processes import reset_broker_connections, test_database_url

BROKER_URL = "redis://127.0.0.1:6379/5"
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {BROKER_URL}: {error}")
    return client


@pytest.fixture
def real_celery(settings, tmp_path):
    """Send tasks through Redis instead of running them inline, and share MEDIA_ROOT with the worker."""
    _redis_or_skip().delete("celery")  # no message left over from an earlier run
    # Read what to restore before any setting changes: Celery loads its conf from the settings lazily.
    saved = app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery derives broker_write_url from the broker it started with: both must point at the
    # worker's broker.
    app.conf.task_always_eager = False
    app.conf.broker_url = app.conf.broker_write_url = BROKER_URL
    reset_broker_connections()
    yield media
    app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url = saved
    reset_broker_connections()


@pytest.fixture
def worker(real_celery, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialwork.settings.development",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "MEDIA_ROOT": str(real_celery),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "socialwork", "worker", "--pool=solo", "-Q", "celery",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_annual_report_the_page_started(worker, tmp_path):
    # A transactional test starts after a flush: its own small district.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    district = make_region("集成区", Region.Level.DISTRICT)
    town = make_region("集成镇", Region.Level.TOWN, district)
    centre = make_unit("集成中心", ServiceUnit.Level.CENTRE, None, district)
    make_unit("集成站", ServiceUnit.Level.STATION, centre, town)
    admin = make_user("integration", Role.DISTRICT_ADMIN, unit=centre, region=district)
    client = Client()
    client.force_login(admin)

    response = client.post("/reports/annual/", {"year": date.today().year - 1})
    assert response.status_code == 302
    report = AnnualReport.objects.get()

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and not report.is_finished:
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        time.sleep(0.5)
        report.refresh_from_db()
    log = (tmp_path / "worker.log").read_text()
    assert report.status == AnnualReport.Status.DONE, f"{report.status} {report.error}\n{log[-3000:]}"
    assert f"reports.tasks.annual_report_generate[{report.task_id}] succeeded" in log

    page = client.get(response["Location"]).content.decode()
    assert f"/reports/annual/{report.pk}/xlsx/" in page
    download = client.get(f"/reports/annual/{report.pk}/xlsx/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")
    progress = client.get(f"/tasks/{report.task_id}/").json()
    assert progress["state"] == "SUCCESS" and progress["percent"] == 100
