"""Forms of the follow-up after closing and of an evaluation's sampled calls: the questionnaire,
one row of five choices per question the district asks (casework.selectors.satisfaction_questions),
laid out for a phone."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import FollowUp, SatisfactionAnswer
from socialwork.widgets import DateInput, Textarea

SCORES = [(str(value), f"{value} {label}") for value, label in SatisfactionAnswer.Score.choices]


class QuestionnaireForm(forms.Form):
    """Done on, how (unless the sample decided it), what was found, each question from 1 to 5
    (none answered when the client would not answer) and the client's comment."""

    done_on = forms.DateField(label=_("Done on"), widget=DateInput)
    method = forms.ChoiceField(label=_("How"), choices=FollowUp.Method.choices, widget=forms.RadioSelect)
    result = forms.CharField(
        label=_("What the follow-up found"), widget=Textarea(attrs={"rows": 3}), max_length=5000
    )
    comment = forms.CharField(
        label=_("The client's comment"), required=False, widget=Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, questions, with_method: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        if not with_method:
            del self.fields["method"]
        self.initial.setdefault("done_on", timezone.localdate())
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text, choices=SCORES, coerce=int, required=False, empty_value=None,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
            )  # fmt: skip
        self.order_fields(["done_on", "method", *(f"q{q.pk}" for q in questions), "comment", "result"])

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        answers = {q.pk: data.pop(f"q{q.pk}", None) for q in self.questions}
        return {**data, "answers": answers}


class SampleDrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why draw again"), required=False, widget=Textarea(attrs={"rows": 2}), max_length=1000
    )
