"""Filters of the case and client lists. Their choices come from the person's place and reach
(casework.selectors.case_filter_choices), never from scanning every case they see."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from casework import selectors, workflow
from casework.models import Case, CaseClient, Client, RiskLevel, SubjectRequest, VulnerabilityCategory
from positions.models import ServiceUnit
from socialwork import idnumbers
from socialwork.crypto.fields import digest_q
from socialwork.ids import IdFilter
from socialwork.lists import offer


@extend_schema_field(OpenApiTypes.INT)
class YearChoiceFilter(django_filters.ChoiceFilter):
    """A year, offered from the person's own records (the choices are set for each request)."""


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Case number or client name"))
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, label=_("Status"))
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Risk"))
    category = django_filters.ModelChoiceFilter(
        queryset=VulnerabilityCategory.objects.all(), label=pgettext_lazy("casework", "Category")
    )
    station = django_filters.ModelChoiceFilter(queryset=ServiceUnit.objects.none(), label=_("Station"))
    worker = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.none(), label=pgettext_lazy("casework", "Worker")
    )
    year = YearChoiceFilter(field_name="intake_on__year", choices=[], label=_("Intake year"))

    class Meta:
        model = Case
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        """`queryset` is the person's visible cases; the choices come from their place and reach."""
        super().__init__(data, queryset, **kwargs)
        if not self.reads_choices(data):
            return
        choices = selectors.case_filter_choices(user)
        offer(self.filters["station"], queryset=choices["stations"])
        offer(self.filters["worker"], queryset=choices["workers"])
        offer(self.filters["year"], choices=[(year, year) for year in choices["years"]])

    def reads_choices(self, data) -> bool:
        """Whether the choices of station, worker and year are read: the page offers them."""
        return True

    def filter_q(self, queryset, name, value):
        value = value.strip()
        named = CaseClient.objects.filter(case=OuterRef("pk"), client__name__icontains=value)
        return queryset.filter(Q(number__icontains=value) | Q(Exists(named)))


class CaseApiFilter(CaseFilter):
    """The case list's filters, and for programs a supervisor's id. The API list reads it through
    the same selector as the page and the export (selectors.cases_list)."""

    supervisor = IdFilter(field_name="supervisor", label="supervisor id")

    def reads_choices(self, data) -> bool:
        """Only to check a station, worker or year asked for: nothing is offered."""
        return data is not None and any(data.get(name) for name in ("station", "worker", "year"))


class ClientFilter(django_filters.FilterSet):
    """Clients by name; a whole ID number finds its person by the number's digest, so nobody's
    number is decrypted to search."""

    q = django_filters.CharFilter(method="filter_q", label=_("Name or full ID number"))
    category = django_filters.ModelChoiceFilter(
        field_name="categories",
        queryset=VulnerabilityCategory.objects.all(),
        label=pgettext_lazy("casework", "Category"),
    )

    class Meta:
        model = Client
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        match = Q(name__icontains=value)
        if len(idnumbers.normalize(value)) == 18:
            match |= digest_q(Client, "id_number_digest", value)
        return queryset.filter(match)


class ClientApiFilter(ClientFilter):
    """The client list's filters, and for programs: an exact ID number (by its digest), a
    station, a community, a category, a gender, whether known elsewhere. The API list reads it
    through the same selector as the page and the export (selectors.clients_list)."""

    id_number = django_filters.CharFilter(method="by_id_number", label=_("ID number (exact)"))

    class Meta:
        model = Client
        fields = ["station", "community", "categories", "gender", "known_elsewhere"]

    def by_id_number(self, queryset, name, value):
        # The number is encrypted: compare keyed digests, never decrypt the table.
        return queryset.filter(digest_q(Client, "id_number_digest", value))


class SubjectRequestFilter(django_filters.FilterSet):
    """The personal information requests list's filters: the kind, the state, and those overdue."""

    kind = django_filters.ChoiceFilter(choices=SubjectRequest.Kind.choices, label=_("Request"))
    status = django_filters.ChoiceFilter(choices=SubjectRequest.Status.choices, label=_("Status"))
    # Not the BooleanFilter's own select, whose empty choice reads 未知 ("unknown") for "any".
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = SubjectRequest
        fields = ["kind", "status", "overdue"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_overdue(self, queryset, name, value):
        late = Q(status__in=workflow.REQUEST_OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late) if value is False else queryset
