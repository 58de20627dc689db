from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import UniqueConstraint


class CaseloadEntry(models.Model):
    """One client in a person's caseload: a client of a case they work on or supervise, or one
    they registered who has no case yet (removed cases and clients count for nobody).

    Derived, never edited: `casework.services.caseload` rewrites a client's entries from their
    cases and registration whenever those change. The client's name is copied so that a worker's
    client list is one index range in name order; sorting their five thousand clients out of a
    million cost 250 ms a page (bench/results.md)."""

    DERIVED = True  # not a record of its own: an import's undo neither keeps nor minds it

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(
        "casework.Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="caseload_entries"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)

    class Meta:
        verbose_name = _("caseload entry")
        verbose_name_plural = _("caseload entries")
        constraints = [
            UniqueConstraint(
                fields=["person", "client"],
                name="caseload_person_client_unique",
                field="client",
                violation_error_message=_("This client is already in this person's caseload."),
            )
        ]
        indexes = [models.Index(fields=["person", "name", "client"], name="caseload_order_idx")]

    def __str__(self):
        return f"{self.person} · {self.name}"
