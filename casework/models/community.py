from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.crypto.fields import DerivedColumnsMixin, EncryptedCharField, ShownMaskField
from socialwork.models import TimeStampedModel

from .clients import Client

USER = settings.AUTH_USER_MODEL


class CommunityActivity(TimeStampedModel):
    """Community work: an activity with its theme, place, partners and how many took part."""

    theme = models.CharField(_("theme"), max_length=200)
    held_on = models.DateField(_("date"), db_index=True)
    community = models.ForeignKey(
        "positions.Region", verbose_name=_("community or village"), on_delete=models.PROTECT,
        related_name="activities",
    )  # fmt: skip
    station = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("station"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    # The purchased-services project the work is done under, if any: its dossier and its
    # evaluation's samples count it there (issue 21).
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="activities",
    )  # fmt: skip
    partners = models.CharField(_("partners"), max_length=300, blank=True)
    participants = models.PositiveIntegerField(pgettext_lazy("casework", "participants"))
    summary = models.TextField(_("summary"), blank=True)
    organizer = models.ForeignKey(
        USER, verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("community activity")
        verbose_name_plural = _("community activities")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return self.theme

    def get_absolute_url(self):
        return reverse("casework:activity_detail", args=[self.pk])


class Volunteer(DerivedColumnsMixin, TimeStampedModel):
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = EncryptedCharField(_("phone"), max_length=30, null=True, blank=True)
    phone_masked = ShownMaskField(_("phone as shown"), source="phone", mask="casework.masking.mask_phone")
    station = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("station"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(pgettext_lazy("volunteer", "active"), default=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("casework:volunteer_detail", args=[self.pk])


class VolunteerHours(TimeStampedModel):
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="hours"
    )
    activity = models.ForeignKey(
        CommunityActivity, verbose_name=_("activity"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="volunteer_hours",
    )  # fmt: skip
    served_on = models.DateField(_("date"))
    hours = models.DecimalField(pgettext_lazy("casework", "hours"), max_digits=5, decimal_places=1)
    description = models.CharField(_("what they did"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("volunteer hours")
        verbose_name_plural = _("volunteer hours")
        ordering = ["-served_on", "-pk"]
        constraints = [
            CheckConstraint(
                condition=Q(hours__gt=Decimal(0)) & Q(hours__lte=Decimal(24)),
                name="volunteer_hours_in_a_day",
                field="hours",
                violation_error_message=_("Hours in a day are more than 0 and at most 24."),
            )
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.served_on} · {self.hours}"


class VolunteerPairing(TimeStampedModel):
    """A volunteer paired with a client, such as a caring neighbour with a family's twins."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="pairings"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="pairings"
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    starts_on = models.DateField(pgettext_lazy("casework", "from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer pairing")
        verbose_name_plural = _("volunteer pairings")
        ordering = ["-starts_on", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["volunteer", "client"],
                condition=Q(ends_on__isnull=True),
                name="pairing_one_open",
                field="client",
                violation_error_message=_("The volunteer is already paired with this client."),
            )
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.client}"
