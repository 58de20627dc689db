"""The API's one error handler, and the errors services raise beside ValidationError."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


class RateLimited(DjangoValidationError):
    """A service refuses because the person did this too often lately: a form shows it as an
    error, the API answers 429."""


def exception_handler(exc, context):
    """A service's ValidationError becomes a 400 with field errors, like a form's; a RateLimited
    one becomes a 429 with its message."""
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
