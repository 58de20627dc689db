from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialwork.audit_actions import action_shown


class AuditEntry(models.Model):
    """Who did what to which record, and when. Rows are only ever added.

    The database sets the time (a backdated row cannot be written; on PostgreSQL a trigger
    overwrites any time supplied) and the actor is kept as a snapshot of their username and name
    taken at insert: the row never changes when the account does, or is removed.
    """

    at = models.DateTimeField(_("time"), db_default=Now(), db_index=True, editable=False)
    # A plain id with a join for convenience: no constraint and nothing done on the user's
    # deletion, so removing an account never touches (nor is refused by) the append-only log.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("actor's username"), max_length=150, blank=True)
    actor_name = models.CharField(_("actor's name"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("record type"), max_length=100)
    target_id = models.CharField(_("record id"), max_length=64)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # Where the request came from (socialwork.audit.client_address), for every row written while
    # a request was served; empty for rows background work writes.
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self):
        # In the installation's time zone, as every time of the log is shown.
        at = f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S} " if self.at else ""
        return f"{at}{self.action_label} {self.target_type}#{self.target_id}"

    @property
    def action_label(self) -> str:
        """The action in the reader's language (socialwork.audit_actions), or its code."""
        return action_shown(self.action)

    @property
    def actor_display(self) -> str:
        """Who acted, as they were named when they did: the snapshot, never the live account."""
        if not (self.actor_id or self.actor_username):
            return ""
        return self.actor_name or self.actor_username or f"#{self.actor_id}"
