"""Training and continuing education: series, sessions, trainers, enrolment with a waiting list,
attendance, credited hours, the yearly requirement and completion certificates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.local_rules import local_rule, owner_field
from socialwork.models import TimeStampedModel


class Trainer(TimeStampedModel):
    """A university expert, a ministry official, another city's supervisor: who teaches."""

    class Affiliation(models.TextChoices):
        UNIVERSITY = "university", _("University")
        MINISTRY = "ministry", _("Ministry or department")
        SUPERVISORS = "supervisors", _("Supervisors from another city")
        OTHER = "other", _("Other")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    affiliation = models.CharField(_("affiliation"), max_length=150)
    affiliation_kind = models.CharField(_("kind of affiliation"), max_length=20, choices=Affiliation.choices)
    title = models.CharField(pgettext_lazy("trainer", "title"), max_length=100, blank=True)
    expertise = models.CharField(_("expertise"), max_length=200, blank=True)
    # The district (or city) whose register holds the trainer: seen there and in the places inside
    # it (socialwork.scoping.shared_down_scope); empty, the whole installation's.
    region = models.ForeignKey(
        "positions.Region", verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="trainers",
    )  # fmt: skip

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.affiliation}）"


class PracticeBase(TimeStampedModel):
    """A university's social work practice base in a unit of the network, under an agreement."""

    university = models.CharField(_("university"), max_length=150)
    unit = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("service unit"),
        on_delete=models.PROTECT,
        related_name="practice_bases",
    )
    agreement_from = models.DateField(_("agreement from"))
    agreement_until = models.DateField(_("agreement until"), null=True, blank=True)

    class Meta:
        verbose_name = _("practice base")
        verbose_name_plural = _("practice bases")
        ordering = ["university"]

    def __str__(self):
        return f"{self.university} · {self.unit}"


class TrainingSeries(TimeStampedModel):
    class Category(models.TextChoices):
        PRACTICAL_SKILLS = "practical_skills", _("Practical skills")
        INTERVIEW_SKILLS = "interview_skills", _("Interview skills")
        VOLUNTEER_LECTURE = "volunteer_lecture", _("Volunteer public-welfare lecture")
        CONTINUING_EDUCATION = "continuing_education", _("Continuing education")
        SUPERVISION_DEMONSTRATION = "supervision_demonstration", _("Supervision demonstration")
        LEADERS_SEMINAR = "leaders_seminar", _("Leaders' seminar")
        EXPERT_LECTURE = "expert_lecture", _("Expert lecture")

    title = models.CharField(pgettext_lazy("training series", "title"), max_length=200)
    category = models.CharField(
        pgettext_lazy("training series", "category"), max_length=30, choices=Category.choices, db_index=True
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    unit = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("organizing unit"),
        on_delete=models.PROTECT,
        related_name="training_series",
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organized_series",
        help_text=_("Hears when a session is under-subscribed."),
    )
    completion_share = models.PositiveSmallIntegerField(
        _("attendance needed for a certificate (%)"), default=80
    )

    class Meta:
        verbose_name = _("training series")
        verbose_name_plural = _("training series")
        ordering = ["-year", "title"]
        constraints = [
            CheckConstraint(
                condition=Q(completion_share__gte=1, completion_share__lte=100),
                name="series_share_is_a_percentage",
                field="completion_share",
                violation_error_message=_("The attendance needed is a percentage from 1 to 100."),
            )
        ]

    def __str__(self):
        return f"{self.year} {self.title}"

    def get_absolute_url(self):
        return reverse("training:series_detail", args=[self.pk])


class TrainingSession(TimeStampedModel):
    series = models.ForeignKey(
        TrainingSeries, verbose_name=_("series"), on_delete=models.CASCADE, related_name="sessions"
    )
    topic = models.CharField(_("topic"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200)
    host_unit = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("hosting unit"),
        on_delete=models.PROTECT,
        related_name="hosted_sessions",
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    minimum = models.PositiveIntegerField(
        _("minimum participants"), default=0, help_text=_("Fewer enrolled than this is under-subscribed.")
    )
    credit_hours = models.DecimalField(_("credit hours"), max_digits=4, decimal_places=1)
    trainers = models.ManyToManyField(
        Trainer, verbose_name=_("trainers"), related_name="sessions", blank=True
    )

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at"]
        constraints = [
            CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                field="ends_at",
                violation_error_message=_("A session ends after it starts."),
            ),
            CheckConstraint(
                condition=Q(capacity__gte=1),
                name="session_capacity_positive",
                field="capacity",
                violation_error_message=_("A session has room for at least one person."),
            ),
        ]

    def __str__(self):
        return f"{self.topic} ({self.starts_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("training:session_detail", args=[self.pk])


