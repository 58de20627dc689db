import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialwork.constraints import CheckConstraint
from socialwork.crypto.fields import EncryptedTextField
from socialwork.models.base import TimeStampedModel


class AnnualReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AnnualReportQuerySet":
        """District-wide people see the reports requested inside their region; a station manager
        those requested for their own station. The figures inside were scoped to the requester."""
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide:
            if user.region_id:
                return self.filter(scope_region__path__startswith=user.region.path)
            return self if user.is_superuser else self.none()
        if user.unit_id:
            return self.filter(scope_unit__path__startswith=user.unit.path)
        return self.none()


class AnnualReport(TimeStampedModel):
    """One request for the district's annual report, built in the background as Excel and PDF.

    The report holds the figures its requester could see, so it is shown only to people whose
    place covers the requester's: `scope_region` for a district-wide request, `scope_unit` (a
    station) for a station manager's.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("year"))
    town = models.ForeignKey(
        "positions.Region",
        verbose_name=_("town or street"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole district."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    scope_region = models.ForeignKey(
        "positions.Region",
        verbose_name=_("region of the request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scope_unit = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("unit of the request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set when the report covers only one station."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    xlsx = models.FileField(_("Excel file"), upload_to="reports/annual/", blank=True)
    pdf = models.FileField(_("PDF file"), upload_to="reports/annual/", blank=True)
    error = models.TextField(_("error message"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Builds started: a worker killed mid-build leaves the report running, and the recovery
    # (`reports.services.annual_reports_recover`) queues it again a few times at most.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="annual_report_year_range",
                field="year",
                violation_error_message=_("Give a year between 2000 and 2100."),
            ),
        ]

    def __str__(self):
        place = self.town.name if self.town_id else (self.scope_unit.name if self.scope_unit_id else "")
        return " ".join(filter(None, [str(self.year), place, str(_("annual report"))]))

    def get_absolute_url(self):
        return reverse("reports:annual_list") + f"?report={self.pk}"

    def download_url(self, kind: str) -> str:
        return reverse("reports:annual_download", kwargs={"pk": self.pk, "kind": kind})

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class DashboardSnapshot(models.Model):
    """The dashboard's figures for one place, year, town and language, computed in the background
    (`reports.tasks.dashboard_refresh`): at a million cases they take seconds, which no page should
    wait for nor a web worker spend. A page shows the latest snapshot and asks for a new one when
    it is older than a minute, so new records still show within a minute of being looked for.

    The figures are the pickled `reports.figures.Chapter` list, as a cache would hold them; one
    that no longer unpickles after an upgrade counts as missing and is computed again.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    chapters = models.BinaryField(_("figures"), null=True)
    computed_at = models.DateTimeField(_("computed at"), null=True)
    requested_at = models.DateTimeField(_("refresh requested at"), null=True, db_index=True)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")

    def __str__(self):
        return self.key

    @property
    def refreshing(self) -> bool:
        """A refresh was asked for and has not yet been written."""
        return self.requested_at is not None and (
            self.computed_at is None or self.requested_at > self.computed_at
        )


def export_file_name(request: "ExportRequest", filename: str) -> str:
    """Where a background export is kept: under its owner's id and its own."""
    return f"exports/{request.requested_by_id}/{request.pk}.{request.format}"


class ExportRequest(TimeStampedModel):
    """A list export written in the background: who asked, for which list, with which filters and
    in which format, then its file. The worker is sent this row's id and nothing else, so no
    filter (a name, a full ID number typed into a search box) lies in the broker or in the task
    results. The filters are encrypted like the client's own fields, and the row goes with its
    file when it expires (`reports.export_tasks.exports_expire`). The id is also the task's id."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"
        ZIP = "zip", _("Encrypted zip")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="export_requests",
    )
    key = models.CharField(_("exported list"), max_length=50)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    filters = EncryptedTextField(_("filters"), null=True, blank=True)
    # The district archive's passphrase (reports.archive.services), encrypted with the application's
    # keys like the filters, from the request until the worker has written the archive with it;
    # then wiped, whether the build succeeded or failed. It never goes through the broker.
    passphrase = EncryptedTextField(_("passphrase"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("file"), upload_to=export_file_name, blank=True, max_length=200)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted after"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.key}.{self.format}"

    @staticmethod
    def retention() -> timedelta:
        return timedelta(hours=settings.EXPORT_RETENTION_HOURS)

    @property
    def expired(self) -> bool:
        now = timezone.now()
        if self.expires_at is not None:
            return self.expires_at <= now
        return self.created_at is not None and self.created_at + self.retention() <= now
