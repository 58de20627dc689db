"""Reads of the workforce, scoped to the person asking.

Positions are visible where their unit is. A worker is visible where they are employed or hold
a post; district-wide people also see workers employed by social organizations; everyone sees
their own profile.
"""

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from positions.filters import AwardFilter, ExamFilter, PositionFilter, SocialWorkerFilter, StudioFilter
from positions.models import (
    Appointment,
    Award,
    CertificateLevel,
    Exam,
    Position,
    Region,
    ServiceUnit,
    SocialWorker,
    Studio,
)
from socialwork.roles import Role
from socialwork.scoping import region_scope, shared_down_scope, unit_scope
from socialwork.sorting import natural


def active_appointments() -> QuerySet[Appointment]:
    return Appointment.objects.filter(ends_on__isnull=True)


def appointments_held_on(day) -> QuerySet[Appointment]:
    """The appointments held at the close of `day`: begun by then and not yet ended (an
    appointment ended on `day` is no longer held that evening). A year's figures count the posts
    filled on its last day."""
    return Appointment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day), starts_on__lte=day)


def positions_visible_to(*, user) -> QuerySet[Position]:
    """Positions in the person's place, with their unit, host and how many hold them now."""
    # A subquery per position rather than a join and GROUP BY: a page of 50 then counts the
    # holders of its 50 positions, not of every position in the district (bench/results.md).
    holders = (
        active_appointments()
        .filter(position=OuterRef("pk"))
        .order_by()
        .values("position")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Position.objects.filter(unit_scope(user, via="unit"))
        .select_related("unit__region", "host")
        .annotate(filled=Coalesce(Subquery(holders), 0))
        .annotate(vacant=F("quota") - F("filled"))
    )


# Roles that look after other people's records; anyone else sees only their own.
PEOPLE_MANAGING_ROLES = (Role.STATION_MANAGER, Role.SUPERVISOR)


