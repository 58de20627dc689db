"""Merging two client records of the same person, safely.

A suspected duplicate is sent for merging by the station that registered it (or by the worker
whose intake flagged it); a district administrator proposes the merge: which record is kept, which
values the kept record takes from the merged one, and why they are the same person. A second
district administrator, not the proposer, approves or rejects it. Approving merges in one
transaction, recording what moved (ids per relation) in `ClientMerge.moved` and the kept record's
replaced values (encrypted) in `before_text`; undoing puts each back. Every step is audited and
told to the people concerned. A merge never widens who sees what: the kept record keeps the
stricter label, and the cases carry their own workers, stations and grants with them."""

import json
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import notifications
from casework.merge_selectors import (
    OPEN,
    merge_candidates,
    merge_client_in_reach,
    merge_may_decide,
    merge_may_send,
    merges_visible_to,
)
from casework.models import (
    Case,
    CaseClient,
    CaseworkPolicy,
    Client,
    ClientMerge,
    GroupMember,
    HouseholdMember,
    LabelChange,
    SubjectRequest,
    VolunteerPairing,
)
from casework.models.merges import MERGE_FIELDS
from casework.selectors import clients_visible_to, district_administrators_over
from casework.services.caseload import caseload_refresh
from casework.services.cases import _note_clients_elsewhere
from casework.services.labels import _label
from casework.services.tallies import served_refresh
from casework.services.versions import version_raise
from socialwork.roles import Role
from socialwork.services import audit_record, notification_send

KIND = notifications.MERGE
# The ID number brings its own date of birth and gender (socialwork.idnumbers.identity).
FOLLOWS = {"id_number": ("birth_date", "gender")}


def _tell(people, *, actor, key: str, title, url: str = "") -> None:
    told = set()
    for person in people:
        if person is None or not person.is_active or person.pk in told or person.pk == actor.pk:
            continue
        told.add(person.pk)
        notification_send(user=person, kind=KIND, key=f"{key}:{person.pk}", title=title, url=url)


def _merges_url() -> str:
    from django.urls import reverse

    return reverse("casework:merge_list")


def _reason(text: str, field: str = "reason", message=None) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message or _("Say why these two records are the same person.")})
    return text[:500]


def merge_send(*, actor, client: Client, reason: str) -> ClientMerge:
    """Send a suspected duplicate for merging: the station manager of the station that registered
    the client, or the worker whose intake found the person known elsewhere. The district
    administrators over the station are told; they find the other record and propose the merge."""
    reason = _reason(reason)
    with transaction.atomic():
        if not clients_visible_to(user=actor).filter(pk=client.pk).exists():
            raise ValidationError(_("This client is outside what you can see."))
        client = Client.objects.select_for_update().select_related("station__region").get(pk=client.pk)
        if not merge_may_send(actor, client):
            raise ValidationError(_("Only the station that registered the client sends them for merging."))
        if ClientMerge.objects.filter(merged=client, status__in=OPEN).exists():
            raise ValidationError(_("This record is already waiting to be merged."))
        merge = ClientMerge.objects.create(
            status=ClientMerge.Status.SENT, merged=client, merged_ref=client.pk, reason=reason, sent_by=actor
        )
        audit_record(
            actor=actor, action="client.merge_send", target=merge, summary=f"#{client.pk}",
            changes={"client": client.pk},
        )  # fmt: skip
        _tell(
            district_administrators_over(client.station.region), actor=actor, key=f"casework:merge-sent:{merge.pk}",
            title=gettext_lazy("Client record #%(id)s was sent for merging") % {"id": client.pk},
            url=merge.get_absolute_url(),
        )  # fmt: skip
    return merge


def _checked_fields(take_from_merged) -> list[str]:
    fields = sorted(set(take_from_merged or ()))
    unknown = [name for name in fields if name not in MERGE_FIELDS]
    if unknown:
        raise ValidationError(
            {"take_from_merged": _("These are not fields of a client: %s") % ", ".join(unknown)}
        )
    return fields


