"""Nothing overwritten: an edit made on an older version of a record, checked field by field.

A follow-up, a plan task and a client carry a version, raised by one at every change
(casework.services.versions). A page that edits one (a field page on a phone that was offline, the
client's page open in two browsers, the API) sends, with the new values, the version it showed and
each field's value as shown (`base`). When the version is still the server's, the edit is applied
as any edit is. When it is older, each field is looked at alone:

- the person's value is the server's already, or the one they saw (they left the field as it
  was): nothing to do, the server's value stands;
- the server's value is still the one the person saw: the person's value is applied;
- the server's value changed since (someone else set it) and the person wants another: a conflict.
  The person's value is NOT applied; a FieldConflict keeps the value seen, the server's (with who
  set it and when) and the person's, until the person chooses.

Every value applied, now or at the choice, goes through the record's own service (client_update,
task_done or task_reopen, follow_up_record or follow_up_amend), with its rules and audit row.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import notifications
from casework.models import Case, Client, FieldConflict, FieldEntry, FollowUp, PlanTask
from casework.services.field import entry_once
from socialwork.models import AuditEntry
from socialwork.services import audit_record, notification_send

RECORDS = {"follow_up": FollowUp, "task": PlanTask, "client": Client}
# The audit rows of a client that change it (who set a value last), not those that read it.
CLIENT_CHANGES = (
    "client.register", "client.update", "client.merge", "client.merge_undo", "client.label", "client.unlabel",
    "client.consent_withdraw",
)  # fmt: skip


def as_shown(value) -> str:
    """A value as a page shows it and sends it back: how values are compared and kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value).strip()


def record_kind(record) -> str:
    for kind, model in RECORDS.items():
        if isinstance(record, model):
            return kind
    raise TypeError(f"{type(record).__name__} keeps no version")


def shown_values(record, names) -> dict[str, str]:
    """The record's fields as a page shows them: the `base_<field>` a form carries."""
    return {name: as_shown(_field(record, name).value_from_object(record)) for name in names}


def _field(record, name: str):
    return type(record)._meta.get_field(name)


def _value(record, name: str, text: str):
    """A value kept as shown, back to what the record's service takes."""
    model_field = _field(record, name)
    if text == "" and (model_field.null or model_field.is_relation):
        return None
    if model_field.is_relation:
        return model_field.related_model._default_manager.get(pk=text)
    return model_field.to_python(text)


def _apply(*, actor, record, values: dict, extra: dict | None = None):
    """Apply `values` to `record` through its own service."""
    from casework.services.cases import task_done, task_reopen
    from casework.services.clients import client_update
    from casework.services.followups import follow_up_amend, follow_up_record

    kind = record_kind(record)
    if kind == "client":
        return client_update(actor=actor, client=record, **values, **(extra or {}))
    if kind == "task":
        if "done_on" not in values:
            return record
        if values["done_on"] is None:
            return task_reopen(actor=actor, task=record)
        return task_done(actor=actor, task=record, done_on=values["done_on"])
    if record.done_on is None:
        return follow_up_record(
            actor=actor, follow_up=record, done_on=values.get("done_on"), result=values.get("result", ""),
            **(extra or {}),
        )  # fmt: skip
    return follow_up_amend(actor=actor, follow_up=record, **values)


def _case_of(record, *, actor) -> Case | None:
    kind = record_kind(record)
    if kind == "follow_up":
        return record.case
    if kind == "task":
        return record.plan.case
    cases = Case.objects.filter(case_clients__client=record, removed_at__isnull=True).order_by("-pk")
    return cases.filter(worker=actor).first() or cases.first()


