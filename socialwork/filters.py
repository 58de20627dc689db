"""Filters every list shares."""

import django_filters
from django.utils.text import format_lazy
from django.utils.translation import pgettext_lazy


class SortFilter(django_filters.OrderingFilter):
    """A list's "Sort by": each field once ascending and once "(descending)", in the reader's
    language.

    django-filter's own OrderingFilter formats "%s (descending)" when the filter set's class is
    defined, in the language of that moment (the site's Chinese, so English readers got Chinese),
    from a msgid its catalogues have no Chinese for, and labels a field by its English name
    (a position's "Title" and a series' "Title" are different words in Chinese). Here every field
    is labelled by the list (`labels`, with its context where the word needs one) and both labels
    stay lazy until the page is rendered."""

    descending_fmt = pgettext_lazy("sort order", "{} (descending)")

    def __init__(self, *args, labels: dict, **kwargs):
        fields = kwargs.pop("fields")
        missing = [field for field, _param in fields if field not in labels]
        if missing:
            raise ValueError(f"SortFilter: no label for {missing}")
        super().__init__(*args, fields=fields, field_labels=labels, **kwargs)

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels[field]
            choices += [(param, label), (f"-{param}", format_lazy(self.descending_fmt, label))]
        return choices