def merge_propose(
    *, actor, kept_id, merged_id, reason: str, take_from_merged=(), merge: ClientMerge | None = None
) -> ClientMerge:
    """A district administrator proposes merging the record `merged_id` into `kept_id`, both live
    clients of their district, saying why they are the same person and which values the kept
    record takes from the merged one. A record sent for merging (`merge`) becomes this proposal.
    The other district administrators over both stations are told: one of them decides."""
    if not merge_may_decide(actor):
        raise ValidationError(_("Only district administrators propose merging client records."))
    reason = _reason(reason)
    fields = _checked_fields(take_from_merged)
    kept = merge_client_in_reach(user=actor, pk=kept_id)
    merged = merge_client_in_reach(user=actor, pk=merged_id)
    errors = {}
    if kept is None:
        errors["kept_id"] = _("No client with this number is on record in your district.")
    if merged is None:
        errors["merged_id"] = _("No client with this number is on record in your district.")
    if errors:
        raise ValidationError(errors)
    if kept.pk == merged.pk:
        raise ValidationError({"merged_id": _("A record is not merged into itself.")})
    with transaction.atomic():
        Client.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk]).order_by("pk").exists()
        waiting = ClientMerge.objects.filter(status__in=OPEN).filter(
            Q(merged__in=[kept, merged]) | Q(kept__in=[kept, merged])
        )
        if merge is not None:
            merge = ClientMerge.objects.select_for_update().get(pk=merge.pk)
            if (
                merge.status != ClientMerge.Status.SENT
                or not merges_visible_to(user=actor).filter(pk=merge.pk).exists()
            ):
                raise ValidationError(_("This record is no longer waiting to be proposed for merging."))
            waiting = waiting.exclude(pk=merge.pk)
        if waiting.exists():
            raise ValidationError(_("One of these records is already waiting to be merged."))
        merge = merge or ClientMerge()
        merge.kept, merge.merged, merge.merged_ref = kept, merged, merged.pk
        merge.status, merge.reason, merge.take_from_merged = ClientMerge.Status.PROPOSED, reason, fields
        merge.proposed_by, merge.proposed_at = actor, timezone.now()
        merge.full_clean(exclude=["moved", "before_text"])
        merge.save()
        audit_record(
            actor=actor, action="client.merge_propose", target=merge, summary=f"#{merged.pk} → #{kept.pk}",
            changes={"kept": kept.pk, "merged": merged.pk, "take_from_merged": fields},
        )  # fmt: skip
        approvers = list(district_administrators_over(kept.station.region)) + list(
            district_administrators_over(merged.station.region)
        )
        _tell(
            approvers, actor=actor, key=f"casework:merge-proposed:{merge.pk}",
            title=gettext_lazy("Merging client record #%(merged)s into #%(kept)s waits for your approval")
            % {"merged": merged.pk, "kept": kept.pk},
            url=merge.get_absolute_url(),
        )  # fmt: skip
    return merge


def _locked_merge(*, actor, merge: ClientMerge) -> ClientMerge:
    if not merge_may_decide(actor) or not merges_visible_to(user=actor).filter(pk=merge.pk).exists():
        raise ValidationError(_("This merge is outside your district."))
    return ClientMerge.objects.select_for_update().get(pk=merge.pk)


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _concerned(merge: ClientMerge, cases) -> list:
    """Who is told of a merge and of its undoing: the cases' workers and supervisors, the station
    managers of the cases' and the records' stations, whoever proposed, sent and decided."""
    from django.contrib.auth import get_user_model

    stations = {case.station_id for case in cases}
    stations |= {merge.kept.station_id} | ({merge.merged.station_id} if merge.merged_id else set())
    managers = (
        get_user_model()
        .objects.filter(is_active=True, unit_id__in=stations, groups__name=Role.STATION_MANAGER)
        .distinct()
    )
    people = [person for case in cases for person in (case.worker, case.supervisor)]
    return people + list(managers) + [merge.proposed_by, merge.sent_by, merge.decided_by]


