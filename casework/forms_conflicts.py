"""Forms of the field pages that edit a versioned record, and of the page choosing between two
values. Each edit form carries the version it showed and each field's value as shown
(`base_<field>`), and an empty `entry_key` the phone fills when it keeps the entry offline."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.forms import ClientForm
from casework.forms_followups import QuestionnaireForm
from casework.models import FieldConflict
from casework.services.conflicts import shown_values
from socialwork.widgets import DateInput


class VersionedForm:
    """Adds the hidden `version`, `base_<field>` and `entry_key` inputs for `record`'s `edited`
    fields (the values the person sees now)."""

    edited: tuple[str, ...] = ()

    def add_version(self, record) -> None:
        self.fields["version"] = forms.IntegerField(
            required=False, min_value=1, widget=forms.HiddenInput, initial=record.version
        )
        for name, value in shown_values(record, self.edited).items():
            self.fields[f"base_{name}"] = forms.CharField(
                required=False, strip=False, widget=forms.HiddenInput, initial=value
            )
        self.fields["entry_key"] = forms.CharField(required=False, widget=forms.HiddenInput, initial="")

    def base(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"base_{name}") or "" for name in self.edited}


class FieldFollowUpForm(VersionedForm, QuestionnaireForm):
    edited = ("done_on", "result")

    def __init__(self, *args, follow_up, **kwargs):
        super().__init__(*args, **kwargs)
        if follow_up.done_on is not None:
            self.initial.update(done_on=follow_up.done_on, result=follow_up.result, method=follow_up.method)
        self.add_version(follow_up)

    def mine(self) -> dict:
        return {"done_on": self.cleaned_data["done_on"], "result": self.cleaned_data["result"]}

    def extra(self) -> dict:
        kwargs = self.service_kwargs()
        return {name: kwargs[name] for name in ("method", "answers", "comment") if name in kwargs}


class FieldTaskForm(VersionedForm, forms.Form):
    edited = ("done_on",)

    done = forms.BooleanField(label=_("Done"), required=False)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput)

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update(done=task.done_on is not None, done_on=task.done_on)
        self.add_version(task)

    def clean(self):
        data = super().clean()
        if data.get("done") and not data.get("done_on"):
            self.add_error("done_on", _("Give the day the task was done."))
        return data

    def mine(self) -> dict:
        return {"done_on": self.cleaned_data["done_on"] if self.cleaned_data.get("done") else None}


class FieldClientContactForm(VersionedForm, forms.Form):
    edited = ("phone", "address")

    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update(phone=client.phone or "", address=client.address or "")
        self.add_version(client)

    def mine(self) -> dict:
        return {"phone": self.cleaned_data["phone"], "address": self.cleaned_data["address"]}


class ConflictChoiceForm(forms.Form):
    """One choice per field waiting: my value or the value saved meanwhile."""

    def __init__(self, *args, conflicts, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts = conflicts
        for conflict in conflicts:
            self.fields[f"choice_{conflict.pk}"] = forms.ChoiceField(
                label=conflict.field, choices=FieldConflict.Choice.choices, widget=forms.RadioSelect
            )

    def choices(self) -> dict[int, str]:
        return {conflict.pk: self.cleaned_data[f"choice_{conflict.pk}"] for conflict in self.conflicts}


CLIENT_EDITED = (
    "name", "gender", "birth_date", "id_number", "phone", "address", "community", "consents_to_services",
    "consents_to_data_processing", "consent_recorded_on",
)  # fmt: skip


class ClientEditForm(VersionedForm, ClientForm):
    """The client's page form, carrying the version and values it showed: two people editing the
    same client in two browsers do not overwrite each other (casework.services.conflicts)."""

    edited = CLIENT_EDITED

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_version(self.instance)

    def mine(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.edited}
