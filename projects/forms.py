"""Forms for organizations, calls, applications and each step of a project. They parse and check
input only; the services in projects/services.py enforce the rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from positions.models import Region
from positions.selectors.pickers import with_town
from positions.selectors.workforce import studios_visible_to
from socialwork import uploads
from socialwork.pickers import PickerField, use_picker
from socialwork.widgets import DateInput, Textarea

from .models import (
    FINAL_SHARE_DEFAULT,
    FINAL_SHARE_MAX,
    FINAL_SHARE_MIN,
    Acceptance,
    Call,
    Procurement,
    Project,
    ServiceArea,
    SocialOrganization,
    SupervisionVisit,
)
from .selectors import calls_visible_to

DATE = DateInput
UPLOAD_EXTENSIONS = ["pdf", "doc", "docx", "xlsx"]
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
MONEY = {"max_digits": 14, "decimal_places": 2}
MILESTONE_ROWS = 5


def validate_upload(upload) -> None:
    """A document people attach: PDF, Word or Excel, at most 10 MB, without macros or active
    content (socialwork.uploads checks every upload field)."""
    if not upload or not hasattr(upload, "size"):
        return
    uploads.validate_upload(upload, UPLOAD_EXTENSIONS, UPLOAD_MAX_BYTES)


def upload_field(label, **kwargs) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        validators=[validate_upload],
        help_text=_("PDF, Word or Excel, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.xlsx"}),
        **kwargs,
    )


def new_upload(value):
    """The file just uploaded, or None when the field kept (or cleared) the stored one."""
    return value if value and hasattr(value, "content_type") else None


# Organizations and calls


class OrganizationForm(forms.ModelForm):
    service_areas = forms.MultipleChoiceField(
        label=_("Service areas"),
        choices=ServiceArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SocialOrganization
        fields = [
            "name", "credit_code", "kind", "registration", "registered_on", "region", "grade", "grade_year",
            "service_areas", "legal_representative", "contact_person", "phone", "address",
        ]  # fmt: skip
        widgets = {"registered_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "region", "region", queryset=with_town(Region.objects.order_by("path")), user=None)


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = [
            "year", "kind", "title", "budget_ceiling", "opens_on", "closes_on", "min_applications_per_community",
        ]  # fmt: skip
        widgets = {"opens_on": DATE, "closes_on": DATE}


# Applications


class ApplicationForm(forms.ModelForm):
    """An application. Organization staff apply for their own organization only: the field is
    fixed to it."""

    plan_document = upload_field(_("Planning document"))

    class Meta:
        model = Project
        fields = [
            "call", "title", "service_area", "community", "organization", "studio", "beneficiaries",
            "beneficiary_count", "summary", "plan_document",
        ]  # fmt: skip
        widgets = {"summary": Textarea}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        visible = calls_visible_to(user=user)
        calls = visible.filter(opens_on__lte=today, closes_on__gte=today)
        if self.instance.pk:
            calls = visible.filter(pk=self.instance.call_id) | calls
        self.fields["call"].queryset = calls.order_by("-year", "title")
        communities = with_town(Region.objects.filter(level__in=Region.COMMUNITY_LEVELS))
        use_picker(self, "community", "region", queryset=communities, user=user)
        self.fields["studio"].queryset = studios_visible_to(user=user).order_by("name")
        organizations = SocialOrganization.objects.order_by("name")
        if user.organization_id and not user.is_district_wide:
            # Staff of an organization apply only for it.
            organizations = SocialOrganization.objects.filter(pk=user.organization_id)
            self.initial["organization"] = self.instance.organization_id or user.organization_id
            self.fields["organization"].disabled = True
            del self.fields["studio"]
        use_picker(self, "organization", "organization", queryset=organizations, user=user)

    def _post_clean(self):
        # The service saves the project; the model's own checks need fields the form lacks.
        pass


class BudgetLineForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=150, required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0.01, required=False, **MONEY)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("item")) != (cleaned.get("amount") is not None) and not self.errors:
            raise ValidationError(_("Give both the item and its amount."))
        return cleaned


class BaseBudgetLineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.lines():
            raise ValidationError(_("Add at least one budget line."))

    def lines(self) -> list[tuple[str, object]]:
        return [
            (form.cleaned_data["item"], form.cleaned_data["amount"])
            for form in self.forms
            if form.cleaned_data.get("item")
        ]


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, formset=BaseBudgetLineFormSet, extra=3)


# The district's steps


class MoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    score = forms.DecimalField(label=_("Score"), max_digits=5, decimal_places=1, min_value=0, max_value=100)
    comment = forms.CharField(label=_("Comment"), required=False, widget=Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label=_("Reason for changing the score"),
        required=False,
        widget=Textarea(attrs={"rows": 2}),
        help_text=_("Only when you change a score you gave: the earlier one is kept on the record."),
    )


class DecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
    )
    amount = forms.DecimalField(label=_("Approved amount (yuan)"), required=False, min_value=0.01, **MONEY)
    reason = forms.CharField(label=_("Reason"), required=False, widget=Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == self.APPROVE and cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Give the amount approved."))
        if decision == self.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for the rejection."))
        return cleaned


class ProcurementForm(forms.ModelForm):
    class Meta:
        model = Procurement
        fields = ["method", "notes"]
        widgets = {"notes": Textarea(attrs={"rows": 2})}


class BidForm(forms.Form):
    organization = PickerField("organization", label=_("Organization"))
    price = forms.DecimalField(label=_("Price (yuan)"), min_value=0.01, **MONEY)
    score = forms.DecimalField(
        label=_("Score"), max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = SocialOrganization.objects.all()


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=50)
    organization = PickerField("organization", label=_("Provider"))
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0.01, **MONEY)
    starts_on = forms.DateField(label=pgettext_lazy("start date", "From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    deliverables = forms.CharField(
        label=_("Deliverables"), required=False, widget=Textarea(attrs={"rows": 2})
    )
    signed_file = upload_field(_("Signed contract"))
    final_share_percent = forms.IntegerField(
        label=_("Final share held until acceptance (%)"),
        min_value=FINAL_SHARE_MIN,
        max_value=FINAL_SHARE_MAX,
        initial=FINAL_SHARE_DEFAULT,
        required=False,
        help_text=_("Paid only once acceptance passes; the milestones' instalments share the rest."),
    )

    def __init__(self, *args, project: Project, awarded=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = SocialOrganization.objects.all()
        self.initial.setdefault(
            "organization", awarded.organization_id if awarded else project.organization_id
        )
        self.initial.setdefault("amount", awarded.price if awarded else project.approved_amount)
        self.initial.setdefault("signed_on", timezone.localdate())
        for row in range(1, MILESTONE_ROWS + 1):
            self.fields[f"milestone_{row}"] = forms.CharField(
                label=_("Milestone %(row)d") % {"row": row}, max_length=200, required=False
            )
            self.fields[f"milestone_{row}_due"] = forms.DateField(
                label=_("Due on"), required=False, widget=DATE
            )
            self.fields[f"milestone_{row}_amount"] = forms.DecimalField(
                label=_("Instalment (yuan)"), required=False, min_value=0, **MONEY
            )

    def clean(self):
        cleaned = super().clean()
        for row in range(1, MILESTONE_ROWS + 1):
            title, due = cleaned.get(f"milestone_{row}"), cleaned.get(f"milestone_{row}_due")
            if title and not due and f"milestone_{row}_due" not in self.errors:
                self.add_error(f"milestone_{row}_due", _("Give the date this milestone is due."))
            if (due or cleaned.get(f"milestone_{row}_amount")) and not title:
                self.add_error(f"milestone_{row}", _("Name the milestone."))
        return cleaned

    def milestone_rows(self):
        """Bound fields (title, due date, instalment), one milestone row each, for the template."""
        return [
            (self[f"milestone_{row}"], self[f"milestone_{row}_due"], self[f"milestone_{row}_amount"])
            for row in range(1, MILESTONE_ROWS + 1)
        ]

    def service_arguments(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.fields if not name.startswith("milestone_")}
        data["signed_file"] = new_upload(data["signed_file"])
        data["milestones"] = [
            (
                self.cleaned_data[f"milestone_{row}"],
                self.cleaned_data[f"milestone_{row}_due"],
                self.cleaned_data[f"milestone_{row}_amount"],
            )
            for row in range(1, MILESTONE_ROWS + 1)
            if self.cleaned_data.get(f"milestone_{row}")
        ]
        return data


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0.01, **MONEY)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AmendmentForm(forms.Form):
    """A supplementary agreement: the new amount and/or term (blank: unchanged)."""

    amount = forms.DecimalField(label=_("New amount (yuan)"), required=False, min_value=0.01, **MONEY)
    starts_on = forms.DateField(label=_("New start"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("New end"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=Textarea(attrs={"rows": 2}))
    signed_on = forms.DateField(label=_("Agreement signed on"), widget=DATE, initial=timezone.localdate)
    signed_file = upload_field(_("Signed agreement"))


class RescindAwardForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=Textarea(attrs={"rows": 2}))


class MilestoneCompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE, initial=timezone.localdate)


class SupervisionVisitForm(forms.ModelForm):
    class Meta:
        model = SupervisionVisit
        fields = ["visited_on", "inspector", "findings", "rating"]
        widgets = {"visited_on": DATE, "findings": Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass


class AcceptanceForm(forms.ModelForm):
    report = upload_field(_("Evaluation report"))

    class Meta:
        model = Acceptance
        fields = ["evaluator", "score", "conclusion", "evaluated_on", "report"]
        widgets = {"evaluated_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].validators += [MinValueValidator(0), MaxValueValidator(100)]
        self.fields["evaluated_on"].initial = timezone.localdate

    def _post_clean(self):
        pass


class ProgressReportForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=50)
    content = forms.CharField(
        label=pgettext_lazy("progress report", "Progress"), widget=Textarea(attrs={"rows": 3})
    )
    attachment = upload_field(_("Attachment"))


class HonourForm(forms.Form):
    name = forms.CharField(label=_("Honour"), max_length=200)
    awarded_by = forms.CharField(label=_("Awarded by"), max_length=150, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
