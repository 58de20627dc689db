"""What the records already say about one social worker's year, for the practice assessment.

Positions owns these figures (the assessment pre-fill reads them); it reads case records and
training records through their own selectors (casework.selectors.worker_year_cases,
training.selectors.worker_hours), so that each rule, the quiet case first, is defined once.

The assessor sees each figure with where it came from and confirms or changes the scores; the
figures are counts only, never a client or a case number. Case figures follow the worker's login
account (`SocialWorker.user`): a worker without one has no case records to count.

The figures, for a worker and a year (the year so far while it is running):

- caseload: cases assigned to the worker (the case's current worker) open at any time in the
  year: taken in on or before its last day and not closed before its first day;
- notes on time: of those cases still open at the end of the period, how many were not quiet
  then: the one rule of casework.selectors.case_quiet, with the district's quiet_case_days;
- service notes the worker wrote in the year;
- cases of the worker closed in the year, and how many of them with an approved closing whose
  reason is "goals reached";
- supervision given: supervisor reviews the worker wrote as supervisor in the year, and on how
  many cases;
- training hours credited in the year (attended sessions only, as training counts them).

Each figure's key is one of `AssessmentCriterion.Source`, so that a criterion linked to it can
suggest a score from its `number`.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import selectors as casework_selectors
from positions.models import SocialWorker
from training.selectors import worker_hours


@dataclass(frozen=True)
class Evidence:
    """One figure from the records: its name, the value shown, a sentence saying where it came
    from, and the value as a number to score by (None when there is nothing to count)."""

    key: str
    label: str
    value: object
    source: str
    url: str = ""
    number: Decimal | int | None = None


def worker_evidence(*, worker: SocialWorker, year: int, today: date | None = None) -> list[Evidence]:
    """The figures for a worker's year, each with its source. Six queries at most."""
    today = today or timezone.localdate()
    first, last = date(year, 1, 1), date(year, 12, 31)
    end = min(last, today)
    figures = []
    user = worker.user
    if user is None:
        figures.append(
            Evidence(
                key="caseload",
                label=_("Caseload"),
                value=None,
                source=_("No login account is linked to this worker, so no case records can be counted."),
            )
        )
    else:
        figures.extend(_case_figures(user=user, year=year, first=first, end=end))
    hours = worker_hours(worker=worker, year=year)
    figures.append(
        Evidence(
            key="training_hours",
            label=_("Training hours"),
            value=hours,
            source=_("%(hours)s hours credited for training attended in %(year)s (training records)")
            % {"hours": floatformat(hours, -1), "year": year},
            url=worker.get_absolute_url(),
            number=hours,
        )
    )
    return figures


def _case_figures(*, user, year: int, first: date, end: date) -> list[Evidence]:
    quiet_days = casework_selectors.quiet_case_days_of(user)
    counts = casework_selectors.worker_year_cases(user=user, first=first, end=end, quiet_days=quiet_days)
    notes = counts["notes"]
    reviews = {"reviews": counts["reviews"], "cases": counts["reviewed_cases"]}
    share = _share(counts["noted_at_end"], counts["open_at_end"])
    percent = Decimal(counts["noted_at_end"] * 100) / counts["open_at_end"] if counts["open_at_end"] else None
    return [
        Evidence(
            key="caseload",
            label=_("Caseload"),
            value=counts["caseload"],
            source=_(
                "%(count)s cases assigned to this worker and open at some time in %(year)s (case records)"
            )
            % {"count": counts["caseload"], "year": year},
            number=counts["caseload"],
        ),
        Evidence(
            key="notes_written",
            label=_("Service notes written"),
            value=notes,
            source=_("%(count)s service notes written by this worker dated in %(year)s (case records)")
            % {"count": notes, "year": year},
            number=notes,
        ),
        Evidence(
            key="notes_on_time",
            label=_("Cases with a recent note"),
            value=share,
            source=_(
                "%(noted)s of the %(open)s cases open on %(date)s were not quiet: each had a service note "
                "in the %(days)s days before, or was taken in within them (case records)"
            )
            % {
                "noted": counts["noted_at_end"],
                "open": counts["open_at_end"],
                "date": end,
                "days": quiet_days,
            },
            number=percent,
        ),
        Evidence(
            key="goals_reached",
            label=_("Cases closed with goals reached"),
            value=counts["goals"],
            source=_(
                "%(goals)s of the %(closed)s cases closed in %(year)s closed with their goals reached "
                "(approved closings)"
            )
            % {"goals": counts["goals"], "closed": counts["closed"], "year": year},
            number=counts["goals"],
        ),
        Evidence(
            key="supervision",
            label=_("Supervision given"),
            value=reviews["reviews"],
            source=_("%(reviews)s supervisor reviews on %(cases)s cases in %(year)s (case records)")
            % {"reviews": reviews["reviews"], "cases": reviews["cases"], "year": year},
            number=reviews["reviews"],
        ),
    ]


def _share(part: int, whole: int) -> str:
    """A percentage for the panel, or a dash when there is nothing to divide."""
    if not whole:
        return "–"
    return f"{floatformat(Decimal(part * 100) / whole, 0)}%"
