"""Reads of the network, already scoped to the person asking and already joined."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from positions.models import Region, ServiceUnit
from socialwork.scoping import region_scope, unit_scope

STEP = ServiceUnit.steplen


def units_visible_to(*, user) -> QuerySet[ServiceUnit]:
    return ServiceUnit.objects.filter(unit_scope(user)).select_related("region")


def regions_visible_to(*, user) -> QuerySet[Region]:
    return Region.objects.filter(region_scope(user))


def district_of(region: Region | None) -> Region | None:
    """The district (or county-level city) a region lies in, whose name heads the reports it sends
    upward; a city or province is its own."""
    if region is None:
        return None
    if region.district_path == region.path:
        return region
    return Region.objects.filter(path=region.district_path).first()


def installation_district() -> Region | None:
    """The place this installation serves: the root of the region tree (a district, or the city or
    province running one installation for its districts)."""
    return Region.objects.get_root_nodes().first()


def districts_under(region: Region | None) -> QuerySet[Region]:
    """The districts and county-level cities inside a region (all of them for None), in the
    tree's order: the columns a city's figures are rolled up by."""
    districts = Region.objects.filter(level__in=Region.DISTRICT_LEVELS)
    if region is not None:
        districts = districts.filter(path__startswith=region.district_path)
    return districts.order_by("path")


def figures_place(*, user, part: Region | None = None) -> Region | None:
    """The region whose parts a person's figures are set side by side by: the part they chose (a
    district of a city; a town's district); else a district-wide person's own region (the installation's root for a superuser placed
    nowhere); else the district their unit lies in (a station manager's figures go by town, as
    their district's do)."""
    if part is not None:  # a town or street narrows the figures, which still go by town
        return part if part.level in Region.ROOT_LEVELS else district_of(part)
    if user.is_district_wide:
        return user.region if user.region_id else installation_district()
    if getattr(user, "unit_id", None):
        return district_of(user.unit.region)
    return None


def parts_of(*, user, place: Region | None) -> QuerySet[Region]:
    """The regions one level under `place` that the person sees: a city's districts, a district's
    towns and streets, a town's communities; the rows of their figures and the choices of the
    "part" filter."""
    if place is None:
        return Region.objects.none()
    return Region.objects.filter(
        region_scope(user), path__startswith=place.path, depth=place.depth + 1
    ).order_by("path")


def part_path(via: str, place: Region) -> Substr:
    """The path of the part (the region one level under `place`) that the region reached through
    `via` ("region", "unit__region", "community") lies in, as a database expression to group by.
    A row of `place` itself keeps `place`'s own (shorter) path: the place's own units."""
    return Substr(f"{via}__path", 1, (place.depth + 1) * Region.steplen)


def issuing_unit(*, user) -> str:
    """Who a document printed by this person is issued by: their unit in the network, else their
    region, else the installation's district (the name on paper, under the title)."""
    if getattr(user, "unit_id", None):
        return user.unit.name
    if getattr(user, "region_id", None):
        return user.region.name
    district = installation_district()
    return district.name if district else ""


def with_parent_id(queryset: QuerySet) -> QuerySet:
    """Annotate each node of a tree queryset with its parent's id, in the same query."""
    parents = queryset.model.objects.filter(
        path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * STEP)
    ).values("pk")[:1]
    return queryset.annotate(parent_id=Subquery(parents))


def network_totals(*, user) -> list[tuple[str, int]]:
    """How many units of each level the person's place holds, in the network's order."""
    counts = dict(
        ServiceUnit.objects.filter(unit_scope(user)).values_list("level").annotate(n=Count("pk")).order_by()
    )
    return [(label, counts.get(level, 0)) for level, label in ServiceUnit.Level.choices]


@dataclass
class TreeRow:
    unit: ServiceUnit
    depth: int = 0
    below: Counter = field(default_factory=Counter)
    has_children: bool = False
    expanded: bool = False
    closes: range = range(0)

    def counts(self) -> list[tuple[str, int]]:
        """Units of each lower level inside this one, as (label, count), skipping zeros."""
        return [(label, self.below[level]) for level, label in ServiceUnit.Level.choices if self.below[level]]


