from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Region, ServiceUnit
from .selectors.network import regions_visible_to, units_visible_to


class ServiceUnitForm(forms.ModelForm):
    """Create or edit a unit. Parent and region choices stay inside the person's place."""

    parent = forms.ModelChoiceField(
        label=_("parent unit"),
        queryset=ServiceUnit.objects.none(),
        required=False,
        help_text=_("Leave empty only for an association."),
    )

    class Meta:
        model = ServiceUnit
        fields = [
            "name",
            "code",
            "level",
            "parent",
            "region",
            "host",
            "address",
            "phone",
            "established_on",
            "is_model",
        ]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_visible_to(user=user).exclude(level=ServiceUnit.Level.POST)
        if self.instance.pk:
            units = units.exclude(path__startswith=self.instance.path)
            self.initial.setdefault("parent", ServiceUnit.objects.get_parent(self.instance))
        self.fields["parent"].queryset = units
        self.fields["region"].queryset = regions_visible_to(user=user)

    def clean(self):
        cleaned = super().clean()
        level, region, parent = cleaned.get("level"), cleaned.get("region"), cleaned.get("parent")
        if level and region:
            probe = ServiceUnit(level=level, region=region)
            try:
                probe.check_placement(parent)
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
        return cleaned

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {"parent": data.pop("parent"), **data}


class RegionForm(forms.ModelForm):
    parent = forms.ModelChoiceField(label=_("parent region"), queryset=Region.objects.none(), required=False)

    class Meta:
        model = Region
        fields = ["name", "code", "level", "parent"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A region keeps its place; only its name and code change.
            del self.fields["parent"], self.fields["level"]
        else:
            self.fields["parent"].queryset = regions_visible_to(user=user).exclude(
                level__in=Region.COMMUNITY_LEVELS
            )
