"""The one rule of who sees what in the network.

A person sees what lies inside their place: district administrators and auditors the whole of
their region, everyone else the subtree of their own unit (a station manager their station with
its rooms and posts, not the next station). A superuser without a place sees everything. Pages,
API, exports and the admin all filter through `unit_scope` and `region_scope`.
"""

from django.db.models import Q

NOTHING = Q(pk__in=[])


def unit_scope(user, via: str = "") -> Q:
    """A filter on service units, or on any model reaching one through the relation `via`."""
    prefix = f"{via}__" if via else ""
    if not user.is_authenticated:
        return NOTHING
    if user.is_district_wide:
        if user.region_id:
            return Q(**{f"{prefix}region__path__startswith": user.region.path})
        return Q() if user.is_superuser else NOTHING
    if user.unit_id:
        return Q(**{f"{prefix}path__startswith": user.unit.path})
    return NOTHING


def region_scope(user, via: str = "") -> Q:
    """A filter on regions, or on any model reaching one through the relation `via`."""
    prefix = f"{via}__" if via else ""
    if not user.is_authenticated:
        return NOTHING
    if user.is_district_wide and not user.region_id:
        return Q() if user.is_superuser else NOTHING
    place = user.region if user.is_district_wide else (user.unit.region if user.unit_id else None)
    if place is None:
        return NOTHING
    return Q(**{f"{prefix}path__startswith": place.path})


def place_of(user):
    """The region a person's place lies in: a district-wide person's region, anyone else's unit's
    region, or (organization staff, outside people) the region they were given, else their
    organization's; None without one."""
    if user.is_district_wide or not user.unit_id:
        if user.region_id or not user.organization_id:
            return user.region
        return user.organization.region
    return user.unit.region


def shared_down_scope(user, via: str = "region") -> Q:
    """A filter on records a place publishes for everything inside it (a call for projects, a
    trainer, a social organization): those owned by the person's place or a place inside it, by a
    place above it (the city's call reaches its districts), or by nobody (the whole installation).
    A district's records never reach the district beside it."""
    if not user.is_authenticated:
        return NOTHING
    if user.is_superuser and not user.region_id:
        return Q()
    place = place_of(user)
    if place is None:
        return Q(**{f"{via}__isnull": True})
    above = [place.path[:end] for end in range(place.steplen, len(place.path), place.steplen)]
    return (
        Q(**{f"{via}__isnull": True})
        | Q(**{f"{via}__path__startswith": place.path})
        | Q(**{f"{via}__path__in": above})
    )


def through(condition: Q, via: str) -> Q:
    """`condition`, written on a model, read on the rows reached through the relation `via`: a
    case's scope on a client's case links is `through(case_scope(user), "case_links__case")`.
    Only plain lookups are carried over; an expression inside the condition is refused."""
    children = []
    for child in condition.children:
        if isinstance(child, Q):
            children.append(through(child, via))
        elif isinstance(child, tuple):
            lookup, value = child
            children.append((f"{via}__{lookup}", value))
        else:
            raise TypeError(f"through() carries plain lookups only, not {child!r}")
    return Q(*children, _connector=condition.connector, _negated=condition.negated)
