"""Field work: home visits (入户走访), and the entries a social worker sends from a phone, each
saved exactly once however often the phone retries.

The rules (who may record what, when an entry is refused, how a conflicting edit is resolved)
live in casework.services.field and the services it calls, never here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import UniqueConstraint
from socialwork.crypto.fields import EncryptedCharField, EncryptedTextField
from socialwork.models import TimeStampedModel

from .cases import Case

USER = settings.AUTH_USER_MODEL


class HomeVisit(TimeStampedModel):
    """A visit to the client's home: who was there, what was seen, the needs found and the next
    step. On the case's timeline beside its notes."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="home_visits"
    )
    visited_on = models.DateField(pgettext_lazy("home visit", "visited on"))
    people_present = EncryptedCharField(_("people present"), max_length=200)
    observations = EncryptedTextField(_("observations"))
    needs_found = EncryptedTextField(_("needs found"), blank=True)
    next_step = EncryptedTextField(_("next step"), blank=True)
    author = models.ForeignKey(USER, verbose_name=_("visited by"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["case", "visited_on"], name="home_visit_case_date_idx")]

    def __str__(self):
        return f"{self.case} · {self.visited_on}"

    def get_absolute_url(self):
        return f"{self.case.get_absolute_url()}#event-home-visit-{self.pk}"


class FieldEntry(models.Model):
    """One entry a person sent from the field (a note, a home visit, a follow-up's result, a
    session's attendance, an edit), known by the key the phone gave it: a retried send finds it
    and makes nothing twice. Only saved entries are kept; a refused one stays on the phone with
    the reason, for the worker to decide."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Service note")
        HOME_VISIT = "home_visit", pgettext_lazy("field entry", "Home visit")
        FOLLOW_UP = "follow_up", _("Follow-up result")
        ATTENDANCE = "attendance", _("Session attendance")
        TASK = "task", pgettext_lazy("field entry", "Task")
        CLIENT_CONTACT = "client_contact", _("Client's phone and address")
        CONSENT = "consent", _("Signed consent")

    user = models.ForeignKey(USER, verbose_name=_("sent by"), on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField(_("entry key"))
    kind = models.CharField(pgettext_lazy("field entry", "kind"), max_length=20, choices=Kind.choices)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    # Where the saved record is: its page (a conflict's page when fields wait for a choice).
    url = models.CharField(_("link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("entry from the field")
        verbose_name_plural = _("entries from the field")
        ordering = ["-received_at", "-pk"]
        constraints = [
            UniqueConstraint(
                fields=["user", "key"],
                name="field_entry_key_unique",
                field="key",
                violation_error_message=_("This entry has already been received."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.key}"
