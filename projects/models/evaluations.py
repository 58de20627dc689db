"""Project evaluation to MZ/T 059 and the district's own schemes: a scheme of weighted indicator
domains with grade thresholds, a project's mid-term and final evaluations by the district or a
third-party evaluation organization, the scores, the rectification list and the conclusion.

The rules (weights summing to 100, who may score, how a grade follows from a score) live in
projects.services.evaluations and projects.selectors.evaluations, never here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.models import TimeStampedModel


class Grade(models.TextChoices):
    """The four grades of an evaluation (优秀 / 良好 / 一般 / 较差)."""

    EXCELLENT = "excellent", pgettext_lazy("evaluation grade", "Excellent")
    GOOD = "good", pgettext_lazy("evaluation grade", "Good")
    FAIR = "fair", pgettext_lazy("evaluation grade", "Fair")
    POOR = "poor", pgettext_lazy("evaluation grade", "Poor")


class EvaluationScheme(TimeStampedModel):
    """The indicators a call's (or a year's) projects are evaluated on, and the score each grade
    needs. A scheme for a call wins over the scheme of the call's year."""

    title = models.CharField(pgettext_lazy("scheme", "title"), max_length=200)
    call = models.ForeignKey(
        "projects.Call", verbose_name=_("call"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="evaluation_schemes",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    excellent_from = models.DecimalField(_("excellent from"), max_digits=5, decimal_places=1, default=90)
    good_from = models.DecimalField(_("good from"), max_digits=5, decimal_places=1, default=80)
    fair_from = models.DecimalField(_("fair from"), max_digits=5, decimal_places=1, default=60)
    # A sampled satisfaction call reaches the sampled clients' phone numbers: only a scheme that
    # asks for it lets its evaluators see them, and each sight is audited.
    satisfaction_calls = models.BooleanField(_("sampled satisfaction calls"), default=False)
    phone_sample_size = models.PositiveSmallIntegerField(_("closed cases called per station"), default=50)
    site_sample_size = models.PositiveSmallIntegerField(_("closed cases visited per station"), default=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["-year", "title", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(call__isnull=False) | Q(year__isnull=False),
                name="evaluation_scheme_call_or_year",
                field="year",
                violation_error_message=_("Choose the call or the year the scheme is for."),
            ),
            CheckConstraint(
                condition=Q(fair_from__gte=0, good_from__gt=models.F("fair_from"))
                & Q(excellent_from__gt=models.F("good_from"), excellent_from__lte=100),
                name="evaluation_scheme_thresholds_rise",
                field="good_from",
                violation_error_message=_(
                    "The thresholds must rise from fair to good to excellent, within 0–100."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:evaluation_scheme_detail", args=[self.pk])


class EvaluationDomain(models.Model):
    """A domain of indicators (management, service delivery, outcomes, finance, satisfaction…)
    and its weight; a scheme's weights sum to 100."""

    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("evaluation scheme"),
        on_delete=models.CASCADE,
        related_name="domains",
    )
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=1)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator domain")
        verbose_name_plural = _("indicator domains")
        ordering = ["scheme", "position", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=100),
                name="evaluation_domain_weight_0_100",
                field="weight",
                violation_error_message=_("Enter a weight above 0 and at most 100."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"


class EvaluationIndicator(models.Model):
    """One indicator of a domain, scored from 0 to its full score, with the evaluator's guidance."""

    domain = models.ForeignKey(
        EvaluationDomain,
        verbose_name=_("indicator domain"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("indicator"), max_length=200)
    full_score = models.DecimalField(_("full score"), max_digits=5, decimal_places=1, default=10)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["domain", "position", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(full_score__gt=0),
                name="evaluation_indicator_full_score_positive",
                field="full_score",
                violation_error_message=_("Enter a full score above 0."),
            ),
        ]

    def __str__(self):
        return self.name


class Evaluation(TimeStampedModel):
    """A mid-term or final evaluation of one project, by the district or by a third-party
    evaluation organization whose evaluators are assigned to it (and see only what it needs)."""

    class Stage(models.TextChoices):
        MID_TERM = "mid_term", _("Mid-term evaluation")
        FINAL = "final", _("Final evaluation")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", pgettext_lazy("evaluation", "Assigned")
        SCORING = "scoring", pgettext_lazy("evaluation", "Scoring")
        RECTIFYING = "rectifying", pgettext_lazy("evaluation", "Rectifying")
        CONCLUDED = "concluded", pgettext_lazy("evaluation", "Concluded")

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="evaluations"
    )
    scheme = models.ForeignKey(
        EvaluationScheme,
        verbose_name=_("evaluation scheme"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ASSIGNED, db_index=True
    )
    # Blank when the district evaluates the project itself.
    evaluating_organization = models.ForeignKey(
        "projects.SocialOrganization", verbose_name=_("third-party evaluation organization"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="evaluations_made",
    )  # fmt: skip
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluators"),
        related_name="evaluations_assigned",
        blank=True,
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    score = models.DecimalField(_("total score"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    conclusion = models.TextField(pgettext_lazy("evaluation", "conclusion"), blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["project", "stage"],
                name="evaluation_once_per_stage",
                field="stage",
                violation_error_message=_("This project already has an evaluation of this stage."),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_stage_display()}"

    def get_absolute_url(self):
        return reverse("projects:evaluation_detail", args=[self.pk])


class IndicatorScore(models.Model):
    """The evaluator's score of one indicator in one evaluation, with the reason."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(
        EvaluationIndicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scored by"), on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = ["evaluation", "indicator__domain__position", "indicator__position", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["evaluation", "indicator"],
                name="indicator_scored_once_per_evaluation",
                field="indicator",
                violation_error_message=_("This indicator already has a score in this evaluation."),
            ),
            CheckConstraint(
                condition=Q(score__gte=0),
                name="indicator_score_not_negative",
                field="score",
                violation_error_message=_("Enter a score of 0 or more."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.score}"


class RectificationItem(TimeStampedModel):
    """One thing the evaluation asks the provider to put right by a date, the provider's
    response, and whether the evaluator accepted it."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("rectification", "Open")
        RESPONDED = "responded", pgettext_lazy("rectification", "Responded")
        ACCEPTED = "accepted", pgettext_lazy("rectification", "Accepted")
        RETURNED = "returned", pgettext_lazy("rectification", "Returned")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="rectifications"
    )
    problem = models.TextField(_("problem found"))
    required = models.TextField(_("rectification required"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(_("provider's response"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responded by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.evaluation}: {self.required[:40]}"
