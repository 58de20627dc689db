"""Registration by the national rules: each three-year registration period of a worker, the
continuing-education hours each certificate level needs in a period, and the hours of training
taken outside the district's own sessions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.local_rules import local_rule, owner_field
from socialwork.models import TimeStampedModel

from .workforce import EXAM_LEVELS


class RegistrationPeriod(TimeStampedModel):
    """One period a worker's registration is valid (three years), renewed from the one before.
    The latest is the one the worker's own registration fields show."""

    worker = models.ForeignKey(
        "positions.SocialWorker",
        verbose_name=_("social worker"),
        on_delete=models.CASCADE,
        related_name="registration_periods",
    )
    number = models.CharField(_("registration number"), max_length=50)
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"), db_index=True)
    renewed_from = models.OneToOneField(
        "self",
        verbose_name=_("renewed from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("registration period")
        verbose_name_plural = _("registration periods")
        ordering = ["worker", "-ends_on"]
        constraints = [
            CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="registration_period_ends_after_start",
                field="ends_on",
                violation_error_message=_("A registration period ends after it starts."),
            ),
            UniqueConstraint(
                fields=["worker", "ends_on"],
                name="registration_period_once",
                field="ends_on",
                violation_error_message=_(
                    "This worker already has a registration period ending on this date."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("positions:worker_detail", args=[self.worker_id]) + "#registration"


class RegistrationHoursPolicy(TimeStampedModel):
    """The continuing-education hours a registration period requires of a certificate level
    (national rules: 72 for an assistant social worker, 90 for a social worker or a senior one)."""

    region = owner_field()
    level = models.CharField(_("certificate level"), max_length=20, choices=EXAM_LEVELS)
    hours = models.DecimalField(_("hours required per registration period"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("registration hours requirement")
        verbose_name_plural = _("registration hours requirements")
        ordering = ["level"]
        constraints = [
            UniqueConstraint(
                fields=["region", "level"],
                name="registration_hours_once",
                field="level",
                violation_error_message=_("This district already requires hours of this level."),
            ),
            UniqueConstraint(
                fields=["level"],
                condition=Q(region__isnull=True),
                name="registration_hours_once_unowned",
                field="level",
                violation_error_message=_("This district already requires hours of this level."),
            ),
            CheckConstraint(
                condition=Q(hours__gte=0),
                name="registration_hours_not_negative",
                field="hours",
                violation_error_message=_("The hours required cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.hours}"


class OutsideTraining(TimeStampedModel):
    """Hours of continuing education taken outside the district's own sessions (a university
    course, a provincial training, an online course), with its certificate attached. Hours a
    worker records themself count once their station or the district has checked them."""

    worker = models.ForeignKey(
        "positions.SocialWorker",
        verbose_name=_("social worker"),
        on_delete=models.CASCADE,
        related_name="outside_training",
    )
    title = models.CharField(pgettext_lazy("outside training", "training"), max_length=200)
    organizer = models.CharField(_("organized by"), max_length=200)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    certificate = models.FileField(_("certificate"), upload_to="positions/outside_training/")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outside training")
        verbose_name_plural = _("outside training")
        ordering = ["-held_on", "-pk"]
        constraints = [
            CheckConstraint(
                condition=Q(hours__gt=0),
                name="outside_training_hours_positive",
                field="hours",
                violation_error_message=_("The hours must be more than zero."),
            ),
            CheckConstraint(
                condition=~Q(certificate=""),
                name="outside_training_with_certificate",
                field="certificate",
                violation_error_message=_("Attach the training's certificate."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.held_on:%Y-%m-%d}, {self.hours})"

    def get_absolute_url(self):
        return reverse("positions:worker_detail", args=[self.worker_id]) + "#registration"

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None


local_rule(
    "registration_hours",
    RegistrationHoursPolicy,
    label=_("Registration hours requirement"),
    keys=("level",),
    url=lambda **key: reverse("admin:positions_registrationhourspolicy_changelist"),  # edited in the admin
)
