"""Security labels (安全标记, MLPS 2.0 level 3) and break-glass access.

A case or a client labelled sensitive is seen only by the people doing the work: a case by its
assigned worker and its supervisor, a client by the worker and supervisor of one of their cases
(casework.selectors.case_scope, client_scope). Not the station manager, not a holder of an access
grant, not a district administrator. A station manager or district administrator may still open a
labelled case in their place by giving a reason (break-glass): for the policy's hours, audited,
and told to the case's worker and supervisor and to the auditors."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialwork.constraints import CheckConstraint

USER = settings.AUTH_USER_MODEL


class LabelReason(models.TextChoices):
    """Why a record is labelled sensitive."""

    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    CHILD_SEXUAL_ABUSE = "child_sexual_abuse", _("Sexual abuse of a minor")
    PROTECTED_WITNESS = "protected_witness", _("Protected witness")
    OTHER = "other", _("Other (see the note)")


class Labelled(models.Model):
    """The security label a case and a client carry: set and removed only by
    casework.services.labels."""

    sensitive = models.BooleanField(_("labelled sensitive"), default=False, editable=False)
    label_reason = models.CharField(
        _("reason for the label"), max_length=30, choices=LabelReason.choices, blank=True, editable=False
    )
    label_note = models.CharField(_("note on the label"), max_length=200, blank=True, editable=False)

    class Meta:
        abstract = True


def label_constraint(prefix: str) -> CheckConstraint:
    return CheckConstraint(
        condition=Q(sensitive=False) | ~Q(label_reason=""),
        name=f"{prefix}_label_has_reason",
        field="label_reason",
        violation_error_message=_("A sensitive record says why it is labelled."),
    )


class LabelChange(models.Model):
    """One setting or removal of a security label on a case or a client: who, when, why. The
    case's timeline shows those of the case (and of its clients)."""

    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="label_changes",
    )  # fmt: skip
    client = models.ForeignKey(
        "casework.Client", verbose_name=_("client"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="label_changes",
    )  # fmt: skip
    sensitive = models.BooleanField(_("labelled sensitive"))
    reason = models.CharField(
        _("reason for the label"), max_length=30, choices=LabelReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("security label change")
        verbose_name_plural = _("security label changes")
        ordering = ["at", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(case__isnull=True, client__isnull=False)
                | Q(case__isnull=False, client__isnull=True),
                name="labelchange_case_or_client",
                field=None,
                violation_error_message=_("A label change concerns a case or a client."),
            ),
        ]

    def __str__(self):
        return str(self.case or self.client)


class BreakGlass(models.Model):
    """A station manager or district administrator opened a labelled case, for a reason, until a
    time (the policy's hours). It opens the case and its clients to them alone, and nothing after
    `expires_at`."""

    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="break_glasses"
    )
    user = models.ForeignKey(USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    expires_at = models.DateTimeField(_("until"), db_index=True)

    class Meta:
        verbose_name = _("emergency access (break-glass)")
        verbose_name_plural = _("emergency accesses (break-glass)")
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_expires_idx")]

    def __str__(self):
        return f"{self.case} → {self.user}"

    @property
    def is_open(self) -> bool:
        return self.expires_at > timezone.now()
