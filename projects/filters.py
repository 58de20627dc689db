import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from positions.models import Region
from socialwork.filters import SortFilter
from socialwork.ids import IdFilter
from socialwork.lists import offer
from socialwork.scoping import region_scope, shared_down_scope

from .models import Call, Project, SocialOrganization


class OrganizationFilter(django_filters.FilterSet):
    """Organizations searched by name or credit code, by kind, registration and grade."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = SocialOrganization
        fields = ["kind", "registration", "grade"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value))


class CallFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains", label=pgettext_lazy("call", "Title"))

    class Meta:
        model = Call
        fields = ["year", "kind"]


class ProjectFilter(django_filters.FilterSet):
    """Projects by year, call, service area, status and town, searched by title."""

    title = django_filters.CharFilter(lookup_expr="icontains", label=pgettext_lazy("project", "Title"))
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))
    call = django_filters.ModelChoiceFilter(queryset=Call.objects.order_by("-year", "title"), label=_("Call"))
    town = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level__in=Region.TOWN_LEVELS).order_by("path"),
        method="filter_town",
        label=_("Town or street"),
    )
    ordering = SortFilter(
        fields=(
            ("title", "title"),
            ("year", "year"),
            ("requested_amount", "requested"),
            ("approved_amount", "approved"),
            ("status", "status"),
            ("created_at", "created"),
        ),  # fmt: skip
        labels={
            "title": pgettext_lazy("project", "Title"),
            "year": _("Year"),
            "requested_amount": _("Requested (yuan)"),
            "approved_amount": _("Approved (yuan)"),
            "status": _("Status"),
            "created_at": _("Created"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Project
        fields = ["service_area", "status"]

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        """With `user`, the calls and towns offered are those of the person's place (never the
        district beside it); without, the API schema's."""
        super().__init__(data, queryset, **kwargs)
        if user is not None:
            calls = Call.objects.filter(shared_down_scope(user)).order_by("-year", "title")
            offer(self.filters["call"], queryset=calls)
            towns = Region.objects.filter(region_scope(user), level__in=Region.TOWN_LEVELS).order_by("path")
            offer(self.filters["town"], queryset=towns)

    @extend_schema_field(OpenApiTypes.INT)  # the town's id
    def filter_town(self, queryset, name, value):
        return queryset.filter(community__path__startswith=value.path)


class ProjectApiFilter(ProjectFilter):
    """The projects list's filters, and for programs the ids they hold: an organization, a
    community. The API list reads it through the same selector as the page."""

    organization = IdFilter(field_name="organization", label="organization id")
    community = IdFilter(field_name="community", label="community id")