def _set_by(record, case) -> tuple[object, datetime | None]:
    """Who set the record's values last, and when: the follow-up's recorder, else the last audit
    row of the record (a task's rows are on its case, naming the task)."""
    kind = record_kind(record)
    if kind == "follow_up" and record.done_by_id:
        return record.done_by, record.updated_at
    if kind == "task":
        rows = AuditEntry.objects.filter(
            action__in=("task.done", "task.reopen"), target_type="casework.case", target_id=str(case.pk),
            changes__task=record.pk,
        )  # fmt: skip
    else:
        rows = AuditEntry.objects.filter(
            action__in=CLIENT_CHANGES, target_type=record._meta.label_lower, target_id=str(record.pk)
        )
    row = rows.select_related("actor").order_by("-at", "-id").first()
    if row is None:
        return None, None
    return row.actor, row.at


@dataclass
class EditOutcome:
    """What became of an edit: the record as saved, and the fields that wait for a choice."""

    record: object
    conflicts: list[FieldConflict] = field(default_factory=list)
    entry: FieldEntry | None = None
    repeat: bool = False

    def get_absolute_url(self) -> str:
        if self.conflicts:
            return self.conflicts[0].get_absolute_url()
        url = getattr(self.record, "get_absolute_url", None)
        return url() if url else ""


def edit_checked(
    *, actor, record, version: int | None, base: dict[str, str], mine: dict, extra: dict | None = None,
) -> EditOutcome:  # fmt: skip
    """Apply an edit of `record` made on `version`, holding `mine` (field -> value) where the
    person saw `base` (field -> value as shown). On the record's current version (or without a
    version: an older client of the API) the edit is applied as it is. On an older one, each field
    the server changed since and the person wants otherwise is kept as a FieldConflict and not
    applied; the other fields are applied. `extra` goes to the service with the fields (a
    follow-up's method and questionnaire)."""
    kind = record_kind(record)
    with transaction.atomic():
        current = RECORDS[kind].objects.select_for_update().get(pk=record.pk)
        if version is None or int(version) == current.version:
            return EditOutcome(_apply(actor=actor, record=current, values=mine, extra=extra))
        now = shown_values(current, mine)
        apply, conflicting = {}, []
        for name, value in mine.items():
            wanted = as_shown(value)
            if wanted == now[name]:
                continue  # the same value: nothing to do, nothing to choose
            seen = base.get(name)
            if seen is not None and wanted == as_shown(seen):
                continue  # a field the person left as it was: the value saved meanwhile stands
            if seen is not None and as_shown(seen) == now[name]:
                apply[name] = value
            else:
                conflicting.append((name, wanted, "" if seen is None else as_shown(seen)))
        if conflicting:  # who set the values meanwhile, before this edit sets any
            case = _case_of(current, actor=actor)
            theirs_by, theirs_at = _set_by(current, case)
        if apply:
            current = _apply(actor=actor, record=current, values=apply, extra=extra)
        elif extra and kind == "client":  # its categories and household: no version of their own
            current = _apply(actor=actor, record=current, values={}, extra=extra)
        elif not conflicting and extra and kind == "follow_up" and current.done_on is None:
            current = _apply(actor=actor, record=current, values=mine, extra=extra)
        if not conflicting:
            return EditOutcome(current)
        conflicts = [
            FieldConflict.objects.create(
                case=case,
                **{kind: current},
                field=name,
                base_value=seen,
                theirs_value=now[name],
                theirs_by=theirs_by,
                theirs_at=theirs_at,
                mine_value=wanted,
                person=actor,
            )  # fmt: skip
            for name, wanted, seen in conflicting
        ]
        audit_record(
            actor=actor, action="field_conflict.keep", target=case or current,
            summary=str(case) if case else f"#{current.pk}",
            changes={"record": kind, "id": current.pk, "fields": [name for name, _w, _s in conflicting]},
        )  # fmt: skip
    return EditOutcome(current, conflicts)


