import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from socialwork.filters import SortFilter
from socialwork.ids import IdFilter
from socialwork.lists import offer
from socialwork.scoping import region_scope, unit_scope
from socialwork.sorting import NaturalOrderingFilter

from .models import Award, Exam, Position, Region, ServiceUnit, SocialWorker, Studio


class RegionFilter(django_filters.FilterSet):
    parent = IdFilter(method="filter_parent", label="parent region id")

    class Meta:
        model = Region
        fields = ["level", "code"]

    def filter_parent(self, queryset, name, value):
        parent = Region.objects.filter(pk=value).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)


class ServiceUnitFilter(django_filters.FilterSet):
    parent = IdFilter(method="filter_parent", label="parent unit id")
    within_region = IdFilter(method="filter_within_region", label="region id, with its subregions")

    class Meta:
        model = ServiceUnit
        fields = ["level", "region", "is_model", "code"]

    def filter_parent(self, queryset, name, value):
        parent = ServiceUnit.objects.filter(pk=value).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)

    def filter_within_region(self, queryset, name, value):
        region = Region.objects.filter(pk=value).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__path__startswith=region.path)


def _cut_to_place(filterset, user, name: str, scope) -> None:
    """Offer in the filter `name` only the choices `scope` gives the person: `user` when given (the
    list's selector, for its page, API and export), else the request's. Without either, every
    choice is offered."""
    person = user if user is not None else getattr(filterset.request, "user", None)
    if person is not None:
        choices = filterset.filters[name]
        offer(choices, queryset=choices.queryset.filter(scope(person)))


class PositionFilter(django_filters.FilterSet):
    """Positions by town, category, set-up mode and vacancy; used by the list page, its export and
    the API. The towns offered are those of the person's place."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    town = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level__in=Region.TOWN_LEVELS),
        method="filter_town",
        label=_("Town or street"),
    )
    vacancy = django_filters.ChoiceFilter(
        choices=[("vacant", _("Has vacancies")), ("full", _("Full"))],
        method="filter_vacancy",
        label=_("Vacancy"),
    )
    ordering = NaturalOrderingFilter(
        natural_fields=("code", "title"),
        fields=(
            ("code", "code"),
            ("title", "title"),
            ("quota", "quota"),
            ("filled", "filled"),
            ("vacant", "vacant"),
            ("unit__path", "unit"),
        ),  # fmt: skip
        labels={
            "code": _("Code"),
            "title": pgettext_lazy("position", "Title"),
            "quota": _("Quota"),
            "filled": _("Filled"),
            "vacant": _("Vacant"),
            "unit__path": _("Unit"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Position
        fields = ["category", "setup_mode", "status", "host"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _cut_to_place(self, user, "town", region_scope)

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(code__icontains=value) | Q(unit__name__icontains=value)
        )

    @extend_schema_field(OpenApiTypes.INT)
    def filter_town(self, queryset, name, value):
        return queryset.filter(unit__region__path__startswith=value.path)

    def filter_vacancy(self, queryset, name, value):
        return queryset.filter(vacant__gt=0) if value == "vacant" else queryset.filter(vacant__lte=0)


class SocialWorkerFilter(django_filters.FilterSet):
    """Workers by name, certificate number, level and unit; the units offered are those of the
    person's place."""

    name = django_filters.CharFilter(lookup_expr="icontains", label=pgettext_lazy("person", "Name"))
    certificate_number = django_filters.CharFilter(lookup_expr="icontains", label=_("Certificate number"))
    unit = django_filters.ModelChoiceFilter(
        field_name="employer_unit",
        queryset=ServiceUnit.objects.exclude(level=ServiceUnit.Level.POST),
        method="filter_unit",
        label=_("Unit"),
    )
    ordering = SortFilter(
        fields=(
            ("name", "name"),
            ("certificate_level", "certificate_level"),
            ("certificate_year", "certificate_year"),
            ("employer_unit__path", "unit"),
        ),  # fmt: skip
        labels={
            "name": pgettext_lazy("person", "Name"),
            "certificate_level": _("Certificate level"),
            "certificate_year": _("Certificate year"),
            "employer_unit__path": _("Unit"),
        },
        label=_("Sort by"),
    )

    expires_within = django_filters.NumberFilter(
        method="filter_expires_within",
        min_value=0,
        max_value=36,
        label=_("Registration expires within (months)"),
    )
    hours_short = django_filters.BooleanFilter(
        method="filter_hours_short",
        label=_("Continuing-education hours short"),
        widget=django_filters.widgets.BooleanWidget,
    )

    class Meta:
        model = SocialWorker
        fields = ["certificate_level", "status", "is_supervisor"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _cut_to_place(self, user, "unit", unit_scope)

    @extend_schema_field(OpenApiTypes.INT)
    def filter_unit(self, queryset, name, value):
        return queryset.filter(employer_unit__path__startswith=value.path)

    def filter_expires_within(self, queryset, name, value):
        from positions.selectors.registration import expiring_within

        return queryset.filter(expiring_within(months=int(value)))

    def filter_hours_short(self, queryset, name, value):
        """Workers whose current registration period (not expired, not renewed) is short of the
        hours its requirement asks, within the expiry window chosen beside it, if any."""
        from positions.selectors.registration import short_of_hours

        if value is None:
            return queryset
        months = self.form.cleaned_data.get("expires_within")
        short = short_of_hours(queryset, months=None if months is None else int(months))
        return queryset.filter(short) if value else queryset.exclude(short)


class ExamFilter(django_filters.FilterSet):
    class Meta:
        model = Exam
        fields = ["year", "level", "passed"]


class AwardFilter(django_filters.FilterSet):
    worker__name = django_filters.CharFilter(lookup_expr="icontains", label=_("Social worker"))
    ordering = SortFilter(
        fields=(("year", "year"), ("name", "name")),
        labels={"year": _("Year"), "name": pgettext_lazy("thing", "Name")},
        label=_("Sort by"),
    )

    class Meta:
        model = Award
        fields = ["year", "level"]


class StudioFilter(django_filters.FilterSet):
    """Studios by name or leader and by town; the towns offered are those of the person's place."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    town = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level__in=Region.TOWN_LEVELS),
        method="filter_town",
        label=_("Town or street"),
    )
    ordering = SortFilter(
        fields=(("name", "name"), ("established_on", "established_on"), ("unit__path", "unit")),
        labels={"name": _("Studio"), "established_on": _("Date set up"), "unit__path": _("Unit")},
        label=_("Sort by"),
    )

    class Meta:
        model = Studio
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _cut_to_place(self, user, "town", region_scope)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(leader__name__icontains=value))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_town(self, queryset, name, value):
        return queryset.filter(unit__region__path__startswith=value.path)
