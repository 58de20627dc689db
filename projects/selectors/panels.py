"""Reads of review panels, scoped to the person asking, and what each person may do on a panel now.

Who sees a panel: district-wide people (district administrators, auditors) every panel; anyone
else only the panels they sit on. An expert reviewer reaches nothing else of the application:
its summary, budget lines, planning document and the applying organization's record, through
`applications_of_member` (the project selectors, and so every list, search, export and the admin,
never show them a project).

A panel's results per application (`application_results`): each member's declaration and score,
the scores that count (a declared conflict excludes the reviewer's), their average, lowest,
highest, spread and standard deviation, and the recommendation by the panel's threshold.
"""

import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from projects.models import (
    ConflictDeclaration,
    PanelMember,
    Project,
    Review,
    ReviewPanel,
    ReviewRevision,
)
from projects.selectors import projects_visible_to
from socialwork.actions import Action
from socialwork.roles import Role
from socialwork.scoping import shared_down_scope

S = Project.Status
# The statuses in which an application may be put before a panel, declared on and scored.
PANEL_STATUSES = (S.SUBMITTED, S.UNDER_REVIEW)
TENTH = Decimal("0.1")


def manages_panels(user) -> bool:
    """Who sets up panels and decides on their applications: the district's project administrators."""
    return user.is_authenticated and user.is_district_wide and user.has_perm("projects.change_project")


def panels_visible_to(*, user) -> QuerySet[ReviewPanel]:
    if not user.is_authenticated:
        return ReviewPanel.objects.none()
    panels = ReviewPanel.objects.select_related("call", "created_by")
    if user.is_district_wide:  # the panels of the calls their place sees
        return panels.filter(shared_down_scope(user, via="call__region"))
    return panels.filter(memberships__user=user)


def panels_list(*, user) -> QuerySet[ReviewPanel]:
    """The panels list: newest first, with how many applications and members each has."""
    return (
        panels_visible_to(user=user)
        .annotate(
            application_count=Count("entries", distinct=True),
            member_count=Count("memberships", distinct=True),
        )
        .order_by("-created_at", "pk")
    )


def sits_on(*, user, panel: ReviewPanel) -> bool:
    return user.is_authenticated and panel.memberships.filter(user=user).exists()


def applications_of_member(*, user) -> QuerySet[Project]:
    """The applications of every panel `user` sits on: all an expert reviewer may read of projects
    (the planning document's download reads it too)."""
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(panel_entries__panel__memberships__user=user).distinct()


def panel_applications(*, user, panel: ReviewPanel) -> QuerySet[Project]:
    """The panel's applications this person reaches: every one for a member, those the project
    selectors show for district-wide people."""
    projects = Project.objects.filter(panel_entries__panel=panel)
    if not sits_on(user=user, panel=panel):
        projects = projects.filter(pk__in=projects_visible_to(user=user).values("pk"))
    return projects.select_related("organization", "community", "call").order_by("title", "pk")


def panel_application(*, user, panel: ReviewPanel, pk) -> Project | None:
    """One application of the panel, with what its review page reads (budget lines, organization)."""
    return (
        panel_applications(user=user, panel=panel)
        .select_related("organization__region")
        .prefetch_related("budget_lines", "organization__teams")
        .filter(pk=pk)
        .first()
    )


def eligible_members():
    """Who may sit on a panel: active expert reviewers, and the district's staff."""
    from socialwork.models import User

    return (
        User.objects.filter(is_active=True, groups__name__in=[Role.REVIEWER, Role.DISTRICT_ADMIN])
        .distinct()
        .order_by("full_name", "username")
    )


def eligible_applications(*, user) -> QuerySet[Project]:
    """Applications a panel may review: submitted or under review, among those the person sees."""
    return (
        projects_visible_to(user=user)
        .filter(status__in=PANEL_STATUSES)
        .select_related("organization", "call")
        .order_by("call", "title", "pk")
    )


@dataclass
class ReviewerRow:
    """One member of the panel on one application: their declaration and score, if any."""

    reviewer: object
    declaration: ConflictDeclaration | None = None
    review: Review | None = None

    @property
    def withdrawn(self) -> bool:
        return bool(self.declaration and self.declaration.has_conflict)

    @property
    def counted(self) -> bool:
        return self.review is not None and self.declaration is not None and not self.withdrawn

    @property
    def revisions(self) -> list:
        return list(self.review.revisions.all()) if self.review else []


