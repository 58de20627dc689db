"""Reads of the annual practice assessment, scoped to the person asking.

A scheme is a place's rule (socialwork.local_rules): a district's own, or its city's default for
the districts that keep none of their own for that year and kind. A person reads the schemes of
their place and of the regions above it (the defaults it may follow), and a city's people those
of its districts too; never those of the district beside theirs. A subject is assessed under the
scheme that applies in its district (`scheme_applying_to`). An
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
from positions.selectors.network import districts_under, units_visible_to
from positions.selectors.workforce import positions_visible_to, worker_scope, workers_visible_to
from socialwork.local_rules import owners_q, rule_for, rule_place
from socialwork.pages import PAGE_SIZE
from socialwork.scoping import place_of, region_scope, unit_scope

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


def scheme_scope(user) -> Q:
    """The schemes of the person's place, of the regions above it and of the places below it."""
    return owners_q(place_of(user)) | region_scope(user, via="region")


def schemes_visible_to(*, user) -> QuerySet[AssessmentScheme]:
    """The schemes this person may read (`scheme_scope`), their owner, criteria and grade rules
    prefetched."""
    if not user.is_authenticated:
        return AssessmentScheme.objects.none()
    return (
        AssessmentScheme.objects.filter(scheme_scope(user))
        .select_related("region")
        .prefetch_related(
            Prefetch("criteria", queryset=AssessmentCriterion.objects.order_by("pk")),
            Prefetch("grade_rules", queryset=GradeRule.objects.order_by("-min_score")),
        )
    )


def assessments_visible_to(*, user) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(assessment_scope(user))
        .select_related("scheme", "worker__employer_unit", "unit", "position__unit", "assessor")
        .annotate(subject_name=Coalesce("worker__name", "unit__name", "position__title"))
    )


def may_edit_scheme(user, scheme: AssessmentScheme) -> bool:
    """A scheme is changed by its owner's people only: a district its own, a city its default;
    nobody's scheme (an installation without regions) by the installation root's."""
    place = rule_place(user)
    if scheme.region_id is None:
        return place is None or place.depth == 1
    return place is not None and place.pk == scheme.region_id


def schemes_editable_by(*, user) -> QuerySet[AssessmentScheme]:
    place = rule_place(user)
    if place is None:
        return (
            AssessmentScheme.objects.filter(region__isnull=True)
            if user.is_superuser
            else AssessmentScheme.objects.none()
        )
    if place.depth == 1:
        return AssessmentScheme.objects.filter(Q(region=place) | Q(region__isnull=True))
    return AssessmentScheme.objects.filter(region=place)


SUBJECT_PATHS = {
    Subject.WORKER: "employer_unit__region__path",
    Subject.INSTITUTION: "region__path",
    Subject.POSITION: "unit__region__path",
}


def subject_place(subject):
    """The region a subject of an assessment lies in: a worker's employer's (unit, else
    organization), an institution's, a post's unit's; None for a worker employed by nobody."""
    if isinstance(subject, SocialWorker):
        if subject.employer_unit_id:
            return subject.employer_unit.region
        return subject.employer_organization.region if subject.employer_organization_id else None
    if isinstance(subject, ServiceUnit):
        return subject.region
    return subject.unit.region


def scheme_applying_to(*, subject, year: int, kind: str, actor=None) -> AssessmentScheme | None:
    """The scheme a subject is assessed under for a year: its district's own, else its city's
    default (socialwork.local_rules.rule_for). One query. A worker placed nowhere is assessed
    under the scheme of the assessor's place."""
    place = subject_place(subject)
    if place is None and actor is not None:
        place = place_of(actor)
    return rule_for(AssessmentScheme, place, year=year, subject=kind)


def applies_q(scheme: AssessmentScheme, path_field: str) -> Q:
    """The filter on subjects (through the path of their region) that are assessed under this
    scheme: inside its owner, outside every place below it keeping its own scheme for the key.
    One query for those places."""
    below = AssessmentScheme.objects.filter(
        year=scheme.year, subject=scheme.subject, region__isnull=False
    ).exclude(pk=scheme.pk)
    if scheme.region_id:
        below = below.filter(
            region__path__startswith=scheme.region.path, region__depth__gt=scheme.region.depth
        )
    q = Q(**{f"{path_field}__startswith": scheme.region.path}) if scheme.region_id else Q()
    for path in below.values_list("region__path", flat=True):
        q &= ~Q(**{f"{path_field}__startswith": path})
    return q


def subject_choices(*, user, scheme: AssessmentScheme) -> QuerySet:
    """Who this person may assess under the scheme: the visible workers, institutions (units
    above the community service post) or positions of the districts the scheme applies in (a
    worker employed by no unit is checked when recorded: `scheme_applying_to`)."""
    applies = applies_q(scheme, SUBJECT_PATHS[scheme.subject])
    if scheme.subject == Subject.WORKER:
        return (
            workers_visible_to(user=user)
            .filter(applies | Q(employer_unit__isnull=True))
            .order_by("name", "pk")
        )
    if scheme.subject == Subject.INSTITUTION:
        return (
            units_visible_to(user=user).exclude(level=ServiceUnit.Level.POST).filter(applies).order_by("path")
        )
    return positions_visible_to(user=user).filter(applies).order_by("code")


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
    """One year and kind: the scheme that applies at the person's place (None for a city that
    publishes none while some of its districts keep their own), whether it is the place's own or
    a default above it, how many visible assessments it has, and for a city each district's
    scheme (its own, or None: it follows the city's)."""

    scheme: AssessmentScheme | None
    count: int
    own: bool = False
    year: int = 0
    subject: str = ""
    districts: list = field(default_factory=list)  # [(district, its own scheme or None)]

    @property
    def subject_label(self) -> str:
        return Subject(self.subject).label


def scheme_list(*, user) -> list[SchemeRow]:
    """The schemes by year and kind, newest first: the one applying at the person's place, with
    how many assessments this person can see under it; for a city, each district's state beside
    it. Three queries, whatever the number of districts and schemes."""
    place = place_of(user) or rule_place(user)
    schemes = list(schemes_visible_to(user=user).prefetch_related(None).order_by("-year", "subject"))
    counts = dict(
        Assessment.objects.filter(assessment_scope(user))
        .values_list("scheme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    paths = {place.path[:end] for end in range(4, len(place.path) + 1, 4)} if place else set()
    districts = list(districts_under(place).exclude(pk=place.pk)) if place and place.is_above_district else []
    rows: dict[tuple, SchemeRow] = {}
    for scheme in schemes:
        key = (scheme.year, scheme.subject)
        row = rows.setdefault(key, SchemeRow(scheme=None, count=0, year=scheme.year, subject=scheme.subject))
        applies_here = scheme.region_id is None or scheme.region.path in paths
        depth = scheme.region.depth if scheme.region_id else 0
        if applies_here and (
            row.scheme is None or depth > (row.scheme.region.depth if row.scheme.region_id else 0)
        ):
            row.scheme = scheme
            row.count = counts.get(scheme.pk, 0)
            row.own = place is not None and scheme.region_id == place.pk
    for row in rows.values():
        owned = {
            scheme.region_id: scheme
            for scheme in schemes
            if (scheme.year, scheme.subject) == (row.year, row.subject) and scheme.region_id
        }
        row.districts = [(district, owned.get(district.pk)) for district in districts]
    return [row for row in rows.values() if row.scheme is not None or row.districts]


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
