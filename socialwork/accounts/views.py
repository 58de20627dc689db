"""The second factor's pages: giving the code after the password, setting up an authenticator app,
and one's own second factor (new recovery codes). The rules are socialwork.accounts.twofactor's."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from . import twofactor
from .twofactor import Need


class CodeForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("second factor", "Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class SetupForm(CodeForm):
    code = forms.CharField(
        label=_("The six-digit code the app shows"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return "/"


def verify(request):
    """After the password: the code from the app, or a recovery code."""
    need = twofactor.second_factor_outstanding(request)
    if need == Need.NONE:
        return redirect(_next(request))
    if need == Need.ENROL:
        return redirect("second_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.second_factor_verify(
                user=request.user, code=form.cleaned_data["code"], door="page"
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            twofactor.second_factor_session_mark(request, device)
            if twofactor.is_recovery_code(form.cleaned_data["code"].strip()):
                left = twofactor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _(
                        "You logged in with a recovery code; %(left)d are left. If you lost your phone, "
                        "ask the security administrator to reset your second factor."
                    )
                    % {"left": left},
                )
            return redirect(_next(request))
    return render(request, "socialwork/second_factor_verify.html", {"form": form, "next": _next(request)})


def setup(request):
    """Setting up an authenticator app: its QR code and secret, then its first code. Required of
    some roles before anything else; open to everyone else who wants it."""
    need = twofactor.second_factor_outstanding(request)
    if need == Need.VERIFY:
        return redirect("second_factor_verify")
    if twofactor.totp_device_of(request.user) is not None:  # set up and verified already
        return redirect("second_factor")
    device = twofactor.totp_device_start(user=request.user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.totp_device_confirm(
                user=request.user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            device.refresh_from_db()
            twofactor.second_factor_session_mark(request, device)
            return render(
                request,
                "socialwork/second_factor_codes.html",
                {"codes": codes, "next": _next(request), "enrolled": True},
            )
    return render(
        request,
        "socialwork/second_factor_setup.html",
        {
            "form": form,
            "qr_code": twofactor.qr_code_data_uri(device),
            "secret": twofactor.secret_grouped(device),
            "required": need == Need.ENROL,
            "next": _next(request),
        },
    )


def overview(request):
    """One's own second factor: whether it is set up and required, and the recovery codes left."""
    device = twofactor.totp_device_of(request.user)
    return render(
        request,
        "socialwork/second_factor.html",
        {
            "device": device,
            "required": twofactor.second_factor_required(request.user),
            "codes_left": twofactor.recovery_codes_left(request.user) if device else 0,
        },
    )


@require_POST
def recovery_codes(request):
    """New recovery codes, shown this once; the old ones stop working."""
    try:
        codes = twofactor.recovery_codes_renew(user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("second_factor")
    return render(
        request, "socialwork/second_factor_codes.html", {"codes": codes, "next": "/", "enrolled": False}
    )
