"""A client's personal information requests (个人信息保护法 arts. 15, 44-48): registered by the
station manager of the client's station with the day received and the day the answer is due,
assigned to someone who sees the client, answered or refused, then closed. Each step is one
transaction with its step on the request's timeline, its audit row and a notification to the people
concerned; the steps open to a person are casework.workflow's REQUEST_STEPS.

Answering carries the request out: a copy (or access) attaches the client's subject export; a
deletion removes the client through `client_remove` and records what is deleted and what the law
keeps; a withdrawal of consent sets the client's `consent_withdrawn_on`, which stops new work on
their cases (casework.workflow.CONSENT_HELD) and new cases for them (`case_open`)."""

import json
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import notifications, workflow
from casework.models import (
    Case,
    CaseworkPolicy,
    Client,
    SubjectRequest,
    SubjectRequestPolicy,
    SubjectRequestStep,
)
from casework.selectors import (
    clients_visible_to,
    district_administrators_over,
    subject_request_clients,
    subject_request_may_register,
    subject_requests_visible_to,
)
from casework.services.versions import version_raise
from socialwork.models import AuditEntry
from socialwork.roles import Role
from socialwork.services import apply_changes, audit_record, notification_send

KIND = notifications.SUBJECT_REQUEST
K = SubjectRequest.Kind
WITH_COPY = (K.ACCESS, K.COPY)


# The deadline


def _days(values) -> set[date]:
    return {date.fromisoformat(value) for value in values or ()}


def working_days_after(start: date, count: int, *, policy: SubjectRequestPolicy | None = None) -> date:
    """The `count`-th working day after `start`: Monday to Friday, less the policy's public
    holidays, plus the weekend days it lists as worked (调休)."""
    policy = policy or SubjectRequestPolicy.current()
    holidays, worked = _days(policy.holidays), _days(policy.working_weekend_days)
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        if day in worked or (day.weekday() < 5 and day not in holidays):
            left -= 1
    return day


def _dates(values, field: str) -> list[str]:
    days = []
    for value in values or ():
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(
                {field: _("“%(value)s” is not a date; write it as 2026-10-01.") % {"value": value}}
            ) from None
        days.append(day)
    return sorted({day.isoformat() for day in days})


def subject_request_policy_update(
    *, actor, answer_working_days: int, holidays=(), working_weekend_days=()
) -> SubjectRequestPolicy:
    """The district sets how many working days a request takes to answer (1 to 30: the law asks
    for a timely answer) and lists its public holidays and the weekend days worked (调休). A
    worked day must fall on a weekend and a holiday on a weekday. Requests already registered
    keep their day."""
    if not (actor.is_district_wide and actor.has_perm("casework.change_subjectrequestpolicy")):
        raise ValidationError(_("Only district administrators set the personal information requests policy."))
    if not 1 <= answer_working_days <= 30:
        raise ValidationError(
            {"answer_working_days": _("A request is answered within 1 to 30 working days.")}
        )
    holidays = _dates(holidays, "holidays")
    worked = _dates(working_weekend_days, "working_weekend_days")
    if weekend := [day for day in holidays if date.fromisoformat(day).weekday() >= 5]:
        raise ValidationError(
            {"holidays": _("These days are weekends already: %(days)s.") % {"days": ", ".join(weekend)}}
        )
    if weekday := [day for day in worked if date.fromisoformat(day).weekday() < 5]:
        raise ValidationError(
            {
                "working_weekend_days": _("These days are not weekends: %(days)s.")
                % {"days": ", ".join(weekday)}
            }
        )
    with transaction.atomic():
        policy = SubjectRequestPolicy.objects.select_for_update().get(pk=SubjectRequestPolicy.current().pk)
        diff = apply_changes(
            policy,
            {
                "answer_working_days": answer_working_days,
                "holidays": holidays,
                "working_weekend_days": worked,
            },
        )
        policy.save()
        audit_record(actor=actor, action="subject_request_policy.update", target=policy, changes=diff)
    return policy


