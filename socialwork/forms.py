"""What every form of the application shares beyond its widgets (socialwork/widgets.py)."""

from django import forms
from django.db.models import Q, QuerySet


def offer_with_current(form: forms.ModelForm, name: str, queryset: QuerySet) -> None:
    """Offer `queryset` in the choice field `name`, and with it whatever the record holds there
    now: a category since retired, a person who has since left. Saving the record unchanged then
    keeps them, where a list without them would show nothing chosen and store nothing."""
    current = []
    if form.instance.pk:
        model_field = form.instance._meta.get_field(name)
        if model_field.many_to_many:
            current = list(getattr(form.instance, name).values_list("pk", flat=True))
        elif (value := getattr(form.instance, model_field.attname)) is not None:
            current = [value]
    if current:
        offered = queryset.model._default_manager.filter(Q(pk__in=queryset.values("pk")) | Q(pk__in=current))
        offered.query.select_related = queryset.query.select_related
        queryset = offered.order_by(*queryset.query.order_by) if queryset.query.order_by else offered
    form.fields[name].queryset = queryset
