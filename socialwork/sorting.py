"""Names with numbers in their natural order: 第1期, 第2期 … 第10期, not 第1期, 第10期, 第2期.

One rule for every list that shows such names (training series, position codes...): in the
database, order by `natural("title")`, a collation that compares runs of digits as numbers
(PostgreSQL's ICU collation `und-u-kn-true`, created by migration socialwork.0011; on SQLite the
same comparison in Python, installed on every connection); in Python, for a short list already
read, sort by `natural_key`.
"""

import re

from django.db.models import F
from django.db.models.functions import Collate
from rest_framework import filters

from socialwork.filters import SortFilter

NATURAL = "natural"
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """第10期 → ("第", 10, "期"): text and numbers alternate, so that keys compare part by part."""
    return tuple(int(part) if index % 2 else part for index, part in enumerate(_DIGITS.split(text or "")))


def natural(field: str) -> Collate:
    """An ordering expression: `queryset.order_by(natural("title"))`, `natural("code").desc()`."""
    return Collate(F(field), NATURAL)


def _compare(left: str, right: str) -> int:
    left, right = natural_key(left), natural_key(right)
    return (left > right) - (left < right)


def install_sqlite_collation(sender, connection, **kwargs) -> None:
    """connection_created: the natural collation on SQLite (PostgreSQL has it from migration)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(NATURAL, _compare)


class NaturalOrderingFilter(SortFilter):
    """A list's "Sort by" where some fields hold names with numbers: those sort naturally."""

    def __init__(self, *args, natural_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.natural_fields = set(natural_fields)

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        descending, field = value.startswith("-"), value.lstrip("-")
        if field not in self.natural_fields:
            return value
        return natural(field).desc() if descending else natural(field).asc()


class ApiOrderingFilter(filters.OrderingFilter):
    """The API's `?ordering=`: a field its list's filterset sorts naturally (NaturalOrderingFilter)
    sorts naturally here too."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        filterset = getattr(view, "filterset_class", None)
        sort = getattr(filterset, "base_filters", {}).get(self.ordering_param) if filterset else None
        natural_fields = getattr(sort, "natural_fields", ())
        if not ordering or not natural_fields:
            return ordering
        return [
            (natural(term.lstrip("-")).desc() if term.startswith("-") else natural(term).asc())
            if isinstance(term, str) and term.lstrip("-") in natural_fields
            else term
            for term in ordering
        ]
