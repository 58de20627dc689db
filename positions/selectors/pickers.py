"""What typed text finds among the network and the workforce: the candidates of the pickers
(positions.pickers) and of the header search. Each narrows a queryset the caller has already
scoped to the person (`workers_visible_to`, `units_visible_to`, ...) and is backed by an index
at the benchmark's scale (positions/migrations, bench/results_notes.md)."""

import re

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower, Substr

from positions.models import Position, Region, ServiceUnit, SocialWorker
from socialwork.crypto.fields import digest_q

# The last digits of an ID number (at least four; the check character may be X).
ID_DIGITS = re.compile(r"^\d{3,17}[\dXx]$")


def is_id_digits(text: str) -> bool:
    return bool(ID_DIGITS.match(text.strip()))


def workers_matching(workers: QuerySet[SocialWorker], text: str) -> QuerySet[SocialWorker]:
    """Workers whose name starts with `text`, whose certificate number is `text`, or whose ID
    number ends with it. The number is encrypted: a whole one is found by its digest; a shorter
    end by the plain last four characters (which the masked number shows anyway, one btree
    index), then only those few candidates are decrypted and compared."""
    text = text.strip()
    found = Q(name__startswith=text) | Q(certificate_number=text)
    if is_id_digits(text):
        digits = text.upper()
        if len(digits) == 18:
            found |= digest_q(SocialWorker, "id_number_digest", digits)
        elif len(digits) == 4:
            found |= Q(id_number_tail=digits)
        else:
            candidates = workers.filter(id_number_tail=digits[-4:]).values_list("pk", "id_number")
            found |= Q(pk__in=[pk for pk, number in candidates if number.endswith(digits)])
    # Ordered by an expression no index holds: ordered by the name itself, PostgreSQL walked the
    # name index in order, filtering every worker, until it had eleven matches (50-140 ms at
    # 100,000 workers) instead of reading the few matches through the indexes above and sorting.
    return (
        workers.filter(found)
        .select_related("employer_unit", "employer_organization")
        .order_by(Lower("name"), "pk")
    )


def units_matching(units: QuerySet[ServiceUnit], text: str) -> QuerySet[ServiceUnit]:
    """Units whose name holds `text` or whose code starts with it."""
    text = text.strip()
    return units.filter(Q(name__contains=text) | Q(code__istartswith=text)).order_by("path")


def with_town(regions: QuerySet[Region]) -> QuerySet[Region]:
    """Each region with the name of the town or street it lies in (itself for a town)."""
    depth = Region.steplen * 2
    town = Region.objects.filter(path=Substr(OuterRef("path"), 1, depth)).values("name")[:1]
    return regions.annotate(town_name=Subquery(town))


def regions_matching(regions: QuerySet[Region], text: str) -> QuerySet[Region]:
    """Regions whose name holds `text`, and the communities and villages of a town whose name
    holds it (typing 三斗坪 offers the town's villages)."""
    text = text.strip()
    towns = Region.objects.filter(level__in=Region.TOWN_LEVELS, name__contains=text).values_list(
        "path", flat=True
    )
    found = Q(name__contains=text)
    for path in towns[:20]:
        found |= Q(path__startswith=path)
    return with_town(regions.filter(found)).order_by("path")


def positions_matching(positions: QuerySet[Position], text: str) -> QuerySet[Position]:
    """Posts whose code starts with `text` or whose title holds it."""
    text = text.strip()
    found = Q(code__istartswith=text) | Q(title__contains=text)
    return positions.filter(found).select_related("unit").order_by("code")
