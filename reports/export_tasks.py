"""Exports too long to write during the request: written by a worker into the file storage, then
the person who asked is notified with the download link.

Everything of a background export is kept under its owner's id, the moment it is started too: an
empty marker file says whose the task is, so its progress is theirs alone while it runs."""

import logging
import uuid

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from socialwork import timelimits
from socialwork.exceptions import BackgroundUnavailable
from socialwork.progress import report_progress
from socialwork.services import notification_send

from . import exports

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5000


def export_path(*, user_id: int, task_id: str, fmt: str) -> str:
    """Where a background export is kept: under its owner's id, so only they can reach it."""
    return f"exports/{user_id}/{task_id}.{fmt}"


def owner_path(*, user_id: int, task_id: str) -> str:
    return f"exports/{user_id}/{task_id}.owner"


def export_start(*, user, key: str, fmt: str, query: str) -> str:
    """Start a background export for this person; its task id. The owner is recorded before the
    task is sent, so no one else reads its progress even while it waits in the queue. With the
    broker down nothing is started and `BackgroundUnavailable` says so (a 503, not a 500)."""
    task_id = str(uuid.uuid4())
    marker = default_storage.save(owner_path(user_id=user.pk, task_id=task_id), ContentFile(b""))
    try:
        export_build.apply_async((user.pk, key, fmt, query), task_id=task_id)
    except BrokerError as error:
        logger.error("Export %s could not be queued: %s", key, error)
        default_storage.delete(marker)
        raise BackgroundUnavailable from error
    return task_id


def started_by(user, task_id: str) -> bool:
    return user.is_authenticated and default_storage.exists(owner_path(user_id=user.pk, task_id=task_id))


def _counted(rows, *, task, total: int):
    """The rows as they are, reporting progress every few thousand of them."""
    for number, row in enumerate(rows):
        if number and number % PROGRESS_EVERY == 0:
            report_progress(task, current=number, total=total)
        yield row


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=timelimits.EXPORT.soft,
    time_limit=timelimits.EXPORT.hard,
)
def export_build(self, user_id: int, key: str, fmt: str, query: str) -> dict:
    """Write the export to the storage and notify its owner. Safe to run twice: the file and the
    notification are keyed by the task id."""
    user = get_user_model().objects.get(pk=user_id)
    export = exports.get(key)
    if export is None or fmt not in exports.FORMATS or not export.allowed(user):
        return {"path": "", "count": 0}
    params = QueryDict(query)
    path = export_path(user_id=user_id, task_id=self.request.id, fmt=fmt)
    with translation.override(user.language):
        queryset = export.queryset(user=user, params=params)
        count = queryset.count()
        queryset = exports.export_audit(
            export=export, user=user, queryset=queryset, count=count, fmt=fmt, params=params
        )
        report_progress(self, current=0, total=count)
        rows = _counted(exports.rows_of(export, queryset), task=self, total=count)
        if default_storage.exists(path):
            default_storage.delete(path)
        write = exports.csv_file if fmt == "csv" else exports.xlsx_file
        with write(rows, title=str(export.title)) as handle:
            default_storage.save(path, File(handle, name=path))
        notification_send(
            user=user,
            kind="export_ready",
            key=f"export:{self.request.id}",
            title=_("Your export of %(list)s is ready") % {"list": export.title},
            body=_("%(count)s rows.") % {"count": count},
            url=reverse("reports:export_download", args=[self.request.id]),
        )
    return {"path": path, "count": count}
