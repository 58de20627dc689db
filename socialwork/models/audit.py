from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialwork.audit_actions import action_shown
from socialwork.constraints import CheckConstraint

MIN_RETENTION_DAYS = 180
MAX_RETENTION_DAYS = 3650


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
    # The chain (socialwork.audit_chain): the previous row's seal and this row's, a keyed hash over
    # its content and the previous seal, with the algorithm and the id of the key that made it.
    # Empty on the rows written before the chain began.
    chain_previous = models.CharField(
        _("previous seal"), max_length=64, blank=True, default="", db_default=""
    )
    chain_hash = models.CharField(_("seal"), max_length=64, blank=True, default="", db_default="")
    chain_algorithm = models.CharField(
        _("seal algorithm"), max_length=16, blank=True, default="", db_default=""
    )
    chain_key = models.CharField(_("seal key id"), max_length=32, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # The auditor's search by person (socialwork.audit_admin).
            models.Index(fields=["actor_username"], name="audit_actor_username_idx"),
            models.Index(fields=["actor_name"], name="audit_actor_name_idx"),
        ]

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


class AuditChainCheck(models.Model):
    """One verification of the audit chain (socialwork.audit_chain.chain_verify): when, how many
    rows, and where it first broke. The auditor reads the last one above the audit log."""

    at = models.DateTimeField(_("verified at"), auto_now_add=True, db_index=True)
    ok = models.BooleanField(_("chain intact"))
    rows = models.PositiveBigIntegerField(_("rows verified"), default=0)
    unchained = models.PositiveBigIntegerField(_("rows older than the chain"), default=0)
    breaks = models.PositiveIntegerField(_("breaks"), default=0)
    first_break_id = models.BigIntegerField(_("first broken row"), null=True, blank=True)
    first_break_at = models.DateTimeField(_("first broken row's time"), null=True, blank=True)
    first_break_kind = models.CharField(_("kind of break"), max_length=16, blank=True)
    # The first breaks found (at most a few dozen): [{"id", "at", "kind"}].
    problems = models.JSONField(_("breaks found"), default=list, blank=True)
    head_id = models.BigIntegerField(_("last row verified"), null=True, blank=True)
    head_hash = models.CharField(_("last seal verified"), max_length=64, blank=True)
    seconds = models.FloatField(_("seconds taken"), default=0)

    class Meta:
        verbose_name = _("audit chain verification")
        verbose_name_plural = _("audit chain verifications")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S}"


class AuditArchive(models.Model):
    """A file `audit_archive` wrote: the rows up to `last_id`, their seals and the manifest's. The
    database administrator may then delete those rows; the live chain goes on from `last_hash`."""

    created_at = models.DateTimeField(_("archived at"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255)
    first_id = models.BigIntegerField(_("first row"))
    last_id = models.BigIntegerField(_("last row"))
    rows = models.PositiveBigIntegerField(_("rows"))
    previous_hash = models.CharField(_("previous seal"), max_length=64, blank=True)
    last_hash = models.CharField(_("last seal"), max_length=64, blank=True)
    # The manifest written beside the file, and its keyed seal (socialwork.audit_chain).
    manifest = models.JSONField(_("manifest"), default=dict)
    manifest_seal = models.CharField(_("manifest seal"), max_length=64)

    class Meta:
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        ordering = ["-last_id"]

    def __str__(self):
        return self.file_name


class AuditPolicy(models.Model):
    """How long the audit log is kept live, one row, set by the audit administrator. Never under
    180 days (MLPS 2.0 level 3: six months)."""

    retention_days = models.PositiveIntegerField(
        _("keep audit rows (days)"),
        default=180,
        validators=[MinValueValidator(MIN_RETENTION_DAYS), MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text=_(
            "Audit rows younger than this are never archived or removed. At least 180 days (six months)."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("audit retention policy")
        verbose_name_plural = _("audit retention policy")
        constraints = [
            CheckConstraint(
                condition=models.Q(id=1),
                name="audit_policy_singleton",
                field=None,
                violation_error_message=_(
                    "There is one audit retention policy; change it rather than adding another."
                ),
            ),
            CheckConstraint(
                condition=models.Q(retention_days__gte=MIN_RETENTION_DAYS),
                name="audit_policy_retention_minimum",
                field="retention_days",
                violation_error_message=_("Audit rows are kept at least 180 days."),
            ),
        ]

    def __str__(self):
        return str(_("audit retention policy"))

    @classmethod
    def current(cls) -> "AuditPolicy":
        return cls.objects.filter(pk=1).first() or cls(pk=1)
