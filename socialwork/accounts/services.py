"""Every change to an account: created, placed, deactivated, reactivated, its password reset, its
roles set, unlocked, its second factor reset. Each checks who may do it (selectors.account_actions_for), runs in one
transaction and writes one audit row (before and after, never a password).

Nobody sets `is_superuser` here or anywhere else but `createsuperuser`; `is_staff` follows the
roles (socialwork.roles.STAFF_ROLES).
"""

from collections.abc import Iterable

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialwork import notifications, tokens
from socialwork.models import AuditEntry, User
from socialwork.passwords import PASSWORD_RESET_AT
from socialwork.roles import ADMINISTRATOR_ROLES, STAFF_ROLES, Role, reads_personal_data
from socialwork.services import apply_changes, audit_record, notification_send

from . import selectors

# Notification kinds.
PASSWORD_RESET_KIND = notifications.PASSWORD_RESET
ACCOUNT_LOCKED_KIND = notifications.ACCOUNT_LOCKED
PERSONAL_DATA_ROLE_KIND = notifications.PERSONAL_DATA_ROLE_GRANTED
SECOND_FACTOR_RESET_KIND = notifications.SECOND_FACTOR_RESET

# Audit actions. A grant of a role that reads personal data has its own, for the auditor to filter.
PERSONAL_DATA_ROLE_GRANT = "account.personal_data_role_grant"


def _allowed(actor: User, account: User | None, action: str) -> None:
    if action not in selectors.account_actions_for(actor, account):
        raise PermissionDenied(_("You may not do this to this account."))


def _locked(account: User) -> User:
    """The account's row, locked, as it is now (the rules are checked against it, not a copy)."""
    return User.objects.select_for_update().get(pk=account.pk)


def _check_place(*, actor: User, region, unit):
    """A unit inside the account's region, and both inside the administrator's own region."""
    if unit is not None and region is not None and not unit.region.path.startswith(region.path):
        raise ValidationError({"unit": _("The service unit must lie in the person's region.")})
    if region is not None and actor.region_id and not region.path.startswith(actor.region.path):
        raise ValidationError({"region": _("You place accounts only inside your own region.")})


def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    messenger_id: str = "",
    region=None,
    unit=None,
    organization=None,
) -> User:
    """A new account, placed, with no role (the security administrator grants roles) and not staff.
    The password is the system administrator's, so it has expired: its holder chooses their own
    at the first login."""
    _allowed(actor, None, selectors.CREATE)
    region = region or (unit.region if unit else None)
    _check_place(actor=actor, region=region, unit=unit)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("An account with this username exists.")})
    account = User(
        username=username,
        full_name=full_name,
        email=email,
        messenger_id=(messenger_id or "").strip(),
        region=region,
        unit=unit,
        organization=organization,
    )
    validate_password(password, account)
    with transaction.atomic():
        account.set_password(password)
        account.password_changed_at = PASSWORD_RESET_AT
        account.is_staff = account.is_superuser = False
        account.save()
        audit_record(
            actor=actor,
            action="account.create",
            target=account,
            summary=username,
            changes={
                name: [None, str(getattr(account, name) or "")]
                for name in (
                    "username",
                    "full_name",
                    "email",
                    "messenger_id",
                    "region",
                    "unit",
                    "organization",
                )
            },
        )
    return account


def user_place(
    *,
    actor: User,
    account: User,
    region=None,
    unit=None,
    organization=None,
    full_name: str | None = None,
    email: str | None = None,
    messenger_id: str | None = None,
) -> User:
    """Place an account in the network (region, unit, organization) and keep its name, e-mail and
    enterprise messenger account id. The system administrator's, never on their own account."""
    _allowed(actor, account, selectors.PLACE)
    region = region or (unit.region if unit else None)
    _check_place(actor=actor, region=region, unit=unit)
    with transaction.atomic():
        account = _locked(account)
        fields = {"region": region, "unit": unit, "organization": organization}
        if full_name is not None:
            fields["full_name"] = full_name
        if email is not None:
            fields["email"] = email
        if messenger_id is not None:
            fields["messenger_id"] = messenger_id.strip()
        changes = apply_changes(account, fields)
        if changes:
            account.save(update_fields=list(changes))
            audit_record(
                actor=actor,
                action="account.place",
                target=account,
                summary=account.username,
                changes=changes,
            )
    return account


def _set_active(*, actor: User, account: User, active: bool, action: str, reason: str) -> User:
    with transaction.atomic():
        account = _locked(account)
        _allowed(actor, account, selectors.REACTIVATE if active else selectors.DEACTIVATE)
        changes = apply_changes(account, {"is_active": active})
        account.save(update_fields=["is_active"])
        if not active:
            tokens.api_tokens_revoke(user=account, actor=actor, reason=tokens.RevokeReason.DEACTIVATION)
        audit_record(
            actor=actor,
            action=action,
            target=account,
            summary=account.username,
            changes={**changes, **({"reason": [None, reason]} if reason else {})},
        )
    return account


