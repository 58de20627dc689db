"""Exports too long to write during the request: written by a worker into the file storage, then
the person who asked is notified with the download link and until when it holds.

The request (who, which list, the filters, the format) is an `ExportRequest` row made before the
task is sent, so its progress is its owner's alone even while it waits in the queue; the task is
sent the row's id only. A written export is deleted EXPORT_RETENTION_HOURS later, its request row
with it, by a periodic task; until then the download refuses an expired one."""

import logging

from celery import shared_task
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from reports import notifications
from reports.models import ExportRequest
from socialwork import timelimits
from socialwork.exceptions import BackgroundUnavailable
from socialwork.models import Notification
from socialwork.progress import report_progress
from socialwork.services import audit_record, notification_send
from socialwork.task_options import task_options

from . import exports

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5000
EXPORTS_FOLDER = "exports"
EXPIRY_TASK_NAME = "reports: delete expired exports"


def notification_key(request_id) -> str:
    return f"export:{request_id}"


def export_start(*, user, key: str, fmt: str, query: str) -> str:
    """Start a background export of the list `key` with the list's filters (`query`, as a query
    string) for this person; its id, which is also its task's id. The request is saved (pages
    run in autocommit) before the task is sent, so its owner alone reads its progress even while
    it waits in the queue; the task is sent its id and nothing else. With the broker down nothing
    is started, the request is removed, and `BackgroundUnavailable` says so (a 503, not a 500)."""
    request = ExportRequest.objects.create(requested_by=user, key=key, format=fmt, filters=query or None)
    task_id = str(request.pk)
    try:
        export_build.apply_async((task_id,), task_id=task_id)
    except BrokerError as error:
        logger.error("Export %s could not be queued: %s", key, error)
        request.delete()
        raise BackgroundUnavailable from error
    return task_id


def requests_of(user):
    """The background exports this person started: nobody else's, whoever they are."""
    if not user.is_authenticated:
        return ExportRequest.objects.none()
    return ExportRequest.objects.filter(requested_by=user)


class ExportExpired(Exception):
    """The export was written but its time is over; `request` says when it was to be deleted."""

    def __init__(self, request: ExportRequest):
        super().__init__(str(request.pk))
        self.request = request


def export_for_download(*, user, request_id: str) -> ExportRequest | None:
    """This person's written export, to download now, or None (not theirs, not written, or a list
    they may no longer export). One past its time raises ExportExpired. A download of personal data
    is audited, naming the list and the request, never the filters."""
    request = (
        requests_of(user).filter(pk=request_id, status=ExportRequest.Status.DONE).exclude(file="").first()
    )
    if request is None:
        return None
    if request.expired:
        raise ExportExpired(request)
    export = exports.get(request.key)
    if export is None or not export.allowed(user):
        return None
    if export.personal:
        audit_record(
            actor=user,
            action="export.download",
            target=request,
            summary=f"{request.key}.{request.format}: {request.row_count} rows",
            changes={"list": request.key, "format": request.format, "count": request.row_count},
        )
    return request


def _counted(rows, *, task, total: int):
    """The rows as they are, reporting progress every few thousand of them."""
    for number, row in enumerate(rows):
        if number and number % PROGRESS_EVERY == 0:
            report_progress(task, current=number, total=total)
        yield row


def _claim(request_id: str) -> ExportRequest | None:
    """The request, marked running; None when it is gone (expired) or already written."""
    with transaction.atomic():
        request = (
            ExportRequest.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=request_id)
            .first()
        )
        if request is None or request.status == ExportRequest.Status.DONE:
            return None
        request.status = ExportRequest.Status.RUNNING
        request.save(update_fields=["status", "updated_at"])
    return request


def _fail(request_id: str) -> None:
    ExportRequest.objects.filter(pk=request_id).exclude(status=ExportRequest.Status.DONE).update(
        status=ExportRequest.Status.FAILED, updated_at=timezone.now()
    )


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=timelimits.EXPORT.soft,
    time_limit=timelimits.EXPORT.hard,
)
def export_build(self, request_id: str) -> int:
    """Write the export to the storage and notify its owner; the number of rows. Safe to run
    twice: a request already written is left as it is, and the notification is keyed by its id."""
    request = _claim(request_id)
    if request is None:
        return 0
    try:
        return _build(self, request)
    except Exception:
        _fail(request_id)
        raise


