"""The figures the district reports: for the dashboard, the annual report and the API.

Every figure is read through the apps' own selectors and scoped to the person asking, so a station
manager's dashboard counts only their station. Every figure is the chosen year's: a stock (the
network, posts and who holds them, certified workers, organizations) as it stood at the close of
the year (today, for the current year), a flow (exams, training, projects, payments, casework)
within it. Each chapter opens with a short narrative written from its figures
(`reports/narratives.txt`), and each table closes with its totals. A figure comes as a `Table` (its chart is drawn
from the same rows, so every chart has its table); tables are grouped into `Chapter`s, the
chapters of the annual report.

Each chapter costs a fixed handful of grouped queries (`values().annotate()`), however many rows
the district holds. Case records are only ever counted here: no name, number or note text leaves
this module.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework.models import (
    AdvocacyRecord,
    Case,
    CaseClient,
    CommunityActivity,
    Group,
    Referral,
    VolunteerHours,
)
from casework.selectors import (
    SatisfactionFigures,
    clients_served,
    notes_written,
    referral_figures,
    referral_figures_by,
    satisfaction_figures_by,
)
from positions.models import CertificateLevel, Position, Region, ServiceUnit, SocialWorker
from positions.selectors.network import figures_place, part_path, parts_of
from positions.selectors.workforce import (
    appointments_held_on,
    exams_visible_to,
    positions_visible_to,
    worker_scope,
)
from projects.models import Call, ServiceArea, SocialOrganization
from projects.selectors import (
    funded_by_kind,
    organizations_visible_to,
    overview,
    projects_visible_to,
    year_money,
)
from socialwork.money import format_yuan
from socialwork.scoping import unit_scope
from training.models import Enrolment, TrainingSeries
from training.selectors import sessions_visible_to


@dataclass
class Table:
    """One figure: a title, column headings and rows. `chart` says how to draw it ("bar",
    "grouped" for several numeric columns side by side, or "" for a table only); the first
    column is the label, the others numbers."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: str = "bar"
    note: str = ""
    empty: str = ""  # the sentence shown instead of a table without rows
    total: list | None = None  # a closing row of totals, shown in the table but not charted
    charted: tuple[int, ...] = ()  # the columns the chart draws; all numeric columns when empty
    orientation: str = "horizontal"  # or "vertical", for a few short labels such as years


@dataclass
class Chapter:
    key: str
    title: str
    headline: list[tuple[str, object]] = field(default_factory=list)  # (label, value) figures
    tables: list[Table] = field(default_factory=list)
    narrative: str = ""  # a few sentences written from the figures, opening the chapter


def chapters(*, user, year: int, part: Region | None = None) -> list[Chapter]:
    """The figures of the person's place for a year (and optionally one part of it: a district of
    a city, a town of a district), as the person may see them: network, positions, workforce,
    exams, training, projects and organizations, casework. Tables by place go by the level just
    under it (a city's by district, a district's by town); a city's or province's figures open
    with its districts (or cities) side by side."""
    place = _Place(user=user, town=part, year=year)
    result = [_side_by_side(place)] if place.compares_parts else []
    result += [
        _network(place),
        _positions(place),
        _workforce(place),
        _exams(place),
        _training(place, year),
        _projects(place, year),
        _casework(place, year),
    ]
    empty = _("Nothing was recorded for %(year)s.") % {"year": year}
    for chapter in result:
        for table in chapter.tables:
            table.empty = table.empty or empty
    return result


def parts_for(*, user) -> QuerySet[Region]:
    """The parts of the person's place one may narrow the figures to: a city administrator's
    districts, a district administrator's towns and streets (a station manager's own town)."""
    return parts_of(user=user, place=figures_place(user=user))


def part_heading(*, user) -> str:
    """What the parts of the person's place are called: "District or county-level city" for a
    city administrator, "Town or street" for a district's."""
    place = figures_place(user=user)
    return _part_words(place.level if place else Region.Level.DISTRICT)["heading"]


# What a place's parts are called, by the place's level: its own units' row, the column heading,
# the rows' word in a title.
def _part_words(level: str) -> dict[str, str]:
    L = Region.Level
    if level == L.PROVINCE:
        return {
            "own": pgettext("figures row", "Province level"),
            "heading": pgettext("region", "City"),
            "whole": pgettext("annual report", "the whole province"),
            "network": _("Stations, rooms and posts by city"),
            "side_by_side": _("Cities side by side"),
            "parts": _("Cities"),
        }
    if level == L.CITY:
        return {
            "own": pgettext("figures row", "City level"),
            "heading": _("District or county-level city"),
            "whole": pgettext("annual report", "the whole city"),
            "network": _("Stations, rooms and posts by district"),
            "side_by_side": _("Districts side by side"),
            "parts": _("Districts and county-level cities"),
        }
    if level in Region.TOWN_LEVELS:
        return {
            "own": pgettext("figures row", "Town level"),
            "heading": _("Community or village"),
            "whole": "",
            "network": _("Stations, rooms and posts by community"),
            "side_by_side": "",
        }
    return {
        "own": _("District level"),
        "heading": _("Town or street"),
        "whole": pgettext("annual report", "the whole district"),
        "network": _("Stations, rooms and posts by town"),
        "side_by_side": "",
    }


