"""Writes of the reports app: requesting the annual report and building it in the background."""

import logging
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from positions.models import Region
from positions.selectors.network import district_of, installation_district, regions_visible_to
from reports import annual, figures
from reports.models import AnnualReport, DashboardSnapshot
from socialwork import timelimits
from socialwork.replicas import replica_reads
from socialwork.roles import Role
from socialwork.services import audit_record

logger = logging.getLogger(__name__)

FIRST_YEAR = 2000
# A report whose build was cut off this many times (its worker killed, out of memory) is failed.
BUILD_ATTEMPTS = 3


def can_request_reports(user) -> bool:
    """District-wide people report on their region, station managers on their station."""
    if not user.is_authenticated:
        return False
    if user.is_district_wide:
        return bool(user.region_id) or user.is_superuser
    return user.has_role(Role.STATION_MANAGER) and bool(user.unit_id)


def report_request(*, actor, year: int, part: Region | None = None) -> AnnualReport:
    """Ask for the annual report of a year (and optionally one part of the person's place: a
    district of their city, a town or street of their district). Only district-wide people and
    station managers may; the report is built in the background once this transaction commits."""
    if not can_request_reports(actor):
        raise ValidationError(
            _("Only district-wide staff and station managers may request the annual report.")
        )
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError(
            {"year": _("Choose a year from %(first)s to this year.") % {"first": FIRST_YEAR}}
        )
    if part is not None and not figures.parts_for(user=actor).filter(pk=part.pk).exists():
        if regions_visible_to(user=actor).filter(pk=part.pk).exists():
            raise ValidationError(
                {"part": _("Choose a district of your city, or a town or street of your district.")}
            )
        raise ValidationError({"part": _("This place lies outside yours.")})
    district_wide = actor.is_district_wide
    with transaction.atomic():
        report = AnnualReport.objects.create(
            year=year,
            town=part,
            requested_by=actor,
            scope_region_id=actor.region_id if district_wide else actor.unit.region_id,
            scope_unit_id=None if district_wide else actor.unit_id,
            task_id=str(uuid4()),
        )
        audit_record(actor=actor, action="annual_report.request", target=report, summary=str(report))
        transaction.on_commit(lambda: _send(report))
    return report


def _send(report: AnnualReport) -> None:
    """Queue the report's build. With the broker down the request stays, failed with a message
    the requester reads on its page, and may be made again."""
    from reports.tasks import annual_report_generate

    try:
        annual_report_generate.apply_async(args=[report.pk], task_id=report.task_id)
    except BrokerError as error:
        logger.exception("Annual report %s could not be queued", report.pk)
        _finish(
            report.pk,
            status=AnnualReport.Status.FAILED,
            error=_("Could not be queued: %(error)s") % {"error": error},
        )


def report_generate(*, report_id: int, progress: Callable[[int, int], None] | None = None) -> AnnualReport:
    """Build a requested report's Excel and PDF files. Safe to run twice: a finished report is left
    as it is. A failure is kept on the report with its message, for the requester to read."""
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report_id)
        if report.status == AnnualReport.Status.DONE:
            return report
        report.status = AnnualReport.Status.RUNNING
        report.error = ""
        report.started_at = timezone.now()
        report.attempts = F("attempts") + 1
        report.save(update_fields=["status", "error", "started_at", "attempts", "updated_at"])
    report = AnnualReport.objects.select_related("requested_by", "town", "scope_unit").get(pk=report_id)

    try:
        with replica_reads():
            chapters = figures.chapters(user=report.requested_by, year=report.year, part=report.town)
        total = 2 * len(chapters) + 1
        if progress:
            progress(1, total)

        def step(offset: int) -> Callable[[int], None]:
            return lambda done: progress(1 + offset + done, total) if progress else None

        actor = report.requested_by
        title = report_title_for(actor=actor, year=report.year, part=report.town)
        xlsx = annual.workbook(chapters, title=title, progress=step(0))
        pdf = annual.pdf(
            chapters,
            title=title,
            subtitle=_("Prepared %(date)s") % {"date": f"{timezone.localdate():%Y-%m-%d}"},
            issuer=actor.unit.name if actor.unit_id else (_place_name(actor) or ""),
            progress=step(len(chapters)),
        )
    except Exception as error:  # noqa: BLE001 — any failure is the requester's to read, not a crash
        logger.exception("Annual report %s failed", report_id)
        return _finish(report_id, status=AnnualReport.Status.FAILED, error=str(error) or type(error).__name__)
    return _finish(report_id, status=AnnualReport.Status.DONE, files={"xlsx": xlsx, "pdf": pdf})


