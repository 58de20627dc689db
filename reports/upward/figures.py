"""The figures a statistical report may ask for, each a function of a district and a period.

A city's form (`reports.models.StatisticalForm`) chooses its figures from `FIGURES` by key. Each
figure reads the records through the apps' own models, counted in the database (one aggregate
query each), never a list: posts are a stock on the period's last day, the rest flows within it.
Projects belong to their call's year: a quarterly form counts them in the first quarter.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import Case
from positions.models import CertificateLevel, Position, Region, SocialWorker
from positions.selectors.workforce import appointments_held_on
from projects.models import Payment, Project
from training.models import Enrolment

COUNT, MONEY = "count", "money"


@dataclass(frozen=True)
class Figure:
    key: str
    label: object  # translatable, read in the reader's language
    compute: Callable[[Region, date, date], int | Decimal]
    kind: str = COUNT  # a count of people or records, or money in yuan


def _under(region: Region, via: str) -> Q:
    return Q(**{f"{via}__path__startswith": region.path})


def _posts_set(region: Region, start: date, end: date) -> int:
    posts = Position.objects.filter(
        Q(established_on__isnull=True) | Q(established_on__lte=end),
        _under(region, "unit__region"),
        status=Position.Status.ACTIVE,
    )
    return posts.aggregate(n=Sum("quota"))["n"] or 0


def _posts_filled(region: Region, start: date, end: date) -> int:
    return (
        appointments_held_on(end)
        .filter(_under(region, "position__unit__region"), position__status=Position.Status.ACTIVE)
        .count()
    )


def _certified(levels: list[str]) -> Callable[[Region, date, date], int]:
    """Active workers certified by the period's end at one of `levels`, employed in the district
    (by one of its units or organizations) or holding a post there on the period's last day."""

    def count(region: Region, start: date, end: date) -> int:
        holders = (
            appointments_held_on(end).filter(_under(region, "position__unit__region")).values("worker_id")
        )
        return (
            SocialWorker.objects.filter(
                _under(region, "employer_unit__region")
                | _under(region, "employer_organization__region")
                | Q(pk__in=holders),
                Q(certificate_year__isnull=True) | Q(certificate_year__lte=end.year),
                status=SocialWorker.Status.ACTIVE,
                certificate_level__in=levels,
            )
            .distinct()
            .count()
        )

    return count


def _training_person_times(region: Region, start: date, end: date) -> int:
    return Enrolment.objects.filter(
        _under(region, "session__host_unit__region"),
        session__starts_at__date__gte=start,
        session__starts_at__date__lte=end,
        attended=True,
    ).count()


FUNDED = [
    Project.Status.APPROVED,
    Project.Status.CONTRACTED,
    Project.Status.IN_PROGRESS,
    Project.Status.UNDER_ACCEPTANCE,
    Project.Status.COMPLETED,
]


def _funded(region: Region, start: date, end: date):
    """The projects granted money in the period's year (a call's year is a project's); a quarterly
    period counts them in its first quarter only, so that four quarters add up to the year."""
    if start.month != 1:
        return Project.objects.none()
    return Project.objects.filter(_under(region, "community"), year=start.year, status__in=FUNDED)


def _projects_approved(region: Region, start: date, end: date) -> int:
    return _funded(region, start, end).aggregate(n=Count("pk"))["n"]


def _money_approved(region: Region, start: date, end: date) -> Decimal:
    return _funded(region, start, end).aggregate(n=Sum("approved_amount"))["n"] or Decimal(0)


def _money_paid(region: Region, start: date, end: date) -> Decimal:
    payments = Payment.objects.filter(
        _under(region, "contract__project__community"), paid_on__gte=start, paid_on__lte=end
    )
    return payments.aggregate(n=Sum("amount"))["n"] or Decimal(0)


def _cases(field: str) -> Callable[[Region, date, date], int]:
    def count(region: Region, start: date, end: date) -> int:
        return Case.objects.filter(
            _under(region, "station__region"),
            removed_at__isnull=True,
            **{f"{field}__gte": start, f"{field}__lte": end},
        ).count()

    return count


FIGURES: dict[str, Figure] = {
    figure.key: figure
    for figure in [
        Figure("posts_set", _("Social work posts set"), _posts_set),
        Figure("posts_filled", _("Social work posts filled"), _posts_filled),
        Figure("certified", _("Certified social workers"), _certified(CertificateLevel.certified())),
        Figure(
            "certified_assistant",
            _("of whom assistant social workers"),
            _certified([CertificateLevel.ASSISTANT]),
        ),
        Figure(
            "certified_social_worker",
            _("of whom social workers"),
            _certified([CertificateLevel.SOCIAL_WORKER]),
        ),
        Figure("certified_senior", _("of whom senior social workers"), _certified([CertificateLevel.SENIOR])),
        Figure("training_person_times", _("Training person-times"), _training_person_times),
        Figure("projects_approved", _("Projects granted money"), _projects_approved),
        Figure("money_approved", _("Project money approved (yuan)"), _money_approved, MONEY),
        Figure("money_paid", _("Project money paid (yuan)"), _money_paid, MONEY),
        Figure("cases_opened", pgettext_lazy("statistical report", "Cases opened"), _cases("intake_on")),
        Figure("cases_closed", pgettext_lazy("statistical report", "Cases closed"), _cases("closed_on")),
    ]
}


def figure_choices() -> list[tuple[str, object]]:
    return [(key, figure.label) for key, figure in FIGURES.items()]


def as_stored(key: str, value) -> int | str:
    """How a figure is kept in a return's JSON: a count as a number, money as its exact text."""
    if FIGURES[key].kind == MONEY:
        return str(Decimal(value).quantize(Decimal("0.01")))
    return int(value)


def parse(key: str, text) -> int | str:
    """A figure typed by a person, as stored; a ValueError when it is not one."""
    text = str(text).strip().replace(",", "")
    if FIGURES[key].kind == MONEY:
        value = Decimal(text)
        if not value.is_finite() or value < 0:
            raise ValueError(text)
        return as_stored(key, value)
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def compute(keys: list[str], region: Region, start: date, end: date) -> dict[str, int | str]:
    """The figures `keys` of a district's period, read from the records now (one query each)."""
    return {key: as_stored(key, FIGURES[key].compute(region, start, end)) for key in keys if key in FIGURES}
