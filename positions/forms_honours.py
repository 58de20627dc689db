"""Forms of the honours register: an award to a worker, a brand studio and its projects.

A worker is typed by ID or certificate number (positions.forms.WorkerLookupField), never picked
from a list of the district's thousands of workers."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialwork.widgets import DateInput, NumberInput, Textarea

from .forms import WorkerLookupField
from .models import Award, ServiceUnit, SocialWorker, Studio
from .selectors.network import units_visible_to
from .selectors.workforce import can_see_full_id_number, workers_visible_to


def _typed_number(user, worker: SocialWorker | None) -> str:
    """What the worker field shows for the worker already chosen: the number the person could type."""
    if worker is None:
        return ""
    if worker.certificate_number:
        return worker.certificate_number
    return worker.id_number if can_see_full_id_number(user, worker) else ""


class WorkerTypedField(WorkerLookupField):
    """As WorkerLookupField; when not required, empty is None (the form keeps the worker)."""

    def clean(self, value):
        if not self.required and not (value or "").strip():
            return None
        return super().clean(value)


class KeepWorkerMixin:
    """On an edit, the worker field may stay empty when the person cannot see any number of the
    worker already chosen: empty keeps them."""

    worker_field = "worker"

    def _set_up_worker(self, user, current: SocialWorker | None) -> None:
        field = self.fields[self.worker_field]
        field.records = workers_visible_to(user=user)
        self.current_worker = current
        if current is not None:
            self.initial[self.worker_field] = _typed_number(user, current)  # not its id
            field.required = False
            field.help_text = _("ID number or certificate number; leave empty to keep %(name)s.") % {
                "name": current.name
            }

    def _clean_worker(self):
        return self.cleaned_data.get(self.worker_field) or self.current_worker


class AwardForm(KeepWorkerMixin, forms.ModelForm):
    worker = WorkerTypedField(label=_("social worker"))

    class Meta:
        model = Award
        fields = ["name", "level", "year", "worker", "awarded_by"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = NumberInput(attrs={"min": 1990, "max": 2100})
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)
        self._set_up_worker(user, self.instance.worker if self.instance.pk else None)

    def clean_worker(self):
        return self._clean_worker()

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 1990 <= year <= timezone.localdate().year + 1:
            raise forms.ValidationError(_("Enter the year the award was given."))
        return year


class StudioForm(KeepWorkerMixin, forms.ModelForm):
    worker_field = "leader"
    leader = WorkerTypedField(label=_("leader"))

    class Meta:
        model = Studio
        fields = ["name", "leader", "unit", "established_on", "description"]
        widgets = {"established_on": DateInput, "description": Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The association, centre, stations and rooms of the person's place: not the posts.
        self.fields["unit"].queryset = units_visible_to(user=user).exclude(level=ServiceUnit.Level.POST)
        self._set_up_worker(user, self.instance.leader if self.instance.pk else None)

    def clean_leader(self):
        return self._clean_worker()


class StudioProjectForm(forms.Form):
    name = forms.CharField(label=_("project"), max_length=200)
    year = forms.IntegerField(label=_("year"), required=False, min_value=1990, max_value=2100)