# Telling the people concerned


def _tell(people, *, request: SubjectRequest, step: str, title) -> None:
    told = set()
    for person in people:
        if person is None or not person.is_active or person.pk in told:
            continue
        told.add(person.pk)
        notification_send(
            user=person, kind=KIND, key=f"casework:subject-request:{request.pk}:{step}:{person.pk}",
            title=title, url=request.get_absolute_url(),
        )  # fmt: skip


def _words(request: SubjectRequest) -> dict:
    return {"kind": request.get_kind_display(), "number": request.pk, "day": request.due_on.isoformat()}


def _step(request: SubjectRequest, *, actor, action: str, note: str = "", changes=None) -> None:
    """The request's own timeline and the audit log, for one step. The audit row names the client
    by number only."""
    SubjectRequestStep.objects.create(request=request, action=action, actor=actor, note=note[:500])
    audit_record(
        actor=actor, action=f"subject_request.{action}", target=request, summary=f"#{request.pk}",
        changes={"client": request.client_number, "kind": request.kind, **(changes or {})},
    )  # fmt: skip


# The steps


def subject_request_register(
    *, actor, client: Client, kind: str, channel: str, received_on: date, details: str = ""
) -> SubjectRequest:
    """The station manager registers a request of a client of their station: the day received
    (not in the future, nor more than a month back) sets the day the answer is due, the policy's
    number of working days later. The district administrators over the station are told."""
    if not subject_request_may_register(actor):
        raise ValidationError(_("Only the station manager of the client's station registers their requests."))
    errors = {}
    today = timezone.localdate()
    if received_on > today:
        errors["received_on"] = _("A request cannot be received in the future.")
    elif received_on < today - timedelta(days=31):
        errors["received_on"] = _("Register a request within a month of receiving it.")
    if kind not in K.values:
        errors["kind"] = _("Choose what the client asks for.")
    if channel not in SubjectRequest.Channel.values:
        errors["channel"] = _("Choose how the request was received.")
    if errors:
        raise ValidationError(errors)
    if not subject_request_clients(user=actor).filter(pk=client.pk).exists():
        raise ValidationError({"client": _("This client is not one of your station's clients.")})
    policy = SubjectRequestPolicy.current()
    with transaction.atomic():
        request = SubjectRequest.objects.create(
            client=client, client_number=client.pk, station_id=client.station_id, kind=kind, channel=channel,
            received_on=received_on, details=(details or "").strip(), registered_by=actor,
            due_on=working_days_after(received_on, policy.answer_working_days, policy=policy),
        )  # fmt: skip
        _step(request, actor=actor, action="register", changes={"due_on": request.due_on.isoformat()})
        district = district_administrators_over(client.station.region)
        title = gettext_lazy("Personal information request #%(number)s (%(kind)s) registered, due %(day)s")
        _tell(district, request=request, step="register", title=title % _words(request))
    return request


def _locked(*, actor, request: SubjectRequest, action: str) -> SubjectRequest:
    """The request, locked, once the actor may take the step on it (casework.workflow)."""
    if not subject_requests_visible_to(user=actor).filter(pk=request.pk).exists():
        raise ValidationError(_("This request is outside what you can see."))
    request = (
        SubjectRequest.objects.select_for_update(of=("self",))
        .select_related("client", "station__region", "registered_by", "assignee")
        .get(pk=request.pk)
    )
    workflow.require(actor, request, action)
    return request


