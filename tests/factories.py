"""Factories for the network and for people in each role."""

from itertools import count

from django.contrib.auth.models import Group

from positions.models import Region, ServiceUnit, tree_insert
from socialwork.models import User

_codes = count(1)


def make_region(name: str, level: str, parent: Region | None = None, code: str | None = None) -> Region:
    return tree_insert(Region(name=name, level=level, code=code or f"R{next(_codes):06d}"), parent)


def make_unit(name: str, level: str, parent: ServiceUnit | None, region: Region, **fields) -> ServiceUnit:
    fields.setdefault("code", f"U{next(_codes):06d}")
    return tree_insert(ServiceUnit(name=name, level=level, region=region, **fields), parent)


def make_user(username: str, role: str | None = None, *, unit=None, region=None, **fields) -> User:
    region = region or (unit.region if unit else None)
    user = User.objects.create_user(
        username=username, password=fields.pop("password", "pass-word-42"), unit=unit, region=region, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