def _place_name(actor) -> str:
    """The name of the place the person reports for: a city administrator's city, a district
    administrator's district, the district a station lies in (the installation's root for a
    superuser placed nowhere)."""
    region = actor.region if actor.region_id else (actor.unit.region if actor.unit_id else None)
    place = district_of(region) or installation_district()
    return place.name if place else ""


def report_title_for(*, actor, year: int, part: Region | None = None) -> str:
    """The report's title as the place sends it upward: "宜昌市2015年社会工作发展报告" from a
    city, "夷陵区……" from a district, with the part when the report covers one ("宜昌市夷陵区……",
    "夷陵区三斗坪镇……"); a station manager's report is their station's town's."""
    name = ""
    if part is not None:
        name = part.name
    elif not actor.is_district_wide and actor.unit_id:
        region = actor.unit.region
        name = region.name if region.level in Region.TOWN_LEVELS else actor.unit.name
    return annual.report_title(year=year, place=annual.place_name(_place_name(actor), name))


def annual_reports_recover(*, now: datetime | None = None) -> int:
    """Recover the reports a dead worker left "running": started longer ago than the build's hard
    time limit (no live worker is still on it) and not finished. Each is queued again under the
    same task id, its page saying why; one cut off `BUILD_ATTEMPTS` times is failed instead. Safe
    to run twice, and beside a redelivery of the same build: rows are locked (a locked one is left
    to whoever holds it) and a build finishes a report once. Returns how many were recovered."""
    cutoff = (now or timezone.now()) - timedelta(seconds=timelimits.ANNUAL_REPORT.hard)
    with transaction.atomic():
        stale = list(
            AnnualReport.objects.select_for_update(skip_locked=True).filter(
                status=AnnualReport.Status.RUNNING, started_at__lt=cutoff, finished_at__isnull=True
            )
        )
        for report in stale:
            if report.attempts >= BUILD_ATTEMPTS:
                report.status = AnnualReport.Status.FAILED
                report.error = _(
                    "The build stopped %(count)s times before it was done; request the report again."
                ) % {"count": report.attempts}
                report.finished_at = timezone.now()
            else:
                report.status = AnnualReport.Status.QUEUED
                report.error = _(
                    "The build stopped before it was done (its worker ended); it was queued again."
                )
                transaction.on_commit(lambda report=report: _send(report))
            report.save(update_fields=["status", "error", "finished_at", "updated_at"])
            audit_record(
                actor=None,
                action="annual_report.recover",
                target=report,
                summary=f"{report}: {report.status}",
            )
    return len(stale)


def _finish(report_id: int, *, status: str, error: str = "", files: dict[str, bytes] | None = None):
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report_id)
        if report.status == AnnualReport.Status.DONE:  # another run finished first
            return report
        for kind, content in (files or {}).items():
            getattr(report, kind).save(
                f"annual-{report.year}-{report.pk}.{kind}", ContentFile(content), save=False
            )
        report.status = status
        report.error = error[:2000]
        report.finished_at = timezone.now()
        report.save()
    return report


# Dashboard ------------------------------------------------------------------------------------

# New records show within a minute: a snapshot older than this is refreshed when looked at.
DASHBOARD_FRESH = timedelta(seconds=60)
# A snapshot nobody has looked at for this long is deleted by the next refresh.
DASHBOARD_KEPT = timedelta(days=30)


def dashboard_key(*, user, year: int, town: Region | None, language: str) -> str:
    """What the figures depend on: the place the person sees (its region's path, so a city's
    figures and each of its districts' are kept apart, and a region moved in the tree is counted
    afresh) and the roles that widen it, the year, the part chosen and the language of the labels."""
    if user.is_district_wide:
        path = user.region.path if user.region_id else "-"
        scope = f"region-{user.region_id}-{path}-{'su' if user.is_superuser else ''}"
    else:
        scope = f"unit-{user.unit_id}-user-{user.pk}"
    return f"{scope}:{year}:{town.pk if town else '-'}:{language}"