@dataclass
class _Place:
    user: object
    town: Region | None  # the part chosen (a district of a city, a town of a district), if any
    year: int

    @cached_property
    def region(self) -> Region | None:
        """The region the figures are grouped under: the part chosen, else the person's place."""
        return figures_place(user=self.user, part=self.town)

    @cached_property
    def words(self) -> dict[str, str]:
        return _part_words(self.region.level if self.region else Region.Level.DISTRICT)

    @cached_property
    def compares_parts(self) -> bool:
        """Whether the figures open with the districts (or cities) side by side: a city's or a
        province's, not narrowed to one part."""
        return self.region is not None and self.region.is_above_district

    def part_of(self, via: str):
        """The expression grouping rows reached through `via` (a relation to a region) by part;
        by the tree's first level for a person placed nowhere (a tree without regions)."""
        if self.region is None:
            return Substr(f"{via}__path", 1, Region.steplen)
        return part_path(via, self.region)

    @cached_property
    def part_names(self) -> dict[str, str]:
        """Part path -> name, with the place's own units under its own row ("City level"). One query."""
        if self.region is None:
            return {}
        names = {self.region.path: self.words["own"]}
        names.update(parts_of(user=self.user, place=self.region).values_list("path", "name"))
        return names

    def part_label(self, path: str | None) -> str:
        if path is None:
            return _("Place not recorded")
        return self.part_names.get(path, path)

    @cached_property
    def as_of(self) -> date:
        """The day a stock is counted on: the year's last, or today while the year runs."""
        return min(date(self.year, 12, 31), timezone.localdate())

    def narrate(self, key: str, **figures) -> str:
        """The chapter's narrative: the partial `key` of `reports/narratives.txt`, one paragraph."""
        if self.as_of.year == self.year and self.as_of < date(self.year, 12, 31):
            as_of = pgettext("annual report", "As of %(date)s") % {"date": date_format(self.as_of)}
        else:
            as_of = pgettext("annual report", "By the end of %(year)s") % {"year": self.year}
        if self.town is not None:
            name = self.town.name
        elif self.user.is_district_wide:
            name = self.words["whole"] or (self.region.name if self.region else "")
        else:
            name = self.user.unit.name if self.user.unit_id else ""
        context = {"as_of": as_of, "place": name, "year": self.year, **figures}
        return _joined_lines(render_to_string(f"reports/narratives.txt#{key}", context))

    def within(self, via: str) -> Q:
        """Limit a query reaching a service unit through `via` to the person's place and the town."""
        scope = unit_scope(self.user, via=via)
        if self.town is not None:
            scope &= Q(**{f"{via}__region__path__startswith": self.town.path})
        return scope

    def in_town(self, region_path: str) -> Q:
        return Q(**{f"{region_path}__path__startswith": self.town.path}) if self.town is not None else Q()


def _joined_lines(text: str) -> str:
    """The rendered sentences as one paragraph: lines joined with a space where the language puts
    spaces between sentences (no space after a Chinese full stop)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = ""
    for line in lines:
        if joined and not joined.endswith(("。", "；", "，")):
            joined += " "
        joined += line
    return joined


def _totals(rows: list[list], *, width: int, **fixed) -> list:
    """A closing row: "Total", then each of the `width - 1` number columns' sum; `fixed` gives a
    column's total by its index (`c2=…`) where a sum would be wrong (people counted once, a rate)."""
    total = [_("Total")]
    for column in range(1, width):
        if f"c{column}" in fixed:
            total.append(fixed[f"c{column}"])
        else:
            total.append(sum((row[column] for row in rows if isinstance(row[column], int | Decimal)), 0))
    return total


def _yuan(amount: Decimal) -> str:
    """An amount in a sentence: thousands grouped, fen only when there are any."""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def _counts(queryset: QuerySet, key: str) -> dict:
    return dict(queryset.values_list(key).annotate(n=Count("pk")).order_by())


def _labelled(counts: dict, labels: dict, blank: str = "") -> list[list]:
    """Rows (label, count) in the order of `labels`, then any value `labels` does not name."""
    rows = [[str(label), counts.get(value, 0)] for value, label in labels.items()]
    rows += [
        [str(value) if value not in (None, "") else blank, n]
        for value, n in counts.items()
        if value not in labels
    ]
    return rows


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# Parts side by side ---------------------------------------------------------------------------


def _by_part(queryset: QuerySet, group, **aggregates) -> dict[str | None, dict]:
    """One grouped query: part path -> the aggregates of its rows."""
    return {
        row.pop("part"): row
        for row in queryset.annotate(part=group).values("part").annotate(**aggregates).order_by()
    }


