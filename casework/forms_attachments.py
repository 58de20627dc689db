"""The file input that takes photos from a phone's camera, and the signed consent's form.

The checks themselves are casework.services.attachments' (attachments_check, signature_png):
the form calls them so that a refused file shows under its input before anything is saved."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casework.forms import HomeVisitForm, NoteForm
from casework.models import ClientConsent
from casework.services.attachments import attachments_check, signature_png

# The phone's camera opens from the input (capture), its photo library or files otherwise.
CAMERA_ATTRS = {"accept": "image/*,application/pdf", "capture": "environment"}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Any number of photos or PDF documents (none included)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Photos and documents"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("Take a photo with the phone's camera, or choose photos (JPEG, PNG, WebP, HEIC) or PDF files."),
        )
        kwargs.setdefault("widget", MultipleFileInput(attrs=CAMERA_ATTRS))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        try:
            attachments_check(files)
        except ValidationError as error:
            raise ValidationError(error.message_dict["attachments"]) from None
        return files


class AttachmentsMixin:
    """Mix in first: the form gets the `attachments` input, named `attachments` whatever the
    form's prefix (the phone's offline queue and the API send the files under that name). Bind
    the form with request.FILES."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = AttachmentsField()

    def add_prefix(self, field_name):
        return "attachments" if field_name == "attachments" else super().add_prefix(field_name)


class ConsentForm(forms.Form):
    client = forms.ModelChoiceField(queryset=None, label=_("Client"), empty_label=None)
    consents_to_services = forms.BooleanField(label=_("Consents to services"), required=False, initial=True)
    consents_to_data_processing = forms.BooleanField(
        label=_("Consents to the processing of their data"), required=False, initial=True
    )
    signer_name = forms.CharField(label=_("Name of the person who signs"), max_length=100)
    relationship = forms.ChoiceField(
        label=_("Who signs"),
        choices=ClientConsent.Relationship.choices,
        initial=ClientConsent.Relationship.SELF,
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    attachments = AttachmentsField(label=_("Photo of a paper form (if any)"))

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients

    def add_prefix(self, field_name):
        return "attachments" if field_name == "attachments" else super().add_prefix(field_name)

    def clean_signature(self):
        try:
            return signature_png(self.cleaned_data.get("signature") or "")
        except ValidationError as error:
            raise ValidationError(error.message_dict["signature"]) from None


class NoteFilesForm(AttachmentsMixin, NoteForm):
    """The service note's form with photos and documents."""


class HomeVisitFilesForm(AttachmentsMixin, HomeVisitForm):
    """The home visit's form with photos and documents."""
