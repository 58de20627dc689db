"""Background exports: the worker is sent a request's id, never its filters; the results backend
keeps no task argument; an export's file and its request are deleted when it expires, and the
person is told until when it can be downloaded."""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_results.models import TaskResult

from reports import export_tasks
from reports.export_tasks import export_build, exports_expire, schedule_expiry
from reports.models import ExportRequest
from socialwork.idnumbers import check_character
from socialwork.models import AuditEntry, Notification
from tests.casework.factories import make_client

ID_NUMBER = "42050619900101123" + check_character("42050619900101123")


@pytest.fixture
def background(settings):
    settings.EXPORT_INLINE_LIMIT = 0
    settings.EXPORT_RETENTION_HOURS = 24


@pytest.fixture
def sent(monkeypatch):
    """What each export task was sent: the positional and keyword arguments of apply_async."""
    calls = []
    original = export_build.apply_async

    def spy(args=None, kwargs=None, **options):
        calls.append(
            {"args": list(args or ()), "kwargs": dict(kwargs or {}), "task_id": options.get("task_id")}
        )
        return original(args, kwargs, **options)

    monkeypatch.setattr(export_build, "apply_async", spy)
    return calls


def export_clients_by_id_number(as_user, social_worker):
    """A worker exports their clients found by a full ID number: in the background (the limit is 0)."""
    make_client(social_worker, name="王芳", id_number=ID_NUMBER)
    url = reverse("reports:export", args=["clients", "csv"]) + f"?q={ID_NUMBER}"
    page = as_user(social_worker).get(url)
    assert page.templates[0].name == "reports/export_started.html"
    return str(page.context["task"]["id"])


def test_an_id_number_typed_into_an_export_filter_reaches_neither_broker_nor_task_results(
    as_user, network, social_worker, background, sent
):
    task_id = export_clients_by_id_number(as_user, social_worker)

    # The message holds the request's id and nothing else.
    assert sent == [{"args": [task_id], "kwargs": {}, "task_id": task_id}]
    # No column of any task result holds the number (nor the filter's name).
    results = list(TaskResult.objects.values())
    assert results, "the export's result is stored for its progress"
    for row in results:
        text = json.dumps(row, default=str)
        assert ID_NUMBER not in text and "q=" not in text
        assert row["task_args"] is None and row["task_kwargs"] is None
    # The request keeps the filters, encrypted like a client's own ID number.
    request = ExportRequest.objects.get(pk=task_id)
    assert request.filters == f"q={ID_NUMBER}" and request.status == ExportRequest.Status.DONE
    with connection.cursor() as cursor:
        cursor.execute("SELECT filters FROM reports_exportrequest")
        (stored,) = cursor.fetchone()
    assert ID_NUMBER not in str(stored)
    # And the file holds the client the filter found.
    body = b"".join(as_user(social_worker).get(reverse("reports:export_download", args=[task_id])))
    assert "王芳" in body.decode("utf-8-sig")


def test_the_export_api_sends_the_worker_only_the_requests_id(api, network, social_worker, background, sent):
    make_client(social_worker, name="王芳", id_number=ID_NUMBER)
    started = api(social_worker).post(
        "/api/v1/exports/", {"key": "clients", "format": "xlsx", "filters": {"q": ID_NUMBER}}, format="json"
    )
    assert started.status_code == 202
    assert sent == [{"args": [started.data["task_id"]], "kwargs": {}, "task_id": started.data["task_id"]}]
    assert not TaskResult.objects.filter(task_args__contains=ID_NUMBER).exists()


def test_the_owner_is_told_until_when_the_export_can_be_downloaded(
    as_user, network, social_worker, background
):
    social_worker.language = "en"  # notifications are written in the recipient's language
    social_worker.save(update_fields=["language"])
    task_id = export_clients_by_id_number(as_user, social_worker)
    request = ExportRequest.objects.get(pk=task_id)
    assert request.expires_at - request.finished_at == timedelta(hours=24)
    until = f"{timezone.localtime(request.expires_at):%Y-%m-%d %H:%M}"
    notification = Notification.objects.get(user=social_worker, kind="export_ready")
    assert until in notification.body and "deleted" in notification.body
    status = as_user(social_worker).get(reverse("reports:export_status", args=[task_id])).content.decode()
    assert until in status


def test_a_download_is_an_attachment_never_stored_nor_sniffed_and_audited(
    as_user, network, social_worker, background
):
    social_worker.language = "en"  # notifications are written in the recipient's language
    social_worker.save(update_fields=["language"])
    task_id = export_clients_by_id_number(as_user, social_worker)
    response = as_user(social_worker).get(reverse("reports:export_download", args=[task_id]))
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert "filename*=UTF-8''Clients-" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="export.download")
    assert entry.target_id == task_id and entry.changes["list"] == "clients"
    assert ID_NUMBER not in json.dumps(entry.changes)


