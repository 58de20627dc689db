import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from socialwork.language import set_language_cookie


class AuditMiddleware:
    """The audit log's part in every request (socialwork.audit): each row written while it is
    served keeps the client's address, and a page that refuses a signed-in person a record (a 403,
    or a 404 on a record's URL) is one audit row. The API records its refusals in its own exception
    handler (socialwork.exceptions), as DRF answers them before they reach here; a 403 or 404 that
    no exception brought (a view that returns one) is recorded from the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .audit import refusal_record, served, serving

        token = serving(request)
        try:
            response = self.get_response(request)
            if response.status_code in (403, 404):
                # A door that answered 403 or 404 without raising: recorded too, once.
                refusal_record(request, PermissionDenied() if response.status_code == 403 else Http404())
            return response
        finally:
            served(token)

    def process_exception(self, request, exception):
        from .audit import refusal_record

        refusal_record(request, exception)
        return None  # Django answers the 403 or 404 as before


class LanguageMiddleware(LocaleMiddleware):
    """Chinese unless the person chose otherwise with the language switch.

    The browser's Accept-Language is not consulted: the bureau works in Chinese, and an English
    page is a choice a person makes, remembered in the language cookie.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen or settings.LANGUAGE_CODE)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        logged_in_with = getattr(request, "language_at_login", None)
        if logged_in_with:  # socialwork.language.language_at_login
            set_language_cookie(response, logged_in_with)
        return super().process_response(request, response)


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Every page needs a login unless its view says otherwise.

    The API answers 401/403 itself (DRF), so it is left to its own authentication.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def _left_alone(request, names) -> bool:
    """What a gate before every page lets through: the API (which refuses such a request itself),
    static files, and the pages named (its own, logging in and out, the language, the health check)."""
    match = request.resolver_match
    return request.path_info.startswith(("/api/", "/" + settings.STATIC_URL.lstrip("/"))) or bool(
        match and match.url_name in names
    )


class SecondFactorMiddleware:
    """A signed-in person who owes a second factor gives it before going anywhere else: the code
    (or a recovery code) when they have set one up, else, when it is required of them, setting it
    up (socialwork.accounts.twofactor.second_factor_outstanding, the rule every door asks).

    Left alone: the second factor's own pages, logging out, the login page, static files, the
    health check, the language switch and the API, which refuses such a session itself
    (socialwork.api_auth). Changing an expired password waits for the second factor: a password
    alone must not be enough to set a new one.
    """

    EXEMPT_NAMES = (
        "second_factor_verify",
        "second_factor_setup",
        "logout",
        "login",
        "set_language",
        "healthz",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        from .accounts.twofactor import Need, second_factor_outstanding

        if not request.user.is_authenticated or _left_alone(request, self.EXEMPT_NAMES):
            return None
        need = second_factor_outstanding(request)
        if need == Need.NONE:
            return None
        page = "second_factor_verify" if need == Need.VERIFY else "second_factor_setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(reverse(page) + (f"?{query}" if query else ""))


class PasswordExpiryMiddleware:
    """A person whose password is too old changes it before going anywhere else.

    Left alone: the change page itself, logging out, static files, the health check, the language
    switch and the API, which refuses such a person itself (socialwork.api_auth: a 403 telling
    them to change their password, as a program cannot be sent to a page).
    """

    EXEMPT_NAMES = (
        "password_change",
        "password_change_done",
        "logout",
        "login",
        "set_language",
        "healthz",
        "second_factor_verify",
        "second_factor_setup",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.contrib import messages
        from django.shortcuts import redirect

        from .passwords import expired_message, password_expired

        if _left_alone(request, self.EXEMPT_NAMES) or not password_expired(request.user):
            return None
        messages.warning(request, expired_message(request.user))
        return redirect("password_change")


class SessionRefreshMiddleware:
    """The idle timeout without a database write on every request.

    Saving the session on each request (SESSION_SAVE_EVERY_REQUEST) moved its expiry forward but
    cost an UPDATE per page. Here a signed-in person's session is saved, and so its expiry moved,
    at most once every REFRESH_SECONDS: the timeout is then exact to within that minute.
    """

    REFRESH_SECONDS = 60
    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session someone signed in with: an API call authenticated by token has none,
        # and must not be given one.
        if session is not None and not session.is_empty() and session.get(SESSION_KEY):
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved, expiry renewed
        return response


class NoStoreMiddleware:
    """Nothing a signed-in person is shown is kept by their browser or a proxy on the way.

    Every response to a signed-in person (pages, exports, downloads, PDFs) and every API response
    (including the token endpoint's, whose caller is not signed in) carries `Cache-Control:
    no-store, private` and its kin (Django's never_cache). Static files are served before this
    middleware (WhiteNoise) and keep their long caching; the health check sets its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: an API call authenticated by token sets request.user there.
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path_info.startswith("/api/"):
            add_never_cache_headers(response)
        return response