def _side_by_side(place: _Place) -> Chapter:
    """A city's districts (a province's cities) side by side: each one's headline figures in a
    row, the city's own units in theirs, and the totals. The figures are those the chapters below
    count (the same querysets, grouped by part): one query per column group, however many
    districts there are."""
    year, L = place.year, ServiceUnit.Level
    stations = _by_part(_units(place).filter(level=L.STATION), place.part_of("region"), n=Count("pk"))
    positions = _standing_positions(place)
    posts = _by_part(positions, place.part_of("unit__region"), n=Sum("quota"))
    filled = _by_part(
        appointments_held_on(place.as_of).filter(position__in=positions.values("pk")),
        place.part_of("position__unit__region"),
        n=Count("pk"),
    )
    # A worker counts where they are employed, else where they hold a post.
    post_held = (
        appointments_held_on(place.as_of)
        .filter(worker=OuterRef("pk"))
        .order_by("pk")
        .values("position__unit__region__path")[:1]
    )
    where = Coalesce("employer_unit__region__path", Subquery(post_held))
    certified = _by_part(
        _workers(place).filter(_certified(place)),
        Substr(where, 1, (place.region.depth + 1) * Region.steplen),
        n=Count("pk"),
    )
    person_times = _by_part(
        Enrolment.objects.filter(session__in=_sessions(place, year).values("pk"), attended=True),
        place.part_of("session__host_unit__region"),
        n=Count("pk"),
    )
    projects = projects_visible_to(user=place.user).filter(year=year, approved_amount__gt=0)
    if place.town is not None:
        projects = projects.filter(community__path__startswith=place.town.path)
    funded = _by_part(projects, place.part_of("community"), n=Count("pk"))
    money = {
        row.label: [row.label, row.approved, row.committed, row.paid]
        for row in overview(
            user=place.user, year=year, part=place.town, paid_by=place.as_of, by=("by_part",)
        )["by_part"]
    }
    # Opened and closed apart, each from its year's entries of the case indexes by station and day.
    cases = Case.objects.filter(place.within("station"), removed_at__isnull=True)
    opened = _by_part(cases.filter(intake_on__year=year), place.part_of("station__region"), n=Count("pk"))
    closed = _by_part(cases.filter(closed_on__year=year), place.part_of("station__region"), n=Count("pk"))

    def row(path):
        return [
            place.part_label(path),
            stations.get(path, {}).get("n", 0),
            posts.get(path, {}).get("n") or 0,
            filled.get(path, {}).get("n", 0),
            certified.get(path, {}).get("n", 0),
            person_times.get(path, {}).get("n", 0),
            funded.get(path, {}).get("n", 0),
            opened.get(path, {}).get("n", 0),
            closed.get(path, {}).get("n", 0),
        ]

    parts = [path for path in place.part_names if path != place.region.path]
    seen = set().union(stations, posts, filled, certified, person_times, funded, opened, closed)
    # The city's own units, and workers neither employed nor holding a post, in rows of their own
    # when they count anything.
    others = [path for path in (place.region.path, None) if path in seen]
    rows = [row(path) for path in parts]
    rows += [r for r in (row(path) for path in others) if any(r[1:])]
    total = _totals(rows, width=9)
    money_rows = [
        money.get(row[0]) or [row[0], Decimal(0), Decimal(0), Decimal(0)] for row in rows[: len(parts)]
    ]
    return Chapter(
        key="side_by_side",
        title=place.words["side_by_side"],
        narrative=place.narrate(
            "side_by_side", parts=len(parts), province=place.region.level == Region.Level.PROVINCE
        ),
        headline=[
            (place.words["parts"], len(parts)),
            (_("Service stations"), total[1]),
            (_("Posts filled"), total[3]),
            (_("Certified social workers"), total[4]),
            (_("Cases opened"), total[7]),
        ],
        tables=[
            Table(
                key="parts_side_by_side",
                title=_("Headline figures of %(year)s side by side") % {"year": year},
                columns=[
                    place.words["heading"],
                    _("Stations"),
                    _("Posts set"),
                    _("Posts filled"),
                    _("Certified social workers"),
                    _("Training person-times"),
                    _("Projects funded"),
                    _("Cases opened"),
                    _("Cases closed"),
                ],
                rows=rows,
                chart="grouped",
                charted=(2, 3, 4),  # people and posts; the rest, in other units, are in the table
                total=total,
                note=_(
                    "Each row counts the records of one part as the chapters below count them; the "
                    "totals row is the whole place's."
                ),
            ),
            Table(
                key="parts_side_by_side_money",
                title=_("Project money of %(year)s side by side (yuan)") % {"year": year},
                columns=[place.words["heading"], _("Approved"), _("Committed"), _("Paid")],
                rows=money_rows,
                chart="grouped",
                total=_totals(money_rows, width=4),
            ),
        ],
    )


