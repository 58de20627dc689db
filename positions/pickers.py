"""The network's and the workforce's pickers (socialwork.pickers): workers, units, regions
and posts are chosen by typing."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from positions.models import Position, Region, ServiceUnit, SocialWorker
from positions.selectors.network import regions_visible_to, units_visible_to
from positions.selectors.pickers import (
    is_id_digits,
    positions_matching,
    regions_matching,
    units_matching,
    with_town,
    workers_matching,
)
from positions.selectors.workforce import positions_visible_to, workers_visible_to
from socialwork.idnumbers import mask
from socialwork.pickers import SEP, picker_kind


def worker_label(worker: SocialWorker) -> str:
    """张三 · 三斗坪社区社会工作服务室 · 420506********123X (· the certificate number)."""
    unit = worker.employer_unit or worker.employer_organization
    parts = [worker.name, unit.name if unit else "—", mask(worker.id_number)]
    if worker.certificate_number:
        parts.append(worker.certificate_number)
    return SEP.join(parts)


def region_label(region: Region) -> str:
    """A community or village with its town: 三斗坪镇 · 新店村 (names repeat across towns)."""
    if region.level not in Region.COMMUNITY_LEVELS:
        return region.name
    town = getattr(region, "town_name", None)
    if town is None:  # read without `with_town` (a record's current value): one query
        town = (
            Region.objects.filter(path=region.path[: Region.steplen * 2])
            .values_list("name", flat=True)
            .first()
        )
    return f"{town}{SEP}{region.name}" if town else region.name


picker_kind(
    "worker",
    title=pgettext_lazy("search results", "Social workers"),
    model=SocialWorker,
    noun=pgettext_lazy("picker", "social worker"),
    hint=_("Type a name, a certificate number or the last digits of an ID number."),
    visible=lambda user: workers_visible_to(user=user),
    match=workers_matching,
    label=worker_label,
    personal=is_id_digits,
    audit_action="worker.search",
)
picker_kind(
    "unit",
    title=pgettext_lazy("search results", "Service units"),
    model=ServiceUnit,
    noun=pgettext_lazy("picker", "service unit"),
    hint=_("Type part of the unit's name or its code."),
    visible=lambda user: units_visible_to(user=user),
    match=units_matching,
    label=lambda unit: f"{unit.name}{SEP}{unit.code}",
)
picker_kind(
    "region",
    title=pgettext_lazy("search results", "Regions"),
    model=Region,
    noun=pgettext_lazy("picker", "region"),
    hint=_("Type part of the name of the community, village or town."),
    visible=lambda user: with_town(regions_visible_to(user=user)),
    match=regions_matching,
    label=region_label,
)
picker_kind(
    "position",
    title=pgettext_lazy("search results", "Positions"),
    model=Position,
    noun=pgettext_lazy("picker", "position"),
    hint=_("Type the post's code or part of its title."),
    visible=lambda user: positions_visible_to(user=user),
    match=positions_matching,
    label=lambda position: f"{position.code}{SEP}{position.title}{SEP}{position.unit.name}",
)


class CommunityChoiceField(forms.ModelChoiceField):
    """A short select of communities (a list filter's, or a town's) that reads "town · community"."""

    def label_from_instance(self, region):
        return region_label(region)


class CommunityChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CommunityChoiceField
