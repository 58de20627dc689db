"""Forms of the qualification allowance pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from positions.models import AllowancePolicy
from socialwork.widgets import DateInput, MonthInput

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class MonthField(forms.DateField):
    """A month typed as 2026-05 (or any date in it); cleaned to its first day."""

    widget = MonthInput
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2026-05.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", MONTH_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class AllowanceRollGenerateForm(forms.Form):
    """The month; a city administrator names the district too (a roll is a district's)."""

    month = MonthField(label=_("month"), help_text=_("Who is eligible is decided on its first day."))
    region = forms.ModelChoiceField(queryset=None, label=_("District"), required=False)

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if districts is None:
            del self.fields["region"]
        else:
            self.fields["region"].queryset = districts
            self.fields["region"].required = True


class AllowancePolicyForm(forms.Form):
    """A new amount for a level from a date; the rules are the service's."""

    level = AllowancePolicy._meta.get_field("level").formfield()
    monthly_amount = AllowancePolicy._meta.get_field("monthly_amount").formfield()
    effective_from = AllowancePolicy._meta.get_field("effective_from").formfield(widget=DateInput)
