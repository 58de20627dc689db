"""How the API knows who is calling: a session (the site's login) or an API token (knox).

Both refuse a person whose password is too old (403, telling them to change it), so a session
or a token cannot go on past the password policy; a token also stops at a password change,
whatever changed the password (a token made before `password_changed_at` is refused).

The second factor (socialwork.accounts.twofactor): a session that has not passed it is refused
for anyone who owes it; a token of someone required to use one who has none set up is refused
(it cannot have been issued with both factors), and the token endpoint asks for the code.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox import auth as knox_auth
from rest_framework import authentication, exceptions

from .tokens import refuse_if_password_expired


def check_password_policy(user) -> None:
    try:
        refuse_if_password_expired(user)
    except DjangoPermissionDenied as refusal:
        raise exceptions.PermissionDenied(str(refusal)) from None


def second_factor_message(need) -> str:
    from .accounts.twofactor import Need

    if need == Need.ENROL:
        return str(_("Set up your second factor on the site's login page before using the API."))
    return str(_("Enter your second factor's code on the site's login page before using the API."))


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        from .accounts.twofactor import Need, second_factor_outstanding

        result = super().authenticate(request)
        if result is not None:
            need = second_factor_outstanding(request._request, result[0])
            if need != Need.NONE:
                raise exceptions.PermissionDenied(second_factor_message(need))
            check_password_policy(result[0])
        return result


class TokenAuthentication(knox_auth.TokenAuthentication):
    """`Authorization: Token <token>`, a token of socialwork.ApiToken (stored hashed)."""

    def authenticate_credentials(self, token):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:  # knox would answer a 500
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain invalid characters.")
            ) from None
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)  # refuses an inactive account
        if auth_token.created < user.password_changed_at:
            raise exceptions.AuthenticationFailed(
                _("This token was issued before the password was changed. Ask for a new one.")
            )
        check_password_policy(user)
        from .accounts.twofactor import Need, second_factor_need

        if second_factor_need(user) == Need.ENROL:
            raise exceptions.AuthenticationFailed(second_factor_message(Need.ENROL))
        return user, auth_token

    def _cleanup_token(self, auth_token) -> bool:
        """Whether this token has expired (then it is deleted). knox would also read all the
        person's tokens on every request to delete their expired ones: a query per request for
        rows nobody can use. Those go when the person next makes a token (socialwork.tokens)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "socialwork.api_auth.SessionAuthentication"
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        from django.conf import settings

        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "socialwork.api_auth.TokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
