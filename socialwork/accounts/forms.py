"""The account forms of the admin: one per action, each showing only what its user may change.
The rules are the services'; a form parses and the admin calls the service."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from socialwork.models import User
from socialwork.roles import Role

PLACE_FIELDS = ("full_name", "email", "messenger_id", "region", "unit", "organization")


class PasswordPairMixin:
    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."), code="password_mismatch")
        return second

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.password_user())
            except forms.ValidationError as error:
                self.add_error("password2", error)


def password_fields():
    return (
        forms.CharField(
            label=_("Password"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=_("The person chooses their own at the first login."),
        ),
        forms.CharField(
            label=_("Password again"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class AccountCreateForm(PasswordPairMixin, forms.ModelForm):
    """A new account and where it works; no role (the security administrator grants roles)."""

    password1, password2 = password_fields()

    class Meta:
        model = User
        fields = ("username", *PLACE_FIELDS)

    def password_user(self):
        return User(
            username=self.cleaned_data.get("username", ""), full_name=self.cleaned_data.get("full_name", "")
        )


class AccountForm(forms.ModelForm):
    """The change page: the fields the person may change are the form's, the rest are shown."""

    class Meta:
        model = User
        fields = PLACE_FIELDS


class AccountRolesForm(AccountForm):
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Granting a role that reads personal data is audited as such and told to the audit administrators."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.groups.values_list("name", flat=True))


class PasswordResetForm(PasswordPairMixin, forms.Form):
    password1, password2 = password_fields()

    def __init__(self, account, *args, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def password_user(self):
        return self.account
