"""API tokens: who holds one, how long it lasts, and what ends it.

A token is made for a person who signed in with their password (the API's token endpoint, or the
"My API tokens" page) and shown to them once; only its hash is kept (socialwork.ApiToken, with
django-rest-knox). It lasts as long as the security administrator's policy says, and it ends
when its owner logs out with it or revokes it, when the security administrator revokes it, when
the owner's password changes and when the account is deactivated. Whatever changed a password,
a token made before the change is refused (socialwork.api_auth): revoking is the clean-up.

Services for the other doors that change a password or deactivate an account:
`api_tokens_revoke(user=..., actor=..., reason=RevokeReason.PASSWORD_CHANGE)` (or DEACTIVATION).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ApiToken, ApiTokenPolicy, User
from .passwords import password_expired
from .services import audit_record


class RevokeReason(models.TextChoices):
    OWNER = "owner", gettext_lazy("revoked by its owner")
    LOGOUT = "logout", gettext_lazy("logged out with it")
    SECURITY_ADMIN = "security_admin", gettext_lazy("revoked by the security administrator")
    PASSWORD_CHANGE = "password_change", gettext_lazy("the password was changed")
    DEACTIVATION = "deactivation", gettext_lazy("the account was deactivated")
    SECOND_FACTOR_RESET = "second_factor_reset", gettext_lazy("the second factor was reset")


# Selectors


def api_token_policy() -> ApiTokenPolicy:
    """The policy row (made by a migration), or its defaults if it is missing."""
    return ApiTokenPolicy.objects.filter(pk=1).first() or ApiTokenPolicy(pk=1)


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created", "-id")


def api_tokens_all() -> QuerySet[ApiToken]:
    """Every token that still works, with its owner: the security administrator's list."""
    return (
        ApiToken.objects.filter(expiry__gt=timezone.now()).select_related("user").order_by("-created", "-id")
    )


def expired_password_message() -> str:
    return _(
        "Your password is more than %(days)d days old. Change it on the Password page of the site "
        "before using the API again."
    ) % {"days": settings.PASSWORD_MAX_AGE_DAYS}


def refuse_if_password_expired(user: User) -> None:
    """The API's one check of password age, for sessions, tokens and the token endpoint alike."""
    if password_expired(user):
        raise PermissionDenied(expired_password_message())


# Services


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for a person and return it with the token itself, which is shown once and
    stored only as a hash. It lasts the policy's lifetime. Nobody whose password has expired gets
    one: they change the password first."""
    refuse_if_password_expired(user)
    lifetime = timedelta(hours=api_token_policy().lifetime_hours)
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()  # dead already
        token, raw = ApiToken.objects.create(user=user, expiry=lifetime, name=name.strip()[:100])
        audit_record(
            actor=user,
            action="api_token.create",
            target=user,
            summary=token.prefix,
            changes={
                "prefix": token.prefix,
                "name": token.name,
                "expiry": timezone.localtime(token.expiry).isoformat(),
            },
        )
    return token, raw


def api_token_revoke(*, token: ApiToken, actor: User, reason: str) -> None:
    """End one token at once."""
    with transaction.atomic():
        deleted, _rows = ApiToken.objects.filter(pk=token.pk).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="api_token.revoke",
                target=token.user,
                summary=token.prefix,
                changes={"prefix": token.prefix, "reason": str(reason), "count": 1},
            )


def api_tokens_revoke(*, user: User, actor: User | None, reason: str) -> int:
    """End every token of a person (their password changed, the account was deactivated, or they
    asked). Returns how many were ended; an audit row names them when there were any."""
    with transaction.atomic():
        tokens = ApiToken.objects.filter(user=user)
        prefixes = sorted(token.prefix for token in tokens)
        count, _rows = tokens.delete()
        if count:
            audit_record(
                actor=actor,
                action="api_token.revoke",
                target=user,
                summary=", ".join(prefixes),
                changes={"prefixes": prefixes, "reason": str(reason), "count": count},
            )
    return count


def api_token_policy_set(*, actor: User, lifetime_hours: int) -> ApiTokenPolicy:
    """Set how long new tokens last. A shorter lifetime also shortens the tokens already issued,
    so that no token outlives the rule in force."""
    with transaction.atomic():
        existing = ApiTokenPolicy.objects.select_for_update().filter(pk=1).first()
        before = existing.lifetime_hours if existing else None
        policy = existing or ApiTokenPolicy(pk=1)
        policy.lifetime_hours = lifetime_hours
        policy.full_clean()
        policy.save()
        lifetime = timedelta(hours=lifetime_hours)
        shortened = ApiToken.objects.filter(expiry__gt=F("created") + lifetime).update(
            expiry=F("created") + lifetime
        )
        audit_record(
            actor=actor,
            action="api_token.policy",
            target=policy,
            summary=str(lifetime_hours),
            changes={"lifetime_hours": [str(before), str(lifetime_hours)], "tokens_shortened": shortened},
        )
    return policy
