from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.models import TimeStampedModel

from .cases import Case

USER = settings.AUTH_USER_MODEL


class AdvocacyRecord(TimeStampedModel):
    """Policy advocacy: a problem found in casework, the evidence (counts from linked cases, never
    names), the proposal to a department, its response and the outcome."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Drafting")
        SUBMITTED = "submitted", _("Submitted")
        RESPONDED = "responded", _("Responded")
        ADOPTED = "adopted", _("Adopted")
        PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    title = models.CharField(pgettext_lazy("casework", "title"), max_length=200)
    problem = models.TextField(_("problem found"))
    evidence_note = models.TextField(_("evidence in words"), blank=True)
    proposal = models.TextField(_("proposal"))
    department = models.CharField(_("department"), max_length=200)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFTING)
    cases = models.ManyToManyField(Case, verbose_name=_("linked cases"), blank=True, related_name="advocacy")
    station = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="advocacy"
    )
    author = models.ForeignKey(USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("policy advocacy record")
        verbose_name_plural = _("policy advocacy records")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("casework:advocacy_detail", args=[self.pk])
