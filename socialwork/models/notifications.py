from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from socialwork.constraints import UniqueConstraint

from .base import TimeStampedModel


class Notification(TimeStampedModel):
    """One message to one person. The key makes sending idempotent: the same key is sent once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64)
    key = models.CharField(_("idempotency key"), max_length=255)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The number of the record it concerns (a case number), the only thing of the record that an
    # enterprise messenger's message names: titles and bodies may name people.
    reference = models.CharField(_("record number"), max_length=40, blank=True)
    in_app = models.BooleanField(_("shown in the inbox"), default=True)
    # The outbox: wanted and not yet emailed is an email still to send (socialwork.services).
    email_wanted = models.BooleanField(_("to be emailed"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    # The messenger's outbox (socialwork.messenger): wanted and not yet sent is a message still to
    # send, tried again after each failure with a growing pause until the attempts run out. The
    # error is the provider's code or the kind of failure, never the message.
    messenger_wanted = models.BooleanField(_("to be sent by messenger"), default=False)
    messenger_sent_at = models.DateTimeField(_("sent by messenger at"), null=True, blank=True)
    messenger_attempts = models.PositiveSmallIntegerField(_("messenger attempts"), default=0)
    messenger_next_at = models.DateTimeField(_("next messenger attempt"), null=True, blank=True)
    messenger_error = models.CharField(_("last messenger error"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            UniqueConstraint(
                fields=["key"],
                name="notification_key_unique",
                field="key",
                violation_error_message=_("This notice has already been sent."),
            )
        ]
        indexes = [
            models.Index(fields=["user", "in_app", "read_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["id"],
                condition=models.Q(email_wanted=True, emailed_at__isnull=True),
                name="notification_outbox_idx",
            ),
            models.Index(
                fields=["id"],
                condition=models.Q(messenger_wanted=True, messenger_sent_at__isnull=True),
                name="notification_messenger_idx",
            ),
        ]

    def __str__(self):
        return self.title


class NotificationPreference(TimeStampedModel):
    """Which channels a person wants for one kind of notification. No row means all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=64)
    in_app = models.BooleanField(_("in the inbox"), default=True)
    email = models.BooleanField(_("by email"), default=True)
    messenger = models.BooleanField(_("by enterprise messenger"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            UniqueConstraint(
                fields=["user", "kind"],
                name="notification_preference_unique",
                field="kind",
                violation_error_message=_("This person already has a setting for this kind of notice."),
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}"
