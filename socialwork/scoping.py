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
