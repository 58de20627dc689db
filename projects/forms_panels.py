"""The forms of review panels: setting one up, declaring a conflict of interest, scoring."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Call
from projects.selectors import calls_visible_to
from projects.selectors.panels import eligible_applications, eligible_members
from socialwork.widgets import Textarea


class _PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class _ApplicationChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, project):
        applicant = project.organization.name if project.organization_id else ""
        return f"{project.title} · {applicant} · {project.get_status_display()}".replace(" ·  ·", " ·")


class PanelForm(forms.Form):
    name = forms.CharField(label=_("Panel name"), max_length=200)
    call = forms.ModelChoiceField(label=_("Call"), queryset=Call.objects.order_by("-year", "-opens_on", "pk"))
    threshold = forms.DecimalField(
        label=_("Recommended from (average score)"), max_digits=5, decimal_places=1, min_value=0, max_value=100,
        initial=60, help_text=_("An application whose average score reaches this is recommended."),
    )  # fmt: skip
    members = _PersonChoice(
        label=_("Reviewers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Expert reviewers, and district staff if they review too."),
    )
    applications = _ApplicationChoice(
        label=_("Applications"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Submitted or under review, of the call chosen above."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = eligible_members()
        self.fields["call"].queryset = calls_visible_to(user=user).order_by("-year", "-opens_on", "pk")
        self.fields["applications"].queryset = eligible_applications(user=user)


class DeclarationForm(forms.Form):
    NO, YES = "no", "yes"
    conflict = forms.ChoiceField(
        label=_("Conflict of interest"),
        choices=[
            (NO, _("I have no conflict of interest with this application")),
            (YES, _("I have a conflict of interest and withdraw from this application")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("What the conflict is"),
        required=False,
        widget=Textarea(attrs={"rows": 2}),
        help_text=_("For example: I work for, or with, the applying organization."),
    )

    def __init__(self, *args, withdrawing: bool = False, **kwargs):
        """`withdrawing`: no conflict was declared before; what is left is to declare one."""
        super().__init__(*args, **kwargs)
        if withdrawing:
            self.fields["conflict"].choices = [self.fields["conflict"].choices[1]]
            self.fields["conflict"].initial = self.YES


class ScoreForm(forms.Form):
    score = forms.DecimalField(
        label=_("Score (0–100)"), max_digits=5, decimal_places=1, min_value=0, max_value=100
    )
    comment = forms.CharField(label=_("Comments"), required=False, widget=Textarea(attrs={"rows": 4}))
    reason = forms.CharField(
        label=_("Reason for changing the score"), required=False, widget=Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if revising:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]
