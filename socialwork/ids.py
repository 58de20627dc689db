"""Record ids that come from outside, in URLs, filters and request bodies: whole numbers the
database's 64-bit keys hold. A larger one is refused where it arrives (a 404 in a URL, a 400 in a
filter or a body), on every database: SQLite's driver raised OverflowError on it, a server error,
where PostgreSQL compared it and found nothing."""

import django_filters

# The largest id a 64-bit key holds.
ID_MAX = 2**63 - 1
# An id in a URL: digits, no more than a 64-bit key always holds. Anything else (`abc`, a number
# too large for the database) is a 404 before a view runs, whichever way the view looks it up.
ID_PATTERN = r"[0-9]{1,18}"


class IdFilter(django_filters.NumberFilter):
    """A filter by a record's id (`?series=3`): a whole number from 1 to ID_MAX, else a 400."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(**kwargs)