def worker_scope(user) -> Q:
    """The filter on SocialWorker for what this person may see.

    Written for PostgreSQL's order of evaluation: the cheap tests first (their own profile, an
    employer among the place's units, no employer for district-wide people), the post holders
    last, whose set is then built only when a worker fails the others. As a join on the
    employer's unit and a correlated EXISTS on appointments it cost 100 ms a list at 100,000
    workers (bench/results.md)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    own = Q(user=user)
    if not (user.is_district_wide or user.has_role(*PEOPLE_MANAGING_ROLES)):
        return own
    units = ServiceUnit.objects.filter(unit_scope(user)).values_list("pk", flat=True)
    if user.is_district_wide:
        holders = active_appointments().filter(unit_scope(user, via="position__unit")).values("worker_id")
        # Without an employer unit: a worker employed by an organization of the place (or above
        # it), or by nobody (the whole installation's); never one of the district beside it.
        from projects.models import SocialOrganization

        organizations = SocialOrganization.objects.filter(shared_down_scope(user)).values("pk")
        unemployed = Q(employer_unit__isnull=True) & (
            Q(employer_organization__isnull=True) | Q(employer_organization__in=organizations)
        )
        return own | Q(employer_unit__in=units) | unemployed | Q(pk__in=holders)
    # A station's units and post holders are few: read first as lists, the three tests become
    # one index each, which PostgreSQL combines (BitmapOr) instead of testing every worker.
    units = list(units)
    holders = list(active_appointments().filter(position__unit__in=units).values_list("worker_id", flat=True))
    return own | Q(employer_unit__in=units) | Q(pk__in=holders)


def workers_visible_to(*, user) -> QuerySet[SocialWorker]:
    return SocialWorker.objects.filter(worker_scope(user)).select_related(
        "employer_unit__region", "employer_organization"
    )


def can_see_full_id_numbers(user) -> bool:
    """Whether `user` sees every worker's full ID number (and may look workers up by it); everyone
    else sees it masked, on the pages, in the API and in the admin alike."""
    return user.has_perm("positions.view_full_id_number")


def can_see_full_id_number(user, worker: SocialWorker) -> bool:
    return can_see_full_id_numbers(user) or worker.user_id == user.pk


def exams_visible_to(*, user) -> QuerySet[Exam]:
    return Exam.objects.filter(worker__in=SocialWorker.objects.filter(worker_scope(user))).select_related(
        "worker"
    )


@dataclass
class YearFigures:
    year: int
    candidates: int
    passes: int
    rate: float | None
    candidates_change: float | None = None
    passes_change: float | None = None


def _change(now: int, before: int | None) -> float | None:
    """Percentage change on the year before, one decimal; None when there is nothing to compare."""
    return round(100 * (now - before) / before, 1) if before else None


def exam_figures(*, user) -> list[YearFigures]:
    """Candidates, passes, pass rate and change on the year before, newest year first."""
    rows = (
        exams_visible_to(user=user)
        .values("year")
        .annotate(candidates=Count("pk"), passes=Count("pk", filter=Q(passed=True)))
        .order_by("year")
    )
    figures, before = [], None
    for row in rows:
        rate = round(100 * row["passes"] / row["candidates"], 1) if row["candidates"] else None
        figures.append(
            YearFigures(
                year=row["year"],
                candidates=row["candidates"],
                passes=row["passes"],
                rate=rate,
                candidates_change=_change(row["candidates"], before and before.candidates),
                passes_change=_change(row["passes"], before and before.passes),
            )  # fmt: skip
        )
        before = figures[-1]
    return figures[::-1]


@dataclass
class PostFigures:
    label: str
    set: int = 0
    filled: int = 0

    @property
    def vacant(self) -> int:
        return self.set - self.filled


def _post_figures(
    positions: QuerySet[Position], appointments: QuerySet, key: str, labels: dict
) -> list[PostFigures]:
    """Posts set (sum of quotas), filled (active appointments) and vacant, grouped by `key`, which
    both querysets carry."""
    figures = {value: PostFigures(label=label) for value, label in labels.items()}
    for row in positions.values(key).annotate(n=Sum("quota")).order_by():
        figures.setdefault(row[key], PostFigures(label=str(row[key]))).set = row["n"]
    for row in appointments.values(key).annotate(n=Count("pk")).order_by():
        figures.setdefault(row[key], PostFigures(label=str(row[key]))).filled = row["n"]
    return [figure for figure in figures.values() if figure.set or figure.filled]


def workforce_statistics(*, user) -> dict:
    """The statistics page: posts by category and town, certified workers by level, exams by year."""
    town_of = Substr("unit__region__path", 1, 2 * Region.steplen)
    positions = Position.objects.filter(unit_scope(user, via="unit"), status=Position.Status.ACTIVE)
    filled = active_appointments().filter(position__in=positions.values("pk"))
    # Posts of district-level units (region = the district) form their own row.
    places = {
        path: _("District level") for path in Region.objects.filter(depth=1).values_list("path", flat=True)
    }
    places.update(
        Region.objects.filter(region_scope(user), level__in=Region.TOWN_LEVELS).values_list("path", "name")
    )
    by_category = _post_figures(
        positions,
        filled.annotate(category=F("position__category")),
        "category",
        dict(Position.Category.choices),
    )
    by_town = _post_figures(
        positions.annotate(town=town_of),
        filled.annotate(town=Substr("position__unit__region__path", 1, 2 * Region.steplen)),
        "town",
        places,
    )
    levels = dict(
        SocialWorker.objects.filter(worker_scope(user), status=SocialWorker.Status.ACTIVE)
        .values_list("certificate_level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    certified = [
        (label, levels.get(level, 0)) for level, label in CertificateLevel.choices if level != "none"
    ]
    return {
        "by_category": by_category,
        "by_town": by_town,
        "totals": PostFigures(
            label=str(_("Total")),
            set=sum(f.set for f in by_category),
            filled=sum(f.filled for f in by_category),
        ),
        "certified": certified,
        "certified_total": sum(n for _label, n in certified),
        "exams": exam_figures(user=user),
    }


def appointment_candidates(*, user, position: Position) -> QuerySet[SocialWorker]:
    """Who may be appointed to a post: active workers the person sees, employed in the post's own
    station (or nowhere yet), not already holding it."""
    unit = position.unit
    ancestors = [unit.path[: depth * ServiceUnit.steplen] for depth in range(1, unit.depth + 1)]
    station = ServiceUnit.objects.filter(path__in=ancestors, level=ServiceUnit.Level.STATION).first() or unit
    return (
        workers_visible_to(user=user)
        .filter(status=SocialWorker.Status.ACTIVE)
        .filter(Q(employer_unit__path__startswith=station.path) | Q(employer_unit__isnull=True))
        .exclude(appointments__position=position, appointments__ends_on__isnull=True)
        .order_by("name")
    )


@dataclass
class WorkerProfile:
    appointments: list
    exams: list
    assessments: list
    awards: list
    studios: list
    allowance_lines: list
    enrolments: list
    training_hours: dict


def worker_profile(*, worker: SocialWorker) -> WorkerProfile:
    """Everything the system knows about a worker, gathered for their profile page."""
    from training.selectors import worker_hours  # training builds on the workforce, not the reverse

    enrolments = list(
        worker.enrolments.select_related("session__series").order_by("-session__starts_at", "-pk")
    )
    years = sorted({timezone.localtime(e.session.starts_at).year for e in enrolments}, reverse=True)
    return WorkerProfile(
        appointments=list(worker.appointments.select_related("position__unit", "position__host")),
        exams=list(worker.exams.order_by("-year")),
        assessments=list(worker.assessments.select_related("scheme").order_by("-scheme__year")),
        awards=list(worker.awards.all()),
        studios=list(worker.studios.prefetch_related("projects")),
        allowance_lines=list(worker.allowance_lines.select_related("roll").order_by("-roll__month")[:12]),
        enrolments=enrolments,
        training_hours={year: worker_hours(worker=worker, year=year) for year in years},
    )


def awards_visible_to(*, user) -> QuerySet[Award]:
    """The awards of the workers the person sees, with the worker and their unit."""
    return Award.objects.filter(worker__in=SocialWorker.objects.filter(worker_scope(user))).select_related(
        "worker__employer_unit"
    )


def studios_visible_to(*, user) -> QuerySet[Studio]:
    """Studios set up in the person's place, or led by a worker they see."""
    workers = SocialWorker.objects.filter(worker_scope(user))
    return (
        Studio.objects.filter(Q(unit_scope(user, via="unit")) | Q(leader__in=workers))
        .distinct()
        .select_related("leader", "unit__region")
        .prefetch_related("projects")
    )


