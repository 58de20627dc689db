"""PostgreSQL restarted: every connection the application held is gone. The next request must
succeed all the same, on a fresh connection.

The shared server cannot be restarted under other tests, so the test does to the application what
a restart does: it terminates the server processes of every connection to the test database but
its own, while a real gunicorn keeps persistent connections (CONN_MAX_AGE) to it.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from socialwork.roles import Role
from tests.factories import make_user
from tests.faults.conftest import dead_port
from tests.processes import test_database_url

ROOT = Path(__file__).resolve().parents[2]


def _get(base: str, path: str, session: str = "") -> int:
    request = urllib.request.Request(
        base + path, headers={"Cookie": f"sessionid={session}"} if session else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def server(tmp_path):
    port = dead_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialwork.settings.development",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": test_database_url(),
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "FIELD_DIGEST_KEYS": ",".join(settings.FIELD_DIGEST_KEYS),
        "FIELD_ENCRYPTION_SALTS": ",".join(settings.FIELD_ENCRYPTION_LEGACY_SALTS),
    }
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "socialwork.wsgi", "--workers=1",
         f"--bind=127.0.0.1:{port}", "--timeout=30"],
        cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            try:
                _get(base, "/healthz/")
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.2)
        yield base, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _health(base: str) -> dict:
    """/healthz/'s checks, whatever its status (the broker here is not the test's concern)."""
    try:
        with urllib.request.urlopen(base + "/healthz/", timeout=20) as response:
            return json.load(response)["checks"]
    except urllib.error.HTTPError as error:
        return json.load(error)["checks"]


def _terminate_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return sum(1 for (terminated,) in cursor.fetchall() if terminated)


@pytest.mark.django_db(transaction=True)
def test_the_next_request_succeeds_after_the_database_drops_every_connection(roles, network, server):
    base, log = server
    manager = make_user("manager_a", Role.STATION_MANAGER, unit=network.station_a)
    browser = Client()
    browser.force_login(manager)  # the session row is committed: the server reads it
    session = browser.cookies["sessionid"].value
    assert _get(base, "/", session) == 200, log.read_text()[-3000:]

    assert _terminate_other_connections() >= 1, "the server should hold a persistent connection"

    assert _get(base, "/", session) == 200, log.read_text()[-3000:]
    assert _get(base, "/casework/cases/", session) == 200, log.read_text()[-3000:]
    assert _health(base)["database"] == "ok"