# Network --------------------------------------------------------------------------------------


def _units(place: _Place) -> QuerySet[ServiceUnit]:
    """The units in the person's place (and part) set up by the day the stock is counted on."""
    return ServiceUnit.objects.filter(unit_scope(place.user), place.in_town("region")).filter(
        Q(established_on__isnull=True) | Q(established_on__lte=place.as_of)
    )


def _network(place: _Place) -> Chapter:
    L = ServiceUnit.Level
    units = _units(place)
    rows = (
        units.filter(level__in=[L.STATION, L.ROOM, L.POST])
        .annotate(town=place.part_of("region"))
        .values("town")
        .annotate(
            stations=Count("pk", filter=Q(level=L.STATION)),
            rooms=Count("pk", filter=Q(level=L.ROOM)),
            model_rooms=Count("pk", filter=Q(level=L.ROOM, is_model=True)),
            posts=Count("pk", filter=Q(level=L.POST)),
        )
        .order_by("town")
    )
    table_rows = [
        [place.part_label(row["town"]), row["stations"], row["rooms"], row["model_rooms"], row["posts"]]
        for row in rows
    ]
    totals = [sum(row[i] for row in table_rows) for i in range(1, 5)]
    return Chapter(
        key="network",
        title=_("Service network"),
        narrative=place.narrate(
            "network", stations=totals[0], rooms=totals[1], model_rooms=totals[2], posts=totals[3]
        ),
        headline=[
            (_("Service stations"), totals[0]),
            (_("Service rooms"), totals[1]),
            (_("Model rooms"), totals[2]),
            (_("Community service posts"), totals[3]),
        ],
        tables=[
            Table(
                key="network_by_town",
                title=place.words["network"],
                columns=[place.words["heading"], _("Stations"), _("Rooms"), _("Model rooms"), _("Posts")],
                rows=table_rows,
                chart="grouped",
                total=[_("Total"), *totals],
            )
        ],
    )


# Positions ------------------------------------------------------------------------------------


def _post_rows(positions: QuerySet, filled: QuerySet, key: str, labels: dict) -> list[list]:
    """Rows (label, set, filled, vacant) grouped by `key`; set is the sum of quotas."""
    quotas = dict(positions.values_list(key).annotate(n=Sum("quota")).order_by())
    held = dict(filled.values_list(f"position__{key}").annotate(n=Count("pk")).order_by())
    rows = []
    for value in [*labels, *(v for v in quotas.keys() | held.keys() if v not in labels)]:
        posts, taken = quotas.get(value) or 0, held.get(value, 0)
        if posts or taken:
            rows.append([str(labels.get(value, value)), posts, taken, posts - taken])
    return rows


def _standing_positions(place: _Place) -> QuerySet[Position]:
    """The posts standing at the close of the year in the person's place (and part), as plain rows
    for grouping. A post abolished since keeps no date of its abolition: only the posts standing
    today count."""
    positions = positions_visible_to(user=place.user).filter(
        Q(established_on__isnull=True) | Q(established_on__lte=place.as_of), status=Position.Status.ACTIVE
    )
    if place.town is not None:
        positions = positions.filter(unit__region__path__startswith=place.town.path)
    return Position.objects.filter(pk__in=positions.values("pk"))


def _positions(place: _Place) -> Chapter:
    positions = _standing_positions(place)
    filled = appointments_held_on(place.as_of).filter(position__in=positions.values("pk"))
    columns = [_("Posts set"), _("Filled"), _("Vacant")]
    by_category = _post_rows(positions, filled, "category", dict(Position.Category.choices))
    by_mode = _post_rows(positions, filled, "setup_mode", dict(Position.SetupMode.choices))
    total = [_("Total"), *(sum(row[i] for row in by_category) for i in range(1, 4))]
    return Chapter(
        key="positions",
        title=_("Social work posts"),
        narrative=place.narrate(
            "positions", posts=total[1], filled=total[2], vacant=total[3], rate=_rate(total[2], total[1])
        ),
        headline=[
            (_("Posts set"), total[1]),
            (_("Posts filled"), total[2]),
            (_("Vacancies"), total[3]),
            (_("Filled share (%)"), _rate(total[2], total[1])),
        ],
        tables=[
            Table(
                key="positions_by_category",
                title=_("Posts set and filled by category"),
                columns=[pgettext("position", "Category"), *columns],
                rows=by_category,
                chart="grouped",
                total=total,
            ),
            Table(
                key="positions_by_mode",
                title=_("Posts set and filled by set-up mode"),
                columns=[_("Set-up mode"), *columns],
                rows=by_mode,
                chart="grouped",
                total=total,
            ),
        ],
    )


# Workforce and exams --------------------------------------------------------------------------