# The lists. Each list's page, its API list endpoint and its export read it through one selector:
# the filterset of the list's filters (`params`, a query string) over the records the person
# sees, in the list's order. The page shows its form and a page of `.qs`; the API answers 400 on
# its errors; the export refuses them (reports.exports.filtered).


def positions_list(*, user, params=None) -> PositionFilter:
    """The positions list: the positions `user` sees, by code."""
    return PositionFilter(
        params, queryset=positions_visible_to(user=user).order_by(natural("code")), user=user
    )


def workers_list(*, user, params=None) -> SocialWorkerFilter:
    """The social workers list: the workers `user` sees, by name."""
    workers = workers_visible_to(user=user).order_by("name", "pk")
    return SocialWorkerFilter(params, queryset=workers, user=user)


def exams_list(*, user, params=None) -> ExamFilter:
    """The exams list: the exams of the workers `user` sees, the latest year first, by name."""
    exams = exams_visible_to(user=user).order_by("-year", "worker__name", "pk")
    return ExamFilter(params, queryset=exams)


def awards_list(*, user, params=None) -> AwardFilter:
    """The awards list: the awards of the workers `user` sees, the latest year first."""
    awards = awards_visible_to(user=user).order_by("-year", "name", "pk")
    return AwardFilter(params, queryset=awards)


def studios_list(*, user, params=None) -> StudioFilter:
    """The studios list: the studios `user` sees, by name."""
    return StudioFilter(params, queryset=studios_visible_to(user=user).order_by("name", "pk"), user=user)
