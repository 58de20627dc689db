"""Security labels (安全标记) and break-glass. A label narrows who sees a case or a client to the
people doing the work (casework.selectors.case_scope, client_scope); break-glass lets a station
manager or a district administrator open a labelled case for a few hours, giving a reason.

The rules, as a bureau keeps them:
- The assigned worker or the supervisor labels a case or a client: whoever first sees the danger
  protects the record at once. Only the supervisor removes a label, with a reason: lifting a
  protection takes a second, senior look.
- A label covers the person: labelling a case labels its clients, labelling a client labels
  their open and closed cases, and a case opened for a labelled client starts labelled. So a
  labelled person's name never shows on a case page or list someone else may still open. A
  case's label is removed only once none of its clients is labelled.
- Break-glass is open to the station manager of the case's station and to the district
  administrators of its district, for `CaseworkPolicy.break_glass_hours`; it is audited, and the
  case's worker and supervisor and the auditors over the station are told at once.
Each step is one transaction with its audit row and its LabelChange (shown on the timeline)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import notifications, workflow
from casework.models import BreakGlass, Case, CaseworkPolicy, Client, LabelChange, LabelReason
from casework.selectors import break_glass_case_in_reach, cases_visible_to, clients_visible_to, people_over
from casework.services.versions import version_raise
from socialwork.roles import Role
from socialwork.services import audit_record, notification_send


def _checked_reason(reason: str, note: str) -> tuple[str, str]:
    note = (note or "").strip()
    if reason not in LabelReason.values:
        raise ValidationError({"reason": _("Choose why the record is labelled.")})
    if reason == LabelReason.OTHER and not note:
        raise ValidationError({"note": _("Say in the note why the record is labelled.")})
    return reason, note[:200]


def _tell(people, *, actor, kind: str, key: str, title, url: str = "") -> None:
    told = set()
    for person in people:
        if person is None or not person.is_active or person.pk in told or person.pk == actor.pk:
            continue
        told.add(person.pk)
        notification_send(user=person, kind=kind, key=f"{key}:{person.pk}", title=title, url=url)


def _label(record, *, actor, reason: str, note: str, action: str) -> LabelChange | None:
    """Label one case or client (locked by the caller); None when it already was."""
    if record.sensitive:
        return None
    record.sensitive, record.label_reason, record.label_note = True, reason, note
    record.save(
        update_fields=["sensitive", "label_reason", "label_note", "updated_at", *version_raise(record)]
    )
    where = {"case": record} if isinstance(record, Case) else {"client": record}
    change = LabelChange.objects.create(**where, sensitive=True, reason=reason, note=note, actor=actor)
    # A client's row names them by id only, as every audit row of a client does.
    audit_record(actor=actor, action=action, target=record, summary=str(record) if isinstance(record, Case) else "",
                 changes={"reason": reason})  # fmt: skip
    return change


def _locked_case(*, actor, case: Case) -> Case:
    if not cases_visible_to(user=actor).filter(pk=case.pk).exists():
        raise ValidationError(_("This case is outside what you can see."))
    return Case.objects.select_for_update(of=("self",)).select_related("worker", "supervisor").get(pk=case.pk)


def _locked_client(*, actor, client: Client) -> Client:
    if not clients_visible_to(user=actor).filter(pk=client.pk).exists():
        raise ValidationError(_("This client is outside what you can see."))
    return Client.objects.select_for_update().get(pk=client.pk)


def case_label_set(*, actor, case: Case, reason: str, note: str = "") -> Case:
    """The case's worker or supervisor labels it sensitive, with a reason (and a note for
    "other"); its clients are labelled with it. The other of the two is told."""
    reason, note = _checked_reason(reason, note)
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "label_set")
        change = _label(case, actor=actor, reason=reason, note=note, action="case.label")
        for client in Client.objects.select_for_update().filter(
            case_links__case=case, removed_at__isnull=True
        ):
            _label(client, actor=actor, reason=reason, note=note, action="client.label")
        if change is not None:
            _tell([case.worker, case.supervisor], actor=actor, kind=notifications.LABEL,
                  key=f"casework:label:{change.pk}",
                  title=gettext_lazy("Case %(number)s was labelled sensitive") % {"number": case.number},
                  url=case.get_absolute_url())  # fmt: skip
    return case


def case_label_remove(*, actor, case: Case, reason: str) -> Case:
    """The case's supervisor removes its label, saying why; not while a client of the case is
    labelled (their label covers the case: casework.workflow's NO_CLIENT_LABELLED). The worker is
    told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the label is removed.")})
    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "label_remove")
        case.sensitive, case.label_reason, case.label_note = False, "", ""
        case.save(update_fields=["sensitive", "label_reason", "label_note", "updated_at"])
        change = LabelChange.objects.create(case=case, sensitive=False, note=reason[:200], actor=actor)
        audit_record(
            actor=actor, action="case.unlabel", target=case, summary=str(case), changes={"reason": reason}
        )
        _tell([case.worker, case.supervisor], actor=actor, kind=notifications.LABEL,
              key=f"casework:label:{change.pk}",
              title=gettext_lazy("The security label of case %(number)s was removed") % {"number": case.number},
              url=case.get_absolute_url())  # fmt: skip
    return case