def _workers(place: _Place) -> QuerySet[SocialWorker]:
    """Active workers the person sees, in the town when one is chosen (employed there or holding
    a post there)."""
    workers = SocialWorker.objects.filter(worker_scope(place.user), status=SocialWorker.Status.ACTIVE)
    if place.town is not None:
        holds_post = Exists(
            appointments_held_on(place.as_of).filter(
                worker=OuterRef("pk"), position__unit__region__path__startswith=place.town.path
            )
        )
        workers = workers.filter(Q(employer_unit__region__path__startswith=place.town.path) | Q(holds_post))
    return workers


def _certified(place: _Place) -> Q:
    """Certified by the end of the year (a certificate without its year counts: it is older than
    the register)."""
    by_then = Q(certificate_year__isnull=True) | Q(certificate_year__lte=place.year)
    return Q(certificate_level__in=CertificateLevel.certified()) & by_then


def _workforce(place: _Place) -> Chapter:
    workers = _workers(place)
    is_certified = _certified(place)  # and registered by then, below
    certified = workers.filter(is_certified)
    totals = workers.aggregate(
        certified=Count("pk", filter=is_certified),
        registered=Count(
            "pk",
            filter=~Q(registration_number="")
            & (Q(registered_on__isnull=True) | Q(registered_on__lte=place.as_of)),
        ),
        supervisors=Count("pk", filter=Q(is_supervisor=True)),
    )
    levels = {level: label for level, label in CertificateLevel.choices if level != CertificateLevel.NONE}
    by_level = _labelled(_counts(certified, "certificate_level"), levels)
    by_year = sorted(
        _counts(certified, "certificate_year").items(), key=lambda item: (item[0] is None, item[0] or 0)
    )
    year_rows = [[str(year) if year else _("Not recorded"), n] for year, n in by_year]
    return Chapter(
        key="workforce",
        title=_("Social workers"),
        narrative=place.narrate(
            "workforce",
            certified=totals["certified"],
            registered=totals["registered"],
            levels=pgettext("annual report: between the items of a list", ", ").join(
                pgettext("annual report: a certificate level and its workers", "%(level)s: %(count)s")
                % {"level": label, "count": f"{n:,}"}
                for label, n in by_level
                if n
            ),
        ),
        headline=[
            (_("Certified social workers"), totals["certified"]),
            (_("Registered"), totals["registered"]),
            (_("Supervisors"), totals["supervisors"]),
        ],
        tables=[
            Table(
                key="workforce_by_level",
                title=_("Certified workers by level"),
                columns=[_("Level"), _("Workers")],
                rows=by_level,
                total=[_("Total"), totals["certified"]],
            ),
            Table(
                key="workforce_by_year",
                title=_("Certified workers by certificate year"),
                columns=[_("Certificate year"), _("Workers")],
                rows=year_rows,
                orientation="vertical",
                total=_totals(year_rows, width=2),
            ),
        ],
    )


def _exams(place: _Place) -> Chapter:
    exams = exams_visible_to(user=place.user).filter(year__lte=place.year)
    if place.town is not None:
        exams = exams.filter(worker__in=_workers(place).values("pk"))
    rows = (
        exams.values("year", "level")
        .annotate(candidates=Count("pk"), passes=Count("pk", filter=Q(passed=True)))
        .order_by("year", "level")
    )
    levels = dict(CertificateLevel.choices)
    by_year: dict[int, list[int]] = {}
    by_level = []
    for row in rows:
        year_row = by_year.setdefault(row["year"], [0, 0])
        year_row[0] += row["candidates"]
        year_row[1] += row["passes"]
        if row["year"] == place.year:
            by_level.append(
                [f"{row['year']} {levels.get(row['level'], row['level'])}", row["candidates"], row["passes"],
                 _rate(row["passes"], row["candidates"])]
            )  # fmt: skip
    # The years up to the chosen one, for the trend; the headline and the levels are its own.
    year_rows = [[str(year), c, p, _rate(p, c)] for year, (c, p) in sorted(by_year.items())]
    candidates, passes = by_year.get(place.year, [0, 0])
    columns = [_("Candidates"), _("Passes"), _("Pass rate (%)")]

    def total(rows):
        c, p = sum(row[1] for row in rows), sum(row[2] for row in rows)
        return [_("Total"), c, p, _rate(p, c)]

    return Chapter(
        key="exams",
        title=_("Professional level exams"),
        narrative=place.narrate(
            "exams", candidates=candidates, passes=passes, rate=_rate(passes, candidates)
        ),
        headline=[
            (_("Candidates in %(year)s") % {"year": place.year}, candidates),
            (_("Passes in %(year)s") % {"year": place.year}, passes),
            (_("Pass rate (%)"), _rate(passes, candidates)),
        ],
        tables=[
            Table(
                key="exams_by_year",
                title=_("Candidates and passes by year"),
                columns=[_("Year"), *columns],
                rows=year_rows,
                chart="grouped",
                charted=(1, 2),  # people; the rate, in per cent, is in the table
                orientation="vertical",
                total=total(year_rows),
            ),
            Table(
                key="exams_by_level",
                title=_("Candidates and passes in %(year)s by level") % {"year": place.year},
                columns=[_("Year and level"), *columns],
                rows=by_level,
                chart="grouped",
                charted=(1, 2),
                total=total(by_level),
            ),
        ],
    )


