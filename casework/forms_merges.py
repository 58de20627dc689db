"""Forms of client merges (casework.views.merges): they parse; casework.services.merges decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from socialwork.widgets import NumberInput, Textarea


class MergeSendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this may be a person already on record"),
        max_length=500,
        widget=Textarea(attrs={"rows": 3}),
    )


class MergeProposeForm(forms.Form):
    kept_id = forms.IntegerField(
        label=_("Record kept (client number)"), min_value=1, max_value=2**63 - 1, widget=NumberInput
    )
    merged_id = forms.IntegerField(
        label=_("Record merged into it (client number)"), min_value=1, max_value=2**63 - 1, widget=NumberInput
    )
    reason = forms.CharField(
        label=_("Why they are the same person"), max_length=500, widget=Textarea(attrs={"rows": 3})
    )


class MergeDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class MergeUndoForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the merge is undone"), max_length=500, widget=Textarea(attrs={"rows": 2})
    )
