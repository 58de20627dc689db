"""The second factor: a code from an authenticator app (TOTP), or a recovery code, after the password.

Who needs one is one rule, `second_factor_need(user)`, and every door asks it: the pages
(socialwork.middleware.SecondFactorMiddleware, the admin's included, whose login is the site's),
the API's session and token authentication and its token endpoint (socialwork.api_auth,
socialwork.api_tokens). A second factor is required of district administrators, station
managers, supervisors, auditors, the system and security administrators and superusers
(socialwork.roles.SECOND_FACTOR_REQUIRED_ROLES); social workers and organization staff may set one
up, and the security administrator may require it of their roles too (SecondFactorPolicy). Whoever
has set one up uses it, required or not.

A session has passed the second factor when django-otp's session key names the device that
verified it (`django_otp.login`): set here when the code is right, and cleared with the session at
logout. A device reset (socialwork.accounts.services.user_second_factor_reset) ends its holder's
sessions, so no session outlives the device it was verified with.

Devices are django-otp's: one confirmed TOTPDevice per person (its secret is drawn by the
application, shown once as a QR code and in letters), and one StaticDevice holding the recovery
codes, each of which works once. A wrong code makes the next try wait (django-otp's throttling,
doubling from a second), and is audited as `login.otp_failure`.
"""

import enum
from base64 import b32encode

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from socialwork.models import SecondFactorPolicy, User
from socialwork.roles import SECOND_FACTOR_OPTIONAL_ROLES, SECOND_FACTOR_REQUIRED_ROLES
from socialwork.services import audit_record

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"

# Audit actions (labelled in socialwork.audit_actions).
ENROL = "account.second_factor_enrol"
RECOVERY_RENEW = "account.recovery_codes_renew"
OTP_SUCCESS = "login.otp_success"
OTP_FAILURE = "login.otp_failure"
RECOVERY_USE = "login.recovery_code"
POLICY_SET = "second_factor.policy"


class Need(enum.StrEnum):
    """What a person must do for a second factor before going on."""

    NONE = "none"  # neither required of them nor set up: the password is enough
    VERIFY = "verify"  # set up: the code after the password
    ENROL = "enrol"  # required and not set up: set it up before anything else


# Selectors


def second_factor_policy() -> SecondFactorPolicy:
    """The policy row (made by a migration), or its defaults if it is missing."""
    return SecondFactorPolicy.objects.filter(pk=1).first() or SecondFactorPolicy(pk=1)


def required_roles(policy: SecondFactorPolicy | None = None) -> frozenset[str]:
    """The roles whose holders must use a second factor: always the required ones, and the
    optional ones the security administrator chose."""
    policy = policy or second_factor_policy()
    chosen = {role for role in policy.required_roles or [] if role in SECOND_FACTOR_OPTIONAL_ROLES}
    return frozenset(SECOND_FACTOR_REQUIRED_ROLES) | chosen