def network_tree(*, user) -> tuple[list[TreeRow], list[tuple[str, int]]]:
    """The visible network as rows in tree order, down to service rooms, with the count of
    units of each level below every row; and the totals per level. One query."""
    units = list(
        ServiceUnit.objects.filter(unit_scope(user))
        .select_related("region")
        .only("pk", "path", "depth", "numchild", "name", "level", "is_model", "region__name")
        .order_by("path")
    )
    by_path = {unit.path: TreeRow(unit=unit) for unit in units}
    totals = Counter()
    for unit in units:
        totals[unit.level] += 1
        for depth in range(1, unit.depth):
            ancestor = by_path.get(unit.path[: depth * STEP])
            if ancestor:
                ancestor.below[unit.level] += 1

    rows = [row for row in by_path.values() if row.unit.level != ServiceUnit.Level.POST]
    top = min((row.unit.depth for row in rows), default=1)
    station_rank = ServiceUnit.RANK[ServiceUnit.Level.STATION]
    for index, row in enumerate(rows):
        row.depth = row.unit.depth - top
        following = rows[index + 1].unit.depth if index + 1 < len(rows) else top
        row.has_children = following > row.unit.depth
        row.expanded = row.depth == 0 or ServiceUnit.RANK[row.unit.level] < station_rank
        row.closes = range(max(row.unit.depth - following, 0))
    return rows, [(label, totals[level]) for level, label in ServiceUnit.Level.choices]


@dataclass
class UnitPage:
    unit: ServiceUnit
    ancestors: list[ServiceUnit]
    children: list[tuple[ServiceUnit, list[ServiceUnit]]]
    staff: list
    totals: list[tuple[str, int]]


def unit_page(*, user, pk: int) -> UnitPage:
    """A unit with its children (each with the posts under it), its staff and its totals.

    Raises ServiceUnit.DoesNotExist when the unit is outside the person's place.
    """
    unit = units_visible_to(user=user).get(pk=pk)
    ancestors = list(
        ServiceUnit.objects.filter(unit_scope(user), path__in=_ancestor_paths(unit)).order_by("path")
    )
    descendants = list(ServiceUnit.objects.get_descendants(unit).select_related("region").order_by("path"))
    children, totals = [], Counter()
    for descendant in descendants:
        totals[descendant.level] += 1
        if descendant.depth == unit.depth + 1:
            children.append((descendant, []))
        elif children and descendant.level == ServiceUnit.Level.POST:
            children[-1][1].append(descendant)
    staff = list(
        get_user_model()
        .objects.filter(unit__path__startswith=unit.path, is_active=True)
        .select_related("unit", "region")  # the region's level names a city's administrator
        .prefetch_related("groups")
        .order_by("unit__path", "full_name", "username")
    )
    return UnitPage(
        unit=unit,
        ancestors=ancestors,
        children=children,
        staff=staff,
        totals=[(label, totals[level]) for level, label in ServiceUnit.Level.choices if totals[level]],
    )


def _ancestor_paths(unit: ServiceUnit) -> list[str]:
    return [unit.path[: depth * STEP] for depth in range(1, unit.depth)]


# Coverage of the network: the one rule, read by the coverage page, its export and the Monday
# reminder of the gaps (positions.reminders). A town or street is covered when a service station
# stands inside it; a community or village when a service room stands in it.


def _has_station() -> Exists:
    return Exists(
        ServiceUnit.objects.filter(level=ServiceUnit.Level.STATION, region__path__startswith=OuterRef("path"))
    )


def _has_room() -> Exists:
    return Exists(ServiceUnit.objects.filter(level=ServiceUnit.Level.ROOM, region=OuterRef("pk")))


