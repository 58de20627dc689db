from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from positions.models import ServiceUnit
from positions.selectors.network import units_visible_to
from socialwork.forms import offer_with_current
from socialwork.models import User
from socialwork.pickers import PickerField
from socialwork.scoping import unit_scope
from socialwork.widgets import DateInput, DateTimeInput
from training.selectors import trainers_visible_to

from .models import Enrolment, HoursRequirement, PracticeBase, Trainer, TrainingSeries, TrainingSession

DATE = DateInput
DATETIME = DateTimeInput


class TrainingSeriesForm(forms.ModelForm):
    class Meta:
        model = TrainingSeries
        fields = ["title", "category", "year", "unit", "organizer", "completion_share"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user=user).exclude(level=ServiceUnit.Level.POST)
        share = self.fields["completion_share"]
        share.validators += [MinValueValidator(1), MaxValueValidator(100)]
        share.widget.attrs.update(min=1, max=100)
        organizers = User.objects.filter(unit_scope(user, via="unit"), is_active=True).order_by("username")
        offer_with_current(self, "organizer", organizers)


class TrainingSessionForm(forms.ModelForm):
    host_unit = PickerField("unit", label=TrainingSession._meta.get_field("host_unit").verbose_name)

    class Meta:
        model = TrainingSession
        fields = [
            "topic", "starts_at", "ends_at", "venue", "host_unit", "capacity", "minimum", "credit_hours",
            "trainers",
        ]  # fmt: skip
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "trainers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, series: TrainingSeries, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.series = series
        self.fields["host_unit"].queryset = units_visible_to(user=user).exclude(
            level=ServiceUnit.Level.ASSOCIATION
        )
        self.fields["host_unit"].user = user
        self.fields["host_unit"].initial = series.unit_id
        self.fields["trainers"].queryset = trainers_visible_to(user=user).order_by("name")


class EnrolmentForm(forms.Form):
    """A registered worker chosen among those the person sees, or an outside person by name."""

    worker = PickerField("worker", label=_("registered social worker"), required=False)
    outside_name = forms.CharField(label=_("or an outside person: name"), max_length=50, required=False)
    outside_unit = forms.CharField(label=_("unit"), max_length=150, required=False)
    outside_kind = forms.ChoiceField(
        label=_("kind of participant"),
        choices=[("", "---------"), *Enrolment.OutsideKind.choices],
        required=False,
    )

    def __init__(self, *args, workers, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].user = user

    def clean(self):
        cleaned = super().clean()
        worker, name = cleaned.get("worker"), cleaned.get("outside_name", "").strip()
        if worker and name:
            raise forms.ValidationError(
                _("Choose a registered social worker or name an outside person, not both.")
            )
        if not worker and not name and not self.errors:
            raise forms.ValidationError(_("Choose a registered social worker or name an outside person."))
        return cleaned


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("present"), queryset=Enrolment.objects.none(), required=False
    )

    def __init__(self, *args, confirmed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = confirmed


class HoursRequirementForm(forms.ModelForm):
    """The hours of the person's place's own requirement (training.services.hours_requirement_set
    saves it); bound to the requirement that applies, so that it starts from the city's."""

    class Meta:
        model = HoursRequirement
        fields = ["hours"]


class TrainerForm(forms.ModelForm):
    class Meta:
        model = Trainer
        fields = ["name", "affiliation", "affiliation_kind", "title", "expertise"]


class PracticeBaseForm(forms.ModelForm):
    class Meta:
        model = PracticeBase
        fields = ["university", "unit", "agreement_from", "agreement_until"]
        widgets = {"agreement_from": DATE, "agreement_until": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user=user).exclude(level=ServiceUnit.Level.POST)
