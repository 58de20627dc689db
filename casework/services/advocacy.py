"""Writes of policy advocacy: a problem found in casework, the proposal to a department, its
submission and the department's response.

A record is written by its author and by the station manager of its unit. Its evidence is the
cases linked to it, and only cases the writer can see are linked or unlinked; cases linked by
someone else stay linked. Audit rows name cases by id only."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import AdvocacyRecord, Case
from casework.selectors import advocacy_visible_to, cases_visible_to, station_of
from socialwork.roles import Role
from socialwork.services import apply_changes, audit_record

S = AdvocacyRecord.Status
RECORD_FIELDS = ("title", "problem", "evidence_note", "proposal", "department")
RESPONSE_STATUSES = (S.RESPONDED, S.ADOPTED, S.PARTLY_ADOPTED, S.NOT_ADOPTED)


def advocacy_may_write(user, record: AdvocacyRecord) -> bool:
    """The author and the station manager of the record's unit write it; others read it."""
    if not user.is_authenticated:
        return False
    if record.author_id == user.pk:
        return True
    return bool(user.unit_id) and user.unit_id == record.station_id and user.has_role(Role.STATION_MANAGER)


def _locked_record(*, actor, record: AdvocacyRecord) -> AdvocacyRecord:
    if not advocacy_visible_to(user=actor).filter(pk=record.pk).exists():
        raise ValidationError(_("This advocacy record is outside what you can see."))
    record = AdvocacyRecord.objects.select_for_update().get(pk=record.pk)
    if not advocacy_may_write(actor, record):
        raise ValidationError(_("Only the record's author or the station manager of its unit can do this."))
    return record


def _not_in_future(day: date | None, field: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


def _check_record(fields: dict) -> dict:
    fields = {name: (fields.get(name) or "").strip() for name in RECORD_FIELDS}
    required = {
        "title": _("Give the record a title."),
        "problem": _("Describe the problem found in casework."),
        "proposal": _("Write the proposal."),
        "department": _("Name the department the proposal goes to."),
    }
    missing = {name: message for name, message in required.items() if not fields[name]}
    if missing:
        raise ValidationError(missing)
    return fields


def _visible_cases(actor, cases) -> list[Case]:
    cases = list(cases)
    visible = set(
        cases_visible_to(user=actor).filter(pk__in=[case.pk for case in cases]).values_list("pk", flat=True)
    )
    if any(case.pk not in visible for case in cases):
        raise ValidationError({"cases": _("One of the cases is outside what you can see.")})
    return cases


def _relink(actor, record: AdvocacyRecord, cases: list[Case]) -> dict:
    """Make the cases the actor sees linked to the record exactly `cases`; keep the others."""
    visible = cases_visible_to(user=actor).values("pk")
    before = set(record.cases.filter(pk__in=visible).values_list("pk", flat=True))
    after = {case.pk for case in cases}
    record.cases.remove(*(before - after))
    record.cases.add(*(after - before))
    return {"linked": sorted(after - before), "unlinked": sorted(before - after)}


def advocacy_save(*, actor, record: AdvocacyRecord | None = None, cases=None, **fields) -> AdvocacyRecord:
    """Write a proposal drawn from casework: the problem, the evidence in words, the proposal and
    the department. A new record belongs to the author's station (or unit, outside the stations).
    It changes while it is being drafted. `cases`, when given, are the linked cases among those the
    author can see; all of them must be visible to the author."""
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"advocacy_save got unexpected fields: {sorted(unknown)}")
    if cases is not None:
        cases = _visible_cases(actor, cases)
    with transaction.atomic():
        if record is None:
            if not actor.has_perm("casework.add_advocacyrecord"):
                raise ValidationError(_("You may not write advocacy records."))
            unit = station_of(actor.unit) or actor.unit
            if unit is None:
                raise ValidationError(_("Only people who work in a service unit can write advocacy records."))
            record = AdvocacyRecord(station=unit, author=actor)
            action = "advocacy.create"
        else:
            record = _locked_record(actor=actor, record=record)
            if record.status != S.DRAFTING:
                raise ValidationError(_("This proposal was submitted; it no longer changes."))
            fields = {**{name: getattr(record, name) for name in RECORD_FIELDS}, **fields}
            action = "advocacy.update"
        diff = apply_changes(record, _check_record(fields))
        record.full_clean()
        record.save()
        if cases is not None:
            diff.update(_relink(actor, record, cases))
        audit_record(actor=actor, action=action, target=record, summary=record.title, changes=diff)
    return record


