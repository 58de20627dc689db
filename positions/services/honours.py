"""Writes to the honours register: awards to social workers and the brand studios they lead.

Each runs in one transaction and leaves an audit row. A person records an award only for a
worker they see (a station manager, their station's people), and sets up a studio only in a unit
of their place, led by a worker they see.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from positions.models import Award, ServiceUnit, SocialWorker, Studio, StudioProject
from positions.selectors.network import units_visible_to
from positions.selectors.workforce import workers_visible_to
from socialwork.services import apply_changes, audit_record

AWARD_FIELDS = ("name", "level", "year", "worker", "awarded_by")
STUDIO_FIELDS = ("name", "leader", "unit", "established_on", "description")


def _check_worker_seen(*, actor, worker: SocialWorker | None, field: str) -> None:
    if worker is not None and not workers_visible_to(user=actor).filter(pk=worker.pk).exists():
        raise ValidationError({field: _("This social worker is outside your place in the network.")})


def _check_unit_in_place(*, actor, unit: ServiceUnit | None, field: str) -> None:
    if unit is not None and not units_visible_to(user=actor).filter(pk=unit.pk).exists():
        raise ValidationError({field: _("This unit is outside your place in the network.")})


def _unknown(fields: dict, allowed: tuple[str, ...], service: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{service} got unexpected fields: {sorted(unknown)}")


def award_save(*, actor, award: Award | None = None, **fields) -> Award:
    """Record an award to a social worker, or change one. The worker, before and after the
    change, is one the actor sees."""
    _unknown(fields, AWARD_FIELDS, "award_save")
    with transaction.atomic():
        if award is None:
            award, action = Award(), "award.create"
        else:
            award, action = Award.objects.select_for_update().get(pk=award.pk), "award.update"
            _check_worker_seen(actor=actor, worker=award.worker, field="worker")
        diff = apply_changes(award, fields)
        _check_worker_seen(actor=actor, worker=award.worker, field="worker")
        award.full_clean()
        award.save()
        audit_record(actor=actor, action=action, target=award, summary=str(award), changes=diff)
    return award


def studio_save(*, actor, studio: Studio | None = None, **fields) -> Studio:
    """Set up a brand studio, or change one. It sits in a unit of the actor's place and is led by
    a worker they see."""
    _unknown(fields, STUDIO_FIELDS, "studio_save")
    with transaction.atomic():
        if studio is None:
            studio, action = Studio(), "studio.create"
        else:
            studio, action = Studio.objects.select_for_update().get(pk=studio.pk), "studio.update"
            _check_unit_in_place(actor=actor, unit=studio.unit, field="unit")
        diff = apply_changes(studio, fields)
        _check_unit_in_place(actor=actor, unit=studio.unit, field="unit")
        _check_worker_seen(actor=actor, worker=studio.leader, field="leader")
        studio.full_clean()
        studio.save()
        audit_record(actor=actor, action=action, target=studio, summary=studio.name, changes=diff)
    return studio


def studio_project_add(*, actor, studio: Studio, name: str, year: int | None = None) -> StudioProject:
    """Add a project to a studio of the actor's place."""
    with transaction.atomic():
        studio = Studio.objects.select_for_update().get(pk=studio.pk)
        _check_unit_in_place(actor=actor, unit=studio.unit, field="studio")
        project = StudioProject(studio=studio, name=name, year=year)
        project.full_clean()
        project.save()
        audit_record(
            actor=actor, action="studio_project.create", target=project, summary=f"{studio.name} · {name}"
        )
    return project
