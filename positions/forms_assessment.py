"""Forms of the annual practice assessment. They parse what a person typed; the rules (weights
adding up to 100, grades in order, scores inside the person's place) live in the services."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from positions.models import AssessmentCriterion, AssessmentScheme, Grade
from positions.selectors.assessment import subject_choices
from socialwork.pickers import PickerField
from socialwork.widgets import Textarea

SCORE = {"min_value": 0, "max_value": 100, "max_digits": 5, "decimal_places": 2}


class AssessmentSchemeForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    subject = forms.ChoiceField(label=_("who is assessed"), choices=AssessmentScheme.Subject.choices)
    title = forms.CharField(label=_("title"), max_length=150)

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if locked:
            self.fields["subject"].disabled = True
            self.fields["subject"].help_text = _("Fixed: assessments are recorded under this scheme.")


class CriterionForm(forms.Form):
    """One criterion row; a row left empty is ignored. It may name a figure of the records that
    suggests its score, with the figure's value that earns full marks."""

    name = forms.CharField(label=_("criterion"), max_length=150, required=False)
    weight = forms.DecimalField(label=_("weight (%)"), required=False, max_digits=5, decimal_places=2)
    source = forms.ChoiceField(
        label=_("pre-filled from"),
        required=False,
        choices=[("", _("— not pre-filled —")), *AssessmentCriterion.Source.choices],
    )
    full_marks_at = forms.DecimalField(
        label=_("full marks at"), required=False, min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )

    def clean(self):
        cleaned = super().clean()
        name, weight = cleaned.get("name"), cleaned.get("weight")
        if name and weight is None and "weight" not in self.errors:
            self.add_error("weight", _("Give this criterion a weight."))
        if weight is not None and not name:
            self.add_error("name", _("Give this criterion a name."))
        source, full = cleaned.get("source"), cleaned.get("full_marks_at")
        if source and full is None and "full_marks_at" not in self.errors:
            self.add_error("full_marks_at", _("Say which value of the figure earns full marks."))
        if full is not None and not source:
            self.add_error("source", _("Choose the figure that full marks refer to, or clear full marks."))
        return cleaned


class BaseCriterionFormSet(forms.BaseFormSet):
    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if locked:
            # Scores refer to the names and weights; the links only suggest scores.
            self.extra = 0
            for form in self.forms:
                form.fields["name"].disabled = form.fields["weight"].disabled = True

    def rows(self) -> list[tuple[str, object, str, object]]:
        return [
            (
                form.cleaned_data["name"],
                form.cleaned_data["weight"],
                form.cleaned_data["source"],
                form.cleaned_data["full_marks_at"],
            )
            for form in self.forms
            if form.cleaned_data.get("name")
        ]


CriterionFormSet = forms.formset_factory(CriterionForm, formset=BaseCriterionFormSet, extra=5)


