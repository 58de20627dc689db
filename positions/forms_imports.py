"""Forms of the bulk import pages: the upload, and the confirmation of a checked file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from socialwork.imports import reading
from socialwork.imports.registry import registers_for
from socialwork.imports.services import ON_DUPLICATE, SKIP, STOP, UPDATE
from socialwork.uploads import content_error

EXTENSIONS = (".xlsx", ".csv")


def kinds_for(user) -> list[tuple[str, str]]:
    """The kinds of import this person may run, as choices."""
    return [(cls.key, cls.label) for cls in registers_for(user)]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=())
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An Excel workbook (.xlsx) or a CSV file, at most 5 MB and 20,000 rows; the first row holds "
            "the column headers, in Chinese or English as in the template."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
        if upload.size > reading.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB; split it into smaller files.")
                % {"limit": reading.MAX_BYTES // (1024 * 1024)}
            )
        error = content_error(upload, upload.name.rsplit(".", 1)[-1])
        if error is not None:  # renamed, or a workbook with macros
            raise error
        return upload


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    on_duplicate = forms.ChoiceField(
        label=_("Rows already on record"),
        choices=[
            (UPDATE, _("Update the record on file with the row")),
            (SKIP, _("Skip these rows, import the others")),
            (STOP, _("Stop: import nothing")),
        ],
        initial=STOP,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean_on_duplicate(self):
        value = self.cleaned_data["on_duplicate"]
        return value if value in ON_DUPLICATE else STOP
