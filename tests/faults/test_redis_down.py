"""Redis stopped: the cache and the broker are both unreachable. Pages still work (the cache reads
as empty, sessions live in the database), a write that queues background work keeps the write,
and /healthz/ says which parts are down."""

import logging
import os
import subprocess
import sys
import time
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import Case
from positions.models import AllowanceRoll
from reports.models import AnnualReport
from socialwork.models import Notification
from socialwork.roles import Role
from tests.casework.factories import make_case
from tests.factories import make_device, make_user, pass_second_factor

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_names_the_cache_and_the_broker_when_redis_is_down(redis_down, client):
    started = time.monotonic()
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["cache", "broker"]
    assert body["checks"]["database"] == "ok"
    assert time.monotonic() - started < 10, "a dead Redis must not hang the health check"


def test_pages_and_logins_keep_working_when_redis_is_down(roles, network, redis_down):
    manager = make_user("manager_a", Role.STATION_MANAGER, unit=network.station_a, password="pass-word-42")
    district = make_user("district", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district)
    case = make_case(manager)
    browser = Client()
    assert browser.get(reverse("login")).status_code == 200
    make_device(manager)
    response = browser.post(reverse("login"), {"username": "manager_a", "password": "pass-word-42"})
    assert response.status_code == 302, "logging in needs only the database"
    assert pass_second_factor(browser, manager).status_code == 302, "and so does the second factor"
    for url in ("/", reverse("casework:case_list"), case.get_absolute_url(), "/healthz/"):
        response = browser.get(url)
        assert response.status_code == (503 if url == "/healthz/" else 200), url
    # The dashboard's figures cannot be queued for a worker: the page computes them itself.
    dashboard = Client()
    dashboard.force_login(district)
    for _ in range(2):
        page = dashboard.get(reverse("reports:dashboard"))
        html = page.content.decode()
        assert (
            page.status_code == 200
            and 'class="card dashboard-chapter"' in html
            and "being computed" not in html
        )


def test_a_write_that_queues_work_keeps_the_write_when_the_broker_is_down(roles, network, redis_down, caplog):
    district = make_user("district", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district)
    browser = Client()
    browser.force_login(district)
    with caplog.at_level(logging.ERROR):
        response = browser.post(reverse("reports:annual_list"), {"year": date.today().year - 1})
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert report.status == AnnualReport.Status.FAILED, "never queued, it must not wait forever"
    assert "Could not be queued" in report.error
    assert "could not be queued" in caplog.text
    page = browser.get(response["Location"])
    assert page.status_code == 200 and report.error in page.content.decode()


def test_generating_an_allowance_roll_says_the_work_could_not_be_queued_when_the_broker_is_down(
    roles, network, redis_down
):
    district = make_user("district", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district)
    browser = Client()
    browser.force_login(district)
    response = browser.post(reverse("positions:allowance_rolls"), {"month": "2025-03"})
    # Nothing was written to keep; the page says so rather than promise a roll that never comes.
    assert response.status_code == 200
    assert "background service is unavailable" in response.content.decode()
    assert not AllowanceRoll.objects.exists()


def test_a_case_whose_supervisor_is_notified_opens_when_the_broker_is_down(
    roles, network, redis_down, caplog
):
    manager = make_user("manager_a", Role.STATION_MANAGER, unit=network.station_a)
    supervisor = make_user("supervisor", Role.SUPERVISOR, unit=network.centre, email="s@example.com")
    with caplog.at_level(logging.ERROR):
        case = make_case(manager, supervisor=supervisor)
    assert Case.objects.filter(pk=case.pk).exists()
    # The in-app notification stands; only its email could not be queued, and that is logged.
    assert Notification.objects.filter(user=supervisor, key__contains=str(case.pk)).exists()
    assert "_email_later" in caplog.text and "in on_commit()" in caplog.text


def test_a_redis_cache_url_gets_the_tolerant_backend_with_short_timeouts():
    code = "from django.conf import settings; print(settings.CACHES['default'])"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialwork.settings.development",
        "CACHE_URL": "redis://127.0.0.1:6379/9",
    }
    output = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environment, capture_output=True, text=True, check=True, timeout=30,
    ).stdout  # fmt: skip
    assert "socialwork.cache.TolerantRedisCache" in output
    assert "'socket_connect_timeout': 1" in output
