"""The district archive's doors: a district administrator asks for it with a passphrase, a worker
writes it, its requester alone downloads it until it expires like any other export; each step
leaves an audit row, and the auditors whose place covers the region are told each time one is
written (the archive holds personal data in full).

The passphrase never goes through the broker: the task is sent the request's id only, as every
export's is. Between the request and the build it is kept on the request row, encrypted with the
application's keys (`ExportRequest.passphrase`, an encrypted field like the export's filters);
the worker reads it, writes the archive, and wipes it in the same transaction that marks the
archive written (or failed). A database copy taken in those minutes holds it only encrypted, under
keys the database does not hold.
"""

import logging
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError as BrokerError

from reports import notifications
from reports.export_tasks import ExportExpired, notification_key, requests_of
from reports.models import ExportRequest
from socialwork.exceptions import BackgroundUnavailable
from socialwork.models import User
from socialwork.roles import Role
from socialwork.services import audit_record, notification_send

from .writer import archive_write

logger = logging.getLogger(__name__)

ARCHIVE_KEY = "archive"


def passphrase_min_length() -> int:
    return settings.ARCHIVE_PASSPHRASE_MIN_LENGTH


def archive_allowed(user) -> bool:
    """Only a district administrator with a region: the archive is their region's, whole."""
    return bool(
        user.is_authenticated and user.is_active and user.region_id and user.has_role(Role.DISTRICT_ADMIN)
    )


def archives_of(user):
    """The archives this person asked for, newest first."""
    return requests_of(user).filter(key=ARCHIVE_KEY).order_by("-created_at")


def passphrase_check(passphrase: str) -> None:
    """A passphrase long enough to stand a guessing attack on a copy of the file."""
    if len(passphrase or "") < passphrase_min_length():
        raise ValidationError(
            gettext_lazy("The passphrase must have at least %(count)s characters."),
            code="passphrase_short",
            params={"count": passphrase_min_length()},
        )


def archive_request(*, user, passphrase: str) -> ExportRequest:
    """Ask for the archive of the person's region, written in the background with this passphrase.
    Only a district administrator may (PermissionError otherwise). The request and its audit row
    are saved before the task is sent its id; with the broker down the request is marked failed,
    its passphrase wiped, and `BackgroundUnavailable` says so."""
    if not archive_allowed(user):
        raise PermissionError
    passphrase_check(passphrase)
    with transaction.atomic():
        request = ExportRequest.objects.create(
            requested_by=user, key=ARCHIVE_KEY, format=ExportRequest.Format.ZIP, passphrase=passphrase
        )
        audit_record(
            actor=user,
            action="archive.request",
            target=request,
            summary=user.region.name,
            changes={"region": user.region_id},
        )
    from .tasks import archive_build

    try:
        archive_build.apply_async((str(request.pk),), task_id=str(request.pk))
    except BrokerError as error:
        logger.error("The district archive could not be queued: %s", error)
        _fail(request.pk)
        raise BackgroundUnavailable from error
    return request


def _fail(request_id) -> None:
    ExportRequest.objects.filter(pk=request_id).update(
        status=ExportRequest.Status.FAILED, passphrase=None, updated_at=timezone.now()
    )


def _claim(request_id) -> ExportRequest | None:
    with transaction.atomic():
        request = (
            ExportRequest.objects.select_for_update(of=("self",))
            .select_related("requested_by__region")
            .filter(pk=request_id, key=ARCHIVE_KEY)
            .first()
        )
        if request is None or request.status == ExportRequest.Status.DONE or request.passphrase is None:
            return None  # gone, written, or failed (its passphrase wiped): nothing to do
        request.status = ExportRequest.Status.RUNNING
        request.save(update_fields=["status", "updated_at"])
    return request