class GradeRulesForm(forms.Form):
    """One row per grade: where it starts and what it means for pay. A grade whose starting
    score is left empty is not used by the scheme."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grades = []
        for grade, label in Grade.choices:
            self.fields[f"{grade}_min_score"] = forms.DecimalField(
                label=_("%(grade)s from score") % {"grade": label}, required=False, **SCORE
            )
            self.fields[f"{grade}_pay_consequence"] = forms.CharField(
                label=_("%(grade)s: pay consequence") % {"grade": label}, max_length=200, required=False
            )
            self.fields[f"{grade}_pay_adjustment"] = forms.DecimalField(
                label=_("%(grade)s: monthly pay adjustment (yuan)") % {"grade": label},
                required=False,
                max_digits=14,
                decimal_places=2,
            )
            self.grades.append(
                (
                    label,
                    *(self[f"{grade}_{name}"] for name in ("min_score", "pay_consequence", "pay_adjustment")),
                )
            )

    @staticmethod
    def initial_from(scheme: AssessmentScheme) -> dict:
        initial = {}
        for rule in scheme.grade_rules.all():
            initial[f"{rule.grade}_min_score"] = rule.min_score
            initial[f"{rule.grade}_pay_consequence"] = rule.pay_consequence
            initial[f"{rule.grade}_pay_adjustment"] = rule.pay_adjustment
        return initial

    def rows(self) -> list[tuple[str, object, str, object]]:
        data = self.cleaned_data
        return [
            (
                grade,
                data[f"{grade}_min_score"],
                data[f"{grade}_pay_consequence"],
                data[f"{grade}_pay_adjustment"],
            )
            for grade in Grade.values
            if data.get(f"{grade}_min_score") is not None
        ]


class SubjectChooserForm(forms.Form):
    """The GET form at the top of the recording page: choosing the subject first reloads the
    page with what the records say and the scores they suggest."""

    def __init__(self, *args, user, scheme: AssessmentScheme, **kwargs):
        super().__init__(*args, auto_id="choose_%s", **kwargs)
        self.fields["subject"] = subject_field(user=user, scheme=scheme)
        self.fields["subject"].widget.attrs["id"] = "choose_subject"


class AssessmentRecordForm(forms.Form):
    """Choose a subject of the scheme's kind inside the person's place, and score every
    criterion out of 100. A criterion linked to a figure of the records carries, hidden, the
    score the records suggested, so that the audit row can tell it from what was entered."""

    comment = forms.CharField(label=_("comment"), required=False, widget=Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, scheme: AssessmentScheme, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme, self.criteria = scheme, criteria
        comment = self.fields.pop("comment")
        self.fields["subject"] = subject_field(user=user, scheme=scheme)
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=_("%(criterion)s (weight %(weight)s%%)") % {"criterion": criterion.name, "weight": criterion.weight},
                **SCORE,
            )  # fmt: skip
            if criterion.source:
                self.fields[f"prefilled_{criterion.pk}"] = forms.DecimalField(
                    required=False, widget=forms.HiddenInput, **SCORE
                )
        if any(criterion.source for criterion in criteria):
            self.fields["prefilled_for"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        self.fields["comment"] = comment

    def scores(self) -> dict[int, object]:
        return {criterion.pk: self.cleaned_data[f"score_{criterion.pk}"] for criterion in self.criteria}

    def prefilled(self) -> dict[int, object]:
        """The scores the form suggested from the records, by criterion id; none when the subject
        was changed on the form after the suggestions were made for another."""
        subject = self.cleaned_data.get("subject")
        if subject is None or self.cleaned_data.get("prefilled_for") != subject.pk:
            return {}
        return {
            criterion.pk: value
            for criterion in self.criteria
            if (value := self.cleaned_data.get(f"prefilled_{criterion.pk}")) is not None
        }

    def show_suggestions(self, suggestions) -> None:
        """Beside each linked score: the figure, where it came from, and whether it pre-filled it."""
        for pk, suggestion in suggestions.items():
            field, figure = self.fields[f"score_{pk}"], suggestion.figure
            words = {
                "label": figure.label,
                "value": "–" if figure.value is None else figure.value,
                "source": figure.source,
                "full": floatformat(suggestion.criterion.full_marks_at, -2),
                "score": suggestion.score,
            }
            if suggestion.score is None:
                field.help_text = _("Not pre-filled: %(source)s.") % words
            elif self[f"prefilled_{pk}"].value() not in (None, ""):
                field.help_text = (
                    _(
                        "Pre-filled from the records: %(label)s %(value)s (full marks at %(full)s) — %(source)s."
                    )
                    % words
                )
            else:
                field.help_text = (
                    _("The records say: %(label)s %(value)s — %(source)s; that suggests %(score)s.") % words
                )


PICKERS = {
    AssessmentScheme.Subject.WORKER: "worker",
    AssessmentScheme.Subject.INSTITUTION: "unit",
    AssessmentScheme.Subject.POSITION: "position",
}


def subject_field(*, user, scheme: AssessmentScheme) -> PickerField:
    """Who is assessed, typed: a worker by name, certificate or ID digits (shown with their
    unit and masked ID), an institution by name or code, a post by code."""
    return PickerField(
        PICKERS[scheme.subject],
        queryset=subject_choices(user=user, scheme=scheme),
        user=user,
        label=scheme.get_subject_display(),
    )


def show_service_error(error: ValidationError, form: forms.Form, sections: dict[str, list] | None = None):
    """Put a service's error beside the field it names, in a section of the page (criteria,
    grade rules, scores) or, failing both, at the top of the form."""
    sections = {} if sections is None else sections
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return sections
    for field, messages in error.message_dict.items():
        if field in form.fields and not form.fields[field].disabled:
            form.add_error(field, messages)
        elif field in sections:
            sections[field].extend(messages)
        else:
            form.add_error(None, messages)
    return sections
