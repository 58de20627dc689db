"""The workforce: posts, the people who fill them, their certificates, exams, assessment, pay
allowances, awards and studios."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.crypto.fields import (
    DerivedColumnsMixin,
    DigestField,
    EncryptedCharField,
    ShownMaskField,
    ShownTailField,
    digest_elsewhere,
)
from socialwork.idnumbers import mask, validate_id_number
from socialwork.local_rules import local_rule, owner_field
from socialwork.models import TimeStampedModel
from socialwork.money import MoneyField


class CertificateLevel(models.TextChoices):
    """The national professional level of a social worker, lowest first."""

    NONE = "none", pgettext_lazy("certificate level", "No certificate")
    ASSISTANT = "assistant", pgettext_lazy("certificate level", "Assistant social worker")
    SOCIAL_WORKER = "social_worker", pgettext_lazy("certificate level", "Social worker")
    SENIOR = "senior", pgettext_lazy("certificate level", "Senior social worker")

    @classmethod
    def rank(cls, level: str) -> int:
        return list(cls.values).index(level)

    @classmethod
    def certified(cls) -> list[str]:
        return [cls.ASSISTANT, cls.SOCIAL_WORKER, cls.SENIOR]


# The levels one can sit an exam for, or be paid an allowance at.
EXAM_LEVELS = [choice for choice in CertificateLevel.choices if choice[0] != CertificateLevel.NONE]


class HostInstitution(TimeStampedModel):
    """The institution a post is set up in: civil affairs, health, education, ... or one the
    district adds.

    Shared reference data: one list for the whole installation (a kind of institution, not a
    district's record), like the vulnerability categories, satisfaction questions and certificate
    levels; every district picks from it."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("host institution")
        verbose_name_plural = _("host institutions")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Position(TimeStampedModel):
    """A social work post: where it sits, how it was set up, how many people it holds."""

    class Category(models.TextChoices):
        STANDARDIZED = "standardized", _("Standardized post in a public institution")
        GRID = "grid", _("Grid post in a village or community")
        ASSISTANT = "assistant", _("Civil affairs assistant post")
        CORRECTION = "correction", _("Community correction post")
        ANTI_DRUG = "anti_drug", _("Community anti-drug post")
        ASSISTANCE = "assistance", _("Town full-time social assistance post")
        STATION = "station", _("Service station post")

    class SetupMode(models.TextChoices):
        DIRECT = "direct", _("Direct standardization")
        GOVERNMENT_EMPLOYEE = "government_employee", _("Government employee")
        CONTRACT = "contract", _("Contract employment")
        PURCHASED = "purchased", _("Government purchase of posts")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ABOLISHED = "abolished", _("Abolished")

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(pgettext_lazy("position", "title"), max_length=150)
    unit = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("service unit"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    host = models.ForeignKey(
        HostInstitution,
        verbose_name=_("host institution"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    category = models.CharField(
        pgettext_lazy("position", "category"), max_length=20, choices=Category.choices, db_index=True
    )
    setup_mode = models.CharField(
        _("how it was set up"), max_length=30, choices=SetupMode.choices, db_index=True
    )
    quota = models.PositiveSmallIntegerField(_("headcount quota"), default=1)
    duties = models.TextField(_("duties"), blank=True)
    required_level = models.CharField(
        _("required certificate"),
        max_length=20,
        choices=CertificateLevel.choices,
        default=CertificateLevel.NONE,
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    established_on = models.DateField(_("date set up"), null=True, blank=True)
    policy_basis = models.CharField(_("policy document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["code"]
        constraints = [
            CheckConstraint(
                condition=Q(quota__gte=1),
                name="position_quota_positive",
                field="quota",
                violation_error_message=_("The quota must be at least 1."),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.code})"

    def get_absolute_url(self):
        return reverse("positions:position_detail", args=[self.pk])


class SocialWorker(DerivedColumnsMixin, TimeStampedModel):
    """A person in the social work registry, certified or not."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    class Education(models.TextChoices):
        SECONDARY = "secondary", _("Secondary school or below")
        JUNIOR_COLLEGE = "junior_college", _("Junior college")
        BACHELOR = "bachelor", _("Bachelor")
        MASTER = "master", _("Master or above")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Encrypted (socialwork/crypto); found by the digest (a whole number, unique) or by the last
    # four characters, which the masked number shows to everyone anyway.
    id_number = EncryptedCharField(_("ID number"), max_length=18, validators=[validate_id_number])
    id_number_digest = DigestField(
        _("ID number digest"), source="id_number", purpose="positions.socialworker.id_number",
        normalize="socialwork.idnumbers.normalize",
    )  # fmt: skip
    id_number_tail = ShownTailField(
        _("last characters of the ID number"), source="id_number", normalize="socialwork.idnumbers.normalize",
        db_index=True,
    )  # fmt: skip
    id_number_masked = ShownMaskField(
        _("ID number as shown"), source="id_number", mask="socialwork.idnumbers.mask", max_length=18
    )
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    major = models.CharField(_("major"), max_length=100, blank=True)
    employer_unit = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("employer (unit)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
    )
    employer_organization = models.ForeignKey(
        "projects.SocialOrganization",
        verbose_name=_("employer (social organization)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
    )
    certificate_level = models.CharField(
        _("certificate level"),
        max_length=20,
        choices=CertificateLevel.choices,
        default=CertificateLevel.NONE,
        db_index=True,
    )
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True, db_index=True)
    certificate_year = models.PositiveSmallIntegerField(_("certificate year"), null=True, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    registration_valid_until = models.DateField(_("registration valid until"), null=True, blank=True)
    professional_title = models.CharField(_("professional title"), max_length=100, blank=True)
    is_supervisor = models.BooleanField(_("supervisor"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="worker",
    )

    class Meta:
        verbose_name = _("social worker")
        verbose_name_plural = _("social workers")
        ordering = ["name", "pk"]
        permissions = [("view_full_id_number", _("Can see full ID numbers of social workers"))]
        constraints = [
            UniqueConstraint(
                fields=["id_number_digest"],
                condition=~Q(id_number_digest=""),
                name="worker_id_number_digest_unique",
                field="id_number",
                violation_error_message=_("Another social worker already has this ID number."),
            ),
            UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="worker_certificate_number_unique",
                field="certificate_number",
                violation_error_message=_("Another social worker already holds this certificate number."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("positions:worker_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.id_number and digest_elsewhere(self, "id_number_digest"):
            raise ValidationError({"id_number": _("Another social worker already has this ID number.")})

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number)

    @property
    def employer(self):
        return self.employer_unit or self.employer_organization


class Exam(TimeStampedModel):
    """One sitting of the national professional level exam: who, which level, which year, passed."""

    worker = models.ForeignKey(
        SocialWorker, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="exams"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=[c for c in CertificateLevel.choices if c[0] != CertificateLevel.NONE],
    )
    passed = models.BooleanField(_("passed"), default=False)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["-year", "worker__name"]
        constraints = [
            UniqueConstraint(
                fields=["worker", "year", "level"],
                name="exam_once_per_year_level",
                field="level",
                violation_error_message=_(
                    "This person's exam at this level in this year is already recorded."
                ),
            )
        ]

    def __str__(self):
        return f"{self.worker} {self.year} {self.get_level_display()}"


class Appointment(TimeStampedModel):
    """A worker holding a position from a date to a date. Ended appointments are history."""

    worker = models.ForeignKey(
        SocialWorker, verbose_name=_("social worker"), on_delete=models.PROTECT, related_name="appointments"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="appointments"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            UniqueConstraint(
                fields=["worker", "position"],
                condition=Q(ends_on__isnull=True),
                name="appointment_active_once",
                field="position",
                violation_error_message=_("This social worker already holds this position."),
            ),
            CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="appointment_ends_after_start",
                field="ends_on",
                violation_error_message=_("An appointment cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["position", "ends_on"], name="appointment_active_idx")]

    def __str__(self):
        return f"{self.worker} · {self.position.title}"

    @property
    def is_active(self) -> bool:
        return self.ends_on is None


class AssessmentScheme(TimeStampedModel):
    """A district's criteria, weights and grade rules for one year's practice assessment of one
    kind of subject, or its city's, the default its districts use unless they keep their own
    (socialwork.local_rules: the key is year + subject)."""

    class Subject(models.TextChoices):
        WORKER = "worker", _("Social worker")
        INSTITUTION = "institution", _("Social work institution")
        POSITION = "position", _("Post")

    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(
        _("who is assessed"), max_length=20, choices=Subject.choices, default=Subject.WORKER
    )
    title = models.CharField(_("title"), max_length=150)
    region = owner_field()

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "subject"]
        constraints = [
            UniqueConstraint(
                fields=["region", "year", "subject"],
                name="assessment_scheme_per_year",
                field="subject",
                violation_error_message=_("That year already has an assessment scheme of this kind."),
            ),
            UniqueConstraint(
                fields=["year", "subject"],
                condition=Q(region__isnull=True),
                name="assessment_scheme_per_year_unowned",
                field="subject",
                violation_error_message=_("That year already has an assessment scheme of this kind."),
            ),
        ]

    def __str__(self):
        return self.title


class AssessmentCriterion(models.Model):
    """One criterion of a scheme. It may be linked to a figure the records hold about a worker
    (positions/selectors/evidence.py): the recording form then suggests a score, full marks when
    the figure reaches `full_marks_at`, in proportion below it."""

    class Source(models.TextChoices):
        # The keys of positions.selectors.evidence.worker_evidence's figures.
        CASELOAD = "caseload", _("Caseload")
        NOTES_WRITTEN = "notes_written", _("Service notes written")
        NOTES_ON_TIME = "notes_on_time", _("Cases with a recent note (%)")
        GOALS_REACHED = "goals_reached", _("Cases closed with goals reached")
        SUPERVISION = "supervision", _("Supervision given")
        TRAINING_HOURS = "training_hours", _("Training hours")

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=150)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(
        _("pre-filled from"),
        max_length=20,
        choices=Source.choices,
        blank=True,
        help_text=_("A figure from the records that suggests this criterion's score for a worker."),
    )
    full_marks_at = models.DecimalField(
        _("full marks at"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "The figure's value that earns a score of 100; less earns its share (for a percentage, 100)."
        ),
    )

    class Meta:
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")
        ordering = ["pk"]
        constraints = [
            CheckConstraint(
                condition=Q(source="", full_marks_at__isnull=True)
                | (~Q(source="") & Q(full_marks_at__isnull=False, full_marks_at__gt=0)),
                name="criterion_source_with_full_marks",
                field="full_marks_at",
                violation_error_message=_(
                    "A criterion scored from a figure needs the value that earns full marks, more than zero; one scored by hand has none."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.source and self.full_marks_at is None:
            raise ValidationError({"full_marks_at": _("Say which value of the figure earns full marks.")})
        if not self.source and self.full_marks_at is not None:
            raise ValidationError(
                {"source": _("Choose the figure that full marks refer to, or clear full marks.")}
            )
        if self.full_marks_at is not None and self.full_marks_at <= 0:
            raise ValidationError({"full_marks_at": _("Full marks must be earned at a value above 0.")})


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


class GradeRule(models.Model):
    """From which weighted score a grade starts, and what it means for pay."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="grade_rules")
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    min_score = models.DecimalField(_("from score"), max_digits=5, decimal_places=2)
    pay_consequence = models.CharField(_("pay consequence"), max_length=200, blank=True)
    pay_adjustment = MoneyField(_("monthly pay adjustment (yuan)"), default=0)

    class Meta:
        verbose_name = _("grade rule")
        verbose_name_plural = _("grade rules")
        ordering = ["-min_score"]
        constraints = [
            UniqueConstraint(
                fields=["scheme", "grade"],
                name="grade_rule_once",
                field="grade",
                violation_error_message=_("This scheme already has a rule for this grade."),
            )
        ]

    def __str__(self):
        return f"{self.get_grade_display()} ≥ {self.min_score}"


class Assessment(TimeStampedModel):
    """One subject's assessment under a scheme: scores per criterion, the grade and its pay."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("assessment scheme"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    worker = models.ForeignKey(
        SocialWorker,
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
    )
    unit = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
    )
    scores = models.JSONField(_("scores"), default=dict, help_text=_("Score per criterion id, out of 100."))
    total = models.DecimalField(_("weighted score"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    pay_consequence = models.CharField(_("pay consequence"), max_length=200, blank=True)
    pay_adjustment = MoneyField(_("monthly pay adjustment (yuan)"), default=0)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-scheme__year", "-total"]
        constraints = [
            CheckConstraint(
                condition=(
                    Q(worker__isnull=False, unit__isnull=True, position__isnull=True)
                    | Q(worker__isnull=True, unit__isnull=False, position__isnull=True)
                    | Q(worker__isnull=True, unit__isnull=True, position__isnull=False)
                ),
                name="assessment_one_subject",
                field=None,
                violation_error_message=_(
                    "An assessment is of one social worker, one institution or one post."
                ),
            ),
            UniqueConstraint(
                fields=["scheme", "worker"],
                name="assessment_worker_once",
                field="worker",
                violation_error_message=_("This social worker has already been assessed under this scheme."),
            ),
            UniqueConstraint(
                fields=["scheme", "unit"],
                name="assessment_unit_once",
                field="unit",
                violation_error_message=_("This institution has already been assessed under this scheme."),
            ),
            UniqueConstraint(
                fields=["scheme", "position"],
                name="assessment_position_once",
                field="position",
                violation_error_message=_("This post has already been assessed under this scheme."),
            ),
        ]

    def __str__(self):
        return f"{self.scheme.year} {self.subject}"

    @property
    def subject(self):
        return self.worker or self.unit or self.position


class AllowancePolicy(TimeStampedModel):
    """The monthly qualification allowance for a certificate level from a date (seed 001: 200
    yuan for a social worker, 100 for an assistant)."""

    region = owner_field()
    level = models.CharField(_("certificate level"), max_length=20, choices=EXAM_LEVELS)
    monthly_amount = MoneyField(_("monthly amount (yuan)"))
    effective_from = models.DateField(_("effective from"))

    class Meta:
        verbose_name = _("allowance policy")
        verbose_name_plural = _("allowance policies")
        ordering = ["level", "-effective_from"]
        constraints = [
            UniqueConstraint(
                fields=["region", "level", "effective_from"],
                name="allowance_policy_once",
                field="effective_from",
                violation_error_message=_("An allowance for this level already takes effect on this date."),
            ),
            UniqueConstraint(
                fields=["level", "effective_from"],
                condition=Q(region__isnull=True),
                name="allowance_policy_once_unowned",
                field="effective_from",
                violation_error_message=_("An allowance for this level already takes effect on this date."),
            ),
            CheckConstraint(
                condition=Q(monthly_amount__gte=0),
                name="allowance_policy_not_negative",
                field="monthly_amount",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.monthly_amount} ({self.effective_from})"


class AllowanceRoll(TimeStampedModel):
    """The qualification allowance of one month in a district: who held a post in it and was
    eligible on the month's first day, and how much. Each district pays its own."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CLOSED = "closed", _("Closed")

    region = owner_field()
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    total = MoneyField(_("total (yuan)"), default=0)
    worker_count = models.PositiveIntegerField(_("workers"), default=0)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("allowance roll")
        verbose_name_plural = _("allowance rolls")
        ordering = ["-month", "region"]
        constraints = [
            UniqueConstraint(
                fields=["region", "month"],
                name="allowance_roll_once",
                field="month",
                violation_error_message=_("This district already has a roll for this month."),
            ),
            UniqueConstraint(
                fields=["month"],
                condition=Q(region__isnull=True),
                name="allowance_roll_once_unowned",
                field="month",
                violation_error_message=_("This district already has a roll for this month."),
            ),
            CheckConstraint(
                condition=Q(month__day=1),
                name="allowance_roll_first_of_month",
                field="month",
                violation_error_message=_(
                    "An allowance roll covers a whole month: give the month's first day."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("positions:allowance_roll_detail", args=[self.pk])


class AllowanceRollRun(models.Model):
    """A generation of a month's roll sent to the worker: the month and who asked, kept so that a
    generation a dead worker left running can be sent again, since the results backend keeps no
    task arguments. Its id is the task's id."""

    id = models.UUIDField(primary_key=True, editable=False)
    region = owner_field()
    month = models.DateField(_("month"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("allowance roll generation")
        verbose_name_plural = _("allowance roll generations")

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.id}"


class AllowanceLine(models.Model):
    """One worker on a roll, with what was true on the first of the month, kept as it was."""

    roll = models.ForeignKey(AllowanceRoll, on_delete=models.CASCADE, related_name="lines")
    worker = models.ForeignKey(SocialWorker, on_delete=models.PROTECT, related_name="allowance_lines")
    level = models.CharField(_("certificate level"), max_length=20, choices=CertificateLevel.choices)
    amount = MoneyField(_("amount (yuan)"))
    unit_name = models.CharField(_("unit"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("allowance line")
        verbose_name_plural = _("allowance lines")
        ordering = ["unit_name", "worker__name"]
        constraints = [
            UniqueConstraint(
                fields=["roll", "worker"],
                name="allowance_line_once",
                field="worker",
                violation_error_message=_("This social worker is already on this roll."),
            )
        ]

    def __str__(self):
        return f"{self.worker} {self.amount}"


class Award(TimeStampedModel):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")

    name = models.CharField(_("award"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    worker = models.ForeignKey(
        SocialWorker, verbose_name=_("social worker"), on_delete=models.CASCADE, related_name="awards"
    )
    awarded_by = models.CharField(_("awarded by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-year", "name"]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def get_absolute_url(self):
        return reverse("positions:award_detail", args=[self.pk])


class Studio(TimeStampedModel):
    """A brand studio led by a well-known social worker (seed 000: Niu Huanju, Qiyang, Xuri)."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=150, unique=True)
    leader = models.ForeignKey(
        SocialWorker, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="studios"
    )
    unit = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("service unit"),
        on_delete=models.PROTECT,
        related_name="studios",
    )
    established_on = models.DateField(_("date set up"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("studio")
        verbose_name_plural = _("studios")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("positions:studio_detail", args=[self.pk])


class StudioProject(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("project"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        verbose_name = _("studio project")
        verbose_name_plural = _("studio projects")
        ordering = ["pk"]

    def __str__(self):
        return self.name


# The allowance table is a district's rule, with its city's default (socialwork.local_rules).
local_rule(
    "allowance_policy",
    AllowancePolicy,
    label=_("Allowance amounts by level"),
    perm="positions.add_allowancepolicy",  # amounts are added, never changed (a roll keeps its own)
    url=lambda **key: reverse("positions:allowance_policies"),
)


def _scheme_owned(source_pk: int, copy) -> None:
    from positions.services.assessment import assessment_scheme_copy_parts

    assessment_scheme_copy_parts(source_pk=source_pk, copy=copy)


# A year's assessment scheme of a kind is a district's rule, with its city's default.
local_rule(
    "assessment_scheme",
    AssessmentScheme,
    label=_("Assessment scheme"),
    keys=("year", "subject"),
    url=lambda **key: reverse("positions:assessment_schemes"),
    on_own=_scheme_owned,
)