def advocacy_case_link(*, actor, record: AdvocacyRecord, number: str) -> Case:
    """Link a case, chosen by its number among the cases the actor can see, to the evidence."""
    number = (number or "").strip()
    case = cases_visible_to(user=actor).filter(number=number).first() if number else None
    if case is None:
        raise ValidationError({"number": _("None of the cases you can see has this number.")})
    with transaction.atomic():
        record = _locked_record(actor=actor, record=record)
        if record.cases.filter(pk=case.pk).exists():
            raise ValidationError({"number": _("This case is already linked.")})
        record.cases.add(case)
        audit_record(
            actor=actor,
            action="advocacy.case_link",
            target=record,
            summary=record.title,
            changes={"ids": [case.pk]},
        )
    return case


def advocacy_case_unlink(*, actor, record: AdvocacyRecord, case: Case) -> None:
    """Unlink a case the actor can see from the evidence."""
    if not cases_visible_to(user=actor).filter(pk=case.pk).exists():
        raise ValidationError(_("This case is outside what you can see."))
    with transaction.atomic():
        record = _locked_record(actor=actor, record=record)
        if not record.cases.filter(pk=case.pk).exists():
            raise ValidationError(_("This case is not linked."))
        record.cases.remove(case)
        audit_record(
            actor=actor,
            action="advocacy.case_unlink",
            target=record,
            summary=record.title,
            changes={"ids": [case.pk]},
        )


def advocacy_submit(*, actor, record: AdvocacyRecord, submitted_on: date | None = None) -> AdvocacyRecord:
    """Send the drafted proposal to its department, on a day not in the future."""
    submitted_on = submitted_on or timezone.localdate()
    _not_in_future(submitted_on, "submitted_on")
    with transaction.atomic():
        record = _locked_record(actor=actor, record=record)
        if record.status != S.DRAFTING:
            raise ValidationError(_("This proposal was already submitted."))
        record.status, record.submitted_on = S.SUBMITTED, submitted_on
        record.save(update_fields=["status", "submitted_on", "updated_at"])
        audit_record(
            actor=actor,
            action="advocacy.submit",
            target=record,
            summary=record.title,
            changes={"status": [S.DRAFTING, S.SUBMITTED]},
        )
    return record


def advocacy_record_response(
    *, actor, record: AdvocacyRecord, response: str, responded_on: date, status: str, outcome: str = ""
) -> AdvocacyRecord:
    """Record the department's response to a submitted proposal, the day it came (not before the
    submission, not in the future), what came of it and whether the proposal was adopted, partly
    adopted, not adopted or only answered. A later response replaces an earlier one."""
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Write the department's response.")})
    if status not in RESPONSE_STATUSES:
        raise ValidationError({"status": _("Choose whether the proposal was adopted.")})
    if responded_on is None:
        raise ValidationError({"responded_on": _("Say when the department responded.")})
    _not_in_future(responded_on, "responded_on")
    with transaction.atomic():
        record = _locked_record(actor=actor, record=record)
        if record.status == S.DRAFTING:
            raise ValidationError(_("Submit the proposal before recording a response."))
        if responded_on < record.submitted_on:
            raise ValidationError({"responded_on": _("The response cannot come before the submission.")})
        before = record.status
        apply_changes(
            record,
            {
                "response": response,
                "responded_on": responded_on,
                "outcome": (outcome or "").strip(),
                "status": status,
            },
        )
        record.save(update_fields=["response", "responded_on", "outcome", "status", "updated_at"])
        audit_record(
            actor=actor,
            action="advocacy.respond",
            target=record,
            summary=record.title,
            changes={"status": [before, status]},
        )
    return record
