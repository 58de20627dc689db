"""Reads of the workforce, scoped to the person asking.

Positions are visible where their unit is. A worker is visible where they are employed or hold
a post; district-wide people also see workers employed by social organizations; everyone sees
their own profile.
"""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from positions.models import Appointment, Position, SocialWorker
from socialwork.scoping import unit_scope


def active_appointments() -> QuerySet[Appointment]:
    return Appointment.objects.filter(ends_on__isnull=True)


def positions_visible_to(*, user) -> QuerySet[Position]:
    """Positions in the person's place, with their unit, host and how many hold them now."""
    return (
        Position.objects.filter(unit_scope(user, via="unit"))
        .select_related("unit__region", "host")
        .annotate(filled=Count("appointments", filter=Q(appointments__ends_on__isnull=True)))
        .annotate(vacant=F("quota") - F("filled"))
    )


def worker_scope(user) -> Q:
    """The filter on SocialWorker for what this person may see."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    holds_post_here = Exists(
        active_appointments().filter(unit_scope(user, via="position__unit"), worker=OuterRef("pk"))
    )
    scope = Q(unit_scope(user, via="employer_unit")) | Q(holds_post_here) | Q(user=user)
    if user.is_district_wide:
        scope |= Q(employer_unit__isnull=True)
    return scope


def workers_visible_to(*, user) -> QuerySet[SocialWorker]:
    return SocialWorker.objects.filter(worker_scope(user)).select_related(
        "employer_unit", "employer_organization"
    )


def can_see_full_id_number(user, worker: SocialWorker) -> bool:
    return user.has_perm("positions.view_full_id_number") or worker.user_id == user.pk
