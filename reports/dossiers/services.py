"""Writes of the dossier: request one, build it in the background, hand out its files.

A request is a `Dossier` row made by whoever may build it (`selectors`), then built by a worker
(`tasks.dossier_build`) from the records: the figures (`figures`), then the workbook and the PDF
drawn from the same figures. The requester is notified when it is ready; each download is audited.
"""

import logging
from collections.abc import Callable
from uuid import uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from positions.models import ServiceUnit
from positions.selectors.network import issuing_unit
from projects.models import Project
from reports import notifications
from reports.models import Dossier
from socialwork.services import audit_record, notification_send

from . import figures, selectors
from .pdf import dossier_pdf
from .xlsx import dossier_xlsx

logger = logging.getLogger(__name__)

FIRST_YEAR = 2000
PDF_CONTENT_TYPE = "application/pdf"
Progress = Callable[[int], None]


def dossier_request(
    *, actor, project: Project | None = None, station: ServiceUnit | None = None, year: int | None = None
) -> Dossier:
    """Ask for a project's evaluation dossier, or a station's dossier of a year. Only who may build
    it (`selectors.projects_for_dossier`, `stations_for_dossier`); the same dossier already queued
    or being built is returned instead of a second one. Built in the background once this commits."""
    if (project is None) == (station is None):
        raise ValidationError(_("A dossier is of a project, or of a station and a year."))
    if project is not None:
        if not selectors.may_build_project_dossier(user=actor, project=project):
            raise PermissionDenied(_("You may not build this project's dossier."))
        target = {"kind": Dossier.Kind.PROJECT, "project": project}
    else:
        if not selectors.may_build_station_dossier(user=actor, station=station):
            raise PermissionDenied(_("You may not build this station's dossier."))
        if year is None or not FIRST_YEAR <= year <= timezone.localdate().year:
            raise ValidationError(
                {"year": _("Choose a year from %(first)s to this year.") % {"first": FIRST_YEAR}}
            )
        target = {"kind": Dossier.Kind.STATION, "station": station, "year": year}
    with transaction.atomic():
        pending = (
            Dossier.objects.select_for_update()
            .filter(**target, status__in=[Dossier.Status.QUEUED, Dossier.Status.RUNNING])
            .first()
        )
        if pending is not None:
            return pending
        dossier = Dossier.objects.create(**target, requested_by=actor, task_id=str(uuid4()))
        audit_record(actor=actor, action="dossier.request", target=dossier, summary=str(dossier))
        transaction.on_commit(lambda: _send(dossier))
    return dossier


def _send(dossier: Dossier) -> None:
    """Queue the build. With the broker down the dossier is failed with a message its page shows,
    and may be asked for again."""
    from .tasks import dossier_build

    try:
        dossier_build.apply_async(args=[dossier.pk], task_id=dossier.task_id)
    except BrokerError as error:
        logger.exception("Dossier %s could not be queued", dossier.pk)
        Dossier.objects.filter(pk=dossier.pk).update(
            status=Dossier.Status.FAILED,
            error=_("Could not be queued: %(error)s") % {"error": error},
            finished_at=timezone.now(),
        )


def dossier_title(dossier: Dossier) -> str:
    if dossier.kind == Dossier.Kind.PROJECT:
        return _("Evaluation dossier of %(project)s") % {"project": dossier.project.title}
    return _("%(station)s yearly dossier %(year)s") % {"station": dossier.station.name, "year": dossier.year}


def dossier_sections(dossier: Dossier) -> list[figures.Section]:
    if dossier.kind == Dossier.Kind.PROJECT:
        return figures.project_sections(dossier.project)
    return figures.station_sections(dossier.station, dossier.year)


def dossier_build(*, dossier_id: int, progress: Callable[[int, int], None] | None = None) -> Dossier:
    """Build a requested dossier's figures, workbook and PDF, and notify its requester. Safe to run
    twice: a built dossier is left as it is. A failure is kept on the dossier for its page."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
        if dossier.status == Dossier.Status.DONE:
            return dossier
        dossier.status = Dossier.Status.RUNNING
        dossier.error = ""
        dossier.progress = 0
        dossier.save(update_fields=["status", "error", "progress", "updated_at"])
    dossier = Dossier.objects.select_related("project", "station__region", "requested_by").get(pk=dossier_id)
    actor = dossier.requested_by

    def step(done: int, total: int) -> None:
        Dossier.objects.filter(pk=dossier_id).update(progress=min(99, round(100 * done / total)))
        if progress:
            progress(done, total)

    try:
        with translation.override(actor.language):
            sections = figures.as_json(dossier_sections(dossier))
            total = len(sections) + 2
            step(len(sections), total)
            title = dossier_title(dossier)
            xlsx = dossier_xlsx(sections, title=title)
            step(len(sections) + 1, total)
            pdf = dossier_pdf(
                sections,
                title=title,
                issuer=issuing_unit(user=actor),
                subtitle=_("Prepared %(date)s") % {"date": f"{timezone.localdate():%Y-%m-%d}"},
            )
    except Exception as error:  # noqa: BLE001 — any failure is the requester's to read, not a crash
        logger.exception("Dossier %s failed", dossier_id)
        Dossier.objects.filter(pk=dossier_id).exclude(status=Dossier.Status.DONE).update(
            status=Dossier.Status.FAILED,
            error=(str(error) or type(error).__name__)[:2000],
            finished_at=timezone.now(),
        )
        return Dossier.objects.get(pk=dossier_id)
    return _finish(dossier_id, sections=sections, files={"xlsx": xlsx, "pdf": pdf})


def _finish(dossier_id: int, *, sections: list[dict], files: dict[str, bytes]) -> Dossier:
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().select_related("requested_by").get(pk=dossier_id)
        if dossier.status == Dossier.Status.DONE:  # another run finished first
            return dossier
        for kind, content in files.items():
            getattr(dossier, kind).save(f"dossier-{dossier.pk}.{kind}", ContentFile(content), save=False)
        dossier.figures = sections
        dossier.status = Dossier.Status.DONE
        dossier.progress = 100
        dossier.finished_at = timezone.now()
        dossier.save()
        notification_send(
            user=dossier.requested_by,
            kind=notifications.DOSSIER_READY,
            key=f"dossier:{dossier.pk}",
            title=_("Your dossier is ready: %(dossier)s") % {"dossier": dossier},
            body=_("Its PDF and Excel workbook can be downloaded from the dossiers page."),
            url=dossier.get_absolute_url(),
        )
    return dossier


def dossier_for_download(*, user, pk: int, kind: str) -> Dossier | None:
    """A built dossier's file for who may have it, the download audited; None otherwise."""
    if kind not in ("pdf", "xlsx"):
        return None
    dossier = selectors.dossiers_visible_to(user=user).filter(pk=pk, status=Dossier.Status.DONE).first()
    if dossier is None or not getattr(dossier, kind):
        return None
    audit_record(
        actor=user,
        action="dossier.download",
        target=dossier,
        summary=f"{dossier}: {kind}",
        changes={"file": kind},
    )
    return dossier