def field_edit(
    *, actor, key, kind: str, record, version, base: dict[str, str], mine: dict, extra: dict | None = None,
) -> EditOutcome:  # fmt: skip
    """An edit sent from a field page, saved once for its entry key (casework.services.field):
    a repeated send makes nothing twice and answers as the first did (its conflicts included)."""
    with transaction.atomic():
        outcome, entry = entry_once(
            actor=actor, key=key, kind=kind,
            save=lambda: edit_checked(actor=actor, record=record, version=version, base=base, mine=mine,
                                      extra=extra),
        )  # fmt: skip
        if outcome is None:
            conflicts = list(FieldConflict.objects.filter(entry=entry).order_by("pk"))
            return EditOutcome(record, conflicts, entry=entry, repeat=True)
        if entry is not None and outcome.conflicts:
            FieldConflict.objects.filter(pk__in=[c.pk for c in outcome.conflicts]).update(entry=entry)
        outcome.entry = entry
    return outcome


CHOSEN = {
    FieldConflict.Choice.MINE: gettext_lazy(
        "Your change to a record of case %(number)s was replaced by another person's choice"
    ),
    FieldConflict.Choice.THEIRS: gettext_lazy(
        "Your change to a record of case %(number)s was kept after another person's edit"
    ),
}
CHOSEN_NO_CASE = {
    FieldConflict.Choice.MINE: gettext_lazy(
        "Your change to client record #%(id)s was replaced by another person's choice"
    ),
    FieldConflict.Choice.THEIRS: gettext_lazy(
        "Your change to client record #%(id)s was kept after another person's edit"
    ),
}


def conflict_resolve(*, actor, conflict: FieldConflict, choice: str) -> FieldConflict:
    """The person who sent the conflicting edit chooses: "mine" applies their value through the
    record's service on its current version, "theirs" keeps the server's. Either way both values
    stay on the conflict, the choice goes on the case's timeline and in the audit log, and the
    person whose value was replaced or kept is told (the case named by its number only)."""
    if choice not in FieldConflict.Choice.values:
        raise ValidationError({"choice": _("Choose which value to keep.")})
    with transaction.atomic():
        conflict = (
            FieldConflict.objects.select_for_update(of=("self",))
            .select_related("case", "follow_up", "task__plan__case", "client", "theirs_by")
            .get(pk=conflict.pk)
        )
        if conflict.person_id != actor.pk:
            raise ValidationError(_("Only the person who sent this edit chooses which value to keep."))
        if conflict.resolved_at is not None:
            raise ValidationError(_("This conflicting edit was resolved already."))
        record = conflict.record
        if choice == FieldConflict.Choice.MINE:
            _apply(
                actor=actor,
                record=record,
                values={conflict.field: _value(record, conflict.field, conflict.mine_value)},
            )
        conflict.resolved_at, conflict.resolved_by, conflict.choice = timezone.now(), actor, choice
        conflict.save(update_fields=["resolved_at", "resolved_by", "choice", "updated_at"])
        case = conflict.case
        audit_record(
            actor=actor, action="field_conflict.resolve", target=conflict, summary=str(case) if case else "",
            changes={"record": record_kind(record), "id": record.pk, "field": conflict.field, "choice": choice},
        )  # fmt: skip
        other = conflict.theirs_by
        if other is not None and other.is_active and other.pk != actor.pk:
            if case is not None:
                title = CHOSEN[choice] % {"number": case.number}
                url = case.get_absolute_url()
            else:
                title = CHOSEN_NO_CASE[choice] % {"id": record.pk}
                url = ""
            notification_send(
                user=other, kind=notifications.FIELD_CONFLICT, key=f"casework:field-conflict:{conflict.pk}",
                title=title, url=url,
            )  # fmt: skip
    return conflict


def conflicts_resolve(*, actor, conflicts, choices: dict[int, str]) -> list[FieldConflict]:
    """Several fields of one edit chosen at once (the conflict page): all or none."""
    with transaction.atomic():
        return [conflict_resolve(actor=actor, conflict=c, choice=choices.get(c.pk, "")) for c in conflicts]
