"""Reads of the annual practice assessment, scoped to the person asking.

Schemes are the district's published rules, so every logged-in person may read them. An
assessment is visible where its subject is: a worker's where the worker is visible
(`workers_visible_to`, which includes a social worker's own record), an institution's where the
unit is, a post's where the position is.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from positions.models import (
    Assessment,
    AssessmentCriterion,
    AssessmentScheme,
    Grade,
    GradeRule,
    ServiceUnit,
    SocialWorker,
)
from positions.selectors.network import units_visible_to
from positions.selectors.workforce import positions_visible_to, worker_scope, workers_visible_to
from socialwork.pages import PAGE_SIZE
from socialwork.scoping import unit_scope

Subject = AssessmentScheme.Subject
SORTS = {"total": ("total", "pk"), "-total": ("-total", "pk"), "name": ("subject_name", "pk")}


def assessment_scope(user) -> Q:
    """The filter on Assessment for what this person may see: assessments of visible subjects."""
    visible_workers = SocialWorker.objects.filter(worker_scope(user)).values("pk")
    # `Q() | x` drops the empty side, so each branch names its own subject column explicitly.
    return (
        Q(worker__in=visible_workers)
        | (Q(unit__isnull=False) & unit_scope(user, via="unit"))
        | (Q(position__isnull=False) & unit_scope(user, via="position__unit"))
    )


def schemes_visible_to(*, user) -> QuerySet[AssessmentScheme]:
    """Every scheme (the district's rules are public inside the system), criteria and grade
    rules prefetched."""
    if not user.is_authenticated:
        return AssessmentScheme.objects.none()
    return AssessmentScheme.objects.prefetch_related(
        Prefetch("criteria", queryset=AssessmentCriterion.objects.order_by("pk")),
        Prefetch("grade_rules", queryset=GradeRule.objects.order_by("-min_score")),
    )


def assessments_visible_to(*, user) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(assessment_scope(user))
        .select_related("scheme", "worker__employer_unit", "unit", "position__unit", "assessor")
        .annotate(subject_name=Coalesce("worker__name", "unit__name", "position__title"))
    )


def subject_choices(*, user, scheme: AssessmentScheme) -> QuerySet:
    """Who this person may assess under the scheme: the visible workers, institutions (units
    above the community service post) or positions."""
    if scheme.subject == Subject.WORKER:
        return workers_visible_to(user=user).order_by("name", "pk")
    if scheme.subject == Subject.INSTITUTION:
        return units_visible_to(user=user).exclude(level=ServiceUnit.Level.POST).order_by("path")
    return positions_visible_to(user=user).order_by("code")


def subject_field(scheme: AssessmentScheme) -> str:
    """The Assessment column that holds this scheme's subject."""
    return {Subject.WORKER: "worker", Subject.INSTITUTION: "unit", Subject.POSITION: "position"}[
        scheme.subject
    ]


def assessment_for(*, user, scheme: AssessmentScheme, subject) -> Assessment | None:
    """The visible assessment of this subject under the scheme, if one was recorded."""
    return assessments_visible_to(user=user).filter(scheme=scheme, **{subject_field(scheme): subject}).first()


@dataclass
class SchemeRow:
    scheme: AssessmentScheme
    count: int


def scheme_list(*, user) -> list[SchemeRow]:
    """The schemes, newest year first, each with how many assessments this person can see under
    it. Two queries."""
    schemes = AssessmentScheme.objects.order_by("-year", "subject")
    counts = dict(
        Assessment.objects.filter(assessment_scope(user))
        .values_list("scheme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [SchemeRow(scheme=scheme, count=counts.get(scheme.pk, 0)) for scheme in schemes]


@dataclass
class SchemePage:
    scheme: AssessmentScheme
    criteria: list[AssessmentCriterion]
    grade_rules: list[GradeRule]
    grade_counts: list[tuple[str, str, int]]
    total: int
    page: Page
    rows: list[tuple[Assessment, list]] = field(default_factory=list)


def scheme_page(
    *, user, pk: int, grade: str = "", search: str = "", sort: str = "-total", page: int | str = 1
) -> SchemePage:
    """A scheme with its criteria and grade rules, the count of visible assessments per grade,
    and one page of them filtered by grade and subject name, sorted by total or name, each with
    its scores in criterion order. Bounded queries, whatever the number of assessments.

    Raises AssessmentScheme.DoesNotExist for an unknown scheme.
    """
    scheme = schemes_visible_to(user=user).get(pk=pk)
    criteria = list(scheme.criteria.all())
    visible = assessments_visible_to(user=user).filter(scheme=scheme)
    counts = dict(visible.values_list("grade").annotate(n=Count("pk")).order_by())
    assessments = visible
    if grade in Grade.values:
        assessments = assessments.filter(grade=grade)
    if search := search.strip():
        assessments = assessments.filter(subject_name__icontains=search)
    assessments = assessments.order_by(*SORTS.get(sort, SORTS["-total"]))
    current = Paginator(assessments, PAGE_SIZE).get_page(page)
    rows = [
        (assessment, [assessment.scores.get(str(criterion.pk)) for criterion in criteria])
        for assessment in current.object_list
    ]
    return SchemePage(
        scheme=scheme,
        criteria=criteria,
        grade_rules=list(scheme.grade_rules.all()),
        grade_counts=[(value, label, counts.get(value, 0)) for value, label in Grade.choices],
        total=sum(counts.values()),
        page=current,
        rows=rows,
    )
