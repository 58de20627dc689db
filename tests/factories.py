"""Factories for the network and for people in each role."""

from itertools import count

from django.contrib.auth.models import Group

from positions.models import Region, ServiceUnit, tree_insert
from socialwork.models import User

_codes = count(1)


def make_region(name: str, level: str, parent: Region | None = None, code: str | None = None) -> Region:
    return tree_insert(Region(name=name, level=level, code=code or f"R{next(_codes):06d}"), parent)


def make_unit(name: str, level: str, parent: ServiceUnit | None, region: Region, **fields) -> ServiceUnit:
    fields.setdefault("code", f"U{next(_codes):06d}")
    return tree_insert(ServiceUnit(name=name, level=level, region=region, **fields), parent)


def make_user(username: str, role: str | None = None, *, unit=None, region=None, **fields) -> User:
    region = region or (unit.region if unit else None)
    user = User.objects.create_user(
        username=username, password=fields.pop("password", "pass-word-42"), unit=unit, region=region, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


# The second factor (socialwork.accounts.twofactor): a person's authenticator app, as the demo
# accounts have one, and the code it shows now.
TEST_OTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# What a request's audit row costs beyond its INSERT since the log is a chain
# (socialwork.audit_chain.chain_append): on PostgreSQL the chain's lock, then the last seal
# (SQLite needs only the second). Query budgets of audited pages add it.
AUDIT_CHAIN = 2


def make_device(user: User, secret: str = TEST_OTP_SECRET):
    """A confirmed authenticator device with a known secret (the demo's own helper)."""
    from socialwork.demo import demo_device_ensure

    return demo_device_ensure(user, secret)


def otp_code(device) -> str:
    """The code the person's app shows, as the server will take it: this time step's, or the next
    one's (within the tolerance) when this step's code was used already; else wait for a new step."""
    import time

    from django_otp.oath import TOTP

    while True:
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now = totp.t()
        step = max(now, device.last_t + 1)
        if step <= now + device.tolerance:
            totp.drift += step - now
            return f"{totp.token():0{device.digits}d}"
        time.sleep(1)


def pass_second_factor(client, user, code: str | None = None):
    """Type the app's code on the second factor's page of a client that logged in with a password."""
    from django.urls import reverse

    device = user.totpdevice_set.get(confirmed=True)
    return client.post(reverse("second_factor_verify"), {"code": code or otp_code(device)})