def subject_request_assign(*, actor, request: SubjectRequest, assignee) -> SubjectRequest:
    """The station manager or a district administrator assigns an open request to a person who
    sees the client; a deletion only to a station manager of the client's station, who alone may
    remove the client. The person is told."""
    with transaction.atomic():
        request = _locked(actor=actor, request=request, action="request_assign")
        if assignee is None or not assignee.is_active:
            raise ValidationError({"assignee": _("Choose the person who answers the request.")})
        if (
            request.client is None
            or not clients_visible_to(user=assignee).filter(pk=request.client_id).exists()
        ):
            raise ValidationError(
                {"assignee": _("%(person)s does not see this client.") % {"person": assignee}}
            )
        manager = assignee.unit_id == request.station_id and assignee.has_role(Role.STATION_MANAGER)
        if request.kind == K.DELETION and not manager:
            raise ValidationError(
                {
                    "assignee": _(
                        "A deletion is answered by the station manager: only they may remove the client."
                    )
                }
            )
        request.assignee, request.status = assignee, SubjectRequest.Status.ASSIGNED
        request.save(update_fields=["assignee", "status", "updated_at"])
        _step(request, actor=actor, action="assign", note=str(assignee), changes={"assignee": assignee.pk})
        title = gettext_lazy(
            "Personal information request #%(number)s (%(kind)s) is yours to answer by %(day)s"
        )
        _tell([assignee], request=request, step=f"assign:{assignee.pk}", title=title % _words(request))
    return request


def deletion_report(client: Client, *, on: date | None = None) -> dict:
    """What removing this client deletes and what is kept, and why, read from what is held about
    them now: every kind of record linked to the client is counted and given its fate. Stored
    on the answer as codes and numbers; the page puts them in words."""
    on = on or timezone.localdate()
    retention = CaseworkPolicy.at(client.station.region).retention_days
    erase_on = on + timedelta(days=retention)
    cases = Case.objects.filter(case_clients__client=client, removed_at__isnull=True).prefetch_related(
        "case_clients__client"
    )
    only_theirs, shared = [], []
    for case in cases:
        others = [link for link in case.case_clients.all() if link.client_id != client.pk]
        (shared if any(link.client.removed_at is None for link in others) else only_theirs).append(
            case.number
        )
    items = [
        {"part": "client", "count": 1, "fate": "removed"},
        {"part": "household", "count": client.household.count(), "fate": "removed"},
        {"part": "categories", "count": client.categories.count(), "fate": "removed"},
        {"part": "groups", "count": client.group_memberships.count(), "fate": "removed"},
        {"part": "pairings", "count": client.pairings.count(), "fate": "removed"},
        {
            "part": "cases_only_theirs",
            "count": len(only_theirs),
            "numbers": sorted(only_theirs),
            "fate": "kept_until",
        },
        {"part": "cases_shared", "count": len(shared), "numbers": sorted(shared), "fate": "kept"},
        {
            "part": "audit",
            "count": AuditEntry.objects.filter(
                target_type=client._meta.label_lower, target_id=str(client.pk)
            ).count(),
            "fate": "kept",
        },
        {"part": "requests", "count": client.subject_requests.count(), "fate": "kept"},
    ]
    known = {"household", "categories", "group_memberships", "pairings", "case_links", "cases",
             "caseload_entries", "subject_requests"}  # fmt: skip
    # Records another part of the system links to the client that this report does not know of.
    for relation in client._meta.related_objects:
        if relation.get_accessor_name() not in known:
            count = getattr(client, relation.get_accessor_name()).count()
            if count:
                items.append(
                    {"part": relation.related_model._meta.label_lower, "count": count, "fate": "kept"}
                )
    return {
        "removed_on": on.isoformat(),
        "erase_on": erase_on.isoformat(),
        "retention_days": retention,
        "items": [item for item in items if item["count"] or item["part"] == "client"],
    }


