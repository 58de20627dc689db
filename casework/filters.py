"""Filters of the case and client lists. Their choices come from the person's place and reach
(casework.selectors.case_filter_choices), never from scanning every case they see."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework import selectors
from casework.models import Case, CaseClient, Client, RiskLevel, VulnerabilityCategory
from casework.services import id_digest
from positions.models import ServiceUnit
from socialwork import idnumbers


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Case number or client name"))
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, label=_("Status"))
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Risk"))
    category = django_filters.ModelChoiceFilter(
        queryset=VulnerabilityCategory.objects.all(), label=pgettext_lazy("casework", "Category")
    )
    station = django_filters.ModelChoiceFilter(queryset=ServiceUnit.objects.none(), label=_("Station"))
    worker = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.none(), label=_("Worker"))
    year = django_filters.ChoiceFilter(field_name="intake_on__year", choices=[], label=_("Intake year"))

    class Meta:
        model = Case
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        """`queryset` is the person's visible cases; the choices come from their place and reach."""
        super().__init__(data, queryset, **kwargs)
        choices = selectors.case_filter_choices(user)
        self.filters["station"].queryset = choices["stations"]
        self.filters["worker"].queryset = choices["workers"]
        self.filters["year"].extra["choices"] = [(year, year) for year in choices["years"]]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        named = CaseClient.objects.filter(case=OuterRef("pk"), client__name__icontains=value)
        return queryset.filter(Q(number__icontains=value) | Q(Exists(named)))


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
            match |= Q(id_number_digest=id_digest(value))
        return queryset.filter(match)
