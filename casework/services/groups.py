"""Writes of group work: a group, its members, its planned and held sessions, and its evaluation.

A group is written by its worker or by the station manager of its station; its supervisor reads it.
Members are clients the writer can see. Each write runs in one transaction, locks the group and
writes its audit row; audit rows name clients by id only."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Client, Group, GroupAttendance, GroupMember, GroupSession
from casework.selectors import clients_visible_to, groups_visible_to, station_of
from socialwork.roles import Role
from socialwork.services import apply_changes, audit_record

GROUP_FIELDS = (
    "name", "kind", "category", "aims", "community", "worker", "supervisor", "starts_on", "ends_on",
)  # fmt: skip


def group_may_write(user, group: Group) -> bool:
    """The group's worker and the station manager of its station write it; others only read."""
    if not user.is_authenticated:
        return False
    if group.worker_id == user.pk:
        return True
    return bool(user.unit_id) and user.unit_id == group.station_id and user.has_role(Role.STATION_MANAGER)


def _locked_group(*, actor, group: Group) -> Group:
    """The group, locked, once the actor is known to see and write it."""
    if not groups_visible_to(user=actor).filter(pk=group.pk).exists():
        raise ValidationError(_("This group is outside what you can see."))
    group = Group.objects.select_for_update(of=("self",)).select_related("station").get(pk=group.pk)
    if not group_may_write(actor, group):
        raise ValidationError(_("Only the group's worker or its station manager can do this."))
    return group


def _require_running(group: Group) -> None:
    if group.status == Group.Status.ENDED:
        raise ValidationError(_("This group has ended."))


def _not_in_future(day: date | None, field: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


def _check_group(station, fields: dict, kept: dict | None = None) -> dict:
    """The group's rules. A worker or supervisor the group already has (`kept`) stays even after
    they left: the record keeps who did the work; only one named anew must be in post."""
    kept = kept or {}
    fields["name"] = (fields.get("name") or "").strip()
    fields["aims"] = (fields.get("aims") or "").strip()
    if not fields["name"]:
        raise ValidationError({"name": _("Give the group a name.")})
    if not fields["aims"]:
        raise ValidationError({"aims": _("Say what the group aims to achieve.")})
    worker = fields.get("worker")
    if worker is None:
        raise ValidationError({"worker": _("Name the group's worker.")})
    if worker != kept.get("worker") and not (
        worker.is_active and worker.unit_id and worker.unit.path.startswith(station.path)
    ):
        raise ValidationError({"worker": _("The worker must work at the group's station.")})
    supervisor = fields.get("supervisor")
    if (
        supervisor is not None
        and supervisor != kept.get("supervisor")
        and not (supervisor.is_active and supervisor.has_role(Role.SUPERVISOR))
    ):
        raise ValidationError({"supervisor": _("Choose someone who holds the supervisor role.")})
    community = fields.get("community")
    if community is not None and not community.path.startswith(station.region.town_path):
        raise ValidationError({"community": _("The community must lie in the station's town or street.")})
    if fields.get("ends_on") and fields.get("starts_on") and fields["ends_on"] < fields["starts_on"]:
        raise ValidationError({"ends_on": _("A group cannot end before it starts.")})
    return fields


def group_create(*, actor, worker=None, **fields) -> Group:
    """Start a group at the actor's station. Its worker is the actor unless another worker of the
    station is named; its supervisor must hold the supervisor role; its community lies in the
    station's town or street."""
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"group_create got unexpected fields: {sorted(unknown)}")
    if not actor.has_perm("casework.add_group"):
        raise ValidationError(_("You may not start groups."))
    station = station_of(actor.unit)
    if station is None:
        raise ValidationError(_("Only people who work at a service station can start groups."))
    fields = _check_group(station, {**fields, "worker": worker or actor})
    with transaction.atomic():
        group = Group(station=station, **fields)
        group.full_clean()
        group.save()
        audit_record(actor=actor, action="group.create", target=group, summary=group.name)
    return group


