"""Forms of registration and continuing education: outside training hours and renewal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from socialwork import uploads
from socialwork.widgets import DateInput

from .models import OutsideTraining

CERTIFICATE_EXTENSIONS = ["pdf", "doc", "docx", "xlsx", "jpg", "jpeg", "png"]


def validate_certificate(upload) -> None:
    """A certificate: PDF, Word, Excel or a photo or scan (JPG, PNG), at most 10 MB, without macros or
    active content."""
    if upload and hasattr(upload, "size"):
        uploads.validate_upload(upload, CERTIFICATE_EXTENSIONS, 10 * 1024 * 1024)


class OutsideTrainingForm(forms.ModelForm):
    certificate = forms.FileField(
        label=_("Certificate"),
        validators=[validate_certificate],
        help_text=_(
            "The training's certificate or proof of hours: PDF, Word, Excel or a photo (JPG, PNG), at most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )

    class Meta:
        model = OutsideTraining
        fields = ["title", "organizer", "held_on", "hours", "certificate"]
        widgets = {"held_on": DateInput}


class RenewalForm(forms.Form):
    number = forms.CharField(
        label=_("New registration number"),
        max_length=50,
        required=False,
        help_text=_("Leave empty to keep the current number."),
    )
