"""The language a person works in: Chinese unless they chose otherwise, and their choice follows
them from one login to the next.

The choice lives on the account (`User.language`, which notifications are written in too). The
language cookie, which the pages read (socialwork.middleware.LanguageMiddleware), lasts only as
long as the browser's session, so each login sets it again from the account: a person who chose
English gets English in a fresh browser, and a cookie another person left at a shared desk does
not outlast the login. A choice made on the login page itself, before logging in, is the
person's latest: it is kept, and remembered on the account.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

CHOSEN_BEFORE_LOGIN = "language_chosen"  # session key; the session's data survives the login


def language_choose(*, request, language: str) -> None:
    """Remember the language a person switched to: on their account, or until they log in."""
    if language not in dict(settings.LANGUAGES):
        return
    if request.user.is_authenticated:
        if request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
    else:
        request.session[CHOSEN_BEFORE_LOGIN] = language


def language_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: work in the person's language from this response on (the middleware sets
    the cookie on the response)."""
    if not isinstance(request, HttpRequest) or not hasattr(request, "session"):
        return  # an API token taken: no pages, no cookie
    chosen = request.session.pop(CHOSEN_BEFORE_LOGIN, None)
    if chosen in dict(settings.LANGUAGES) and chosen != user.language:
        user.language = chosen
        user.save(update_fields=["language"])
    try:
        language = translation.get_supported_language_variant(user.language)
    except LookupError:
        language = settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = request.language_at_login = language


def set_language_cookie(response, language: str) -> None:
    """The language cookie as Django's own switch sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