def group_update(*, actor, group: Group, **fields) -> Group:
    """Change a group's record (its worker or station manager)."""
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"group_update got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        group = _locked_group(actor=actor, group=group)
        current = {name: getattr(group, name) for name in GROUP_FIELDS}
        fields = _check_group(group.station, {**current, **fields}, kept=current)
        diff = apply_changes(group, fields)
        group.full_clean()
        group.save()
        audit_record(actor=actor, action="group.update", target=group, summary=group.name, changes=diff)
    return group


def member_add(*, actor, group: Group, client: Client, joined_on: date | None = None) -> GroupMember:
    """Add a client the actor can see to the group. A member who left joins again."""
    joined_on = joined_on or timezone.localdate()
    with transaction.atomic():
        group = _locked_group(actor=actor, group=group)
        _require_running(group)
        if not clients_visible_to(user=actor).filter(pk=client.pk).exists():
            raise ValidationError({"client": _("This client is outside what you can see.")})
        if client.consent_withdrawn_on:
            raise ValidationError(
                {
                    "client": _(
                        "This client has withdrawn consent to the processing of their data: they join no group."
                    )
                }
            )
        member = GroupMember.objects.filter(group=group, client=client).first()
        if member is not None and member.left_on is None:
            raise ValidationError({"client": _("This client is already a member of the group.")})
        if member is None:
            member = GroupMember.objects.create(group=group, client=client, joined_on=joined_on)
        else:
            member.joined_on, member.left_on = joined_on, None
            member.save(update_fields=["joined_on", "left_on", "updated_at"])
        audit_record(
            actor=actor,
            action="group.member_add",
            target=group,
            summary=group.name,
            changes={"ids": [client.pk]},
        )
    return member


def member_leave(*, actor, member: GroupMember, left_on: date | None = None) -> GroupMember:
    """Record that a member left the group, on or after the day they joined."""
    left_on = left_on or timezone.localdate()
    with transaction.atomic():
        group = _locked_group(actor=actor, group=member.group)
        member = GroupMember.objects.select_for_update().get(pk=member.pk, group=group)
        if member.left_on is not None:
            raise ValidationError(_("This member has already left the group."))
        if left_on < member.joined_on:
            raise ValidationError({"left_on": _("A member cannot leave before they joined.")})
        member.left_on = left_on
        member.save(update_fields=["left_on", "updated_at"])
        audit_record(
            actor=actor,
            action="group.member_leave",
            target=group,
            summary=group.name,
            changes={"ids": [member.client_id]},
        )
    return member


def session_plan(*, actor, group: Group, planned_on: date, theme: str, plan: str = "") -> GroupSession:
    """Plan the group's next session; sessions are numbered 1, 2, ... in the order they are planned
    (the group is locked, so two plans at once never share a number)."""
    theme = (theme or "").strip()
    if not theme:
        raise ValidationError({"theme": _("Give the session a theme.")})
    if planned_on is None:
        raise ValidationError({"planned_on": _("Say when the session is planned.")})
    with transaction.atomic():
        group = _locked_group(actor=actor, group=group)
        _require_running(group)
        last = group.sessions.aggregate(n=Max("number"))["n"] or 0
        session = GroupSession.objects.create(
            group=group, number=last + 1, planned_on=planned_on, theme=theme, plan=(plan or "").strip()
        )
        audit_record(
            actor=actor, action="group.session_plan", target=group, summary=f"{group.name} #{session.number}"
        )
    return session


