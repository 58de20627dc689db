"""Edits that met another person's change: one row per field, both values kept until the person
who made the edit chooses.

The rule (what counts as a conflict, how a choice is applied and who is told) lives in
casework.services.conflicts, never here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from socialwork.constraints import CheckConstraint
from socialwork.crypto.fields import EncryptedTextField
from socialwork.models import TimeStampedModel

from .cases import Case, FollowUp, PlanTask
from .clients import Client
from .field import FieldEntry

USER = settings.AUTH_USER_MODEL


class FieldConflict(TimeStampedModel):
    """A field of a follow-up, a plan task or a client that someone changed on the server after
    the person editing it last saw it, while the person's edit wanted another value. The person's
    value was not applied; both values (and the one they saw) are kept, encrypted as the client's
    details are, until the person chooses theirs ("mine") or the server's ("theirs")."""

    class Choice(models.TextChoices):
        MINE = "mine", _("Keep my value")
        THEIRS = "theirs", _("Keep the value already saved")

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
    )
    # Exactly one of the three records the field belongs to.
    follow_up = models.ForeignKey(
        FollowUp,
        verbose_name=_("follow-up"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    task = models.ForeignKey(
        PlanTask, verbose_name=_("task"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    field = models.CharField(_("field"), max_length=40)
    base_value = EncryptedTextField(_("value before"), blank=True)
    theirs_value = EncryptedTextField(_("value saved meanwhile"), blank=True)
    theirs_by = models.ForeignKey(
        USER, verbose_name=_("saved meanwhile by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    theirs_at = models.DateTimeField(_("saved meanwhile at"), null=True, blank=True)
    mine_value = EncryptedTextField(_("value sent"), blank=True)
    person = models.ForeignKey(USER, verbose_name=_("sent by"), on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(
        FieldEntry, verbose_name=_("entry from the field"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="conflicts",
    )  # fmt: skip
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices, blank=True)

    class Meta:
        verbose_name = _("conflicting edit")
        verbose_name_plural = _("conflicting edits")
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["person", "resolved_at"], name="field_conflict_open_idx")]
        constraints = [
            CheckConstraint(
                condition=(
                    Q(follow_up__isnull=False, task__isnull=True, client__isnull=True)
                    | Q(follow_up__isnull=True, task__isnull=False, client__isnull=True)
                    | Q(follow_up__isnull=True, task__isnull=True, client__isnull=False)
                ),
                name="field_conflict_one_record",
                field=None,
                violation_error_message=_("A conflicting edit belongs to one record."),
            ),
        ]

    def __str__(self):
        return f"{self.record_label} · {self.field}"

    def get_absolute_url(self):
        return reverse("casework:field_conflict", args=[self.pk])

    @property
    def record(self):
        return self.follow_up or self.task or self.client

    @property
    def record_kind(self) -> str:
        return "client" if self.client_id else "task" if self.task_id else "follow_up"

    @property
    def field_label(self) -> str:
        """The field's name in the reader's language, read from the model without loading the record."""
        model = {"client": Client, "task": PlanTask, "follow_up": FollowUp}[self.record_kind]
        return model._meta.get_field(self.field).verbose_name

    @property
    def record_label(self) -> str:
        # By what the worker knows it by: the client's name, the task, the follow-up's day.
        if self.client_id:
            return _("client %(name)s") % {"name": self.client.name}
        if self.task_id:
            return _("task “%(task)s”") % {"task": self.task.description}
        return _("follow-up due %(day)s") % {"day": date_format(self.follow_up.due_on, "Y-m-d")}

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