def user_deactivate(*, actor: User, account: User, reason: str = "") -> User:
    """Stop an account from logging in (its sessions end at their next request). Accounts are
    deactivated, never deleted: their audit rows and records keep pointing at them."""
    return _set_active(actor=actor, account=account, active=False, action="account.deactivate", reason=reason)


def user_reactivate(*, actor: User, account: User, reason: str = "") -> User:
    """Let a deactivated account log in again, with the roles and place it had."""
    return _set_active(actor=actor, account=account, active=True, action="account.reactivate", reason=reason)


def user_password_reset(*, actor: User, account: User, password: str) -> User:
    """Set a password for someone who lost theirs. It has expired at once: its holder chooses
    their own at the next login, and is told of the reset (in the inbox and by e-mail), so a reset
    they did not ask for does not pass unnoticed. Their open sessions end."""
    _allowed(actor, account, selectors.PASSWORD_RESET)
    validate_password(password, account)
    with transaction.atomic():
        account = _locked(account)
        account.set_password(password)
        account.password_changed_at = PASSWORD_RESET_AT
        account.save(update_fields=["password", "password_changed_at"])
        tokens.api_tokens_revoke(user=account, actor=actor, reason=tokens.RevokeReason.PASSWORD_CHANGE)
        entry = audit_record(
            actor=actor,
            action="account.password_reset",
            target=account,
            summary=account.username,
            changes={"password": ["", "reset"], "password_changed_at": ["", str(PASSWORD_RESET_AT)]},
        )
        notification_send(
            user=account,
            kind=PASSWORD_RESET_KIND,
            key=f"{PASSWORD_RESET_KIND}:{account.pk}:{entry.pk}",
            title=gettext_lazy("Your password was reset"),
            body=gettext_lazy(
                "The system administrator set a new password for your account. Choose your own when "
                "you next log in. If you did not ask for this, tell the security administrator."
            ),
        )
    return account


