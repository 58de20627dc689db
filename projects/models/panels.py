"""Expert review panels for applications (专家评审): the panel the district sets up for a call,
its members (expert reviewers and district staff) and the applications it reviews; each member's
declaration of any conflict of interest (回避) per application; and every revision of a score.

The scores themselves are `projects.models.Review` rows (one per reviewer and application). The
rules (who sits on a panel, a declared conflict removes the reviewer, a second score needs a
reason, the average, spread and recommendation) live in projects.services.panels and
projects.selectors.panels, never here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.models import TimeStampedModel


class ReviewPanel(TimeStampedModel):
    """A panel of reviewers for a call's applications (or some of them), and the average score an
    application needs to be recommended."""

    call = models.ForeignKey(
        "projects.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="review_panels"
    )
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=200)
    threshold = models.DecimalField(
        _("recommended from (average score)"), max_digits=5, decimal_places=1, default=60
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        through="PanelMember",
        related_name="review_panels",
    )
    applications = models.ManyToManyField(
        "projects.Project",
        verbose_name=_("applications"),
        through="PanelApplication",
        related_name="review_panels",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("review panel")
        verbose_name_plural = _("review panels")
        ordering = ["-created_at", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(threshold__gte=0, threshold__lte=100),
                name="review_panel_threshold_0_100",
                field="threshold",
                violation_error_message=_("Enter a threshold from 0 to 100."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:panel_detail", args=[self.pk])


class PanelMember(models.Model):
    panel = models.ForeignKey(
        ReviewPanel, verbose_name=_("review panel"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["pk"]
        constraints = [
            UniqueConstraint(
                fields=["panel", "user"],
                name="panel_member_once",
                field="user",
                violation_error_message=_("This person already sits on the panel."),
            ),
        ]

    def __str__(self):
        return f"{self.panel} · {self.user}"


class PanelApplication(models.Model):
    panel = models.ForeignKey(
        ReviewPanel, verbose_name=_("review panel"), on_delete=models.CASCADE, related_name="entries"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="panel_entries",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application under panel review")
        verbose_name_plural = _("applications under panel review")
        ordering = ["pk"]
        constraints = [
            UniqueConstraint(
                fields=["panel", "project"],
                name="panel_application_once",
                field="project",
                violation_error_message=_("The panel already reviews this application."),
            ),
        ]

    def __str__(self):
        return f"{self.panel} · {self.project}"


class ConflictDeclaration(TimeStampedModel):
    """A reviewer's declaration, before scoring an application, that they have no conflict of
    interest with it, or that they have one (and why): a declared conflict removes them from it."""

    panel = models.ForeignKey(
        ReviewPanel, verbose_name=_("review panel"), on_delete=models.CASCADE, related_name="declarations"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("application"), on_delete=models.CASCADE,
        related_name="conflict_declarations",
    )  # fmt: skip
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    has_conflict = models.BooleanField(_("conflict of interest"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")
        ordering = ["pk"]
        constraints = [
            UniqueConstraint(
                fields=["panel", "project", "reviewer"],
                name="conflict_declared_once",
                field="reviewer",
                violation_error_message=_("This reviewer has already declared for this application."),
            ),
            CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(reason=""),
                name="conflict_declared_with_reason",
                field="reason",
                violation_error_message=_("Say what the conflict of interest is."),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.reviewer}"


class ReviewRevision(models.Model):
    """A score replaced by a second one: both, the reason, who and when."""

    review = models.ForeignKey(
        "projects.Review", verbose_name=_("review"), on_delete=models.CASCADE, related_name="revisions"
    )
    previous_score = models.DecimalField(_("previous score"), max_digits=5, decimal_places=1)
    previous_comment = models.TextField(_("previous comment"), blank=True)
    score = models.DecimalField(_("new score"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("new comment"), blank=True)
    reason = models.TextField(_("reason for the change"))
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revised by"), on_delete=models.PROTECT, related_name="+"
    )
    revised_at = models.DateTimeField(_("revised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("score revision")
        verbose_name_plural = _("score revisions")
        ordering = ["revised_at", "pk"]
        constraints = [
            CheckConstraint(
                condition=~Q(reason=""),
                name="review_revision_with_reason",
                field="reason",
                violation_error_message=_("Give the reason for changing the score."),
            ),
        ]

    def __str__(self):
        return f"{self.review}: {self.previous_score} → {self.score}"
