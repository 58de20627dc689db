"""Lockout after failed logins (django-axes), counted three ways, each against its own limit.

- an account from one address (settings.AXES_FAILURE_LIMIT, 5): a person's typos, or a guesser at
  one address, stop there; the account still opens from everywhere else, so nobody locks a
  colleague out by typing their username five times;
- an address across every username (LOGIN_ADDRESS_FAILURE_LIMIT, 20): a password spray from one
  address is stopped whatever User-Agent it sends, while an office behind one gateway has room
  for many people's typos;
- an account from every address together (LOGIN_ACCOUNT_FAILURE_LIMIT, 50): a guesser spread over
  many addresses is still stopped, which takes ten addresses rather than five requests.

django-axes compares one count with one limit, so each count is expressed as a share of its own
limit in units of the first: a group is locked exactly when its count reaches its limit. The
parameters are settings.AXES_LOCKOUT_PARAMETERS, in this order.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

# One name per entry of settings.AXES_LOCKOUT_PARAMETERS, in its order.
SCOPES = ("account_address", "address", "account")


def scope_limits() -> dict[str, int]:
    return {
        "account_address": settings.AXES_FAILURE_LIMIT,
        "address": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        "account": settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
    }


class LockoutHandler(AxesDatabaseHandler):
    def failure_counts(self, request, credentials=None) -> dict[str, int]:
        """Failures within the cool-off time, per scope."""
        attempts_list = self.get_user_attempts(request, credentials)
        return {
            scope: attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for scope, attempts in zip(SCOPES, attempts_list, strict=True)
        }

    def locked_scopes(self, request, credentials=None) -> list[str]:
        limits = scope_limits()
        counts = self.failure_counts(request, credentials)
        return [scope for scope in SCOPES if counts[scope] >= limits[scope]]

    def get_failures(self, request, credentials=None) -> int:
        limits = scope_limits()
        unit = limits["account_address"]
        counts = self.failure_counts(request, credentials)
        return max(counts[scope] * unit // limits[scope] for scope in SCOPES)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login clears the person's own failures from that address only: a sprayer
        who holds one account must not clear their address's count by logging in with it, nor a
        guesser elsewhere the account's."""
        pair = self.filter_user_attempts(request, credentials)[0]
        count, _details = pair.delete()
        return count

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        was_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or was_locked or not getattr(request, "axes_locked_out", False):
            return
        # A lock begins with this failure: audit it and tell the account's holder, once.
        from axes.helpers import get_client_username

        from .services import lockout_record

        lockout_record(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
            scopes=self.locked_scopes(request, credentials),
            minutes=lockout_minutes(),
        )


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked login gets (429): what happened and what to do, the same whether or not
    the username exists."""
    return render(request, "registration/locked_out.html", {"minutes": lockout_minutes()}, status=429)


def client_address(request) -> str | None:
    """The address a login comes from, for the lockout's counts. Behind TRUSTED_PROXIES proxies
    that each append to X-Forwarded-For (the TLS proxy and nginx of the production shape), it is
    the entry that many from the right, as DRF's NUM_PROXIES reads it; an entry a client wrote
    itself lies further left and is never read. With none (gunicorn facing people), REMOTE_ADDR."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR")