class Enrolment(TimeStampedModel):
    """A place in a session, or a place in its waiting list. The participant is a registered
    worker or an outside person recorded by name and unit."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class OutsideKind(models.TextChoices):
        PRACTITIONER = "practitioner", _("Community practitioner")
        ORGANIZATION_STAFF = "organization_staff", _("Organization staff")
        VOLUNTEER = "volunteer", _("Volunteer")

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=pgettext_lazy("training", "session"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    worker = models.ForeignKey(
        "positions.SocialWorker",
        verbose_name=_("social worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    outside_name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    outside_unit = models.CharField(_("unit"), max_length=150, blank=True)
    outside_kind = models.CharField(
        _("kind of participant"), max_length=20, choices=OutsideKind.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    hours_credited = models.DecimalField(_("hours credited"), max_digits=4, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "pk"]  # the order people joined: the waiting list moves in it
        constraints = [
            CheckConstraint(
                condition=(Q(worker__isnull=False) & Q(outside_name=""))
                | (Q(worker__isnull=True) & ~Q(outside_name="")),
                name="enrolment_worker_or_outside_person",
                field=None,
                violation_error_message=_(
                    "Enrol either a registered social worker or an outside person by name, not both."
                ),
            ),
            UniqueConstraint(
                fields=["session", "worker"],
                condition=Q(worker__isnull=False) & ~Q(status="cancelled"),
                name="enrolment_worker_once_per_session",
                field="worker",
                violation_error_message=_("This social worker is already enrolled in this session."),
            ),
        ]
        indexes = [models.Index(fields=["session", "status"], name="enrolment_session_status_idx")]

    def __str__(self):
        return f"{self.participant_name} · {self.session}"

    @property
    def participant_name(self) -> str:
        return self.worker.name if self.worker_id else self.outside_name


class HoursRequirement(TimeStampedModel):
    """The continuing-education hours a district (or its city, for its districts) requires of
    each worker in a year."""

    region = owner_field()
    year = models.PositiveSmallIntegerField(_("year"))
    hours = models.DecimalField(_("hours required"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("hours requirement")
        verbose_name_plural = _("hours requirements")
        ordering = ["-year"]
        constraints = [
            UniqueConstraint(
                fields=["region", "year"],
                name="hours_requirement_once",
                field="year",
                violation_error_message=_("This district already requires hours for this year."),
            ),
            UniqueConstraint(
                fields=["year"],
                condition=Q(region__isnull=True),
                name="hours_requirement_once_unowned",
                field="year",
                violation_error_message=_("This district already requires hours for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.hours}"


class Certificate(TimeStampedModel):
    """A completion certificate for a series, with a number no other certificate has."""

    series = models.ForeignKey(
        TrainingSeries, verbose_name=_("series"), on_delete=models.PROTECT, related_name="certificates"
    )
    worker = models.ForeignKey(
        "positions.SocialWorker",
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_certificates",
    )
    outside_name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    outside_unit = models.CharField(_("unit"), max_length=150, blank=True)
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    issued_on = models.DateField(_("issued on"))
    attended_sessions = models.PositiveSmallIntegerField(_("sessions attended"))
    total_sessions = models.PositiveSmallIntegerField(_("sessions in the series"))

    class Meta:
        verbose_name = _("completion certificate")
        verbose_name_plural = _("completion certificates")
        ordering = ["number"]
        constraints = [
            UniqueConstraint(
                fields=["series", "worker"],
                condition=Q(worker__isnull=False),
                name="certificate_worker_once",
                field="worker",
                violation_error_message=_("This social worker already has a certificate for this series."),
            ),
            UniqueConstraint(
                fields=["series", "outside_name", "outside_unit"],
                condition=Q(worker__isnull=True),
                name="certificate_outside_person_once",
                field="outside_name",
                violation_error_message=_("This person already has a certificate for this series."),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def participant_name(self) -> str:
        return self.worker.name if self.worker_id else self.outside_name


local_rule(
    "hours_requirement",
    HoursRequirement,
    label=_("Training hours requirement"),
    keys=("year",),
    url=lambda year=None, **key: reverse("training:hours") + (f"?year={year}" if year else ""),
)