def test_in_production_the_web_server_sends_the_file(as_user, network, social_worker, background, settings):
    settings.FILES_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    task_id = export_clients_by_id_number(as_user, social_worker)
    response = as_user(social_worker).get(reverse("reports:export_download", args=[task_id]))
    name = ExportRequest.objects.get(pk=task_id).file.name
    assert response["X-Accel-Redirect"] == f"/protected-media/{name}"
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]


def test_an_expired_export_is_refused_then_deleted_with_its_request(
    as_user, network, social_worker, background
):
    social_worker.language = "en"  # notifications are written in the recipient's language
    social_worker.save(update_fields=["language"])
    task_id = export_clients_by_id_number(as_user, social_worker)
    request = ExportRequest.objects.get(pk=task_id)
    name = request.file.name
    download = reverse("reports:export_download", args=[task_id])
    ExportRequest.objects.filter(pk=task_id).update(expires_at=timezone.now() - timedelta(minutes=1))

    refused = as_user(social_worker).get(download)
    assert refused.status_code == 410
    assert "has been deleted" in refused.content.decode()
    assert (
        "Deleted"
        in as_user(social_worker).get(reverse("reports:export_status", args=[task_id])).content.decode()
    )

    assert exports_expire() == 1
    assert not default_storage.exists(name)
    assert not ExportRequest.objects.filter(pk=task_id).exists()
    assert not TaskResult.objects.filter(task_id=task_id).exists()
    assert Notification.objects.get(user=social_worker, kind="export_ready").url == ""
    assert as_user(social_worker).get(download).status_code == 404


def test_exports_are_kept_until_their_time(as_user, network, social_worker, background):
    task_id = export_clients_by_id_number(as_user, social_worker)
    assert exports_expire(now=timezone.now() + timedelta(hours=23)) == 0
    assert as_user(social_worker).get(reverse("reports:export_download", args=[task_id])).status_code == 200
    assert exports_expire(now=timezone.now() + timedelta(hours=25)) == 1


def test_a_request_never_written_goes_after_the_retention(network, social_worker, background, monkeypatch):
    monkeypatch.setattr(export_build, "apply_async", lambda *args, **kwargs: None)  # the broker lost it
    task_id = export_tasks.export_start(user=social_worker, key="clients", fmt="csv", query=f"q={ID_NUMBER}")
    assert exports_expire(now=timezone.now() + timedelta(hours=23)) == 0
    assert exports_expire(now=timezone.now() + timedelta(hours=25)) == 1
    assert not ExportRequest.objects.filter(pk=task_id).exists()


def test_files_left_in_the_exports_folder_without_a_request_are_deleted(db, background):
    old = default_storage.save("exports/7/0b1e.csv", ContentFile(f"王芳,{ID_NUMBER}"))
    marker = default_storage.save("exports/7/0b1e.owner", ContentFile(b""))
    exports_expire(now=timezone.now() + timedelta(hours=1))
    assert default_storage.exists(old)  # not yet as old as the retention
    exports_expire(now=timezone.now() + timedelta(hours=25))
    assert not default_storage.exists(old) and not default_storage.exists(marker)


def test_the_expiry_runs_from_the_database_beat_schedule(db):
    task = PeriodicTask.objects.get(name=export_tasks.EXPIRY_TASK_NAME)  # made by post_migrate
    assert task.task == "reports.export_tasks.export_expire" and task.enabled
    assert task.crontab.minute == "*/15"
    schedule_expiry()
    assert PeriodicTask.objects.filter(name=export_tasks.EXPIRY_TASK_NAME).count() == 1


def test_no_task_is_sent_a_personal_argument():
    """Every task of the project takes ids, a month, a year or a kind, never a name, a number or a
    list's filters: the results backend keeps no argument, and the broker holds what is sent. (A
    backup's name is its time, socialwork-20261206T023000Z.)"""
    from socialwork.celery import app

    allowed = {
        "report_id", "request_id", "snapshot_id", "user_id", "year", "town_id", "language", "kind",
        "notification_id", "month", "actor_id", "backup_name", "run_id", "dossier_id", "region_id",
    }  # fmt: skip
    import inspect

    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert ours
    for task in ours:
        parameters = set(inspect.signature(task.run).parameters) - {"self"}
        assert parameters <= allowed, (task.name, parameters - allowed)
    assert app.conf.result_extended is False


def test_an_export_id_that_is_no_uuid_is_404_not_an_error(api, social_worker):
    response = api(social_worker).get("/api/v1/exports/" + "-" * 36 + "/")
    assert response.status_code == 404
