import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
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


def dossier_file_name(dossier: "Dossier", filename: str) -> str:
    """Where a dossier's files are kept: under its own id."""
    return f"reports/dossiers/{dossier.pk}/{filename}"


class Dossier(TimeStampedModel):
    """A dossier (台账) built from the records: a project's evaluation dossier, or a station's
    yearly one, as a PDF and a workbook. Its figures (with the page each came from) are kept as
    JSON beside the files, so the page, the tests and a later evaluation read the same figures.
    Who may request and download one is `reports.dossiers.selectors`."""

    class Kind(models.TextChoices):
        PROJECT = "project", _("Project evaluation dossier")
        STATION = "station", _("Station yearly dossier")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    station = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    pdf = models.FileField(_("PDF file"), upload_to=dossier_file_name, blank=True, max_length=200)
    xlsx = models.FileField(_("Excel file"), upload_to=dossier_file_name, blank=True, max_length=200)
    figures = models.JSONField(_("figures"), default=list, blank=True)
    error = models.TextField(_("error message"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            CheckConstraint(
                condition=(
                    models.Q(kind="project", project__isnull=False, station__isnull=True)
                    | models.Q(
                        kind="station", project__isnull=True, station__isnull=False, year__isnull=False
                    )
                ),
                name="dossier_of_a_project_or_a_station_year",
                field="kind",
                violation_error_message=_("A dossier is of a project, or of a station and a year."),
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.PROJECT:
            return _("Evaluation dossier: %(project)s") % {"project": self.project}
        return _("Yearly dossier %(year)s: %(station)s") % {"year": self.year, "station": self.station}

    def get_absolute_url(self):
        return reverse("reports:dossier_list") + f"?dossier={self.pk}"

    def download_url(self, kind: str) -> str:
        return reverse("reports:dossier_download", kwargs={"pk": self.pk, "kind": kind})

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class StatisticalForm(TimeStampedModel):
    """A periodic statistical report a city (or province) asks of its districts: which figures
    (keys of `reports.upward.figures.FIGURES`), yearly or quarterly. Its districts are
    `positions.selectors.network.districts_under(owner)`."""

    class Period(models.TextChoices):
        YEARLY = "yearly", _("Yearly")
        QUARTERLY = "quarterly", _("Quarterly")

    owner = models.ForeignKey(
        "positions.Region",
        verbose_name=_("defined by"),
        on_delete=models.PROTECT,
        related_name="statistical_forms",
    )
    name = models.CharField(_("name"), max_length=200)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, default=Period.YEARLY)
    figures = models.JSONField(_("figures asked"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("defined by (person)"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("statistical report form")
        verbose_name_plural = _("statistical report forms")
        ordering = ["owner__path", "name"]
        constraints = [
            UniqueConstraint(
                fields=["owner", "name"],
                name="statistical_form_unique_name",
                field="name",
                violation_error_message=_("This place already has a report form of this name."),
            ),
        ]

    def __str__(self):
        return self.name


class StatisticalReturn(TimeStampedModel):
    """One district's return of a form for one period (or, with `region` the form's owner, the
    city's own return: the sum of its districts' approved ones). Its figures are a snapshot, one
    entry per key: {"computed": what the records said when filled, "value": what is reported,
    "reason": why the district changed it, "note": the district's note}. Approved means locked:
    only a reopening by the city makes it editable again. `version` guards against two edits."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("statistical return", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("statistical return", "Submitted")
        RETURNED = "returned", pgettext_lazy("statistical return", "Returned")
        APPROVED = "approved", pgettext_lazy("statistical return", "Approved (locked)")
        REOPENED = "reopened", pgettext_lazy("statistical return", "Reopened")

    EDITABLE = (Status.DRAFT, Status.RETURNED, Status.REOPENED)

    form = models.ForeignKey(
        StatisticalForm, verbose_name=_("report form"), on_delete=models.PROTECT, related_name="returns"
    )
    region = models.ForeignKey(
        "positions.Region", verbose_name=_("reporting region"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    filled_at = models.DateTimeField(_("filled from the records at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statistical return")
        verbose_name_plural = _("statistical returns")
        ordering = ["-period_start", "region__path"]
        constraints = [
            UniqueConstraint(
                fields=["form", "region", "period_start"],
                name="statistical_return_one_per_period",
                field="period_start",
                violation_error_message=_("This place already has a return for this period."),
            ),
            CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="statistical_return_period_order",
                field="period_end",
                violation_error_message=_("A period ends after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.form} {self.period_label} {self.region}"

    def get_absolute_url(self):
        return reverse("reports:upward_return", kwargs={"pk": self.pk})

    @property
    def period_label(self) -> str:
        if self.form.period == StatisticalForm.Period.QUARTERLY:
            return _("%(year)s Q%(quarter)s") % {
                "year": self.period_start.year,
                "quarter": (self.period_start.month - 1) // 3 + 1,
            }
        return str(self.period_start.year)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_rollup(self) -> bool:
        """The city's (or province's) own return, summing its districts'."""
        return self.region_id == self.form.owner_id and self.form.owner.is_above_district


class StatisticalReturnStep(models.Model):
    """One step on a return's timeline: who, when, what and why."""

    class Action(models.TextChoices):
        FILL = "fill", _("Filled from the records")
        CORRECT = "correct", _("Figure corrected")
        SUBMIT = "submit", pgettext_lazy("statistical return", "Submitted")
        RETURN = "return", pgettext_lazy("statistical return", "Returned")
        APPROVE = "approve", _("Approved and locked")
        REOPEN = "reopen", pgettext_lazy("statistical return", "Reopened")
        FLAG = "flag", _("Records changed after approval")

    statistical_return = models.ForeignKey(
        StatisticalReturn, verbose_name=_("return"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(pgettext_lazy("statistical return", "comment"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("step of a statistical return")
        verbose_name_plural = _("steps of statistical returns")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class StatisticalFlag(models.Model):
    """A figure of a locked return that the records no longer bear out: found by the periodic
    check (`reports.upward.tasks`), told to the city once per change (one row per figure and value
    found), closed when the return is reopened."""

    statistical_return = models.ForeignKey(
        StatisticalReturn, verbose_name=_("return"), on_delete=models.CASCADE, related_name="flags"
    )
    figure = models.CharField(_("figure"), max_length=40)
    approved = models.CharField(_("approved value"), max_length=30)
    found = models.CharField(_("value the records give"), max_length=30)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag on a locked return")
        verbose_name_plural = _("flags on locked returns")
        ordering = ["-found_at", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["statistical_return", "figure", "found"],
                condition=models.Q(closed_at__isnull=True),
                name="statistical_flag_once_per_change",
                field="found",
                violation_error_message=_("This change of the figure is already flagged."),
            ),
        ]

    def __str__(self):
        return f"{self.figure}: {self.approved} → {self.found}"
