"""The satisfaction questionnaire of a follow-up (回访) and the samples of closed cases an
evaluation draws for satisfaction calls.

The rules (when a 回访 is planned, what counts as satisfied, how a sample is drawn and who sees
it) live in casework.services.followups and casework.selectors_followups, never here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.models import TimeStampedModel

from .cases import Case, FollowUp

USER = settings.AUTH_USER_MODEL


class SatisfactionQuestion(TimeStampedModel):
    """A question the district asks at every follow-up after closing and every sampled call,
    answered from 1 (very dissatisfied) to 5 (very satisfied). Retired rather than deleted once
    answered; an answer keeps the wording it was asked in."""

    text = models.CharField(_("question"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("asked"), default=True)

    class Meta:
        verbose_name = _("satisfaction question")
        verbose_name_plural = _("satisfaction questions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text


class SatisfactionAnswer(models.Model):
    """One answer of a follow-up's questionnaire, with the question's wording as it was asked."""

    class Score(models.IntegerChoices):
        VERY_DISSATISFIED = 1, _("Very dissatisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        NEUTRAL = 3, pgettext_lazy("satisfaction", "Neutral")
        SATISFIED = 4, _("Satisfied")
        VERY_SATISFIED = 5, _("Very satisfied")

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SatisfactionQuestion, verbose_name=_("question"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="answers",
    )  # fmt: skip
    wording = models.CharField(_("question as asked"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    score = models.PositiveSmallIntegerField(_("answer"), choices=Score.choices)

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        ordering = ["follow_up", "order", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(score__gte=1, score__lte=5),
                name="satisfaction_answer_1_5",
                field="score",
                violation_error_message=_("Answer from 1 to 5."),
            ),
        ]

    def __str__(self):
        return f"{self.wording}: {self.score}"


class EvaluationSample(TimeStampedModel):
    """The closed cases of an evaluation's project drawn for satisfaction calls and visits: the
    seed and method, so the draw can be repeated and checked. Drawn once; a later draw (with a
    reason) replaces it, the earlier kept as no longer current."""

    evaluation = models.ForeignKey(
        "projects.Evaluation", verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="samples"
    )
    seed = models.CharField(_("random seed"), max_length=64)
    method = models.CharField(_("method"), max_length=300)
    reason = models.TextField(_("reason for drawing again"), blank=True)
    current = models.BooleanField(_("current"), default=True)
    drawn_by = models.ForeignKey(USER, verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("evaluation sample")
        verbose_name_plural = _("evaluation samples")
        ordering = ["-created_at", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["evaluation"],
                condition=Q(current=True),
                name="evaluation_sample_one_current",
                field=None,
                violation_error_message=_("This evaluation's sample is already drawn."),
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} · {self.created_at:%Y-%m-%d}"


class SampledCase(models.Model):
    """One closed case drawn for a call or a visit, and the follow-up that records it."""

    sample = models.ForeignKey(
        EvaluationSample, verbose_name=_("sample"), on_delete=models.CASCADE, related_name="cases"
    )
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("how"), max_length=10, choices=FollowUp.Method.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    follow_up = models.OneToOneField(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="sampled",
    )  # fmt: skip

    class Meta:
        verbose_name = _("sampled case")
        verbose_name_plural = _("sampled cases")
        ordering = ["sample", "station", "method", "position", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["sample", "case"],
                name="sampled_case_once_per_sample",
                field="case",
                violation_error_message=_("This case is already in the sample."),
            ),
        ]

    def __str__(self):
        return f"{self.case} · {self.get_method_display()}"
