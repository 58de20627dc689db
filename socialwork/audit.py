"""What the audit log records about requests themselves, beside the rows services write: where each
request came from, the requests refused on records, and logins and logouts.

- **From where.** While a request is served (socialwork.middleware.AuditMiddleware), every audit
  row written keeps the client's address, read as the lockout reads it (behind
  DJANGO_TRUSTED_PROXIES, the entry the nearest trusted proxy saw). Rows background work writes
  have none.
- **Refused.** A signed-in person's request that a view refuses, a page's or the API's, is one row:
  `access.denied` for a 403 (PermissionDenied, including an action not open to them),
  `access.not_found` for a 404 on a record's URL (one with an id in it: the record is out of their
  scope or does not exist, which they are not told apart). Who, the record type and id asked for
  (when the view says which model it looked in) with the path, method and reason, when, and from
  where. Not recorded, so that the log is not flooded by what says nothing about records: anonymous
  requests (the login and the API's 401 stand before them), URLs that match no page, static files,
  404s on URLs without an id.
- **Logins.** A login through one of the site's doors (the login page, the admin's, the API's
  token endpoint) is `login.success`, a failed one `login.failure` with the username tried, a
  logout `logout`. A session opened without a door (the test client's force_login, a shell) is
  not a login anyone made, and is not recorded.
"""

import ipaddress
import re
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions as api_exceptions

from .audit_actions import ACCESS_DENIED, ACCESS_NOT_FOUND, LOGIN, LOGIN_FAILED, LOGOUT

_address: ContextVar[str | None] = ContextVar("audit_address", default=None)
RECORDED = "_audit_refusal_recorded"
NO_MATCH = re.compile(r"^No (?P<model>\w+) matches the given query\.?$")


def request_address() -> str | None:
    """The address of the request being served, for audit_record; None outside a request."""
    return _address.get()


def client_address(request) -> str | None:
    """The client's address as the lockout reads it, or None when it is not an address."""
    from .accounts.lockout import client_address as lockout_address

    address = lockout_address(request)
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def serving(request):
    """Mark the audit rows written from now on as coming from this request's address; returns the
    token to give back to `served`."""
    return _address.set(client_address(request))


def served(token) -> None:
    _address.reset(token)


# Refused requests.


def _model_of(exc, view, match):
    """The model the view looked the record up in, when it says: an API view's queryset, an admin
    page's model, a class-based view's model, or get_object_or_404's message ("No Case matches the
    given query.") read within the view's app. None otherwise: the row names the URL instead."""
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    if (model_admin := getattr(match.func, "model_admin", None)) is not None:  # the admin's pages
        return model_admin.model
    if view is not None and hasattr(view, "get_queryset"):  # an API view refused before its lookup
        try:
            return view.get_queryset().model
        except Exception:  # noqa: BLE001 (a view that cannot say is recorded by its URL)
            pass
    view_class = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    for source in (view_class, getattr(view_class, "queryset", None)):
        if (model := getattr(source, "model", None)) is not None:
            return model
    found = NO_MATCH.match(str(exc.args[0]) if getattr(exc, "args", None) else "")
    if found is None:
        return None
    named = [model for model in apps.get_models() if model._meta.object_name == found["model"]]
    app_label = (getattr(match.func, "__module__", "") or "").split(".")[0]
    for model in named:
        if model._meta.app_label == app_label:
            return model
    return named[0] if len(named) == 1 else None


def _record_id(kwargs: dict, model) -> str:
    if model is not None:
        for name in (f"{model._meta.model_name}_pk", f"{model._meta.model_name}_id"):
            if name in kwargs:
                return str(kwargs[name])
    if "pk" in kwargs:
        return str(kwargs["pk"])
    return str(list(kwargs.values())[-1]) if kwargs else ""


def refusal_record(request, exc, view=None) -> None:
    """One audit row for a signed-in person's request refused with a 403 or a 404 (see the module's
    docstring for what is and is not recorded). Called by the pages' middleware and the API's
    exception handler; at most once per request."""
    from .services import audit_record

    not_found = isinstance(exc, (Http404, api_exceptions.NotFound))
    if not (not_found or isinstance(exc, (PermissionDenied, api_exceptions.PermissionDenied))):
        return
    http_request = getattr(request, "_request", request)  # the API's request wraps the page's
    user = getattr(request, "user", None)
    match = getattr(http_request, "resolver_match", None)
    if (
        user is None
        or not user.is_authenticated
        or match is None
        or getattr(http_request, RECORDED, False)
        or http_request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/"))
        or (not_found and not match.kwargs)
    ):
        return
    setattr(http_request, RECORDED, True)
    model = _model_of(exc, view, match)
    kwargs = {name: str(value) for name, value in match.kwargs.items()}
    detail = getattr(exc, "detail", None) if isinstance(exc, api_exceptions.APIException) else None
    reason = str(detail if detail is not None else (exc.args[0] if exc.args else ""))
    audit_record(
        actor=user,
        action=ACCESS_NOT_FOUND if not_found else ACCESS_DENIED,
        target_type=model._meta.label_lower if model is not None else f"url:{match.view_name}"[:100],
        target_id=_record_id(kwargs, model)[:64],
        summary=f"{http_request.method} {http_request.get_full_path()}",
        changes={
            "status": 404 if not_found else 403,
            "method": http_request.method,
            "path": http_request.get_full_path()[:500],
            "view": match.view_name,
            "kwargs": kwargs,
            "reason": reason[:255],
        },
    )


# Logins and logouts.


def _through_a_door(request) -> bool:
    return (
        request is not None
        and getattr(getattr(request, "_request", request), "resolver_match", None) is not None
    )


def _channel(request) -> str:
    return "api" if getattr(request, "path_info", "").startswith("/api/") else "site"


def login_recorded(sender, request, user, **kwargs) -> None:
    """user_logged_in: a person signed in on a page or took an API token."""
    from .services import audit_record

    if not _through_a_door(request):
        return
    audit_record(
        actor=user, action=LOGIN, target=user, summary=user.get_username(), changes={"via": _channel(request)}
    )


def login_failure_recorded(sender, credentials, request=None, **kwargs) -> None:
    """user_login_failed: a login refused, with the username tried (never the password), whether
    the account exists or not, and whether the lockout already held it."""
    from .models import User
    from .services import audit_record

    if not _through_a_door(request):
        return
    username = str(credentials.get("username") or "")[:150]
    account = User.objects.filter(username=username).first() if username else None
    audit_record(
        actor=None,
        action=LOGIN_FAILED,
        target=account,
        target_type=User._meta.label_lower,
        summary=username,
        changes={
            "username": username,
            "via": _channel(request),
            "locked_out": bool(getattr(request, "axes_locked_out", False)),
        },
    )


def logout_recorded(sender, request, user, **kwargs) -> None:
    """user_logged_out: a person signed out on the site."""
    from .services import audit_record

    if user is None or not _through_a_door(request):
        return
    audit_record(actor=user, action=LOGOUT, target=user, summary=user.get_username())
