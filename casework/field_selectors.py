"""What a social worker takes into the field: their own open cases, and the pages of them a phone
keeps so that they open without a connection.

Each part of the field work registers the pages of its own with `@field_pages`; the phone asks
for `field_urls` after every sync and keeps exactly those, dropping any page of a case the worker
no longer holds (transferred, closed, reassigned).
"""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

from casework.models import Case

FieldPages = Callable[..., Iterable[str]]
_PAGES: list[FieldPages] = []


def field_cases(user) -> QuerySet[Case]:
    """The open cases `user` holds as their worker: the only cases a phone keeps."""
    if not user.is_authenticated:
        return Case.objects.none()
    return (
        Case.objects.filter(worker=user, removed_at__isnull=True)
        .exclude(status=Case.Status.CLOSED)
        .select_related("station")
        .order_by("number", "pk")
    )


def field_pages(pages: FieldPages) -> FieldPages:
    """Register `pages(user=..., cases=...)`, returning the addresses (GET pages) a phone keeps
    for `user`, whose field cases are `cases` (a list of Case)."""
    _PAGES.append(pages)
    return pages


def field_urls(user) -> list[str]:
    """Every page a phone keeps for `user`, each once, in the order registered."""
    cases = list(field_cases(user))
    urls: list[str] = []
    for pages in _PAGES:
        urls.extend(url for url in pages(user=user, cases=cases) if url not in urls)
    return urls
