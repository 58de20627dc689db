import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.sorting import NaturalOrderingFilter

from .models import PracticeBase, Trainer, TrainingSeries


class TrainingSeriesFilter(django_filters.FilterSet):
    """Series by year and category, searched by title; used by the list page."""

    title = django_filters.CharFilter(
        lookup_expr="icontains", label=pgettext_lazy("training series", "Title")
    )
    ordering = NaturalOrderingFilter(
        natural_fields=("title",),
        fields=(
            ("year", "year"),
            ("title", "title"),
            ("category", "category"),
            ("session_count", "sessions"),
        ),  # fmt: skip
        labels={
            "year": _("Year"),
            "title": pgettext_lazy("training series", "Title"),
            "category": pgettext_lazy("training series", "Category"),
            "session_count": pgettext_lazy("training", "Sessions"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = TrainingSeries
        fields = ["year", "category"]


class TrainerFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=pgettext_lazy("person", "Name"))

    class Meta:
        model = Trainer
        fields = ["affiliation_kind"]


class PracticeBaseFilter(django_filters.FilterSet):
    university = django_filters.CharFilter(lookup_expr="icontains", label=_("University"))

    class Meta:
        model = PracticeBase
        fields = []
