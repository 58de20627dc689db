import uuid

import pytest
from django.urls import reverse

from socialwork.celery import app
from tests.factories import make_user


@pytest.fixture
def person_client(client, db):
    client.force_login(make_user("lin"))
    return client


def test_a_page_reads_a_tasks_stored_progress(person_client):
    task_id = str(uuid.uuid4())
    app.backend.store_result(task_id, {"current": 3, "total": 12}, "PROGRESS")
    body = person_client.get(reverse("task_progress", args=[task_id])).json()
    assert (body["state"], body["percent"], body["ready"]) == ("PROGRESS", 25, False)


def test_htmx_progress_bar_keeps_polling_until_done(person_client):
    task_id = str(uuid.uuid4())
    url = reverse("task_progress", args=[task_id])
    app.backend.store_result(task_id, {"current": 1, "total": 2}, "PROGRESS")
    running = person_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="50"' in running and "hx-trigger" in running
    app.backend.store_result(task_id, {"rows": 2}, "SUCCESS")
    done = person_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="100"' in done and "hx-trigger" not in done


def test_progress_needs_a_login(client, db):
    response = client.get(reverse("task_progress", args=[uuid.uuid4()]))
    assert response.status_code == 302