def _apply(merge: ClientMerge, *, actor, now) -> list[Case]:
    """Move everything of the merged record to the kept one; return the cases concerned."""
    kept = Client.objects.select_for_update().get(pk=merge.kept_id)
    merged = Client.objects.select_for_update().get(pk=merge.merged_id)
    if kept.removed_at or kept.merged_into_id or merged.removed_at or merged.merged_into_id:
        raise ValidationError(_("One of the two records was removed or merged since the proposal."))
    moved = {key: [] for key in ("case_links", "links_dropped", "primary_set", "household", "pairings",
                                 "groups", "requests", "label_changes", "categories", "cases_labelled")}  # fmt: skip
    moved["kept_labelled"] = False
    # Cases: a case of both keeps the kept record's link (the main client's flag follows).
    kept_links = {link.case_id: link for link in CaseClient.objects.select_for_update().filter(client=kept)}
    for link in CaseClient.objects.select_for_update().filter(client=merged).order_by("pk"):
        if link.case_id in kept_links:
            moved["links_dropped"].append({"case": link.case_id, "primary": link.primary})
            link.delete()
            own = kept_links[link.case_id]
            if link.primary and not own.primary:
                own.primary = True
                own.save(update_fields=["primary"])
                moved["primary_set"].append(own.pk)
        else:
            moved["case_links"].append(link.pk)
    CaseClient.objects.filter(pk__in=moved["case_links"]).update(client=kept)
    moved["household"] = list(merged.household.values_list("pk", flat=True))
    HouseholdMember.objects.filter(pk__in=moved["household"]).update(client=kept)
    # A pairing or a membership the kept record already has stays with the merged one.
    open_volunteers = kept.pairings.filter(ends_on__isnull=True).values("volunteer")
    pairings = merged.pairings.exclude(ends_on__isnull=True, volunteer__in=open_volunteers)
    moved["pairings"] = list(pairings.values_list("pk", flat=True))
    VolunteerPairing.objects.filter(pk__in=moved["pairings"]).update(client=kept)
    groups = merged.group_memberships.exclude(group__in=kept.group_memberships.values("group"))
    moved["groups"] = list(groups.values_list("pk", flat=True))
    GroupMember.objects.filter(pk__in=moved["groups"]).update(client=kept)
    moved["requests"] = list(SubjectRequest.objects.filter(client=merged).values_list("pk", flat=True))
    SubjectRequest.objects.filter(pk__in=moved["requests"]).update(client=kept)
    moved["label_changes"] = list(merged.label_changes.values_list("pk", flat=True))
    LabelChange.objects.filter(pk__in=moved["label_changes"]).update(client=kept)
    added = set(merged.categories.values_list("pk", flat=True)) - set(
        kept.categories.values_list("pk", flat=True)
    )
    moved["categories"] = sorted(added)
    kept.categories.add(*added)
    # Values the approver chose from the merged record; the kept record's own are kept to undo.
    before = {}
    for name in merge.take_from_merged:
        for field in (name, *FOLLOWS.get(name, ())):
            before[field] = _plain(getattr(kept, field))
            setattr(kept, field, getattr(merged, field))
    if "id_number" in merge.take_from_merged:
        before["id_number_digest"] = kept.id_number_digest
        kept.id_number_digest = merged.id_number_digest
    merge.before_text = json.dumps(before, ensure_ascii=False)
    # The stricter label: a person labelled on either record is labelled on the kept one.
    if merged.sensitive and not kept.sensitive:
        _label(kept, actor=actor, reason=merged.label_reason, note=merged.label_note, action="client.label")
        moved["kept_labelled"] = True
    version_raise(kept)
    kept.save()
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .filter(pk__in=CaseClient.objects.filter(client=kept).values("case"), removed_at__isnull=True)
        .select_related("worker", "supervisor")
    )
    if kept.sensitive:
        for case in cases:
            if _label(case, actor=actor, reason=kept.label_reason, note=kept.label_note, action="case.label"):
                moved["cases_labelled"].append(case.pk)
    for case in cases:
        _note_clients_elsewhere(case)
    merged.merged_into, merged.merged_at = kept, now
    merged.save(update_fields=["merged_into", "merged_at", "updated_at", *version_raise(merged)])
    caseload_refresh([kept.pk, merged.pk])
    served_refresh([kept.pk, merged.pk])
    merge.moved = moved
    return cases