# Training -------------------------------------------------------------------------------------


def _sessions(place: _Place, year: int) -> QuerySet:
    sessions = sessions_visible_to(user=place.user).filter(starts_at__year=year)
    if place.town is not None:
        sessions = sessions.filter(host_unit__region__path__startswith=place.town.path)
    return sessions


def _training(place: _Place, year: int) -> Chapter:
    ids = _sessions(place, year).values("pk")
    session_counts = dict(
        TrainingSeries.objects.filter(sessions__in=ids)
        .values_list("category")
        .annotate(n=Count("sessions", distinct=True))
        .order_by()
    )
    attended = Enrolment.objects.filter(session__in=ids, attended=True)
    person_times, people = {}, {}
    # A person is a worker, or an outside person by name and unit; one query, no names kept.
    for category, worker, name, unit in attended.values_list(
        "session__series__category", "worker", "outside_name", "outside_unit"
    ):
        person_times[category] = person_times.get(category, 0) + 1
        people.setdefault(category, set()).add((worker, name, unit))
    rows = [
        [str(label), session_counts.get(value, 0), len(people.get(value, ())), person_times.get(value, 0)]
        for value, label in TrainingSeries.Category.choices
        if session_counts.get(value) or person_times.get(value)
    ]
    everyone = set().union(*people.values()) if people else set()
    sessions_held, person_times_total = sum(row[1] for row in rows), sum(row[3] for row in rows)
    return Chapter(
        key="training",
        title=pgettext("heading", "Training"),
        narrative=place.narrate(
            "training", sessions=sessions_held, participants=len(everyone), person_times=person_times_total
        ),
        headline=[
            (pgettext("training", "Sessions"), sum(row[1] for row in rows)),
            (_("Participants"), len(everyone)),
            (_("Person-times"), sum(row[3] for row in rows)),
        ],
        tables=[
            Table(
                key="training_by_category",
                title=_("Training in %(year)s by series category") % {"year": year},
                columns=[
                    pgettext("training series", "Category"),
                    pgettext("training", "Sessions"),
                    _("Participants"),
                    _("Person-times"),
                ],
                rows=rows,
                chart="grouped",
                charted=(2, 3),  # people; the sessions, another unit, are in the table
                total=_totals(rows, width=4, c2=len(everyone)),  # a person in two categories is one
            )
        ],
    )


# Projects and organizations -------------------------------------------------------------------


def _projects(place: _Place, year: int) -> Chapter:
    money = overview(user=place.user, year=year, part=place.town, paid_by=place.as_of, by=("by_area",))[
        "by_area"
    ]
    order = {str(label): index for index, (_value, label) in enumerate(ServiceArea.choices)}
    rows = [[row.label, row.approved, row.committed, row.paid] for row in money]
    rows.sort(key=lambda row: order.get(row[0], len(order)))
    total = [_("Total"), *(sum((row[i] for row in rows), Decimal(0)) for i in range(1, 4))]
    organizations = organizations_visible_to(user=place.user).filter(
        Q(registered_on__isnull=True) | Q(registered_on__lte=place.as_of)
    )
    if place.town is not None:
        organizations = organizations.filter(region__path__startswith=place.town.path)
    kinds = _labelled(_counts(organizations, "kind"), dict(SocialOrganization.Kind.choices))
    grades = _labelled(_counts(organizations, "grade"), dict(SocialOrganization.Grade.choices))
    kinds_funded = funded_by_kind(user=place.user, year=year, part=place.town)
    by_kind = [[row.label, row.projects, row.approved] for row in kinds_funded]
    community = next((row for row in kinds_funded if row.kind == Call.Kind.MICRO), None)
    community_count, community_money = (
        (community.projects, community.approved) if community else (0, Decimal(0))
    )
    headline = [
        (_("Community projects"), community_count),
        (_("Funding of community projects"), format_yuan(community_money)),
        (_("Approved for projects"), format_yuan(total[1])),
        (_("Committed by contracts"), format_yuan(total[2])),
        (_("Paid"), format_yuan(total[3])),
    ]
    budget = None
    if place.user.is_district_wide and place.town is None:
        budget = year_money(year=year, place=place.region)["budget"]
        headline.insert(0, (_("Budget for %(year)s") % {"year": year}, format_yuan(budget)))
    organization_count = sum(n for _label, n in kinds)
    headline.append((_("Social organizations"), organization_count))
    kind_rows = [row for row in kinds if row[1]]
    grade_rows = [row for row in grades if row[1]]
    return Chapter(
        key="projects",
        title=_("Projects and social organizations"),
        headline=headline,
        narrative=place.narrate(
            "projects",
            budget=_yuan(budget) if budget else "",
            community_projects=community_count,
            community_money=_yuan(community_money),
            approved=_yuan(total[1]),
            committed=_yuan(total[2]),
            paid=_yuan(total[3]),
            organizations=organization_count,
        ),
        tables=[
            Table(
                key="projects_by_kind",
                title=_("Projects of %(year)s granted money, by kind of call") % {"year": year},
                columns=[_("Kind of call"), pgettext("number of projects", "Projects"), _("Approved (yuan)")],
                rows=by_kind,
                charted=(2,),  # yuan; the number of projects is in the table
                total=_totals(by_kind, width=3),
            ),
            Table(
                key="projects_by_area",
                title=_("Project money in %(year)s by service area (yuan)") % {"year": year},
                columns=[_("Service area"), _("Approved"), _("Committed"), _("Paid")],
                rows=rows,
                chart="grouped",
                total=total,
            ),
            Table(
                key="organizations_by_kind",
                title=_("Social organizations by kind"),
                columns=[_("Kind"), _("Organizations")],
                rows=kind_rows,
                total=_totals(kind_rows, width=2),
            ),
            Table(
                key="organizations_by_grade",
                title=_("Social organizations by grade"),
                columns=[pgettext("organization", "Grade"), _("Organizations")],
                rows=grade_rows,
                total=_totals(grade_rows, width=2),
            ),
        ],
    )