def _carry_out(*, actor, request: SubjectRequest, answer: str) -> dict:
    """What answering does to the client, by kind: the fields to save on the request."""
    client = request.client
    if request.kind in WITH_COPY:
        from casework.services.clients import client_subject_export

        data = client_subject_export(actor=actor, client=client)
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
        request.copy_file.save(
            f"request-{request.pk}-client-{client.pk}.json", ContentFile(content), save=False
        )
        return {"copy_file": request.copy_file.name}
    if request.kind == K.DELETION:
        from casework.services.clients import client_remove

        report = deletion_report(client)
        client_remove(actor=actor, client=client, reason=_("Personal information request #%(number)s") % {
            "number": request.pk})  # fmt: skip
        request.deletion_report = report
        return {"deletion_report": report["erase_on"]}
    if request.kind == K.WITHDRAWAL:
        locked = Client.objects.select_for_update().get(pk=client.pk)
        if locked.consent_withdrawn_on is None:
            locked.consent_withdrawn_on = request.received_on
            locked.save(update_fields=["consent_withdrawn_on", "updated_at", *version_raise(locked)])
            audit_record(
                actor=actor, action="client.consent_withdraw", target=locked, summary=f"#{locked.pk}",
                changes={"request": request.pk, "on": request.received_on.isoformat()},
            )  # fmt: skip
        return {"consent_withdrawn_on": locked.consent_withdrawn_on.isoformat()}
    return {}


def subject_request_answer(*, actor, request: SubjectRequest, answer: str) -> SubjectRequest:
    """The person assigned answers the request, in words the client is given, and the answer is
    carried out: a copy or access attaches the client's subject export (audited as such); a
    deletion removes the client (`client_remove`: refused while a case of theirs is open) and
    keeps the report of what is deleted and what the law keeps; a withdrawal of consent marks the
    client, which stops new work on their cases. A correction is made on the client's record
    before answering. The one who registered it is told."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer given to the client.")})
    with transaction.atomic():
        request = _locked(actor=actor, request=request, action="request_answer")
        if request.client is None or not clients_visible_to(user=actor).filter(pk=request.client_id).exists():
            raise ValidationError(
                _("This client is no longer on record; refuse the request with the reason.")
            )
        done = _carry_out(actor=actor, request=request, answer=answer)
        request.answer, request.answered_on = answer, timezone.localdate()
        request.status = SubjectRequest.Status.ANSWERED
        request.save()
        _step(request, actor=actor, action="answer", note=answer, changes=done)
        title = gettext_lazy("Personal information request #%(number)s (%(kind)s) was answered")
        _tell([request.registered_by], request=request, step="answer", title=title % _words(request))
    return request


def subject_request_refuse(*, actor, request: SubjectRequest, reason: str) -> SubjectRequest:
    """An open request is refused, with the reason the client is given (the person's identity
    could not be verified, the data is not held, the law requires otherwise: PIPL art. 50). The
    one who registered it and the one it was assigned to are told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the request is refused.")})
    with transaction.atomic():
        request = _locked(actor=actor, request=request, action="request_refuse")
        request.status, request.refusal_reason = SubjectRequest.Status.REFUSED, reason[:500]
        request.answered_on = timezone.localdate()
        request.save(update_fields=["status", "refusal_reason", "answered_on", "updated_at"])
        _step(request, actor=actor, action="refuse", note=reason)
        title = gettext_lazy("Personal information request #%(number)s (%(kind)s) was refused")
        _tell(
            [request.registered_by, request.assignee],
            request=request,
            step="refuse",
            title=title % _words(request),
        )
    return request


def subject_request_close(*, actor, request: SubjectRequest, note: str = "") -> SubjectRequest:
    """The station manager or a district administrator closes an answered request once the client
    has had the answer. The one who answered is told."""
    with transaction.atomic():
        request = _locked(actor=actor, request=request, action="request_close")
        request.status = SubjectRequest.Status.CLOSED
        request.save(update_fields=["status", "updated_at"])
        _step(request, actor=actor, action="close", note=(note or "").strip())
        title = gettext_lazy("Personal information request #%(number)s (%(kind)s) was closed")
        _tell([request.assignee], request=request, step="close", title=title % _words(request))
    return request


def subject_request_copy_record(*, actor, request: SubjectRequest) -> None:
    """Write who downloaded the copy of a client's personal information attached to a request."""
    audit_record(
        actor=actor, action="subject_request.copy_download", target=request, summary=f"#{request.pk}",
        changes={"client": request.client_number},
    )  # fmt: skip