def session_record(*, actor, session: GroupSession, held_on: date, record: str, present) -> GroupSession:
    """Record a held session: the day, what happened, and who of the members at the time came
    (`present`, a set of member ids). Attendance is written for every member of that day, present
    or absent, replacing what was recorded before. A planned group is running from its first
    session on."""
    record = (record or "").strip()
    present = {int(pk) for pk in present or ()}
    if held_on is None:
        raise ValidationError({"held_on": _("Say when the session was held.")})
    _not_in_future(held_on, "held_on")
    if not record:
        raise ValidationError({"record": _("Say what happened in the session.")})
    with transaction.atomic():
        group = _locked_group(actor=actor, group=session.group)
        session = GroupSession.objects.select_for_update().get(pk=session.pk, group=group)
        if held_on < group.starts_on:
            raise ValidationError({"held_on": _("The session cannot be held before the group starts.")})
        members = list(
            group.members.filter(Q(left_on__isnull=True) | Q(left_on__gte=held_on), joined_on__lte=held_on)
        )
        if present - {member.pk for member in members}:
            raise ValidationError(
                {"present": _("Only members of the group on the day of the session can be present.")}
            )
        session.held_on, session.record = held_on, record
        session.save(update_fields=["held_on", "record", "updated_at"])
        session.attendance.all().delete()
        GroupAttendance.objects.bulk_create(
            GroupAttendance(session=session, member=member, present=member.pk in present)
            for member in members
        )
        if group.status == Group.Status.PLANNED:
            group.status = Group.Status.RUNNING
            group.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="group.session_record",
            target=group,
            summary=f"{group.name} #{session.number}",
            changes={"present": len(present), "members": len(members)},
        )
    return session


def group_evaluate(
    *, actor, group: Group, evaluation: str, aims_met: bool, ends_on: date | None = None
) -> Group:
    """Close the group with its evaluation: what it achieved and whether its aims were met. The
    group ends (today unless another day is given)."""
    evaluation = (evaluation or "").strip()
    if not evaluation:
        raise ValidationError({"evaluation": _("Write the group's evaluation.")})
    if aims_met is None:
        raise ValidationError({"aims_met": _("Say whether the group's aims were met.")})
    ends_on = ends_on or timezone.localdate()
    with transaction.atomic():
        group = _locked_group(actor=actor, group=group)
        _require_running(group)
        if ends_on < group.starts_on:
            raise ValidationError({"ends_on": _("A group cannot end before it starts.")})
        diff = apply_changes(
            group,
            {
                "evaluation": evaluation,
                "aims_met": aims_met,
                "ends_on": ends_on,
                "status": Group.Status.ENDED,
            },
        )
        group.save(update_fields=["evaluation", "aims_met", "ends_on", "status", "updated_at"])
        audit_record(
            actor=actor,
            action="group.evaluate",
            target=group,
            summary=group.name,
            changes={name: value for name, value in diff.items() if name != "evaluation"},
        )
    return group


def session_attendance_record(*, actor, session: GroupSession, present) -> GroupSession:
    """Record who of the group's members came to a session (`present`, a set of member ids),
    ticked by its worker in the field. Attendance is written for every member of the session's
    day (the day it was held, else the day it was planned), replacing what was recorded before;
    the day and what happened stay as the session's record holds them. A session still to come
    takes no attendance."""
    present = {int(pk) for pk in present or ()}
    with transaction.atomic():
        group = _locked_group(actor=actor, group=session.group)
        session = GroupSession.objects.select_for_update().get(pk=session.pk, group=group)
        day = session.held_on or session.planned_on
        if day > timezone.localdate():
            raise ValidationError({"present": _("This session has not taken place yet.")})
        members = list(
            group.members.filter(Q(left_on__isnull=True) | Q(left_on__gte=day), joined_on__lte=day)
        )
        if present - {member.pk for member in members}:
            raise ValidationError(
                {"present": _("Only members of the group on the day of the session can be present.")}
            )
        session.attendance.all().delete()
        GroupAttendance.objects.bulk_create(
            GroupAttendance(session=session, member=member, present=member.pk in present)
            for member in members
        )
        session.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action="group.attendance_record",
            target=group,
            summary=f"{group.name} #{session.number}",
            changes={"present": len(present), "members": len(members)},
        )
    return session
