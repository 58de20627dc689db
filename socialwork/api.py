"""What every API endpoint shares: pagination, permissions and ids."""

from functools import partial

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, permissions, serializers
from rest_framework.response import Response

from socialwork.ids import ID_MAX
from socialwork.pages import COUNT_CAP, CappedPaginator


class IdField(serializers.IntegerField):
    """A record's id in a request body: a positive whole number a 64-bit key holds. A larger one is
    a 400 here, on every database, instead of an overflow in SQLite's driver."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


class Pagination(pagination.PageNumberPagination):
    """Pages of 50 rows (up to 500 with ?page_size=). As on the pages, `count` is counted up to
    COUNT_CAP rows: past it, `count` is null and `next` still leads on. Counting a station's
    hundred thousand cases on every call cost more than the page of rows itself. A client that
    needs the exact figure asks for it with ?count=exact."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    count_query_param = "count"
    counted = None  # as CappedPaginator's: rows as many as the list's and cheaper to count

    def paginate_queryset(self, queryset, request, view=None):
        if request.query_params.get(self.count_query_param) == "exact":
            self.django_paginator_class = Paginator
        else:
            self.django_paginator_class = partial(CappedPaginator, counted=self.counted)
        return super().paginate_queryset(queryset, request, view)

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings and getattr(paginator, "capped", False):
            raise exceptions.NotFound(
                _("The last page of more than %(cap)s rows is not counted; ask with count=exact.")
                % {"cap": f"{COUNT_CAP:,}"}
            )
        return super().get_page_number(request, paginator)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": None if getattr(paginator, "capped", False) else paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"].update(
            nullable=True,
            description=f"How many rows the list has; null when more than {COUNT_CAP:,} unless asked with count=exact.",
        )
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": f"exact: count every row, also past {COUNT_CAP:,}.",
                "schema": {"type": "string", "enum": ["exact"]},
            },
        ]


class RolePermissions(permissions.DjangoModelPermissions):
    """The same rule as the pages: any logged-in person may read what their place shows them
    (the queryset is scoped); writing needs the model permission their role grants."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
    }

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            # DRF would build the view's queryset only to learn its model, and a scoped queryset
            # reads its short lists of ids as it is built: every list read them twice.
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)
