"""What every API endpoint shares: pagination and permissions."""

from rest_framework import pagination, permissions


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class RolePermissions(permissions.DjangoModelPermissions):
    """The same rule as the pages: any logged-in person may read what their place shows them
    (the queryset is scoped); writing needs the model permission their role grants."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
    }
