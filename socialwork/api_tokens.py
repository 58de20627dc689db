"""/api/v1/auth/: a token for a username and password, logging out with it, and the person's own
tokens (list, revoke). The rules are socialwork.tokens'; signing in goes through django-axes as
the login page does."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from . import tokens
from .models import ApiToken


class AccountLocked(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _(
        "Too many failed logins. The account is locked for a while; try again later or ask the "
        "security administrator to unlock it."
    )
    default_code = "locked"


class SignInSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("What the token is for."),
    )
    otp = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=_(
            "The second factor: the six-digit code of the authenticator app, or a recovery code. "
            "Required of those who log in with one."
        ),
    )


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("The token: shown this once, never again."))
    expiry = serializers.DateTimeField()
    prefix = serializers.CharField()
    name = serializers.CharField()


class TokenObtainView(APIView):
    """A new API token for a username and password, and for those who log in with a second factor
    its code (`otp`). Send the token as `Authorization: Token <token>`.

    The token is shown in this answer only; it ends at `expiry`, at logout, when revoked and when
    the password changes. Failed attempts count towards the account's lockout, as on the login
    page; a person whose password is too old gets no token until they change it."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    serializer_class = SignInSerializer

    @extend_schema(
        request=SignInSerializer,
        responses={
            200: IssuedTokenSerializer,
            400: OpenApiResponse(
                description="Wrong username or password, or a missing or wrong second factor."
            ),
            403: OpenApiResponse(description="The password is too old: change it first."),
            429: OpenApiResponse(description="The account is locked after too many failed logins."),
        },
    )
    def post(self, request):
        form = SignInSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(
            request, username=form.validated_data["username"], password=form.validated_data["password"]
        )
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise AccountLocked()
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Unable to log in with the username and password given.")]}
            )
        self.second_factor_check(user, form.validated_data.get("otp", ""))
        token, raw = tokens.api_token_create(user=user, name=form.validated_data.get("name", ""))
        # As a login: the last login is recorded and django-axes clears the failures.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        data = {"token": raw, "expiry": token.expiry, "prefix": token.prefix, "name": token.name}
        return Response(IssuedTokenSerializer(data).data)

    @staticmethod
    def second_factor_check(user, code: str) -> None:
        """Both factors before a token, for whoever logs in with a second factor (the one rule:
        socialwork.accounts.twofactor.second_factor_need). A 400 under `otp` otherwise."""
        from django.core.exceptions import ValidationError as DjangoValidationError

        from .accounts.twofactor import Need, second_factor_need, second_factor_verify

        need = second_factor_need(user)
        if need == Need.NONE:
            return
        if need == Need.ENROL:
            raise exceptions.ValidationError(
                {
                    "otp": [
                        _("Set up your second factor on the site first; then ask for a token with its code.")
                    ]
                }
            )
        if not code.strip():
            raise exceptions.ValidationError(
                {"otp": [_("Enter the code of your authenticator app (or a recovery code).")]}
            )
        try:
            second_factor_verify(user=user, code=code, door="api")
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"otp": error.messages}) from None


class LogoutView(APIView):
    """End the token this request is made with (204). Other tokens of the person go on."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="The token is ended."),
            400: OpenApiResponse(description="The request was not made with a token."),
        },
    )
    def post(self, request):
        if not isinstance(request.auth, ApiToken):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("This request was not made with an API token; log out on the site.")]}
            )
        tokens.api_token_revoke(token=request.auth, actor=request.user, reason=tokens.RevokeReason.LOGOUT)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenSerializer(serializers.ModelSerializer):
    prefix = serializers.CharField(read_only=True, help_text=_("The token's first characters."))
    current = serializers.SerializerMethodField(help_text=_("Whether this request was made with it."))

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created", "expiry", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        used = self.context["request"].auth
        return isinstance(used, ApiToken) and used.pk == token.pk


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The person's own tokens that still work; DELETE revokes one. Never the token itself."""

    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no person
            return ApiToken.objects.none()
        return tokens.api_tokens_of(self.request.user)

    def perform_destroy(self, instance):
        tokens.api_token_revoke(token=instance, actor=self.request.user, reason=tokens.RevokeReason.OWNER)


def register(router) -> None:
    router.register("auth/tokens", ApiTokenViewSet, basename="api-token")