def user_roles_set(*, actor: User, account: User, roles: Iterable[str]) -> User:
    """Give an account exactly these roles. The security administrator's, never on their own
    account. One of the three administrator roles is held alone. `is_staff` follows the roles.
    A grant of a role that reads personal data is audited as such and the audit administrators
    are told."""
    _allowed(actor, account, selectors.ROLES_SET)
    wanted = set(roles)
    if unknown := wanted - set(Role.values):
        raise ValidationError({"roles": _("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))}})
    if len(wanted) > 1 and wanted & set(ADMINISTRATOR_ROLES):
        raise ValidationError(
            {
                "roles": _(
                    "The system, security and audit administrators hold their role alone, and no other role."
                )
            }
        )
    with transaction.atomic():
        account = _locked(account)
        before = set(account.groups.values_list("name", flat=True))
        granted, removed = wanted - before, before - wanted
        staff = account.is_superuser or bool(wanted & set(STAFF_ROLES))
        if not (granted or removed) and staff == account.is_staff:
            return account
        changes = {"roles": [sorted(before), sorted(wanted)]}
        if staff != account.is_staff:
            changes["is_staff"] = [account.is_staff, staff]
        account.groups.set(Group.objects.filter(name__in=wanted))
        account.is_staff = staff
        account.save(update_fields=["is_staff"])
        account.__dict__.pop("roles", None)
        personal = sorted(role for role in granted if reads_personal_data(role))
        entry = audit_record(
            actor=actor,
            action=PERSONAL_DATA_ROLE_GRANT if personal else "account.roles_set",
            target=account,
            summary=account.username,
            changes=changes,
        )
        if personal:
            _tell_auditors(entry=entry, actor=actor, account=account, roles=personal)
    return account


def _tell_auditors(*, entry: AuditEntry, actor: User, account: User, roles: list[str]) -> None:
    auditors = User.objects.filter(is_active=True, groups__name=Role.AUDITOR).distinct()
    for auditor in auditors:
        notification_send(
            user=auditor,
            kind=PERSONAL_DATA_ROLE_KIND,
            key=f"{PERSONAL_DATA_ROLE_KIND}:{entry.pk}:{auditor.pk}",
            title=_PersonalDataTitle(account=account),
            body=_PersonalDataBody(actor=actor, roles=roles),
        )


class _PersonalDataTitle:
    """Rendered in the recipient's language by notification_send."""

    def __init__(self, *, account):
        self.account = account

    def __str__(self):
        return _("A role that reads personal data was granted to %(username)s") % {
            "username": self.account.username
        }


class _PersonalDataBody:
    def __init__(self, *, actor, roles):
        self.actor, self.roles = actor, roles

    def __str__(self):
        return _("%(actor)s granted: %(roles)s. The audit log holds the change.") % {
            "actor": self.actor.get_username(),
            "roles": ", ".join(str(Role(role).label) for role in self.roles),
        }


def user_unlock(*, actor: User, account: User) -> int:
    """End the lockout of an account, from every address (the security administrator's).
    Returns how many attempt records were cleared."""
    _allowed(actor, account, selectors.UNLOCK)
    with transaction.atomic():
        cleared, _details = AccessAttempt.objects.filter(username=account.username).delete()
        audit_record(
            actor=actor,
            action="account.unlock",
            target=account,
            summary=account.username,
            changes={"failed_login_records": [cleared, 0]},
        )
    return cleared


def user_second_factor_reset(*, actor: User, account: User) -> int:
    """Remove a person's second factor (their authenticator app and recovery codes), when they lost
    their phone: the security administrator's, never on their own account. The person sets up a
    new one at their next login (as it is required of them, or as they choose); their sessions and
    API tokens end, and they are told in the inbox and by e-mail. Returns how many devices went."""
    from . import twofactor

    _allowed(actor, account, selectors.SECOND_FACTOR_RESET)
    with transaction.atomic():
        account = _locked(account)
        removed = twofactor.devices_remove(account)
        sessions = twofactor.sessions_end(account)
        tokens.api_tokens_revoke(user=account, actor=actor, reason=tokens.RevokeReason.SECOND_FACTOR_RESET)
        entry = audit_record(
            actor=actor,
            action="account.second_factor_reset",
            target=account,
            summary=account.username,
            changes={"devices": [removed, 0], "sessions_ended": [sessions, 0]},
        )
        notification_send(
            user=account,
            kind=SECOND_FACTOR_RESET_KIND,
            key=f"{SECOND_FACTOR_RESET_KIND}:{account.pk}:{entry.pk}",
            title=twofactor.SECOND_FACTOR_RESET_TITLE,
            body=twofactor.SECOND_FACTOR_RESET_BODY,
        )
    return removed


def address_unlock(*, actor: User, ip_address: str) -> int:
    """End the lockout of an address, for every account (the security administrator's)."""
    if not selectors.runs_security(actor):
        raise PermissionDenied(_("You may not do this to this account."))
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(ip_address=ip_address)
        first = attempts.order_by("pk").first()
        if first is None:
            return 0
        cleared, _details = attempts.delete()
        audit_record(
            actor=actor,
            action="address.unlock",
            target=first,
            summary=ip_address,
            changes={"ip_address": [ip_address, ip_address], "failed_login_records": [cleared, 0]},
        )
    return cleared


def lockout_record(*, username: str | None, ip_address: str, scopes: list[str], minutes: int) -> None:
    """A lock began (socialwork.accounts.lockout): audited, and the account's holder told, once per
    lock, in the inbox and by e-mail, when the lock is on their account (not only on an address)."""
    account = User.objects.filter(username=username).first() if username else None
    target = account or AccessAttempt.objects.filter(ip_address=ip_address).order_by("-pk").first()
    if target is None:
        return
    with transaction.atomic():
        entry = audit_record(
            actor=None,
            action="account.locked",
            target=target,
            summary=username or ip_address,
            changes={
                "username": [None, username or ""],
                "ip_address": [None, ip_address],
                "scopes": [None, scopes],
            },
        )
        if account is not None and ({"account", "account_address"} & set(scopes)):
            notification_send(
                user=account,
                kind=ACCOUNT_LOCKED_KIND,
                key=f"{ACCOUNT_LOCKED_KIND}:{account.pk}:{entry.pk}",
                title=gettext_lazy("Your account was locked after failed logins"),
                body=_LockedBody(
                    ip_address=ip_address,
                    minutes=minutes,
                    everywhere="account" in scopes,
                    at=timezone.localtime(),
                ),
            )


class _LockedBody:
    """Rendered in the recipient's language by notification_send."""

    def __init__(self, *, ip_address, minutes, everywhere, at):
        self.ip_address, self.minutes, self.everywhere, self.at = ip_address, minutes, everywhere, at

    def __str__(self):
        values = {"address": self.ip_address, "at": f"{self.at:%Y-%m-%d %H:%M}", "minutes": self.minutes}
        if self.everywhere:
            message = _(
                "Logins to your account failed too often (the last from %(address)s at %(at)s). The account "
                "is locked for %(minutes)d minutes from everywhere."
            )
        else:
            message = _(
                "Logins to your account failed too often from %(address)s (the last at %(at)s). Logins from "
                "that address are refused for %(minutes)d minutes."
            )
        return "{} {}".format(
            message % values,
            _(
                "If these attempts were not yours, tell the security administrator, who can also unlock "
                "the account sooner."
            ),
        )