# Casework -------------------------------------------------------------------------------------


def _or_dash(value):
    return "—" if value is None else value


def _satisfaction_row(label, figures) -> list:
    return [
        label, figures.closed, figures.followed_up, _or_dash(figures.followed_up_percent),
        figures.answered, figures.satisfied, _or_dash(figures.satisfaction_percent),
    ]  # fmt: skip


def _satisfaction_by_station(cases: QuerySet) -> tuple[list[list], list]:
    """Per station: closed, followed up (and %), answered, satisfied (and %), from
    casework.selectors.satisfaction_figures_by, the one rule of the satisfaction figures; and the
    closing row, the same figures of all the cases: every station's counts added up (each case is
    at one station), its rates taken from those sums."""
    by_station = satisfaction_figures_by(cases, "station")
    names = dict(ServiceUnit.objects.filter(pk__in=[pk for pk in by_station if pk]).values_list("pk", "name"))
    rows = [
        _satisfaction_row(names.get(pk, ""), figures)
        for pk, figures in sorted(by_station.items(), key=lambda item: names.get(item[0], ""))
        if figures.closed or figures.answered
    ]
    return rows, _satisfaction_row(_("Total"), sum(by_station.values(), SatisfactionFigures()))


def _referral_deadlines(place: _Place, cases: QuerySet, year: int) -> tuple[list[list], list]:
    """Per station, the referrals of the year: how many, the share answered in time, the share
    concluded with a result, and how many are overdue (casework.selectors.referral_figures_by);
    and the closing row, the same figures of all of them (its shares are not a sum)."""
    referrals = Referral.objects.filter(case__in=cases.values("pk"), referred_on__year=year)
    by_station = referral_figures_by(referrals, "case__station", on=place.as_of)
    names = dict(ServiceUnit.objects.filter(pk__in=by_station).values_list("pk", "name"))
    rows = [
        [names.get(pk, ""), figures.total, _dash(figures.answered_in_time_share),
         _dash(figures.with_result_share), figures.overdue]
        for pk, figures in by_station.items()
    ]  # fmt: skip
    everyone = referral_figures(referrals, on=place.as_of)
    total = [_("Total"), everyone.total, _dash(everyone.answered_in_time_share),
             _dash(everyone.with_result_share), everyone.overdue]  # fmt: skip
    return sorted(rows, key=lambda row: row[0]), total


def _dash(share):
    return "—" if share is None else share


def _clients_and_notes(place: _Place, cases: QuerySet, year: int) -> tuple[int, int]:
    """The clients served in the year (each once, however many stations of the place served them)
    and its service notes, from the tallies the services keep (casework.models.tallies). A year
    to come has no tallies yet: its clients are those of the cases still open."""
    if year > timezone.localdate().year:
        still_open = cases.filter(intake_on__lte=date(year, 12, 31), closed_on__isnull=True)
        clients = CaseClient.objects.filter(case__in=still_open.values("pk")).aggregate(
            n=Count("client", distinct=True)
        )["n"]
        return clients, 0
    stations = place.within("station")
    return clients_served(stations, year), notes_written(stations, year)