def client_label_set(*, actor, client: Client, reason: str, note: str = "") -> Client:
    """The worker or supervisor of one of the client's cases labels the client sensitive; every
    case of theirs is labelled with them."""
    reason, note = _checked_reason(reason, note)
    with transaction.atomic():
        client = _locked_client(actor=actor, client=client)
        workflow.require(actor, client, "client_label_set")
        _label(client, actor=actor, reason=reason, note=note, action="client.label")
        cases = Case.objects.select_for_update(of=("self",)).filter(
            case_clients__client=client, removed_at__isnull=True
        )
        for case in cases.select_related("worker", "supervisor"):
            change = _label(case, actor=actor, reason=reason, note=note, action="case.label")
            if change is not None:
                _tell([case.worker, case.supervisor], actor=actor, kind=notifications.LABEL,
                      key=f"casework:label:{change.pk}",
                      title=gettext_lazy("Case %(number)s was labelled sensitive") % {"number": case.number},
                      url=case.get_absolute_url())  # fmt: skip
    return client


def client_label_remove(*, actor, client: Client, reason: str) -> Client:
    """The supervisor of one of the client's cases removes the client's label, saying why. Their
    cases keep theirs until the supervisor removes it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the label is removed.")})
    with transaction.atomic():
        client = _locked_client(actor=actor, client=client)
        workflow.require(actor, client, "client_label_remove")
        client.sensitive, client.label_reason, client.label_note = False, "", ""
        client.save(
            update_fields=["sensitive", "label_reason", "label_note", "updated_at", *version_raise(client)]
        )
        LabelChange.objects.create(client=client, sensitive=False, note=reason[:200], actor=actor)
        audit_record(actor=actor, action="client.unlabel", target=client, changes={"reason": reason})
    return client


def case_label_follow_clients(*, actor, case: Case) -> None:
    """A case opened for a labelled client starts labelled, with the client's reason. Called by
    `case_open` inside its transaction."""
    client = case.clients.filter(sensitive=True).order_by("pk").first()
    if client is not None:
        _label(case, actor=actor, reason=client.label_reason, note=client.label_note, action="case.label")


def break_glass_open(*, actor, case_number: str = "", case: Case | None = None, reason: str) -> BreakGlass:
    """A station manager or a district administrator opens a labelled case of their place by giving
    a reason, for the policy's hours. An unknown number, a case outside their place and one that is
    not labelled get the same answer. The worker, the supervisor and the auditors over the case's
    station are told at once."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you must open this case.")})
    found = break_glass_case_in_reach(
        user=actor, number=case_number, pk=case.pk if case is not None else None
    )
    if found is None:
        raise ValidationError({"case_number": _("No labelled case with this number is in your place.")})
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("station__region", "worker", "supervisor")
            .get(pk=found.pk)
        )
        hours = CaseworkPolicy.at(case.station.region).break_glass_hours
        opened = BreakGlass.objects.create(
            case=case, user=actor, reason=reason[:500], expires_at=timezone.now() + timedelta(hours=hours)
        )
        audit_record(
            actor=actor, action="case.break_glass", target=case, summary=str(case),
            changes={"break_glass": opened.pk, "until": opened.expires_at.isoformat(), "reason": reason},
        )  # fmt: skip
        values = {"user": actor, "number": case.number, "hours": hours}
        title = (
            gettext_lazy("%(user)s opened labelled case %(number)s in an emergency, for %(hours)d hours")
            % values
        )
        key = f"casework:break-glass:{opened.pk}"
        _tell([case.worker, case.supervisor], actor=actor, kind=notifications.BREAK_GLASS, key=key,
              title=title, url=case.get_absolute_url())  # fmt: skip
        # The auditors read the audit log, not the case: their link goes to the log's rows of it.
        _tell(people_over(case.station.region, Role.AUDITOR), actor=actor, kind=notifications.BREAK_GLASS,
              key=key, title=title, url=_audit_url(case))  # fmt: skip
    return opened


def _audit_url(case: Case) -> str:
    from django.urls import reverse

    return reverse("admin:socialwork_auditentry_changelist") + f"?q={case.number}"
