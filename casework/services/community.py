"""Writes of community work: activities, volunteers, their hours and their pairings with clients.

Activities and volunteers belong to a station and are written by the people who work there.
A pairing names a client, so it is made and ended only by people who can see that client; audit
rows name clients by id only."""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Client, CommunityActivity, Volunteer, VolunteerHours, VolunteerPairing
from casework.selectors import activities_visible_to, clients_visible_to, station_of, volunteers_visible_to
from socialwork.roles import Role
from socialwork.services import apply_changes, audit_record

ACTIVITY_FIELDS = ("theme", "held_on", "community", "partners", "participants", "summary")
VOLUNTEER_FIELDS = ("name", "phone", "skills", "registered_on", "active")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,28}$")


def _not_in_future(day: date | None, field: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


def _station_of_actor(actor, message: str):
    station = station_of(actor.unit)
    if station is None:
        raise ValidationError(message)
    return station


def _works_at(actor, station) -> bool:
    return station_of(actor.unit) == station


# Activities


def activity_may_write(user, activity: CommunityActivity) -> bool:
    """An activity is written by its organizer and the station manager of its station."""
    if not user.is_authenticated:
        return False
    if activity.organizer_id == user.pk:
        return True
    return bool(user.unit_id) and user.unit_id == activity.station_id and user.has_role(Role.STATION_MANAGER)


def _check_activity(station, fields: dict) -> dict:
    fields["theme"] = (fields.get("theme") or "").strip()
    fields["partners"] = (fields.get("partners") or "").strip()
    fields["summary"] = (fields.get("summary") or "").strip()
    if not fields["theme"]:
        raise ValidationError({"theme": _("Give the activity a theme.")})
    if fields.get("held_on") is None:
        raise ValidationError({"held_on": _("Say when the activity was held.")})
    _not_in_future(fields["held_on"], "held_on")
    participants = fields.get("participants")
    if participants is None or participants < 0:
        raise ValidationError({"participants": _("Give the number of participants.")})
    community = fields.get("community")
    if community is None:
        raise ValidationError({"community": _("Say where the activity was held.")})
    if not community.path.startswith(station.region.town_path):
        raise ValidationError({"community": _("The community must lie in the station's town or street.")})
    return fields


def activity_save(*, actor, activity: CommunityActivity | None = None, **fields) -> CommunityActivity:
    """Record a community activity at the actor's station, or change one (its organizer or the
    station manager). The community lies in the station's town or street; the date is not in the
    future, since the participants are counted once it is held."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"activity_save got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        if activity is None:
            if not actor.has_perm("casework.add_communityactivity"):
                raise ValidationError(_("You may not record community activities."))
            station = _station_of_actor(
                actor, _("Only people who work at a service station can record community activities.")
            )
            activity = CommunityActivity(station=station, organizer=actor)
            action = "activity.create"
        else:
            if not activities_visible_to(user=actor).filter(pk=activity.pk).exists():
                raise ValidationError(_("This activity is outside what you can see."))
            activity = (
                CommunityActivity.objects.select_for_update().select_related("station").get(pk=activity.pk)
            )
            if not activity_may_write(actor, activity):
                raise ValidationError(
                    _("Only the activity's organizer or its station manager can change it.")
                )
            fields = {**{name: getattr(activity, name) for name in ACTIVITY_FIELDS}, **fields}
            action = "activity.update"
        fields = _check_activity(activity.station, fields)
        diff = apply_changes(activity, fields)
        activity.full_clean()
        activity.save()
        audit_record(actor=actor, action=action, target=activity, summary=activity.theme, changes=diff)
    return activity


# Volunteers


def volunteer_may_write(user, volunteer: Volunteer) -> bool:
    """A volunteer is written by the people of their station who may change volunteers."""
    return (
        user.is_authenticated
        and user.has_perm("casework.change_volunteer")
        and _works_at(user, volunteer.station)
    )


def _check_volunteer(fields: dict) -> dict:
    fields["name"] = (fields.get("name") or "").strip()
    fields["skills"] = (fields.get("skills") or "").strip()
    fields["phone"] = (fields.get("phone") or "").strip() or None
    if not fields["name"]:
        raise ValidationError({"name": _("Give the volunteer's name.")})
    if fields["phone"] and not PHONE.match(fields["phone"]):
        raise ValidationError({"phone": _("Enter a phone number of digits only, such as 13812345678.")})
    if fields.get("registered_on") is None:
        raise ValidationError({"registered_on": _("Say when the volunteer registered.")})
    _not_in_future(fields["registered_on"], "registered_on")
    fields["active"] = bool(fields.get("active", True))
    return fields


def volunteer_save(*, actor, volunteer: Volunteer | None = None, **fields) -> Volunteer:
    """Register a volunteer at the actor's station, or change one of the station's. The audit row
    names the fields that changed, never the phone number."""
    unknown = set(fields) - set(VOLUNTEER_FIELDS)
    if unknown:
        raise TypeError(f"volunteer_save got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        if volunteer is None:
            if not actor.has_perm("casework.add_volunteer"):
                raise ValidationError(_("You may not register volunteers."))
            volunteer = Volunteer(
                station=_station_of_actor(
                    actor, _("Only people who work at a service station can register volunteers.")
                )
            )
            action = "volunteer.create"
        else:
            if not volunteers_visible_to(user=actor).filter(pk=volunteer.pk).exists():
                raise ValidationError(_("This volunteer is outside what you can see."))
            volunteer = Volunteer.objects.select_for_update().select_related("station").get(pk=volunteer.pk)
            if not volunteer_may_write(actor, volunteer):
                raise ValidationError(_("Only the people of the volunteer's station can change them."))
            fields = {**{name: getattr(volunteer, name) for name in VOLUNTEER_FIELDS}, **fields}
            action = "volunteer.update"
        fields = _check_volunteer(fields)
        changed = sorted(apply_changes(volunteer, fields))
        volunteer.full_clean()
        volunteer.save()
        audit_record(
            actor=actor,
            action=action,
            target=volunteer,
            summary=f"#{volunteer.pk}",
            changes={"fields": changed},
        )
    return volunteer


def _locked_volunteer(*, actor, volunteer: Volunteer) -> Volunteer:
    if not volunteers_visible_to(user=actor).filter(pk=volunteer.pk).exists():
        raise ValidationError(_("This volunteer is outside what you can see."))
    volunteer = Volunteer.objects.select_for_update().select_related("station").get(pk=volunteer.pk)
    if not volunteer_may_write(actor, volunteer):
        raise ValidationError(_("Only the people of the volunteer's station can record this."))
    return volunteer


def volunteer_hours_add(
    *,
    actor,
    volunteer: Volunteer,
    served_on: date,
    hours: Decimal,
    activity: CommunityActivity | None = None,
    description: str = "",
) -> VolunteerHours:
    """Record hours a volunteer served on a day: more than 0 and at most 24, on a day not in the
    future, optionally at an activity the actor can see."""
    if served_on is None:
        raise ValidationError({"served_on": _("Say on which day the volunteer served.")})
    _not_in_future(served_on, "served_on")
    if hours is None or not Decimal(0) < Decimal(hours) <= Decimal(24):
        raise ValidationError({"hours": _("Hours in a day are more than 0 and at most 24.")})
    with transaction.atomic():
        volunteer = _locked_volunteer(actor=actor, volunteer=volunteer)
        if activity is not None and not activities_visible_to(user=actor).filter(pk=activity.pk).exists():
            raise ValidationError({"activity": _("This activity is outside what you can see.")})
        entry = VolunteerHours.objects.create(
            volunteer=volunteer,
            served_on=served_on,
            hours=Decimal(hours),
            activity=activity,
            description=(description or "").strip(),
        )
        audit_record(
            actor=actor,
            action="volunteer.hours_add",
            target=volunteer,
            summary=f"#{volunteer.pk}",
            changes={"served_on": str(served_on), "hours": str(entry.hours)},
        )
    return entry


def pairing_start(
    *, actor, volunteer: Volunteer, client: Client, purpose: str, starts_on: date | None = None
) -> VolunteerPairing:
    """Pair an active volunteer with a client the actor can see, for a purpose. A volunteer has
    one open pairing with a client at a time."""
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("Say what the pairing is for.")})
    starts_on = starts_on or timezone.localdate()
    with transaction.atomic():
        volunteer = _locked_volunteer(actor=actor, volunteer=volunteer)
        if not volunteer.active:
            raise ValidationError(_("This volunteer is no longer active."))
        if not clients_visible_to(user=actor).filter(pk=client.pk).exists():
            raise ValidationError({"client": _("This client is outside what you can see.")})
        if volunteer.pairings.filter(client=client, ends_on__isnull=True).exists():
            raise ValidationError({"client": _("The volunteer is already paired with this client.")})
        pairing = VolunteerPairing.objects.create(
            volunteer=volunteer, client=client, purpose=purpose, starts_on=starts_on
        )
        audit_record(
            actor=actor,
            action="volunteer.pairing_start",
            target=volunteer,
            summary=f"#{volunteer.pk}",
            changes={"ids": [client.pk]},
        )
    return pairing


def pairing_end(*, actor, pairing: VolunteerPairing, ends_on: date | None = None) -> VolunteerPairing:
    """End a pairing (people of the volunteer's station who can see its client), on or after the
    day it started."""
    ends_on = ends_on or timezone.localdate()
    with transaction.atomic():
        volunteer = _locked_volunteer(actor=actor, volunteer=pairing.volunteer)
        pairing = VolunteerPairing.objects.select_for_update().get(pk=pairing.pk, volunteer=volunteer)
        if not clients_visible_to(user=actor).filter(pk=pairing.client_id).exists():
            raise ValidationError(_("Only someone who can see the paired client can end the pairing."))
        if pairing.ends_on is not None:
            raise ValidationError(_("This pairing has already ended."))
        if ends_on < pairing.starts_on:
            raise ValidationError({"ends_on": _("A pairing cannot end before it starts.")})
        pairing.ends_on = ends_on
        pairing.save(update_fields=["ends_on", "updated_at"])
        audit_record(
            actor=actor,
            action="volunteer.pairing_end",
            target=volunteer,
            summary=f"#{volunteer.pk}",
            changes={"ids": [pairing.client_id]},
        )
    return pairing
