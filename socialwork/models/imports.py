"""The runs of the imports (`socialwork.imports`) and every record each one wrote, so that a
record shows on its timeline the file, sheet and row it came from, and a run can be undone."""

import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.crypto.fields import EncryptedTextField

from .base import TimeStampedModel

WORKBOOK = "workbook"  # the register of a run that imported a workbook of several registers


class ImportRun(TimeStampedModel):
    """One import: who ran it, of which register (or a workbook of several), from which file, how
    it went and what it wrote. Its id is also its background task's id; the worker is sent the id
    and nothing else (the stored file is found from the row). The problems name rows and values
    (an ID number already on record), so they are encrypted as the clients' own fields are."""

    class Status(models.TextChoices):
        CHECKING = "checking", pgettext_lazy("import run", "Checking")
        CHECKED = "checked", pgettext_lazy("import run", "Checked, waiting for confirmation")
        QUEUED = "queued", pgettext_lazy("import run", "Queued")
        RUNNING = "running", pgettext_lazy("import run", "Running")
        DONE = "done", pgettext_lazy("import run", "Imported")
        FAILED = "failed", pgettext_lazy("import run", "Nothing imported")
        UNDONE = "undone", pgettext_lazy("import run", "Undone")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    register = models.CharField(_("register"), max_length=50)
    file_name = models.CharField(_("file"), max_length=255)
    stored_file = models.CharField(_("stored file"), max_length=200, blank=True, editable=False)
    on_duplicate = models.CharField(_("rows already on record"), max_length=10, default="stop")
    status = models.CharField(
        pgettext_lazy("import run", "status"), max_length=10, choices=Status.choices, default=Status.CHECKING
    )
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    updated_count = models.PositiveIntegerField(_("records updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows skipped"), default=0)
    problems_text = EncryptedTextField(_("problems"), blank=True, default="")
    preview_text = EncryptedTextField(_("preview"), blank=True, default="")
    progress_current = models.PositiveIntegerField(_("rows done"), default=0)
    progress_total = models.PositiveIntegerField(_("rows in all"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["started_by", "-created_at"], name="importrun_by_person")]

    def __str__(self):
        return str(_("%(file)s (%(register)s)") % {"file": self.file_name, "register": self.register_label})

    @property
    def register_label(self) -> str:
        """What was imported, in the person's words: a register's name, or "a workbook"."""
        from socialwork.imports.registry import get

        if self.register == WORKBOOK:
            return str(_("a workbook"))
        try:
            return str(get(self.register).label)
        except ValidationError:
            return self.register

    @property
    def problems(self) -> list[str]:
        return json.loads(self.problems_text) if self.problems_text else []

    @problems.setter
    def problems(self, value: list[str]) -> None:
        self.problems_text = json.dumps([str(item) for item in value], ensure_ascii=False) if value else ""

    @property
    def preview(self) -> dict:
        return json.loads(self.preview_text) if self.preview_text else {"errors": [], "sheets": []}

    @preview.setter
    def preview(self, value: dict) -> None:
        self.preview_text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.UNDONE):
            return 100
        return (
            min(100, round(100 * self.progress_current / self.progress_total)) if self.progress_total else 0
        )

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.UNDONE)

    @staticmethod
    def undo_period() -> timedelta:
        return timedelta(days=settings.IMPORT_UNDO_DAYS)

    @property
    def undo_until(self):
        return self.finished_at + self.undo_period() if self.finished_at else None

    def undo_open(self, *, now=None) -> bool:
        """Done, and within IMPORT_UNDO_DAYS of its end (what depends on it is `undo_blockers`)."""
        now = now or timezone.now()
        return self.status == self.Status.DONE and self.undo_until is not None and now <= self.undo_until


class ImportedRecord(models.Model):
    """One record an import created or changed, and where in the file it came from. For a changed
    record, its values before the import (encrypted: they hold ID numbers and phones), to undo."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("imported record", "Created")
        UPDATED = "updated", pgettext_lazy("imported record", "Updated")

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="records", verbose_name=_("import")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("kind of record"))
    object_id = models.CharField(_("record id"), max_length=64)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    row = models.PositiveIntegerField(_("row in the file"))
    action = models.CharField(
        pgettext_lazy("imported record", "action"), max_length=10, choices=Action.choices
    )
    before_text = EncryptedTextField(_("values before"), blank=True, default="")

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        ordering = ["run", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="importedrecord_object")]

    def __str__(self):
        return f"{self.sheet} {self.row}"

    @property
    def before(self) -> dict | None:
        return json.loads(self.before_text) if self.before_text else None

    @staticmethod
    def encode_before(values: dict) -> str:
        return json.dumps(values, cls=DjangoJSONEncoder, ensure_ascii=False)