def _build(task, request: ExportRequest) -> int:
    user = request.requested_by
    export = exports.get(request.key)
    if export is None or request.format not in exports.FORMATS or not export.allowed(user):
        _fail(request.pk)
        return 0
    params = QueryDict(request.filters or "")
    with translation.override(user.language):
        queryset = export.rows_to_write(user=user, params=params)
        count = queryset.count()
        queryset = exports.export_audit(
            export=export, user=user, queryset=queryset, count=count, fmt=request.format, params=params
        )
        report_progress(task, current=0, total=count)
        rows = _counted(exports.rows_of(export, queryset), task=task, total=count)
        write = exports.csv_file if request.format == "csv" else exports.xlsx_file
        with write(rows, title=str(export.title)) as handle, transaction.atomic():
            request = ExportRequest.objects.select_for_update().get(pk=request.pk)
            if request.status == ExportRequest.Status.DONE:  # another run wrote it meanwhile
                return request.row_count or 0
            request.file.save("", File(handle, name="export"), save=False)
            request.status = ExportRequest.Status.DONE
            request.row_count = count
            request.finished_at = timezone.now()
            request.expires_at = request.finished_at + ExportRequest.retention()
            request.save()
            until = timezone.localtime(request.expires_at)
            notification_send(
                user=user,
                kind=notifications.EXPORT_READY,
                key=notification_key(request.pk),
                title=_("Your export of %(list)s is ready") % {"list": export.title},
                body=_("%(count)s rows. It can be downloaded until %(until)s; then it is deleted.")
                % {"count": count, "until": f"{until:%Y-%m-%d %H:%M}"},
                url=reverse("reports:export_download", args=[request.pk]),
            )
    return count


# Expiry


def exports_expire(*, now=None) -> int:
    """Delete every export past its time, its request (the filters) with it; the number deleted.
    A request never written is deleted once the retention has passed since it was made. Files
    left in the exports folder without a request (written before requests were kept, or whose
    deletion failed) go once they are as old. The notification stays, without its link."""
    now = now or timezone.now()
    cutoff = now - ExportRequest.retention()
    expired = ExportRequest.objects.filter(
        Q(expires_at__lte=now) | Q(expires_at__isnull=True, created_at__lte=cutoff)
    ).values_list("pk", flat=True)
    deleted = 0
    for request_id in list(expired):
        with transaction.atomic():
            request = ExportRequest.objects.select_for_update(skip_locked=True).filter(pk=request_id).first()
            if request is None:
                continue
            if request.file:
                default_storage.delete(request.file.name)  # first: a failure leaves the row to retry
            Notification.objects.filter(key=notification_key(request.pk)).update(url="")
            _forget_result(str(request.pk))
            request.delete()
            deleted += 1
    _delete_stray_files(cutoff)
    if deleted:
        logger.info("Deleted %s expired exports", deleted)
    return deleted


def _forget_result(task_id: str) -> None:
    from django_celery_results.models import TaskResult

    TaskResult.objects.filter(task_id=task_id).delete()


def _delete_stray_files(cutoff) -> None:
    try:
        folders, _files = default_storage.listdir(EXPORTS_FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return
    kept = set(ExportRequest.objects.exclude(file="").values_list("file", flat=True))
    for folder in folders:
        for name in default_storage.listdir(f"{EXPORTS_FOLDER}/{folder}")[1]:
            path = f"{EXPORTS_FOLDER}/{folder}/{name}"
            if path not in kept and default_storage.get_modified_time(path) <= cutoff:
                default_storage.delete(path)


@shared_task(**task_options(timelimits.DEFAULT))
def export_expire() -> int:
    """Delete the exports past EXPORT_RETENTION_HOURS. Safe to run twice: what is gone is gone."""
    return exports_expire()


def schedule_expiry(sender=None, **kwargs) -> None:
    """After every migrate: make sure expired exports are deleted every quarter of an hour. A
    schedule edited in the admin (Periodic tasks) stays as it is."""
    from socialwork.schedules import periodic_task_ensure

    periodic_task_ensure(name=EXPIRY_TASK_NAME, task="reports.export_tasks.export_expire", minute="*/15")