def merge_decide(*, actor, merge: ClientMerge, approve: bool, comment: str = "") -> ClientMerge:
    """A second district administrator, not the one who proposed it, approves or rejects a
    proposed merge; a rejection says why. Approving merges at once, in this transaction, and
    tells the cases' workers and supervisors, the station managers and the proposer."""
    comment = (comment or "").strip()[:500]
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why the merge is rejected.")})
    with transaction.atomic():
        merge = _locked_merge(actor=actor, merge=merge)
        if merge.status != ClientMerge.Status.PROPOSED:
            raise ValidationError(_("This merge is not waiting for a decision."))
        if actor.pk == merge.proposed_by_id:
            raise ValidationError(
                _("A second district administrator decides: not the one who proposed the merge.")
            )
        now = timezone.now()
        merge.decided_by, merge.decided_at, merge.comment = actor, now, comment
        summary = f"#{merge.merged_id} → #{merge.kept_id}"
        if not approve:
            merge.status = ClientMerge.Status.REJECTED
            merge.save()
            audit_record(actor=actor, action="client.merge_reject", target=merge, summary=summary,
                         changes={"comment": comment})  # fmt: skip
            _tell([merge.proposed_by, merge.sent_by], actor=actor, key=f"casework:merge-rejected:{merge.pk}",
                  title=gettext_lazy("Merging client record #%(merged)s into #%(kept)s was rejected")
                  % {"merged": merge.merged_id, "kept": merge.kept_id}, url=merge.get_absolute_url())  # fmt: skip
            return merge
        cases = _apply(merge, actor=actor, now=now)
        merge.status = ClientMerge.Status.MERGED
        merge.save()
        audit_record(
            actor=actor, action="client.merge", target=merge, summary=summary,
            changes={"kept": merge.kept_id, "merged": merge.merged_id, "moved": merge.moved,
                     "take_from_merged": merge.take_from_merged},
        )  # fmt: skip
        merge.kept.refresh_from_db()
        _tell(
            _concerned(merge, cases), actor=actor, key=f"casework:merged:{merge.pk}",
            title=gettext_lazy("Client record #%(merged)s was merged into #%(kept)s")
            % {"merged": merge.merged_id, "kept": merge.kept_id},
            url=merge.kept.get_absolute_url(),
        )  # fmt: skip
    return merge