def _casework(place: _Place, year: int) -> Chapter:
    """Counts of case work in the person's place. District-wide people never see a case, but they
    may count them: a count names no one."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    cases = Case.objects.filter(place.within("station"), removed_at__isnull=True)
    uncategorized = _("Uncategorized")
    opened = _counts(cases.filter(intake_on__year=year), "category__name")
    closed = _counts(cases.filter(closed_on__year=year), "category__name")
    by_category = [
        [name if name else uncategorized, opened.get(name, 0), closed.get(name, 0)]
        for name in sorted(opened.keys() | closed.keys(), key=lambda name: (name is None, name or ""))
    ]
    clients, notes = _clients_and_notes(place, cases, year)
    referral_outcomes = dict(Referral.Outcome.choices)
    referral_outcomes[""] = _("No outcome yet")
    referrals = _labelled(
        _counts(Referral.objects.filter(case__in=cases.values("pk"), referred_on__year=year), "outcome"),
        referral_outcomes,
    )
    groups = Group.objects.filter(place.within("station"), starts_on__lte=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )
    group_kinds = _labelled(_counts(groups, "kind"), dict(Group.Kind.choices))
    activities = CommunityActivity.objects.filter(place.within("station"), held_on__year=year).aggregate(
        n=Count("pk"), people=Sum("participants")
    )
    hours = VolunteerHours.objects.filter(place.within("volunteer__station"), served_on__year=year).aggregate(
        total=Sum("hours")
    )["total"] or Decimal(0)
    advocacy = _labelled(
        _counts(AdvocacyRecord.objects.filter(place.within("station"), created_at__year=year), "status"),
        dict(AdvocacyRecord.Status.choices),
    )
    satisfaction_rows, satisfaction_total = _satisfaction_by_station(cases.filter(closed_on__year=year))
    referral_rows = [row for row in referrals if row[1]]
    deadline_rows, deadline_total = _referral_deadlines(place, cases, year)
    group_rows = [row for row in group_kinds if row[1]]
    advocacy_rows = [row for row in advocacy if row[1]]
    opened_total, closed_total = sum(row[1] for row in by_category), sum(row[2] for row in by_category)
    return Chapter(
        key="casework",
        title=_("Case, group and community work"),
        narrative=place.narrate(
            "casework",
            opened=opened_total,
            closed=closed_total,
            clients=clients,
            groups=sum(n for _label, n in group_rows),
            activities=activities["n"],
            participants=activities["people"] or 0,
        ),
        headline=[
            (_("Cases opened"), sum(row[1] for row in by_category)),
            (_("Cases closed"), sum(row[2] for row in by_category)),
            (_("Clients served"), clients),
            (_("Service notes"), notes),
            (_("Groups"), sum(n for _label, n in group_kinds)),
            (_("Community activities"), activities["n"]),
            (_("Activity participants"), activities["people"] or 0),
            (_("Volunteer hours"), hours),
        ],
        tables=[
            Table(
                key="cases_by_category",
                title=_("Cases opened and closed in %(year)s by category") % {"year": year},
                columns=[pgettext("casework", "Category"), _("Opened"), _("Closed")],
                rows=by_category,
                chart="grouped",
                total=_totals(by_category, width=3),
            ),
            Table(
                key="satisfaction_by_station",
                title=_("Cases closed in %(year)s: follow-ups after closing and satisfaction by station")
                % {"year": year},
                columns=[
                    _("Station"),
                    _("Closed"),
                    _("Followed up"),
                    _("Followed up (%)"),
                    _("Questionnaires answered"),
                    _("Satisfied"),
                    _("Satisfaction rate (%)"),
                ],
                rows=satisfaction_rows,
                total=satisfaction_total,
                chart="",
                charted=(1, 2),  # cases, were it drawn; the rates are in the table
                note=_(
                    "Satisfied: the questionnaire was answered and its answers average at least the district's threshold."
                ),
            ),
            Table(
                key="referrals_by_outcome",
                title=_("Referrals in %(year)s by outcome") % {"year": year},
                columns=[_("Outcome"), _("Referrals")],
                rows=referral_rows,
                total=_totals(referral_rows, width=2),
            ),
            Table(
                key="referrals_by_station",
                title=_("Referrals of %(year)s by station: answered in time and concluded with a result")
                % {"year": year},
                columns=[
                    _("Station"),
                    _("Referrals"),
                    _("Answered in time (%)"),
                    _("Concluded with a result (%)"),
                    _("Overdue"),
                ],
                rows=deadline_rows,
                total=deadline_total,
                chart="",
                charted=(1, 4),  # referrals, were it drawn; the shares are in the table
                note=_(
                    "Shares of the referrals due an answer or a result (past the date expected, or answered "
                    "or concluded); referrals made before deadlines were kept count only once concluded."
                ),
            ),  # fmt: skip
            Table(
                key="groups_by_kind",
                title=_("Groups running in %(year)s by kind") % {"year": year},
                columns=[_("Kind"), _("Groups")],
                rows=group_rows,
                total=_totals(group_rows, width=2),
            ),
            Table(
                key="advocacy_by_status",
                title=_("Advocacy records of %(year)s by status") % {"year": year},
                columns=[_("Status"), _("Records")],
                rows=advocacy_rows,
                total=_totals(advocacy_rows, width=2),
            ),
        ],
    )
