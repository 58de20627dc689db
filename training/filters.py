import django_filters
from django.utils.translation import gettext_lazy as _

from socialwork.sorting import NaturalOrderingFilter

from .models import PracticeBase, Trainer, TrainingSeries


class TrainingSeriesFilter(django_filters.FilterSet):
    """Series by year and category, searched by title; used by the list page."""

    title = django_filters.CharFilter(lookup_expr="icontains", label=_("Title"))
    ordering = NaturalOrderingFilter(
        natural_fields=("title",),
        fields=(
            ("year", "year"),
            ("title", "title"),
            ("category", "category"),
            ("session_count", "sessions"),
        ),  # fmt: skip
        label=_("Sort by"),
    )

    class Meta:
        model = TrainingSeries
        fields = ["year", "category"]


class TrainerFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name"))

    class Meta:
        model = Trainer
        fields = ["affiliation_kind"]


class PracticeBaseFilter(django_filters.FilterSet):
    university = django_filters.CharFilter(lookup_expr="icontains", label=_("University"))

    class Meta:
        model = PracticeBase
        fields = []
