"""Forms of the import page: the upload (one register, or a workbook of several), and the
confirmation of a checked file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from socialwork.uploads import content_error

from . import reading
from .registry import registers_for
from .runs import WORKBOOK
from .services import ON_DUPLICATE, SKIP, STOP, UPDATE

EXTENSIONS = (".xlsx", ".csv")


def kinds_for(user) -> list[tuple[str, str]]:
    """The kinds of import this person may run, as choices."""
    return [(cls.key, cls.label) for cls in registers_for(user)]


def choices_for(user) -> list[tuple[str, str]]:
    """The registers this person may import, and a workbook of several registers."""
    kinds = kinds_for(user)
    return [*kinds, (WORKBOOK, _("A workbook (several registers)"))] if kinds else []


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=())
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An Excel workbook (.xlsx) or a CSV file; the first row holds the column headers, in Chinese "
            "or English as in the template. Up to 5 MB and 20,000 rows are checked at once; a larger file, "
            "up to 40 MB and 100,000 rows, is checked and imported in the background. A workbook of several "
            "registers names each sheet after its register (社会组织, 项目, 服务对象, ...)."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = choices_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.name.lower().endswith(".xls"):
            raise forms.ValidationError(
                _(
                    "This is an old Excel file (.xls): open it in Excel or WPS and save it as .xlsx, then upload that."
                )
            )
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
        if upload.size > reading.BACKGROUND_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB; split it into smaller files.")
                % {"limit": reading.BACKGROUND_MAX_BYTES // (1024 * 1024)}
            )
        error = content_error(upload, upload.name.rsplit(".", 1)[-1])
        if error is not None:  # renamed, or a workbook with macros
            raise error
        return upload


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)  # the run's id
    on_duplicate = forms.ChoiceField(
        label=_("Rows already on record"),
        choices=[
            (UPDATE, _("Update the record on file with the row")),
            (SKIP, _("Skip these rows, import the others")),
            (STOP, _("Stop: import nothing")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, duplicates: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = duplicates

    def clean_on_duplicate(self):
        """With rows already on record the person says what becomes of them: no choice is made
        for them (the import button would otherwise write nothing, or more than they meant)."""
        value = self.cleaned_data["on_duplicate"]
        if value not in ON_DUPLICATE:
            if self.duplicates:
                raise forms.ValidationError(_("Choose what becomes of the rows already on record."))
            return STOP
        return value