@dataclass
class Dashboard:
    chapters: list[figures.Chapter] | None  # None until the first figures are computed
    computed_at: datetime | None
    refreshing: bool  # newer figures are on their way
    key: str = ""  # what the figures depend on (`dashboard_key`)

    @property
    def rendered_key(self) -> str:
        """What the rendered figures depend on: these figures, of this key and time (the page
        keeps their HTML in the cache, so a look at figures already rendered renders nothing)."""
        return f"{self.key}:{self.computed_at.timestamp() if self.computed_at else '-'}"


def dashboard(*, user, year: int, town: Region | None = None) -> Dashboard:
    """The latest figures of the person's dashboard. When they are missing or more than a minute
    old, the first request of that minute queues their refresh; everyone meanwhile sees what there
    is. With the broker down the figures are computed here, as the page did before."""
    language = translation.get_language()
    key = dashboard_key(user=user, year=year, town=town, language=language)
    snapshot, _created = DashboardSnapshot.objects.get_or_create(key=key)
    chapters = _unpickled(snapshot)
    now = timezone.now()
    fresh = chapters is not None and snapshot.computed_at > now - DASHBOARD_FRESH
    if not fresh:
        # Claimed by whoever asked last, unless those figures came or the asking was a minute ago.
        unclaimed = (
            Q(requested_at__isnull=True)
            | Q(computed_at__gte=F("requested_at"))
            | Q(requested_at__lte=now - DASHBOARD_FRESH)
        )
        if DashboardSnapshot.objects.filter(unclaimed, pk=snapshot.pk).update(requested_at=now):
            _queue_refresh(snapshot, user=user, year=year, town=town, language=language)
            snapshot.refresh_from_db()
            chapters = _unpickled(snapshot)
    return Dashboard(
        chapters=chapters, computed_at=snapshot.computed_at, refreshing=snapshot.refreshing, key=key
    )


def _queue_refresh(snapshot, *, user, year, town, language) -> None:
    """Send the refresh at once: pages run in autocommit, so the snapshot row and its claim are
    committed before the worker looks for them (were the request one transaction, the worker
    could miss a new row, and the page would ask again a minute later)."""
    from reports.tasks import dashboard_refresh

    arguments = {
        "snapshot_id": snapshot.pk, "user_id": user.pk, "year": year, "town_id": town.pk if town else None,
        "language": language,
    }  # fmt: skip
    try:
        dashboard_refresh.delay(**arguments)
    except BrokerError:
        logger.warning("Dashboard %s computed in the request: the broker is down", snapshot.key)
        dashboard_refresh_now(**arguments)


def dashboard_refresh_now(*, snapshot_id: int, user_id: int, year: int, town_id: int | None, language: str):
    """Compute a snapshot's figures as its person sees them today, and forget the snapshots nobody
    has looked at for a month. Safe to run twice: figures begun earlier than those already
    written are dropped."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.select_related("region", "unit").filter(pk=user_id).first()
    if user is None:  # gone since they looked: the next person to look asks again
        return
    town = Region.objects.filter(pk=town_id).first() if town_id else None
    started = timezone.now()
    with translation.override(language), replica_reads():
        chapters = figures.chapters(user=user, year=year, part=town)
    older = Q(computed_at__isnull=True) | Q(computed_at__lt=started)
    DashboardSnapshot.objects.filter(older, pk=snapshot_id).update(
        chapters=pickle.dumps(chapters, protocol=pickle.HIGHEST_PROTOCOL), computed_at=started
    )
    DashboardSnapshot.objects.filter(requested_at__lt=started - DASHBOARD_KEPT).delete()


def _unpickled(snapshot: DashboardSnapshot) -> list[figures.Chapter] | None:
    """The snapshot's figures, or None when there are none yet (or they predate an upgrade that
    changed their classes)."""
    if snapshot.chapters is None:
        return None
    try:
        return pickle.loads(snapshot.chapters)  # noqa: S301 — written only by dashboard_refresh_now
    except (pickle.UnpicklingError, AttributeError, ImportError, TypeError, EOFError):
        return None
