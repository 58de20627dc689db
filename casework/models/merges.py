"""Two client records of the same person, merged after a second person approves.

A station (or intake) sends a suspected duplicate for merging; a district administrator proposes
the merge (which record is kept, which of the merged record's values fill the kept one); a second
district administrator approves or rejects it. Approving merges in one transaction
(casework.services.merges): the cases, household, pairings, group memberships, requests and label
history move to the kept record, and `moved` records their ids per relation so that an undo puts
each back. The merged record stays, hidden (`Client.merged_into`), until the merge is undone or
the case records policy's retention erases it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.crypto.fields import EncryptedTextField
from socialwork.models import TimeStampedModel

USER = settings.AUTH_USER_MODEL

# The fields of a client the approver chooses between, in the comparison's order. The ID number
# comes with its digest, the date of birth and gender with the ID number's.
MERGE_FIELDS = (
    "name", "gender", "birth_date", "id_number", "phone", "address", "community",
    "consents_to_services", "consents_to_data_processing", "consent_recorded_on",
)  # fmt: skip


class ClientMerge(TimeStampedModel):
    """Merging `merged` into `kept`: sent, proposed, then approved (merged) or rejected; a merge
    done may be undone."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent for merging")
        PROPOSED = "proposed", _("Awaiting approval")
        MERGED = "merged", _("Merged")
        REJECTED = "rejected", _("Rejected")
        UNDONE = "undone", _("Undone")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    kept = models.ForeignKey(
        "casework.Client", verbose_name=_("record kept"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="merges_kept",
    )  # fmt: skip
    merged = models.ForeignKey(
        "casework.Client", verbose_name=_("record merged"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="merges_merged",
    )  # fmt: skip
    # The merged record's id, kept after the retention policy erased it.
    merged_ref = models.PositiveBigIntegerField(_("merged record's id"), null=True, blank=True)
    reason = models.CharField(_("why they are the same person"), max_length=500)
    take_from_merged = models.JSONField(
        _("values taken from the merged record"), default=list, blank=True,
        help_text=_("The fields whose value the kept record takes from the merged one."),
    )  # fmt: skip
    moved = models.JSONField(_("what moved"), default=dict, blank=True, editable=False)
    # The kept record's own values of the fields taken from the merged one, to undo (encrypted:
    # they may hold an ID number, a phone, an address).
    before_text = EncryptedTextField(_("values before"), blank=True, default="", editable=False)
    sent_by = models.ForeignKey(
        USER, verbose_name=_("sent by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        USER, verbose_name=_("proposed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(pgettext_lazy("decision", "comment"), max_length=500, blank=True)
    undone_by = models.ForeignKey(
        USER, verbose_name=_("undone by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undo_reason = models.CharField(_("reason for undoing"), max_length=500, blank=True)
    purged_at = models.DateTimeField(_("merged record erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("client merge")
        verbose_name_plural = _("client merges")
        ordering = ["-created_at", "-pk"]
        constraints = [
            CheckConstraint(
                condition=~Q(kept=models.F("merged")),
                name="clientmerge_two_records",
                field="merged",
                violation_error_message=_("A record is not merged into itself."),
            ),
            CheckConstraint(
                condition=Q(status="sent") | Q(kept__isnull=False),
                name="clientmerge_proposal_keeps",
                field="kept",
                violation_error_message=_("A proposal names the record kept."),
            ),
            UniqueConstraint(
                fields=["merged"],
                condition=Q(status__in=["sent", "proposed"]),
                name="clientmerge_one_open",
                field="merged",
                violation_error_message=_("This record is already waiting to be merged."),
            ),
        ]

    def __str__(self):
        kept = f"#{self.kept_id}" if self.kept_id else "?"
        return f"#{self.merged_ref or self.merged_id} → {kept}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("casework:merge_detail", args=[self.pk])
