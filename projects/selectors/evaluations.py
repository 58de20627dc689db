"""Reads of project evaluations, and who may do what to one.

An evaluator (socialwork.roles.Role.EVALUATOR) sees only the evaluations assigned to them and,
read-only, those evaluations' projects (projects.selectors.project_scope); the district sees
every evaluation of the projects in its region; a project's provider staff see the evaluations of
their organization's projects (to answer the rectification list), never the scores in progress.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from projects.models import (
    Evaluation,
    EvaluationDomain,
    EvaluationIndicator,
    EvaluationScheme,
    Grade,
    Project,
    RectificationItem,
    SocialOrganization,
)
from socialwork.roles import Role
from socialwork.scoping import shared_down_scope

E = Evaluation.Status
# Projects whose work is far enough along to be evaluated.
EVALUABLE = (Project.Status.CONTRACTED, Project.Status.IN_PROGRESS, Project.Status.UNDER_ACCEPTANCE)


def is_evaluator(user) -> bool:
    """Whether the person is an outside evaluator: they reach only their assigned evaluations,
    whatever else their account holds (their organization is the evaluation organization, never
    a provider)."""
    return bool(user.is_authenticated and user.has_role(Role.EVALUATOR) and not user.is_superuser)


def evaluated_projects_q(user) -> Q:
    """The projects of the evaluations assigned to the evaluator `user`."""
    return Q(pk__in=Evaluation.objects.filter(evaluators=user).values("project_id"))


def evaluations_visible_to(*, user) -> QuerySet[Evaluation]:
    from projects.selectors import projects_visible_to

    if not user.is_authenticated:
        return Evaluation.objects.none()
    if is_evaluator(user):
        evaluations = Evaluation.objects.filter(
            pk__in=Evaluation.objects.filter(evaluators=user).values("pk")
        )
    else:
        evaluations = Evaluation.objects.filter(project__in=projects_visible_to(user=user).values("pk"))
    return evaluations.select_related(
        "project__organization",
        "project__provider",
        "project__community",
        "scheme",
        "evaluating_organization",
    )


def schemes_visible_to(*, user) -> QuerySet[EvaluationScheme]:
    """The district reads and edits every scheme; an evaluator reads the schemes of their
    evaluations; nobody else needs them."""
    if not user.is_authenticated:
        return EvaluationScheme.objects.none()
    if user.is_district_wide:  # those of the calls their place sees, and those of no call
        return EvaluationScheme.objects.filter(
            Q(call__isnull=True) | shared_down_scope(user, via="call__region")
        )
    if is_evaluator(user):
        return EvaluationScheme.objects.filter(evaluations__evaluators=user).distinct()
    return EvaluationScheme.objects.none()


def scheme_loaded(scheme_id: int) -> EvaluationScheme:
    """A scheme with its domains and their indicators, in order (two queries more)."""
    return (
        EvaluationScheme.objects.select_related("call")
        .prefetch_related(
            Prefetch(
                "domains",
                queryset=EvaluationDomain.objects.prefetch_related(
                    Prefetch("indicators", queryset=EvaluationIndicator.objects.order_by("position", "pk"))
                ).order_by("position", "pk"),
            )
        )
        .get(pk=scheme_id)
    )


def scheme_for(project: Project) -> EvaluationScheme | None:
    """The scheme that applies to a project: its call's scheme, else its year's."""
    scheme = EvaluationScheme.objects.filter(call_id=project.call_id).order_by("-pk").first()
    if scheme is None:
        scheme = (
            EvaluationScheme.objects.filter(call__isnull=True, year=project.year or project.call.year)
            .order_by("-pk")
            .first()
        )
    return scheme


def evaluator_candidates(*, organization=None) -> QuerySet:
    """Active people holding the evaluator role: of `organization` (a third-party evaluation
    organization), or with no organization (the district's own evaluators) when None."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(groups__name=Role.EVALUATOR, is_active=True)
    if organization is None:
        return people.filter(organization__isnull=True).order_by("username")
    return people.filter(organization=organization).order_by("username")


def evaluator_accounts() -> QuerySet:
    """Every active evaluator, with their organization (the assigning form's choices)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=Role.EVALUATOR, is_active=True)
        .select_related("organization")
        .order_by("organization__name", "username")
    )


def evaluation_organizations(*, user) -> QuerySet[SocialOrganization]:
    """The organizations the district sees that have evaluators (third-party evaluation
    organizations)."""
    from projects.selectors import organizations_visible_to

    return (
        organizations_visible_to(user=user)
        .filter(pk__in=evaluator_accounts().exclude(organization__isnull=True).values("organization_id"))
        .order_by("name", "pk")
    )


@dataclass
class ProjectFacts:
    """What the scheme needs of a project's work, as counts: never a person's identity."""

    cases: dict
    cases_total: int
    groups: int
    group_sessions: int
    activities: int
    participants: int


def project_facts(project: Project) -> ProjectFacts:
    """Counts of the casework done under the project: cases by stage, groups and their sessions,
    community activities and their participants (four queries)."""
    from casework.models import Case, CommunityActivity, Group, GroupSession

    by_status = dict(
        Case.objects.filter(project=project).values_list("status").annotate(n=Count("pk")).order_by()
    )
    cases = {label: by_status.get(value, 0) for value, label in Case.Status.choices}
    activities = CommunityActivity.objects.filter(project=project).aggregate(
        n=Count("pk"), people=Sum("participants")
    )
    return ProjectFacts(
        cases=cases,
        cases_total=sum(by_status.values()),
        groups=Group.objects.filter(project=project).count(),
        group_sessions=GroupSession.objects.filter(group__project=project).count(),
        activities=activities["n"],
        participants=activities["people"] or 0,
    )


# Scores and grades


def quantize(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class DomainResult:
    domain: EvaluationDomain
    full: Decimal = Decimal(0)
    scored: Decimal = Decimal(0)
    rows: list = field(default_factory=list)  # (indicator, IndicatorScore | None)

    @property
    def weighted(self) -> Decimal:
        return quantize(self.domain.weight * self.scored / self.full) if self.full else Decimal(0)


def score_sheet(*, scheme: EvaluationScheme, scores) -> tuple[list[DomainResult], Decimal, bool]:
    """Each domain's indicators with their scores, the total and whether every indicator is
    scored. The total is the sum over domains of weight × (the domain's scored / its full score).
    `scheme` comes from `scheme_loaded`; `scores` are the evaluation's IndicatorScores."""
    by_indicator = {score.indicator_id: score for score in scores}
    results, complete = [], True
    for domain in scheme.domains.all():
        result = DomainResult(domain=domain)
        for indicator in domain.indicators.all():
            score = by_indicator.get(indicator.pk)
            result.rows.append((indicator, score))
            result.full += indicator.full_score
            if score is None:
                complete = False
            else:
                result.scored += score.score
        results.append(result)
    total = quantize(sum((result.weighted for result in results), Decimal(0)))
    return results, total, complete


def grade_for(*, scheme: EvaluationScheme, score: Decimal) -> str:
    """The grade a total earns by the scheme's thresholds (each threshold reached counts)."""
    if score >= scheme.excellent_from:
        return Grade.EXCELLENT
    if score >= scheme.good_from:
        return Grade.GOOD
    if score >= scheme.fair_from:
        return Grade.FAIR
    return Grade.POOR


# Who may do what


def evaluation_sides(user, evaluation: Evaluation) -> set[str]:
    """The sides the person stands on: "district" (a district-wide administrator), "evaluator"
    (one of its assigned evaluators; the district when it evaluates itself), "provider" (staff of
    the organization running the project)."""
    sides = set()
    if not user.is_authenticated:
        return sides
    if user.is_district_wide and user.has_perm("projects.change_project"):
        sides.add("district")
        if evaluation.evaluating_organization_id is None:
            sides.add("evaluator")
    if is_evaluator(user) and any(person.pk == user.pk for person in evaluation.evaluators.all()):
        sides.add("evaluator")
    project = evaluation.project
    provider = project.provider_id or project.organization_id
    if not is_evaluator(user) and provider and user.organization_id == provider:
        sides.add("provider")
    return sides


def evaluation_actions(user, evaluation: Evaluation) -> set[str]:
    """What the person may do to the evaluation now (the page's forms, the API, the services)."""
    sides = evaluation_sides(user, evaluation)
    open_ = evaluation.status != E.CONCLUDED
    actions = set()
    if "evaluator" in sides and open_:
        actions |= {"score", "rectification_add", "conclude"}
        actions.add("rectification_review")
    if "provider" in sides and open_:
        actions.add("rectification_respond")
    return actions


def rectifications_open(evaluation: Evaluation) -> list[RectificationItem]:
    return [
        item for item in evaluation.rectifications.all() if item.status != RectificationItem.Status.ACCEPTED
    ]


def past_final_grades(*, organization_id: int) -> QuerySet[Evaluation]:
    """The concluded final evaluations of the projects an organization ran (its record, and what
    the district sees when it applies again)."""
    return (
        Evaluation.objects.filter(stage=Evaluation.Stage.FINAL, status=E.CONCLUDED)
        .filter(
            Q(project__provider_id=organization_id)
            | Q(project__provider__isnull=True, project__organization_id=organization_id)
        )
        .select_related("project", "evaluating_organization")
        .order_by("-concluded_on", "-pk")
    )


def final_evaluation_of(project: Project) -> Evaluation | None:
    """The project's concluded final evaluation, if any (the acceptance reads it)."""
    return (
        Evaluation.objects.filter(project=project, stage=Evaluation.Stage.FINAL, status=E.CONCLUDED)
        .select_related("evaluating_organization")
        .first()
    )
