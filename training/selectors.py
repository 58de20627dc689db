"""Reads of training, scoped to the person asking.

A series is visible where its organizing unit is, or where one of its sessions is hosted;
district-wide people see their whole region. A worker's own training is always theirs to see.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from positions.models import SocialWorker
from positions.selectors.workforce import worker_scope
from socialwork.local_rules import nearest_value
from socialwork.roles import outside_only
from socialwork.scoping import shared_down_scope, unit_scope
from socialwork.sorting import natural
from training.filters import PracticeBaseFilter, TrainerFilter, TrainingSeriesFilter
from training.models import (
    Certificate,
    Enrolment,
    HoursRequirement,
    PracticeBase,
    Trainer,
    TrainingSeries,
    TrainingSession,
)

S = Enrolment.Status


def series_visible_to(*, user) -> QuerySet[TrainingSeries]:
    hosted_here = TrainingSession.objects.filter(unit_scope(user, via="host_unit")).values("series")
    return TrainingSeries.objects.filter(
        Q(unit_scope(user, via="unit")) | Q(pk__in=hosted_here)
    ).select_related("unit", "organizer")


def session_scope(user) -> Q:
    """The filter on TrainingSession for what this person sees: hosted, or of a series organized,
    in their place."""
    return Q(unit_scope(user, via="host_unit")) | Q(unit_scope(user, via="series__unit"))


def sessions_visible_to(*, user) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.filter(session_scope(user))
        .select_related("series", "host_unit")
        .annotate(
            confirmed=Count("enrolments", filter=Q(enrolments__status=S.CONFIRMED)),
            waiting=Count("enrolments", filter=Q(enrolments__status=S.WAITING)),
        )
    )


def certificates_visible_to(*, user) -> QuerySet[Certificate]:
    """Certificates of the series the person sees, and their own."""
    own = Q(worker__user=user) if user.is_authenticated else Q(pk__in=[])
    series = series_visible_to(user=user).values("pk")
    return Certificate.objects.filter(Q(series__in=series) | own).select_related("series__unit", "worker")


def worker_can_be_enrolled_by(*, user, worker: SocialWorker) -> bool:
    return SocialWorker.objects.filter(worker_scope(user), pk=worker.pk).exists()


def waiting_list(*, session: TrainingSession) -> QuerySet[Enrolment]:
    """The waiting list in the order people joined it: the first moves up first."""
    return session.enrolments.filter(status=S.WAITING).select_related("worker").order_by("created_at", "pk")


def hours_by_worker(*, year: int, workers: QuerySet[SocialWorker]) -> dict[int, Decimal]:
    """Credited hours per worker id in a year (only attended sessions credit hours)."""
    rows = (
        Enrolment.objects.filter(worker__in=workers, session__starts_at__year=year, attended=True)
        .values("worker")
        .annotate(hours=Sum("hours_credited"))
    )
    return {row["worker"]: row["hours"] for row in rows}


def worker_hours(*, worker: SocialWorker, year: int) -> Decimal:
    return hours_by_worker(year=year, workers=SocialWorker.objects.filter(pk=worker.pk)).get(
        worker.pk, Decimal(0)
    )


@dataclass
class ShortOfHours:
    worker: SocialWorker
    hours: Decimal
    required: Decimal

    @property
    def missing(self) -> Decimal:
        return self.required - self.hours


def workers_short_of_hours(*, user, year: int) -> QuerySet[SocialWorker]:
    """Active certified workers the person sees who have fewer hours than the year requires in
    their district (their unit's district's own requirement, else its city's; a worker without a
    unit the installation's), each annotated with `year_hours` and `required`, ordered by unit,
    then by how much they lack. Empty when the year has no requirement anywhere."""
    installation = (
        HoursRequirement.objects.filter(Q(region__depth=1) | Q(region__isnull=True), year=year)
        .order_by(F("region__depth").desc(nulls_last=True))
        .values("hours")[:1]
    )
    required = Coalesce(
        nearest_value(HoursRequirement, "hours", "employer_unit__region__path", year=year),
        Subquery(installation),
    )
    credited = Q(enrolments__session__starts_at__year=year, enrolments__attended=True)
    return (
        SocialWorker.objects.filter(worker_scope(user), status=SocialWorker.Status.ACTIVE)
        .exclude(certificate_level="none")
        .select_related("employer_unit")
        .annotate(
            year_hours=Coalesce(Sum("enrolments__hours_credited", filter=credited), Decimal(0)),
            required=required,
        )
        .filter(required__isnull=False, year_hours__lt=F("required"))
        .order_by("employer_unit__path", "year_hours", "pk")
    )


def short_of_hours(*, user, year: int) -> list[ShortOfHours]:
    """The shortfall page's rows (see workers_short_of_hours)."""
    return [
        ShortOfHours(worker=worker, hours=worker.year_hours, required=worker.required)
        for worker in workers_short_of_hours(user=user, year=year)
    ]


@dataclass
class Figures:
    label: str
    sessions: int
    participants: int
    person_times: int


def training_figures(*, user, group_by: str) -> list[Figures]:
    """Sessions, participants (each person once) and person-times (each attendance) by series,
    category or year. One person at three sessions counts once and three times."""
    if group_by not in ("series", "category", "year"):
        raise ValueError(f"cannot group training figures by {group_by!r}")
    key = {"series": "series__title", "category": "series__category", "year": "series__year"}[group_by]
    sessions = sessions_visible_to(user=user)
    attended = Enrolment.objects.filter(session__in=sessions.values("pk"), attended=True)
    session_counts = dict(sessions.values_list(key).annotate(n=Count("pk", distinct=True)).order_by())
    person_times = dict(attended.values_list(f"session__{key}").annotate(n=Count("pk")).order_by())
    # A person is a worker, or an outside person by name and unit.
    people: dict = {}
    for value, worker_id, name, unit in attended.values_list(
        f"session__{key}", "worker", "outside_name", "outside_unit"
    ):
        people.setdefault(value, set()).add((worker_id, name, unit))
    labels = dict(TrainingSeries.Category.choices) if group_by == "category" else {}
    return [
        Figures(
            label=str(labels.get(value, value)),
            sessions=count,
            participants=len(people.get(value, ())),
            person_times=person_times.get(value, 0),
        )
        for value, count in sorted(session_counts.items(), key=lambda item: str(item[0]))
    ]


# The lists. Each list's page, its API list endpoint and its export read it through one selector:
# the filterset of the list's filters (`params`) over the records the person sees, in its order.


def series_list(*, user, params=None) -> TrainingSeriesFilter:
    """The training series list: the series `user` sees with their session counts, the latest
    year first, by title."""
    series = (
        series_visible_to(user=user)
        .annotate(session_count=Count("sessions"))
        .order_by("-year", natural("title"), "pk")
    )
    return TrainingSeriesFilter(params, queryset=series)


def trainers_visible_to(*, user):
    """The trainers of the person's place, of the places above it (the city's) and of the whole
    installation, to its staff; none to outside people (an expert reviewer, an evaluator) or to
    who is not signed in."""
    if not user.is_authenticated or outside_only(user):
        return Trainer.objects.none()
    return Trainer.objects.filter(shared_down_scope(user))


def trainers_list(*, user, params=None) -> TrainerFilter:
    """The trainers list: the trainers the person sees, with their session counts."""
    trainers = trainers_visible_to(user=user).annotate(session_count=Count("sessions")).order_by("name", "pk")
    return TrainerFilter(params, queryset=trainers)


def practice_bases_list(*, user, params=None) -> PracticeBaseFilter:
    """The practice bases list: those of the units in the person's place, by university."""
    bases = (
        PracticeBase.objects.filter(unit_scope(user, via="unit"))
        .select_related("unit")
        .order_by("university", "pk")
    )
    return PracticeBaseFilter(params, queryset=bases)