def merge_undo(*, actor, merge: ClientMerge, reason: str) -> ClientMerge:
    """A district administrator undoes a merge, saying why: everything that moved goes back to
    the merged record (what was added to the kept record since stays), the kept record gets its
    own values and label back, and the merged record reappears. Undoing only restores what was
    there before, so one administrator decides, audited; the approver, the proposer and the
    people the merge concerned are told. A merged record already erased cannot come back."""
    reason = _reason(reason, message=_("Say why the merge is undone."))
    with transaction.atomic():
        merge = _locked_merge(actor=actor, merge=merge)
        if merge.status != ClientMerge.Status.MERGED:
            raise ValidationError(_("Only a merge done can be undone."))
        if merge.merged_id is None:
            raise ValidationError(
                _("The merged record was erased under the retention policy: the merge stays.")
            )
        kept = Client.objects.select_for_update().get(pk=merge.kept_id)
        merged = Client.objects.select_for_update().get(pk=merge.merged_id)
        moved = merge.moved
        cases = list(Case.objects.filter(case_clients__client=kept, removed_at__isnull=True).distinct())
        CaseClient.objects.filter(pk__in=moved["case_links"], client=kept).update(client=merged)
        CaseClient.objects.filter(pk__in=moved["primary_set"]).update(primary=False)
        for link in moved["links_dropped"]:
            CaseClient.objects.get_or_create(
                case_id=link["case"], client=merged, defaults={"primary": link["primary"]}
            )
        HouseholdMember.objects.filter(pk__in=moved["household"], client=kept).update(client=merged)
        VolunteerPairing.objects.filter(pk__in=moved["pairings"], client=kept).update(client=merged)
        GroupMember.objects.filter(pk__in=moved["groups"], client=kept).update(client=merged)
        SubjectRequest.objects.filter(pk__in=moved["requests"], client=kept).update(client=merged)
        LabelChange.objects.filter(pk__in=moved["label_changes"], client=kept).update(client=merged)
        kept.categories.remove(*moved["categories"])
        before = json.loads(merge.before_text or "{}")
        for name, value in before.items():
            field = Client._meta.get_field(name)
            if field.is_relation:
                setattr(kept, field.attname, value)
            else:
                setattr(kept, name, field.to_python(value) if value is not None else None)
        note = _("Merge undone")
        if moved.get("kept_labelled"):
            kept.sensitive, kept.label_reason, kept.label_note = False, "", ""
            LabelChange.objects.create(client=kept, sensitive=False, note=note, actor=actor)
        version_raise(kept)
        kept.save()
        for case in Case.objects.select_for_update(of=("self",)).filter(pk__in=moved["cases_labelled"]):
            case.sensitive, case.label_reason, case.label_note = False, "", ""
            case.save(update_fields=["sensitive", "label_reason", "label_note", "updated_at"])
            LabelChange.objects.create(case=case, sensitive=False, note=note, actor=actor)
        merged.merged_into, merged.merged_at = None, None
        merged.save(update_fields=["merged_into", "merged_at", "updated_at", *version_raise(merged)])
        for case in Case.objects.filter(case_clients__client__in=[kept, merged]).distinct():
            _note_clients_elsewhere(case)
        caseload_refresh([kept.pk, merged.pk])
        served_refresh([kept.pk, merged.pk])
        merge.status, merge.undone_by, merge.undone_at, merge.undo_reason = (
            ClientMerge.Status.UNDONE, actor, timezone.now(), reason,
        )  # fmt: skip
        merge.save()
        audit_record(
            actor=actor, action="client.merge_undo", target=merge, summary=f"#{merged.pk} → #{kept.pk}",
            changes={"kept": kept.pk, "merged": merged.pk, "reason": reason},
        )  # fmt: skip
        cases = Case.objects.filter(pk__in=[case.pk for case in cases]).select_related("worker", "supervisor")
        _tell(
            _concerned(merge, list(cases)), actor=actor, key=f"casework:merge-undone:{merge.pk}",
            title=gettext_lazy("The merge of client record #%(merged)s into #%(kept)s was undone")
            % {"merged": merged.pk, "kept": kept.pk},
            url=merged.get_absolute_url(),
        )  # fmt: skip
    return merge


def merged_clients_purge(*, day: date | None = None) -> int:
    """Erase, for good, merged records whose merge is older than the case records policy's
    retention period (the same period removed clients are kept): what stayed on them (a pairing
    or membership the kept record also had) goes with them; the merge stays, naming the record by
    its id, and can no longer be undone. Safe to run twice."""
    day = day or timezone.localdate()
    start_of_day = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    # Each merged record by the retention of its own station's district.
    due = CaseworkPolicy.table().by_place(
        "station__region__path",
        lambda policy: Q(merged_at__lt=start_of_day - timedelta(days=policy.retention_days)),
    )
    erased = 0
    for client_id in Client.objects.filter(due).values_list("pk", flat=True):
        with transaction.atomic():
            client = Client.objects.select_for_update(of=("self",)).filter(due, pk=client_id).first()
            if client is None:
                continue
            ClientMerge.objects.filter(merged=client, status=ClientMerge.Status.MERGED).update(
                purged_at=timezone.now()
            )
            client.case_links.all().delete()
            client.group_memberships.all().delete()
            audit_record(actor=None, action="client.erase", target=client, summary=f"#{client.pk}",
                         changes={"why": "merged"})  # fmt: skip
            client.delete()
            erased += 1
    return erased


__all__ = [
    "merge_candidates", "merge_decide", "merge_propose", "merge_send", "merge_undo", "merged_clients_purge",
]  # fmt: skip
