"""Writes to the network. Each runs in one transaction and leaves an audit row."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from positions.models import Region, ServiceUnit, tree_insert
from positions.selectors.network import regions_visible_to, units_visible_to
from socialwork.services import audit_record

UNIT_FIELDS = ("name", "code", "level", "region", "host", "address", "phone", "established_on", "is_model")
REGION_FIELDS = ("name", "code", "level")


def _check_in_place(*, actor, parent: ServiceUnit | None, region: Region) -> None:
    """The actor may only build inside their own place."""
    errors = {}
    if parent is not None and not units_visible_to(user=actor).filter(pk=parent.pk).exists():
        errors["parent"] = _("You cannot add units under a unit outside your place in the network.")
    if not regions_visible_to(user=actor).filter(pk=region.pk).exists():
        errors["region"] = _("This region is outside your place in the network.")
    if errors:
        raise ValidationError(errors)


def _validate(obj, *, parent) -> None:
    obj.check_placement(parent)
    obj.full_clean(exclude=["path", "depth", "numchild"])


def unit_create(
    *,
    actor,
    parent: ServiceUnit | None,
    name: str,
    code: str,
    level: str,
    region: Region,
    host: str = "",
    address: str = "",
    phone: str = "",
    established_on: date | None = None,
    is_model: bool = False,
) -> ServiceUnit:
    """Add a unit to the network under `parent` (an association may stand alone).

    A unit sits under a unit of a higher level and inside the parent's region.
    """
    unit = ServiceUnit(
        name=name,
        code=code,
        level=level,
        region=region,
        host=host,
        address=address,
        phone=phone,
        established_on=established_on,
        is_model=is_model,
    )
    with transaction.atomic():
        _check_in_place(actor=actor, parent=parent, region=region)
        _validate(unit, parent=parent)
        unit = tree_insert(unit, parent)
        audit_record(actor=actor, action="unit.create", target=unit, summary=unit.name)
    return unit


def unit_update(*, actor, unit: ServiceUnit, parent: ServiceUnit | None, **changes) -> ServiceUnit:
    """Change a unit's details and, when `parent` differs, move it with everything under it.

    The unit's new level and region must still hold its children.
    """
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"unit_update got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        unit = ServiceUnit.objects.select_for_update().get(pk=unit.pk)
        before = {name: getattr(unit, name) for name in changes}
        for name, value in changes.items():
            setattr(unit, name, value)
        _check_in_place(actor=actor, parent=parent, region=unit.region)
        _validate(unit, parent=parent)
        _check_children_fit(unit)
        unit.save()
        current_parent = ServiceUnit.objects.get_parent(unit, update=True)
        if parent != current_parent:
            _move(unit, parent)
            unit.refresh_from_db()
        diff = {
            name: [str(before[name]), str(getattr(unit, name))]
            for name in changes
            if before[name] != getattr(unit, name)
        }
        if parent != current_parent:
            diff["parent"] = [str(current_parent or ""), str(parent or "")]
        audit_record(actor=actor, action="unit.update", target=unit, summary=unit.name, changes=diff)
    return unit


def _check_children_fit(unit: ServiceUnit) -> None:
    children = ServiceUnit.objects.get_children(unit)
    if any(ServiceUnit.RANK[child.level] <= ServiceUnit.RANK[unit.level] for child in children):
        raise ValidationError({"level": _("Units under this one would outrank it at this level.")})
    if ServiceUnit.objects.get_descendants(unit).exclude(region__path__startswith=unit.region.path).exists():
        raise ValidationError({"region": _("Units under this one lie outside this region.")})


def _move(unit: ServiceUnit, parent: ServiceUnit | None) -> None:
    try:
        if parent is None:
            ServiceUnit.objects.move(unit, ServiceUnit.objects.get_last_root_node(), "last-sibling")
        else:
            ServiceUnit.objects.move(unit, parent, "last-child")
    except InvalidMoveToDescendant:
        raise ValidationError({"parent": _("A unit cannot move under one of its own units.")}) from None


def region_create(*, actor, parent: Region | None, name: str, code: str, level: str) -> Region:
    """Add an area: a province, city or district stands alone (Region.ROOT_LEVELS), a district in a
    city, towns and streets in a district, communities and villages in a town or street. A person
    placed in the network adds areas inside their place only: a region standing alone is added by
    an administrator with no place (it would lie outside every place)."""
    region = Region(name=name, code=code, level=level)
    with transaction.atomic():
        if parent is not None and not regions_visible_to(user=actor).filter(pk=parent.pk).exists():
            raise ValidationError({"parent": _("This region is outside your place in the network.")})
        if parent is None and actor.region_id:
            raise ValidationError(
                {"parent": _("Choose the region it lies in: it must be inside your place.")}
            )
        _validate(region, parent=parent)
        region = tree_insert(region, parent)
        audit_record(actor=actor, action="region.create", target=region, summary=region.name)
    return region


def region_update(*, actor, region: Region, name: str, code: str) -> Region:
    """Rename an area or correct its division code; its place in the tree stays."""
    with transaction.atomic():
        region = Region.objects.select_for_update().get(pk=region.pk)
        before = {"name": region.name, "code": region.code}
        region.name, region.code = name, code
        region.full_clean(exclude=["path", "depth", "numchild"])
        region.save()
        diff = {k: [v, getattr(region, k)] for k, v in before.items() if v != getattr(region, k)}
        audit_record(actor=actor, action="region.update", target=region, summary=region.name, changes=diff)
    return region
