"""How a field form answers the phone's background send.

A field page's form posts as any form does. When the phone sends an entry it kept while offline,
it posts the same fields to the same address with the header `X-Field-Sync: 1` and reads a JSON
answer instead of a page:

- 200 {"status": "saved", "url": ..., "repeat": false|true}: saved now, or saved by an earlier
  send of the same key (repeat).
- 409 {"status": "conflict", "url": ..., "message": ...}: saved, but some fields changed on the
  server meanwhile and wait for the worker's choice on the page at `url`.
- 422 {"status": "refused", "message": ..., "errors": {field: [message, ...]}}: not saved, with
  the reason in the worker's language (the case was transferred or closed, a field is wrong); a
  field is named by its label on the form.

Anything else (a login page, 403, 5xx, no answer) means "not sent yet": the phone keeps the entry.
"""

from django.core.exceptions import ValidationError
from django.http import JsonResponse

from socialwork.pages import refusal_text

SYNC_HEADER = "X-Field-Sync"


def is_sync(request) -> bool:
    return request.headers.get(SYNC_HEADER) == "1"


def saved(*, url: str = "", repeat: bool = False) -> JsonResponse:
    return JsonResponse({"status": "saved", "url": url, "repeat": repeat})


def conflict(*, url: str, message: str) -> JsonResponse:
    return JsonResponse({"status": "conflict", "url": url, "message": str(message)}, status=409)


def refused_by(error: Exception, *, form=None) -> JsonResponse:
    """The answer to an entry a service refused (a ValidationError, or an ActionNotAllowed): its
    sentence, and its messages per field when it has them."""
    errors = (
        error.message_dict if isinstance(error, ValidationError) and hasattr(error, "error_dict") else None
    )
    return refused(message=refusal_text(error), errors=errors, form=form)


def refused(*, message: str, errors: dict | None = None, form=None) -> JsonResponse:
    """Not saved, with the reasons. With the `form` the entry filled, each field's errors are
    given under the field's label as the form shows it (the phone shows them to the worker), not
    its name; "__all__" stays for what concerns the whole entry."""
    labels = {name: str(field.label) for name, field in form.fields.items() if field.label} if form else {}
    plain = {
        labels.get(field, field): [str(text) for text in texts] for field, texts in (errors or {}).items()
    }
    return JsonResponse({"status": "refused", "message": str(message), "errors": plain}, status=422)
