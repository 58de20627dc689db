"""The API's one error handler, and the errors it and the pages share."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, Throttled, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from socialwork.constraints import violation_of

# Seconds a client is told to wait (Retry-After) when background work cannot be queued.
RETRY_AFTER = 60


class BackgroundUnavailable(Exception):
    """Work a person waits for could not be queued: the broker is down. Nothing was started; a
    page answers 503 with Retry-After, and so does the API."""

    message = _("The background service is unavailable; try again in a few minutes.")

    def __str__(self):
        return str(self.message)


class ServiceUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = BackgroundUnavailable.message
    default_code = "service_unavailable"
    wait = RETRY_AFTER  # DRF's handler turns it into the Retry-After header


class RateLimited(DjangoValidationError):
    """A service refuses because the person did this too often lately: a form shows it as an
    error, the API answers 429."""


def exception_handler(exc, context):
    """A service's ValidationError becomes a 400 with field errors, like a form's; a RateLimited
    one a 429 with its message; background work that could not be queued a 503 with Retry-After.
    A row the database refused for a named constraint is a 400 with the constraint's message on its
    field (socialwork.constraints: most arrive as ConstraintViolation already; this catches those
    raised outside a statement, such as at commit). A signed-in caller refused a record (403, or 404
    on a record's URL) is an audit row, as on the pages (socialwork.audit.refusal_record)."""
    from .audit import refusal_record

    refusal_record(context["request"], exc, view=context.get("view"))
    if isinstance(exc, IntegrityError) and not isinstance(exc, DjangoValidationError):
        exc = violation_of(exc) or exc
    if isinstance(exc, BackgroundUnavailable):
        exc = ServiceUnavailable()
    if isinstance(exc, RateLimited):
        exc = Throttled(detail=" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)