def _tenth(value) -> Decimal:
    return Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class ApplicationResult:
    """A panel's figures for one application."""

    project: Project
    threshold: Decimal
    rows: list[ReviewerRow] = field(default_factory=list)

    @property
    def scores(self) -> list[Decimal]:
        return [row.review.score for row in self.rows if row.counted]

    @property
    def conflicts(self) -> list[ReviewerRow]:
        return [row for row in self.rows if row.withdrawn]

    @property
    def pending(self) -> list[ReviewerRow]:
        return [row for row in self.rows if not row.withdrawn and row.review is None]

    @property
    def average(self) -> Decimal | None:
        scores = self.scores
        return _tenth(sum(scores) / len(scores)) if scores else None

    @property
    def lowest(self) -> Decimal | None:
        return min(self.scores, default=None)

    @property
    def highest(self) -> Decimal | None:
        return max(self.scores, default=None)

    @property
    def spread(self) -> Decimal | None:
        scores = self.scores
        return max(scores) - min(scores) if scores else None

    @property
    def deviation(self) -> Decimal | None:
        """The population standard deviation of the counted scores."""
        scores = self.scores
        return _tenth(statistics.pstdev(scores)) if scores else None

    @property
    def recommended(self) -> bool | None:
        """Whether the average reaches the panel's threshold; None until every reviewer who has not
        withdrawn has scored (a recommendation on part of the panel is not the panel's)."""
        average = self.average
        return None if average is None or self.pending else average >= self.threshold

    @property
    def recommendation(self) -> str:
        if self.pending:
            return str(
                _("Review not finished: %(pending)s of %(reviewers)s reviewers yet to score")
                % {"pending": len(self.pending), "reviewers": len(self.rows) - len(self.conflicts)}
            )
        if self.recommended is None:
            return str(_("No scores yet"))
        return str(_("Recommended") if self.recommended else _("Not recommended"))


def application_results(*, panel: ReviewPanel, projects) -> list[ApplicationResult]:
    """The panel's results for these applications, in four queries whatever their number."""
    projects = list(projects)
    members = [m.user for m in PanelMember.objects.filter(panel=panel).select_related("user").order_by("pk")]
    ids = [project.pk for project in projects]
    declarations = {
        (d.project_id, d.reviewer_id): d
        for d in ConflictDeclaration.objects.filter(panel=panel, project_id__in=ids)
    }
    reviews = {
        (r.project_id, r.reviewer_id): r
        for r in Review.objects.filter(panel=panel, project_id__in=ids).prefetch_related(
            Prefetch("revisions", queryset=ReviewRevision.objects.select_related("revised_by"))
        )
    }
    return [
        ApplicationResult(
            project=project,
            threshold=panel.threshold,
            rows=[
                ReviewerRow(
                    reviewer=member,
                    declaration=declarations.get((project.pk, member.pk)),
                    review=reviews.get((project.pk, member.pk)),
                )
                for member in members
            ],
        )
        for project in projects
    ]


def member_row(*, panel: ReviewPanel, project: Project, user) -> ReviewerRow:
    """The person's own declaration and score on one application of the panel."""
    review = (
        Review.objects.filter(panel=panel, project=project, reviewer=user)
        .prefetch_related(Prefetch("revisions", queryset=ReviewRevision.objects.select_related("revised_by")))
        .first()
    )
    declaration = ConflictDeclaration.objects.filter(panel=panel, project=project, reviewer=user).first()
    return ReviewerRow(reviewer=user, declaration=declaration, review=review)


# What a person may do on a panel's application now: the shape of socialwork.actions.
PANEL_ACTIONS = {
    "declare": Action(_("Declare")),
    "score": Action(_("Record the score")),
    "revise": Action(_("Change the score"), needs_reason=True),
}


def panel_actions_for(
    *, user, panel: ReviewPanel, project: Project, row: ReviewerRow | None
) -> dict[str, Action]:
    """A member declares (no conflict, or a conflict: also after declaring none, which withdraws
    them) while the application is submitted or under review; once they declared no conflict,
    they score it under review, and change their score with a reason. Nobody else acts here: the
    district decides on the project's page. `row` is the person's own (`member_row`), None for
    who does not sit on the panel."""
    if row is None:
        return {}
    actions = {}
    if project.status in PANEL_STATUSES and not row.withdrawn:
        actions["declare"] = PANEL_ACTIONS["declare"]
    if project.status == S.UNDER_REVIEW and row.declaration is not None and not row.withdrawn:
        actions["revise" if row.review else "score"] = PANEL_ACTIONS["revise" if row.review else "score"]
    return actions


def panels_of_project(*, user, project: Project) -> list[tuple[ReviewPanel, ApplicationResult]]:
    """The panels reviewing a project and their results, for its page (district-wide people)."""
    if not user.is_district_wide:
        return []
    panels = ReviewPanel.objects.filter(entries__project=project).order_by("pk")
    return [(panel, application_results(panel=panel, projects=[project])[0]) for panel in panels]
