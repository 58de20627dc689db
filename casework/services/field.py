"""Entries sent from the field, each saved exactly once.

A phone that lost its connection keeps what the worker recorded and sends it when the connection
returns, perhaps twice (the answer to the first send may be what was lost). Each entry carries a
key the phone made; `entry_once` saves the entry through the same service an online form calls,
and a second send with the same key finds the first and saves nothing.
"""

import uuid
from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casework import workflow
from casework.models import FieldEntry, HomeVisit
from socialwork.services import audit_record

from .cases import _locked_case, _not_in_future


def entry_key(value) -> uuid.UUID | None:
    """The entry's key as the phone sent it, or None when the form was sent without one (a page
    used online with scripts off: saved as any form is)."""
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError({"entry_key": _("This entry's key is not valid.")}) from None


def entry_once(
    *, actor, key, kind: str, save: Callable[[], object]
) -> tuple[object | None, FieldEntry | None]:
    """Run `save` (a service call returning the record it saved) once for the actor's entry `key`.
    Returns (record, entry) the first time and (None, the earlier entry) for a repeated send.
    Without a key, `save` runs as for any online form and no entry is kept. Whatever `save`
    refuses (a ValidationError, ActionNotAllowed) undoes the entry too, so the phone may send it
    again once the worker has decided what to do with it."""
    key = entry_key(key)
    if key is None:
        return save(), None
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry = FieldEntry.objects.create(user=actor, key=key, kind=kind)
        except IntegrityError:
            # Sent before (or being saved by a send still under way, which PostgreSQL's unique
            # index makes this one wait for): the earlier entry answers.
            return None, FieldEntry.objects.get(user=actor, key=key)
        record = save()
        url = getattr(record, "get_absolute_url", None)
        if url is not None:
            entry.url = url()
            entry.save(update_fields=["url"])
        return record, entry


def home_visit_add(
    *, actor, case, visited_on: date, people_present: str, observations: str, needs_found: str = "",
    next_step: str = "",
) -> HomeVisit:  # fmt: skip
    """Record a home visit (入户走访): who was there, what was seen, the needs found and the next
    step. The same rule as a service note: whoever may add a note to the case (its team, the case
    open, the client's consent held), on a day not in the future nor before the intake."""
    people_present, observations = (people_present or "").strip(), (observations or "").strip()
    if visited_on is None:
        raise ValidationError({"visited_on": _("Say when the visit took place.")})
    if not people_present:
        raise ValidationError({"people_present": _("Say who was present.")})
    if not observations:
        raise ValidationError({"observations": _("Write what you observed.")})
    _not_in_future(visited_on, "visited_on")
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "note_add")
        if visited_on < case.intake_on:
            raise ValidationError({"visited_on": _("A visit cannot come before the intake date.")})
        visit = HomeVisit.objects.create(
            case=case, visited_on=visited_on, people_present=people_present, observations=observations,
            needs_found=(needs_found or "").strip(), next_step=(next_step or "").strip(), author=actor,
        )  # fmt: skip
        audit_record(actor=actor, action="home_visit.add", target=case, summary=str(case))
    return visit