def second_factor_required(user) -> bool:
    """Whether this person must use a second factor (superusers always)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_role(*SECOND_FACTOR_REQUIRED_ROLES):
        return True
    return bool(set(user.roles) & required_roles())


def totp_device_of(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def second_factor_need(user) -> Need:
    """The one rule every door asks: whether this person must give a code after the password
    (VERIFY), must set up a second factor first (ENROL), or needs neither (NONE)."""
    if not user.is_authenticated:
        return Need.NONE
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return Need.VERIFY
    return Need.ENROL if second_factor_required(user) else Need.NONE


def session_verified(request) -> bool:
    """Whether this session passed the second factor (django-otp's session key is set)."""
    session = getattr(request, "session", None)
    return session is not None and bool(session.get(DEVICE_ID_SESSION_KEY))


def second_factor_outstanding(request, user=None) -> Need:
    """What the signed-in person of this session still owes: NONE once the session passed the
    second factor, else `second_factor_need`. A verified session costs no query."""
    user = user or request.user
    if not user.is_authenticated or session_verified(request):
        return Need.NONE
    return second_factor_need(user)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_of(device: TOTPDevice) -> str:
    """The device's secret as an authenticator app takes it typed in: base32."""
    return b32encode(device.bin_key).decode()


def secret_grouped(device: TOTPDevice) -> str:
    secret = secret_of(device)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG drawn here (segno) and served inline
    as a data: address (the CSP allows images from data:), never by any outside service."""
    import segno

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


# Services


def second_factor_session_mark(request, device) -> None:
    """This session passed the second factor with `device`. The session gets a new key, so that a
    key seen before the second factor is worth nothing after it."""
    request.session.cycle_key()
    otp_login(request, device)


def totp_device_start(*, user: User) -> TOTPDevice:
    """The device a person is setting up: unconfirmed until they type its first code. The same one
    on every visit until then, so that a person who scanned it and came back still matches."""
    with transaction.atomic():
        device = totp_device_of(user, confirmed=False)
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _throttled_message(info) -> str:
    until = info.get("locked_until") if info else None
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
    return _("Too many wrong codes. Wait %(seconds)d seconds and try again.") % {"seconds": seconds}


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_device_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the device being set up with a code it shows, and return the person's new recovery
    codes, to be shown once. Any earlier device and recovery codes of the person go."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    code = "".join((code or "").split())
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, info = device.verify_is_allowed()
        verified = allowed and device.verify_token(code)
    if not allowed:
        raise ValidationError({"code": _throttled_message(info)})
    if not verified:
        raise ValidationError({"code": _("This is not the code the app shows. Check the app and try again.")})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit_record(
            actor=user,
            action=ENROL,
            target=user,
            summary=user.username,
            changes={"second_factor": [None, "totp"], "recovery_codes": [None, len(codes)]},
        )
    return codes


def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for a person who has a device; the old ones stop working."""
    if totp_device_of(user) is None:
        raise ValidationError(_("Set up the second factor first."))
    with transaction.atomic():
        before = recovery_codes_left(user)
        codes = _new_recovery_codes(user)
        audit_record(
            actor=user,
            action=RECOVERY_RENEW,
            target=user,
            summary=user.username,
            changes={"recovery_codes": [before, len(codes)]},
        )
    return codes


def is_recovery_code(code: str) -> bool:
    """An app's code is six digits; anything else is taken for a recovery code."""
    return not (len(code) == 6 and code.isdigit())


def second_factor_verify(*, user: User, code: str, door: str):
    """Check a person's code: the app's (six digits) or a recovery code, which then works no more.
    Returns the device that accepted it. A wrong code is audited (`login.otp_failure`) and makes
    the next try wait; a recovery code used is audited too, with how many are left. Raises
    ValidationError with the message to show."""
    code = "".join((code or "").split()).lower()
    recovery = is_recovery_code(code)
    model = StaticDevice if recovery else TOTPDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("-pk").first()
        if device is None:
            allowed, info, verified = True, None, False
        else:
            allowed, info = device.verify_is_allowed()
            verified = allowed and device.verify_token(code)
        if verified:
            left = recovery_codes_left(user) if recovery else None
            audit_record(
                actor=user,
                action=RECOVERY_USE if recovery else OTP_SUCCESS,
                target=user,
                summary=user.username,
                changes={"door": [None, door], **({"recovery_codes": [left + 1, left]} if recovery else {})},
            )
        else:
            audit_record(
                actor=user,
                action=OTP_FAILURE,
                target=user,
                summary=user.username,
                changes={
                    "door": [None, door],
                    "kind": [None, "recovery_code" if recovery else "totp"],
                    "throttled": [None, not allowed],
                },
            )
    # Out of the transaction: the failure and its count for the throttle stay written.
    if not allowed:
        raise ValidationError(_throttled_message(info))
    if not verified:
        raise ValidationError(_("The code is wrong or already used."))
    return device


def second_factor_policy_set(*, actor: User, roles) -> SecondFactorPolicy:
    """Choose which optional roles must also use a second factor (the security administrator's;
    the admin's model permission opens the page). Holders without a device are taken to set one
    up at their next request."""
    chosen = sorted(set(roles))
    if unknown := set(chosen) - set(SECOND_FACTOR_OPTIONAL_ROLES):
        raise ValidationError(
            {"required_roles": _("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))}}
        )
    with transaction.atomic():
        existing = SecondFactorPolicy.objects.select_for_update().filter(pk=1).first()
        before = sorted(existing.required_roles or []) if existing else []
        policy = existing or SecondFactorPolicy(pk=1)
        policy.required_roles = chosen
        policy.save()
        if before != chosen:
            audit_record(
                actor=actor,
                action=POLICY_SET,
                target=policy,
                summary=", ".join(chosen) or "-",
                changes={"required_roles": [before, chosen]},
            )
    return policy


def sessions_end(user: User) -> int:
    """End every session of a person (their device was reset): the session store is the
    database's, read for the sessions that name them."""
    from django.contrib.auth import SESSION_KEY

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def devices_remove(user: User) -> int:
    """Every device of a person, the app's and the recovery codes; returns how many went."""
    count = TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return count


SECOND_FACTOR_RESET_TITLE = gettext_lazy("Your second factor was reset")
SECOND_FACTOR_RESET_BODY = gettext_lazy(
    "The security administrator removed your authenticator app and recovery codes from your account. "
    "Set up a new one when you next log in. If you did not ask for this, tell the security administrator "
    "at once."
)
