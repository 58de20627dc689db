"""Who sees and does what with statistical returns, and what the records say now.

A district's administrators fill and submit their own district's return; administrators placed
above it (the city, the province) review it: return, approve, reopen. Everyone district-wide sees
the returns inside their place (a district its own, the city its districts' and its own); nobody
else sees any. The city's own return is filled and submitted by the city and reviewed by the
province, when the tree has one.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from positions.models import Region
from positions.selectors.network import districts_under
from reports.models import StatisticalFlag, StatisticalForm, StatisticalReturn
from socialwork.roles import Role
from socialwork.scoping import NOTHING

from . import figures


def _place_scope(user, via: str) -> Q:
    if not user.is_authenticated or not user.is_district_wide:
        return NOTHING
    if not user.region_id:
        return Q() if user.is_superuser else NOTHING
    return Q(**{f"{via}__path__startswith": user.region.path})


def returns_visible_to(*, user) -> QuerySet[StatisticalReturn]:
    return StatisticalReturn.objects.filter(_place_scope(user, "region")).select_related("form", "region")


def forms_visible_to(*, user) -> QuerySet[StatisticalForm]:
    """The forms a person works with: those defined at or above their place (which they fill) and
    those defined inside it (which they run)."""
    if not user.is_authenticated or not user.is_district_wide:
        return StatisticalForm.objects.none()
    if not user.region_id:
        return StatisticalForm.objects.all() if user.is_superuser else StatisticalForm.objects.none()
    above = [
        user.region.path[:length]
        for length in range(Region.steplen, len(user.region.path) + 1, Region.steplen)
    ]
    return StatisticalForm.objects.filter(
        Q(owner__path__in=above) | Q(owner__path__startswith=user.region.path)
    ).select_related("owner")


def _administers(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.DISTRICT_ADMIN))


def may_fill(*, user, statistical_return: StatisticalReturn) -> bool:
    """The return's own place: its district's administrators (the city's, for its own return)."""
    if not _administers(user):
        return False
    if user.is_superuser and not user.region_id:
        return True
    return user.region_id == statistical_return.region_id


def may_review(*, user, statistical_return: StatisticalReturn) -> bool:
    """An administrator placed above the return's place, inside the tree of the form's owner (or
    above it, for the owner's own return)."""
    if not _administers(user):
        return False
    if user.is_superuser:
        return True
    if not user.region_id:
        return False
    mine, theirs = user.region.path, statistical_return.region.path
    return theirs.startswith(mine) and theirs != mine


def may_define_forms(*, user) -> bool:
    """Forms are defined by a city's or a province's administrators."""
    return _administers(user) and (
        (user.is_superuser and not user.region_id) or (user.region_id and user.region.is_above_district)
    )


def period_of(form: StatisticalForm, year: int, quarter: int | None = None) -> tuple[date, date]:
    if form.period == StatisticalForm.Period.QUARTERLY:
        if quarter not in (1, 2, 3, 4):
            raise ValueError(quarter)
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        return start, date.fromordinal(end.toordinal() - 1)
    return date(year, 1, 1), date(year, 12, 31)


@dataclass
class Difference:
    key: str
    label: str
    approved: int | str
    now: int | str


def differences(*, statistical_return: StatisticalReturn) -> list[Difference]:
    """The figures of a locked district return the records no longer bear out: each figure read
    again from the records, compared with what the records said when it was approved. Empty for a
    return not locked, and for a city's own return (its districts' are checked)."""
    if not statistical_return.is_locked or statistical_return.is_rollup:
        return []
    snapshot = statistical_return.figures
    now = figures.compute(
        list(snapshot),
        statistical_return.region,
        statistical_return.period_start,
        statistical_return.period_end,
    )
    return [
        Difference(key, str(figures.FIGURES[key].label), snapshot[key]["value"], value)
        for key, value in now.items()
        if str(value) != str(snapshot[key].get("computed"))
    ]


def open_flags(*, statistical_return: StatisticalReturn) -> QuerySet[StatisticalFlag]:
    return statistical_return.flags.filter(closed_at__isnull=True)


@dataclass
class BoardRow:
    district: Region
    statistical_return: StatisticalReturn | None


def board(*, form: StatisticalForm, start: date) -> list[BoardRow]:
    """Each district of the form's owner with its return for the period (or None), side by side."""
    returns = {
        r.region_id: r
        for r in StatisticalReturn.objects.filter(form=form, period_start=start).select_related("region")
    }
    return [BoardRow(district, returns.get(district.pk)) for district in districts_under(form.owner)]


def rollup_missing(*, form: StatisticalForm, start: date) -> list[Region]:
    """The districts whose return for the period is not yet approved: the city's own return waits
    for them."""
    return [
        row.district
        for row in board(form=form, start=start)
        if not (row.statistical_return and row.statistical_return.is_locked)
    ]
