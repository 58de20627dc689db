from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialwork.crypto.fields import digest_q
from socialwork.pickers import use_picker
from socialwork.widgets import DateInput, Textarea

from .models import Exam, Position, Region, ServiceUnit, SocialWorker
from .selectors.network import regions_visible_to, units_visible_to
from .selectors.pickers import with_town


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
        widgets = {"established_on": DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_visible_to(user=user).exclude(level=ServiceUnit.Level.POST)
        if self.instance.pk:
            units = units.exclude(path__startswith=self.instance.path)
            self.initial.setdefault("parent", ServiceUnit.objects.get_parent(self.instance))
        use_picker(self, "parent", "unit", queryset=units, user=user)
        use_picker(self, "region", "region", queryset=with_town(regions_visible_to(user=user)), user=user)

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


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = [
            "code", "title", "unit", "host", "category", "setup_mode", "quota", "required_level",
            "status", "established_on", "policy_basis", "duties",
        ]  # fmt: skip
        widgets = {
            "established_on": DateInput,
            "duties": Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_visible_to(user=user).exclude(level=ServiceUnit.Level.ASSOCIATION)
        use_picker(self, "unit", "unit", queryset=units, user=user)


class SocialWorkerForm(forms.ModelForm):
    class Meta:
        model = SocialWorker
        fields = [
            "name", "gender", "birth_date", "id_number", "phone", "education", "major", "employer_unit",
            "employer_organization", "certificate_level", "certificate_number", "certificate_year",
            "registration_number", "registered_on", "registration_valid_until", "professional_title",
            "is_supervisor", "status",
        ]  # fmt: skip
        widgets = dict.fromkeys(("birth_date", "registered_on", "registration_valid_until"), DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_visible_to(user=user).exclude(level=ServiceUnit.Level.POST)
        use_picker(self, "employer_unit", "unit", queryset=units, user=user)
        if not user.is_district_wide:
            del self.fields["employer_organization"]
        else:
            organizations = self.fields["employer_organization"].queryset
            use_picker(self, "employer_organization", "organization", queryset=organizations, user=user)
        # Read from the ID number when left blank, checked against it when given (worker_save).
        for name in ("gender", "birth_date"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Read from the ID number when left blank.")


class TypedLookupField(forms.CharField):
    """A record typed by a number the person knows rather than chosen from a list of thousands,
    found among `self.records` (set by the form to what the person may choose)."""

    help: str = ""
    not_found: str = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", self.help)
        super().__init__(*args, **kwargs)
        self.records = self.model.objects.none()

    def find(self, value: str):
        raise NotImplementedError

    def clean(self, value):
        found = self.find(super().clean(value).strip())
        if found is None:
            raise forms.ValidationError(self.not_found)
        return found


class WorkerLookupField(TypedLookupField):
    """A worker typed by ID number or certificate number, found among those the person sees."""

    model = SocialWorker
    help = _("ID number or certificate number")
    not_found = _("No social worker you can see has this ID or certificate number.")

    def find(self, value: str):
        value = value.upper()
        by_id = digest_q(SocialWorker, "id_number_digest", value)  # the number is encrypted
        return self.records.filter(by_id | Q(certificate_number=value)).first()


class AppointmentForm(forms.Form):
    """The worker is typed by ID or certificate number: a station's candidates run to thousands,
    too many for a list to choose from (and a page of megabytes)."""

    worker = WorkerLookupField(label=_("social worker"))
    starts_on = forms.DateField(label=_("from"), widget=DateInput)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].records = workers


class AppointmentEndForm(forms.Form):
    ends_on = forms.DateField(label=_("until"), widget=DateInput)
    reason = forms.CharField(label=_("reason for ending"), max_length=200, required=False)


class PositionCodeField(TypedLookupField):
    """A position typed by its code, found among the active positions the person sees."""

    model = Position
    help = _("The position's code")
    not_found = _("No active position you can see has this code.")

    def find(self, value: str):
        return self.records.filter(code__iexact=value, status=Position.Status.ACTIVE).first()


class TransferForm(forms.Form):
    """The new position is typed by code: a district has thousands of vacant posts, too many for
    a list on every holder's row."""

    to_position = PositionCodeField(label=_("to position"))
    on = forms.DateField(label=_("on"), widget=DateInput)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_position"].records = positions


class ExamForm(forms.Form):
    worker = WorkerLookupField(label=_("candidate"))
    year = forms.IntegerField(label=_("year"), min_value=2008, max_value=2100)
    level = forms.ChoiceField(label=_("level"), choices=Exam._meta.get_field("level").choices)
    passed = forms.BooleanField(label=_("passed"), required=False)
    score = forms.DecimalField(label=_("score"), required=False, max_digits=5, decimal_places=1)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].records = workers
