"""Forms of project evaluation pages. They parse input only; every rule is in
projects.services.evaluations."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Evaluation, EvaluationScheme, SocialOrganization
from projects.selectors import calls_visible_to
from socialwork.widgets import DateInput, Textarea

# One indicator per line: name | full score | scoring guidance (the full-width bar also works).
INDICATOR_SEPARATOR = re.compile(r"\s*[|｜]\s*")


class SchemeForm(forms.ModelForm):
    class Meta:
        model = EvaluationScheme
        fields = [
            "title", "call", "year", "excellent_from", "good_from", "fair_from", "satisfaction_calls",
            "phone_sample_size", "site_sample_size",
        ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls_visible_to(user=user).order_by("-year", "title")
        self.fields["call"].help_text = _("A call's scheme applies to its projects before the year's scheme.")

    def _post_clean(self):  # the service checks the model (scheme_save)
        pass


class DomainForm(forms.Form):
    name = forms.CharField(label=_("Domain"), max_length=100, required=False)
    weight = forms.DecimalField(label=_("Weight"), max_digits=5, decimal_places=1, required=False)
    indicators = forms.CharField(
        label=_("Indicators"),
        required=False,
        widget=Textarea(attrs={"rows": 3}),
        help_text=_("One indicator a line: name | full score | scoring guidance."),
    )

    def clean_indicators(self):
        rows = []
        for line in self.cleaned_data["indicators"].splitlines():
            if not line.strip():
                continue
            parts = INDICATOR_SEPARATOR.split(line.strip(), maxsplit=2)
            if len(parts) < 2:
                raise forms.ValidationError(
                    _("Write each indicator as: name | full score | scoring guidance.")
                )
            rows.append(
                {"name": parts[0], "full_score": parts[1], "guidance": parts[2] if len(parts) > 2 else ""}
            )
        return rows


DomainFormSet = forms.formset_factory(DomainForm, extra=0)


def domain_initial(scheme: EvaluationScheme | None) -> list[dict]:
    """The rows of an existing scheme's domains, as the formset shows them."""
    if scheme is None:
        return []
    return [
        {
            "name": domain.name,
            "weight": domain.weight,
            "indicators": "\n".join(
                f"{i.name} | {i.full_score} | {i.guidance}".rstrip(" |") for i in domain.indicators.all()
            ),
        }
        for domain in scheme.domains.all()
    ]


class AssignForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Evaluation.Stage.choices)
    evaluating_organization = forms.ModelChoiceField(
        label=_("Third-party evaluation organization"),
        queryset=SocialOrganization.objects.none(),
        required=False,
        empty_label=_("The district evaluates itself"),
    )
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Evaluators"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput, required=False)

    def __init__(self, *args, evaluators, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluating_organization"].queryset = organizations
        self.fields["evaluators"].queryset = evaluators
        self.fields["evaluators"].label_from_instance = lambda user: (
            f"{user.full_name or user.username}"
            + (f"（{user.organization.name}）" if user.organization_id else "")
        )


class FindingsForm(forms.Form):
    findings = forms.CharField(label=_("Findings"), required=False, widget=Textarea(attrs={"rows": 4}))


class RectificationForm(forms.Form):
    problem = forms.CharField(label=_("Problem found"), widget=Textarea(attrs={"rows": 2}))
    required = forms.CharField(label=_("Rectification required"), widget=Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("What was done"), widget=Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", pgettext_lazy("rectification", "Accept")), ("return", _("Return"))]
    )
    reason = forms.CharField(label=_("Reason for returning"), required=False)


class ConcludeForm(forms.Form):
    conclusion = forms.CharField(
        label=pgettext_lazy("evaluation", "Conclusion"), widget=Textarea(attrs={"rows": 3})
    )