def coverage_gaps(*, user) -> QuerySet[Region]:
    """The coverage page's gaps as one list (its export): towns and streets without a service
    station, then communities and villages without a service room, each with its town's name
    (`town_name`), inside the person's place."""
    gaps = (Q(level__in=Region.TOWN_LEVELS) & ~_has_station()) | (
        Q(level__in=Region.COMMUNITY_LEVELS) & ~_has_room()
    )
    parent = Region.objects.filter(path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * STEP))
    return (
        regions_visible_to(user=user)
        .filter(gaps)
        .annotate(town_name=Subquery(parent.values("name")[:1]))
        .order_by("depth", "path")
    )


@dataclass
class Coverage:
    towns: int
    towns_without_station: list[Region]
    communities: int
    communities_without_room: list[Region]


def coverage(*, user) -> Coverage:
    """Every town or street without a service station, every community or village without a
    service room, inside the person's place, and how many there are of each: the coverage page
    and the reminder."""
    regions = regions_visible_to(user=user)
    towns = regions.filter(level__in=Region.TOWN_LEVELS).annotate(covered=_has_station())
    communities = regions.filter(level__in=Region.COMMUNITY_LEVELS).annotate(covered=_has_room())
    towns, communities = list(towns), list(communities)
    towns_by_path = {town.path: town for town in towns}
    gaps = [community for community in communities if not community.covered]
    for community in gaps:
        community.town = towns_by_path.get(community.path[: (community.depth - 1) * STEP])
    return Coverage(
        towns=len(towns),
        towns_without_station=[town for town in towns if not town.covered],
        communities=len(communities),
        communities_without_room=gaps,
    )


# The region tree: district → towns and streets → communities and villages, each with the
# service network standing inside it.

# The levels a region node counts and lists (a post is counted, never listed: a district has
# thousands of them).
LISTED_LEVELS = (ServiceUnit.Level.CENTRE, ServiceUnit.Level.STATION, ServiceUnit.Level.ROOM)


@dataclass
class RegionRow:
    region: Region
    depth: int = 0
    below: Counter = field(default_factory=Counter)
    units: list[ServiceUnit] = field(default_factory=list)
    has_children: bool = False
    expanded: bool = False
    closes: range = range(0)

    def counts(self) -> list[tuple[str, str, int]]:
        """Units of each level inside this region and its subregions, as (level, label, count)."""
        return [
            (level, label, self.below[level])
            for level, label in ServiceUnit.Level.choices
            if level != ServiceUnit.Level.ASSOCIATION
        ]


def region_tree(*, user) -> list[RegionRow]:
    """The regions of the person's place in tree order, each with the units of the network the
    person sees counted inside it (centres, stations, rooms, posts) and the centres, stations and
    rooms standing directly in it listed. Three queries, whatever the size of the district: the
    regions, the units counted by region and level, and the units listed."""
    regions = list(
        regions_visible_to(user=user)
        .only("pk", "path", "depth", "numchild", "name", "code", "level")
        .order_by("path")
    )
    by_pk = {region.pk: RegionRow(region=region) for region in regions}
    by_path = {row.region.path: row for row in by_pk.values()}
    units = ServiceUnit.objects.filter(unit_scope(user))
    for region_id, level, count in (
        units.values_list("region_id", "level")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("region_id", "level", "n")
    ):
        row = by_pk.get(region_id)
        if row is None:  # a unit of the person's place in a region above it (a centre in the district)
            continue
        for depth in range(1, row.region.depth + 1):
            ancestor = by_path.get(row.region.path[: depth * STEP])
            if ancestor:
                ancestor.below[level] += count
    for unit in units.filter(level__in=LISTED_LEVELS).only(
        "pk", "name", "level", "region_id", "is_model", "path"
    ):
        if unit.region_id in by_pk:
            by_pk[unit.region_id].units.append(unit)

    rows = list(by_pk.values())
    top = min((row.region.depth for row in rows), default=1)
    for index, row in enumerate(rows):
        row.units.sort(key=lambda unit: (ServiceUnit.RANK[unit.level], unit.path))
        row.depth = row.region.depth - top
        following = rows[index + 1].region.depth if index + 1 < len(rows) else top
        row.has_children = following > row.region.depth
        row.expanded = row.depth == 0
        row.closes = range(max(row.region.depth - following, 0))
    return rows