def archive_build(*, request_id, progress=None) -> int:
    """Write the archive asked for, wipe its passphrase, tell its requester and the auditors; the
    number of rows. Safe to run twice: one already written (its passphrase wiped) is left alone.
    A requester who is no longer a district administrator gets nothing."""
    request = _claim(request_id)
    if request is None:
        return 0
    user = request.requested_by
    try:
        if not archive_allowed(user):
            _fail(request.pk)
            return 0
        with tempfile.TemporaryFile() as handle:
            counts = archive_write(user=user, target=handle, passphrase=request.passphrase, progress=progress)
            handle.seek(0)
            with transaction.atomic():
                request = ExportRequest.objects.select_for_update().get(pk=request.pk)
                request.file.save("", File(handle, name="archive"), save=False)
                request.status = ExportRequest.Status.DONE
                request.passphrase = None
                request.row_count = sum(counts.values())
                request.finished_at = timezone.now()
                request.expires_at = request.finished_at + ExportRequest.retention()
                request.save()
                audit_record(
                    actor=user,
                    action="archive.write",
                    target=request,
                    summary=f"{user.region.name}: {request.row_count}",
                    changes={"region": user.region_id, "rows": request.row_count},
                )
                _tell(request, user)
    except Exception:
        _fail(request.pk)
        raise
    return request.row_count


def auditors_of(region) -> list:
    """The active auditors whose place covers the region (it, or a region above it)."""
    steplen = type(region).steplen
    covering = [region.path[:end] for end in range(steplen, len(region.path) + 1, steplen)]
    return list(
        User.objects.filter(is_active=True, groups__name=Role.AUDITOR, region__path__in=covering).distinct()
    )


def _tell(request: ExportRequest, user) -> None:
    until = timezone.localtime(request.expires_at)
    notification_send(
        user=user,
        kind=notifications.EXPORT_READY,
        key=notification_key(request.pk),
        title=gettext_lazy("The district archive is ready"),
        body=_ArchiveReadyBody(request.row_count, f"{until:%Y-%m-%d %H:%M}"),
        url=reverse("reports:archive_download", args=[request.pk]),
    )
    for auditor in auditors_of(user.region):
        notification_send(
            user=auditor,
            kind=notifications.ARCHIVE_WRITTEN,
            key=f"archive:{request.pk}:{auditor.pk}",
            title=_ArchiveWrittenTitle(user.get_full_name(), user.region.name),
            body=_ArchiveWrittenBody(request.row_count),
            url="/admin/socialwork/auditentry/?action=archive.write",
        )


class _Lazy:
    """A sentence put into words in the recipient's language (notification_send renders it so)."""

    def __init__(self, *args):
        self.args = args


class _ArchiveReadyBody(_Lazy):
    def __str__(self):
        count, until = self.args
        return _(
            "%(count)s rows with the documents, encrypted with your passphrase. It can be downloaded until %(until)s; then it is deleted."
        ) % {"count": count, "until": until}


class _ArchiveWrittenTitle(_Lazy):
    def __str__(self):
        name, region = self.args
        return _("%(name)s exported the archive of %(region)s") % {"name": name, "region": region}


class _ArchiveWrittenBody(_Lazy):
    def __str__(self):
        (count,) = self.args
        return _(
            "%(count)s rows, personal data in full, encrypted with a passphrase; each download is audited."
        ) % {"count": count}


def archive_for_download(*, user, request_id) -> ExportRequest | None:
    """This person's written archive, to download now, or None (not theirs, not written, or they
    are no longer a district administrator). One past its time raises ExportExpired. Audited."""
    if not archive_allowed(user):
        return None
    request = (
        archives_of(user).filter(pk=request_id, status=ExportRequest.Status.DONE).exclude(file="").first()
    )
    if request is None:
        return None
    if request.expired:
        raise ExportExpired(request)
    audit_record(
        actor=user,
        action="archive.download",
        target=request,
        summary=f"{user.region.name}: {request.row_count}",
        changes={"region": user.region_id, "rows": request.row_count},
    )
    return request
