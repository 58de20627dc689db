"""One selector per list, for every door: the list page, its API list endpoint and its export.

A list's selector lives in its app's selectors module (`positions_list`, `cases_list`, ...). It
takes the person and the list's filters (a query string) and returns the filterset of those
filters over the records the person sees, already joined and annotated, in the list's order. The
page renders its form and pages its `.qs`; the API list endpoint (`ListSelectorMixin`) answers
400 on its errors and returns its `.qs`; the export (reports.exports) refuses its errors and
writes its `.qs`. So the three return the same records for the same person and filters.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.response import Response

from socialwork.pages import in_parts, unscoped


class ListSelectorMixin:
    """An API viewset whose list action reads `list_selector(user=..., params=...)`.

    `filterset_class` names the selector's filterset, so that the schema lists its parameters;
    the API's own search and ordering (`?search=`, `?ordering=`) still apply on top.
    `list_queryset` adds what the serializer reads (prefetches), never a filter. Other actions
    (a record, its actions) read `get_queryset` and skip the list's filters."""

    list_selector: Callable

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def listed(self) -> QuerySet:
        """The list action's records: the selector's filterset, then the API's search and
        ordering. `get_queryset` (a record's scope, for the other actions) is not built for it:
        the selector reads the person's scope itself, and building it twice cost the case list a
        query and its compiling."""
        return self._listed()[1]

    def _listed(self):
        filterset = type(self).list_selector(user=self.request.user, params=self.request.query_params)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset, self._searched_and_ordered(self.list_queryset(filterset.qs))

    def listed_rows(self):
        """What the list action pages: `listed`, read part by part where the selector gave the
        parts of the person's scope (`filterset.parts`: the case list; socialwork.pages.InParts)
        and the list keeps its own order."""
        return self._in_parts(*self._listed())

    def _in_parts(self, filterset, records):
        parts = getattr(filterset, "parts", None)
        within = unscoped(filterset) if parts else None
        if within is not None:
            within = self._searched_and_ordered(within)  # the API's ?search= as on the list
        return in_parts(records, parts, order=filterset.qs.query.order_by, within=within)

    def list(self, request, *args, **kwargs):
        filterset, records = self._listed()
        page = self.paginate_queryset(self._in_parts(filterset, records))
        if page is None:
            return Response(self.get_serializer(records, many=True).data)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def filter_queryset(self, queryset):
        if getattr(self, "action", None) == "list":
            return self.listed()
        # A record is found by its id in the person's scope: the list's filters are the list's.
        return self._searched_and_ordered(queryset)

    def _searched_and_ordered(self, queryset: QuerySet) -> QuerySet:
        for backend in self.filter_backends:
            if not issubclass(backend, DjangoFilterBackend):
                queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset


class ListFilterBackend(DjangoFilterBackend):
    """django-filter's API backend, which builds a list endpoint's filterset through the list's
    selector (`list_selector`), as the list itself does: a filterset that needs the person (its
    choices are theirs) is never built without them, e.g. by the browsable API's filter form."""

    def get_filterset(self, request, queryset, view):
        selector = getattr(type(view), "list_selector", None)
        if selector is None:
            return super().get_filterset(request, queryset, view)
        return selector(user=request.user, params=request.query_params)


def offer(filter_, *, queryset: QuerySet | None = None, choices: list | None = None) -> None:
    """Set the choices a filter of a list offers this person (their stations, their years).

    A filter builds its form field once and keeps it (`_field`). The API schema builds it on the
    filterset class's own filters, which every filterset copies: from then on each copy would
    keep the class's choices (none, or all). So the kept field is dropped, and built again with
    these."""
    if queryset is not None:
        filter_.queryset = queryset
    if choices is not None:
        filter_.extra["choices"] = choices
    filter_.__dict__.pop("_field", None)
