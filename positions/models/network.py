from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

from socialwork.models import TimeStampedModel


class Region(MP_Node, TimeStampedModel):
    """An administrative area: a province, a city, a district or county-level city, its towns and
    streets, their communities and villages. An installation's tree starts at its highest level: a
    district running its own, or a city (or province) running one installation for its districts.

    A materialized path (treebeard) keeps "everything inside this area" one indexed prefix query.
    Below a district the levels are fixed (town or street, then community or village), so the
    town and district a region lies in are read off its own path (`town_path`, `district_path`).
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", pgettext_lazy("region", "City")
        DISTRICT = "district", _("District")
        COUNTY_CITY = "county_city", _("County-level city")
        TOWN = "town", _("Town")
        STREET = "street", _("Street")
        COMMUNITY = "community", _("Community")
        VILLAGE = "village", _("Village")

    # Which level may sit directly under which, and which may stand as the tree's root.
    PARENT_LEVELS = {
        Level.PROVINCE: (),
        Level.CITY: (Level.PROVINCE,),
        Level.DISTRICT: (Level.CITY,),
        Level.COUNTY_CITY: (Level.CITY,),
        Level.TOWN: (Level.DISTRICT, Level.COUNTY_CITY),
        Level.STREET: (Level.DISTRICT, Level.COUNTY_CITY),
        Level.COMMUNITY: (Level.TOWN, Level.STREET),
        Level.VILLAGE: (Level.TOWN, Level.STREET),
    }
    ROOT_LEVELS = (Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.COUNTY_CITY)
    ABOVE_DISTRICT_LEVELS = (Level.PROVINCE, Level.CITY)
    DISTRICT_LEVELS = (Level.DISTRICT, Level.COUNTY_CITY)
    TOWN_LEVELS = (Level.TOWN, Level.STREET)
    COMMUNITY_LEVELS = (Level.COMMUNITY, Level.VILLAGE)

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    code = models.CharField(_("division code"), max_length=20, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("positions:coverage") + f"?region={self.pk}"

    @property
    def is_above_district(self) -> bool:
        """A province or city: its administrators see its districts side by side."""
        return self.level in self.ABOVE_DISTRICT_LEVELS

    @property
    def town_path(self) -> str:
        """The path of the town or street this region lies in: its own for a town, its parent's
        for a community, its own for a district or above (which lie in no town)."""
        if self.level in self.COMMUNITY_LEVELS:
            return self.path[: -self.steplen]
        return self.path

    @property
    def district_path(self) -> str:
        """The path of the district (or county-level city) this region lies in; its own for a
        district, a city or a province."""
        if self.level in self.COMMUNITY_LEVELS:
            return self.path[: -2 * self.steplen]
        if self.level in self.TOWN_LEVELS:
            return self.path[: -self.steplen]
        return self.path

    def check_placement(self, parent: "Region | None") -> None:
        """Raise ValidationError unless this region may sit under `parent`."""
        allowed = self.PARENT_LEVELS[self.level]
        if parent is None and self.level not in self.ROOT_LEVELS:
            raise ValidationError(
                {"parent": _("Only a province, city or district stands without a parent region.")}
            )
        if parent is not None and parent.level not in allowed:
            raise ValidationError(
                {
                    "parent": _("A %(level)s cannot sit under a %(parent_level)s.")
                    % {"level": self.get_level_display(), "parent_level": parent.get_level_display()}
                }
            )


class ServiceUnit(MP_Node, TimeStampedModel):
    """A unit of the five-level network: association, centre, station, room and post."""

    class Level(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        CENTRE = "centre", _("Service centre")
        STATION = "station", _("Service station")
        ROOM = "room", _("Service room")
        POST = "post", _("Service post")

    RANK = {level: rank for rank, level in enumerate(Level)}

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=150)
    code = models.CharField(_("code"), max_length=30, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, db_index=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="units"
    )
    host = models.CharField(
        _("host institution"),
        max_length=150,
        blank=True,
        help_text=_("The department, town or grassroots unit the unit is set up in."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    established_on = models.DateField(_("date set up"), null=True, blank=True)
    is_model = models.BooleanField(
        _("model unit"), default=False, help_text=_("A model service room the district cultivates.")
    )

    class Meta:
        verbose_name = _("service unit")
        verbose_name_plural = _("service units")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "region"], name="unit_level_region_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("positions:unit_detail", args=[self.pk])

    def check_placement(self, parent: "ServiceUnit | None") -> None:
        """Raise ValidationError unless this unit may sit under `parent` in its region.

        Only associations stand alone; every other unit sits under a unit of a higher level,
        inside the parent's region.
        """
        errors = {}
        if parent is None:
            if self.level != self.Level.ASSOCIATION:
                errors["parent"] = _("Only an association stands without a parent unit.")
        else:
            if self.RANK[parent.level] >= self.RANK[self.level]:
                errors["parent"] = _("A %(level)s cannot sit under a %(parent_level)s.") % {
                    "level": self.get_level_display(),
                    "parent_level": parent.get_level_display(),
                }
            elif self.region_id and not self.region.path.startswith(parent.region.path):
                errors["region"] = _("The region must lie within the parent unit's region (%(region)s).") % {
                    "region": parent.region
                }
        if errors:
            raise ValidationError(errors)


def tree_insert(node: Region | ServiceUnit, parent: Region | ServiceUnit | None):
    """Save a new node under `parent`, or as a root when there is none; returns the saved node."""
    manager = type(node).objects
    return manager.add_root(instance=node) if parent is None else manager.add_child(parent, instance=node)
