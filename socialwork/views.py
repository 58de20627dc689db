from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from positions.selectors.network import network_totals

from . import notifications, pickers, services, tokens
from .language import language_choose
from .messenger import messenger_enabled


def home(request):
    return render(
        request,
        "socialwork/home.html",
        {
            "totals": network_totals(user=request.user),
            "recent": request.user.notifications.filter(in_app=True)[:5],
        },
    )


def pick(request, kind):
    """The suggestions for a picker as the person types (htmx fills the input's list)."""
    picker = pickers.KINDS.get(kind)
    if picker is None:
        raise Http404
    text = request.GET.get(request.GET.get("field", ""), "") or request.GET.get("q", "")
    suggestions = pickers.suggest(picker, user=request.user, text=text[:100])
    return render(request, "socialwork/picker_options.html", {"suggestions": suggestions})


def search(request):
    """The header's search: cases by number, people by name, posts by code, organizations by
    name or credit code, projects by title; each only where the person may see it."""
    text = " ".join(request.GET.get("q", "").split())[:100]
    groups = pickers.search_everything(user=request.user, text=text) if text else []
    return render(request, "socialwork/search.html", {"q": text, "groups": groups})


def inbox(request):
    notifications = request.user.notifications.filter(in_app=True)[:100]
    return render(request, "socialwork/inbox.html", {"notifications": notifications})


@require_POST
def inbox_mark_read(request, pk=None):
    services.notification_mark_read(user=request.user, notification_id=pk)
    if request.htmx and pk is not None:
        notification = request.user.notifications.get(pk=pk)
        return render(request, "socialwork/inbox.html#notification", {"notification": notification})
    return redirect("inbox")


def notification_kinds():
    """Every kind a person can receive, with its label (socialwork.notifications)."""
    return [(kind.name, kind.label) for kind in notifications.notification_kinds()]


class PreferencesForm(forms.Form):
    """Each kind's channels: the inbox, email and, when the installation has one, the messenger."""

    def __init__(self, *args, kinds, current, messenger: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        self.messenger = messenger
        for name, label in kinds:
            in_app, email, by_messenger = current.get(name, (True, True, True))
            self.fields[f"{name}__in_app"] = forms.BooleanField(label=label, required=False, initial=in_app)
            self.fields[f"{name}__email"] = forms.BooleanField(label=label, required=False, initial=email)
            if messenger:
                self.fields[f"{name}__messenger"] = forms.BooleanField(
                    label=label, required=False, initial=by_messenger
                )

    def rows(self):
        for name, label in self.kinds:
            channels = [self[f"{name}__in_app"], self[f"{name}__email"]]
            if self.messenger:
                channels.append(self[f"{name}__messenger"])
            yield label, channels

    def choices(self):
        return {
            name: tuple(
                self.cleaned_data[f"{name}__{channel}"]
                for channel in ("in_app", "email", *(("messenger",) if self.messenger else ()))
            )
            for name, _label in self.kinds
        }


def notification_preferences(request):
    """What I receive: the person's channels per kind, and the messenger account they are reached
    at (set by the system administrator) when the installation sends by messenger."""
    kinds = notification_kinds()
    messenger = messenger_enabled()
    current = {p.kind: (p.in_app, p.email, p.messenger) for p in request.user.notification_preferences.all()}
    form = PreferencesForm(request.POST or None, kinds=kinds, current=current, messenger=messenger)
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_save(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notification_preferences")
    return render(request, "socialwork/preferences.html", {"form": form, "messenger": messenger})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; the person's API tokens end with the old password."""

    def form_valid(self, form):
        response = super().form_valid(form)
        tokens.api_tokens_revoke(
            user=form.user, actor=self.request.user, reason=tokens.RevokeReason.PASSWORD_CHANGE
        )
        return response


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What it is for"),
        max_length=100,
        required=False,
        help_text=_("For example, the program that will use it."),
    )


def api_tokens(request):
    """My API tokens: the person's tokens that still work, a new one (shown on this page once,
    never stored as it is, so never shown again) and revoking one."""
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = tokens.api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    return render(
        request,
        "socialwork/api_tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": tokens.api_tokens_of(request.user),
            "policy": tokens.api_token_policy(),
        },
    )


@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(tokens.api_tokens_of(request.user), pk=pk)
    tokens.api_token_revoke(token=token, actor=request.user, reason=tokens.RevokeReason.OWNER)
    messages.success(request, _("The token %(prefix)s… no longer works.") % {"prefix": token.prefix})
    return redirect("api_tokens")


@login_not_required
def set_language(request):
    """Django's language switch, also remembered on the account: for notifications, and for the
    next login (socialwork.language)."""
    response = django_set_language(request)
    language_choose(request=request, language=request.POST.get("language", ""))
    return response
