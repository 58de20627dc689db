"""Rules a district keeps for itself, and the default its city (or province) publishes.

A rule model (the allowance amounts, the hours a year requires, the registration hours, the case
records policy…) has an owner `region`: a district's own rows, the city's rows (its default for
the districts under it), or none (an installation set up before regions had owners, whose rows
stand for everyone). What applies to a record is read with the place the record lies in (the
worker's unit's region, the case's station's region), never "the installation's":

    rule_for(HoursRequirement, worker_region, year=2026)

reads the district's own row, else the nearest ancestor's (the city's default, then the
province's), else an ownerless row, in one query: the ancestors' paths are prefixes of the
place's own path. None means no row at all: the caller's built-in default applies.

A rule can be a single row per key (the hours of a year) or a set of rows (the allowance amounts
by level and date): `rules_for` returns the nearest owner's rows, all of them, so a district's own
set is never mixed with the city's.

A district follows its city's default ("沿用市级默认") as long as it has no rows of its own for the
key; `rule_own` gives it its own, starting from the values it followed; `rule_adopt` drops its own
and follows the city's again. Both are audited. `rule_changed_notify` tells the administrators of
the districts that follow a default the city has just changed.

Every rule model is declared once in LOCAL_RULES (name → model, key fields, label, page), which
the generic adopt/own pages and API read.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialwork.notifications import notification_kind
from socialwork.roles import Role

LOCAL_RULE_CHANGED = notification_kind(
    "local_rule_changed",
    label=gettext_lazy("A city default my district follows was changed (district administrators)"),
)

STEP = 4  # treebeard's step length of Region.path (positions.models.Region.steplen)


def owner_field(**kwargs) -> models.ForeignKey:
    """The owner of a rule row: a district (its own rule) or a city or province (their default)."""
    return models.ForeignKey(
        "positions.Region",
        verbose_name=gettext_lazy("owner (district or city)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("A district's own rule, or a city's default for its districts."),
        **kwargs,
    )


@dataclass(frozen=True)
class LocalRule:
    """A rule model as the adopt/own pages and API know it."""

    name: str
    model: type[models.Model]
    label: object
    keys: tuple[str, ...] = ()
    # The page the rule is edited on, given the key values (for the redirect and the notification).
    url: Callable[..., str] = field(default=lambda **key: "")
    # What a person holds to edit it (the change permission unless the rule's page says otherwise).
    perm: str = ""
    # Called as on_own(source_pk, copy) for each row a district copies when it takes its own (a
    # scheme's criteria and grade rules follow the scheme).
    on_own: Callable | None = None

    def permission(self) -> str:
        return self.perm or f"{self.model._meta.app_label}.change_{self.model._meta.model_name}"

    def key_of(self, data) -> dict:
        """The key values out of a form's or request's data; a key missing is refused."""
        key = {}
        for name in self.keys:
            value = data.get(name)
            if value in (None, ""):
                raise ValidationError({name: _("This field is required.")})
            key[name] = self.model._meta.get_field(name).to_python(value)
        return key


LOCAL_RULES: dict[str, LocalRule] = {}


def local_rule(
    name: str, model, *, label, keys: tuple[str, ...] = (), url=None, perm: str = "", on_own=None
) -> LocalRule:
    """Declare a rule model, beside it in its app's models."""
    rule = LocalRule(
        name=name,
        model=model,
        label=label,
        keys=keys,
        url=url or (lambda **key: ""),
        perm=perm,
        on_own=on_own,
    )
    LOCAL_RULES[name] = rule
    return rule


def rule_of_model(model) -> LocalRule:
    return next(rule for rule in LOCAL_RULES.values() if rule.model is model)


# Reads


def owner_paths(place) -> list[str]:
    """The paths of a place and of every region above it: prefixes of its own path. `place` is a
    Region or a region's path."""
    path = place if isinstance(place, str) else place.path
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]


def owners_q(place, via: str = "region") -> Q:
    """The rows owned by the place, a region above it, or nobody."""
    if place is None:
        return Q(**{f"{via}__isnull": True})
    return Q(**{f"{via}__path__in": owner_paths(place)}) | Q(**{f"{via}__isnull": True})


def rules_in_reach_q(user, place, via: str = "region") -> Q:
    """The rule rows a person at `place` deals with: their place's own and those of the regions
    above it (the defaults it follows), nobody's, and those of the places under it (a city's view
    of its districts); never a neighbouring district's own."""
    from socialwork.scoping import region_scope

    return owners_q(place, via=via) | region_scope(user, via=via)


def _nearest(rows: list) -> list:
    """The rows of the deepest owner among rows annotated with `owner_depth`."""
    if not rows:
        return []
    deepest = max(row.owner_depth for row in rows)
    return [row for row in rows if row.owner_depth == deepest]


def rule_rows(model, place, **key) -> models.QuerySet:
    """Every row that could apply at a place, each with its owner's depth (0: nobody's)."""
    return (
        model.objects.filter(owners_q(place), **key)
        .select_related("region")
        .annotate(owner_depth=Coalesce("region__depth", 0))
    )


def rules_for(model, place, **key) -> list:
    """The rows that apply at a place: the nearest owner's (the district's own, else the city's,
    else nobody's), in the model's order. One query. An empty list: the built-in default."""
    return _nearest(list(rule_rows(model, place, **key)))


def rule_for(model, place, **key):
    """The one row that applies at a place for a key, or None (the caller's built-in default)."""
    rows = rules_for(model, place, **key)
    return rows[0] if rows else None


class RuleTable:
    """Every row of a rule model, read once (one query), to answer for many places: a list of
    workers from several districts, each with the rule of their own district."""

    def __init__(self, model, **filters):
        self.rows = list(model.objects.filter(**filters).select_related("region"))
        for row in self.rows:
            row.owner_depth = row.region.depth if row.region_id else 0

    def rules_for(self, place, **key) -> list:
        paths = set(owner_paths(place)) if place else set()
        return _nearest(
            [
                row
                for row in self.rows
                if (row.region_id is None or row.region.path in paths)
                and all(getattr(row, name) == value for name, value in key.items())
            ]
        )

    def rule_for(self, place, **key):
        rows = self.rules_for(place, **key)
        return rows[0] if rows else None


def nearest_value(model, field_name: str, path_ref: str, **key) -> Subquery:
    """A subquery for a queryset's rows: the value of `field_name` in the rule that applies at the
    region whose path is `path_ref` (an OuterRef path, e.g. "employer_unit__region__path"): the
    nearest owner whose path is a prefix of it, else an ownerless row. NULL when none applies."""
    rows = (
        model.objects.filter(**key)
        .filter(
            Q(region__isnull=True) | Q(region__path=Substr(OuterRef(path_ref), 1, Length("region__path")))
        )
        .order_by(F("region__depth").desc(nulls_last=True))
        .values(field_name)[:1]
    )
    return Subquery(rows)


@dataclass
class RuleState:
    """Where a place stands on a rule: its own rows, or those it follows (whose, or none)."""

    region: object
    own: bool
    source: object = None  # the region whose rows it follows (None: nobody's, or the built-in)
    rows: list = field(default_factory=list)

    @property
    def follows(self) -> bool:
        return not self.own

    @property
    def can_adopt(self) -> bool:
        """Dropping its own rows leaves something to follow: a region above it."""
        return self.own and self.region is not None and self.region.depth > 1

    @property
    def can_own(self) -> bool:
        return not self.own and self.region is not None


def rule_state(model, region, **key) -> RuleState:
    """Whether a region has rows of its own for a key, and what it follows otherwise. One query."""
    rows = rules_for(model, region, **key)
    own = bool(rows) and region is not None and rows[0].region_id == region.pk
    source = rows[0].region if rows else None
    return RuleState(region=region, own=own, source=None if own else source, rows=rows)


def district_states(model, region, **key) -> list[RuleState]:
    """For a city (or province): each district under it, following or with its own rows. Two
    queries: the districts, and which of them own rows for the key."""
    from positions.selectors.network import districts_under

    if region is None or not region.is_above_district:
        return []
    districts = list(districts_under(region))
    owning = set(
        model.objects.filter(region__in=[d.pk for d in districts], **key).values_list("region_id", flat=True)
    )
    return [RuleState(region=district, own=district.pk in owning) for district in districts]


def rule_place(user):
    """The region whose rules a person edits: their own place (a district, or a city for its
    default); a superuser without one edits the installation's root."""
    from positions.selectors.network import installation_district

    if getattr(user, "region_id", None) and user.is_district_wide:
        return user.region
    if user.is_superuser:
        return installation_district()
    return None


def reading_place(user):
    """The region whose rules a person reads on a rule's page: the place they edit, else the
    region of their unit (a station manager reads their district's rules)."""
    place = rule_place(user)
    if place is None and getattr(user, "unit_id", None):
        return user.unit.region
    return place


def may_edit_rule(user, rule: LocalRule) -> bool:
    return bool(user.is_authenticated and user.has_perm(rule.permission()) and rule_place(user) is not None)


# Writes


def _values(row) -> dict:
    return {
        f.name: str(getattr(row, f.attname))
        for f in row._meta.concrete_fields
        if f.name not in ("id", "region", "created_at", "updated_at")
    }


def rule_adopt(*, actor, rule: LocalRule, region, **key) -> int:
    """A district drops its own rows for a key and follows the nearest default above it again.
    Refused for the installation's root (nothing above it to follow). Returns the rows dropped."""
    if region is None or region.depth <= 1:
        raise ValidationError(_("There is no default above this region to follow."))
    with transaction.atomic():
        own = list(rule.model.objects.select_for_update().filter(region=region, **key))
        if not own:
            raise ValidationError(_("This district already follows the city's default."))
        followed = rules_for(rule.model, region.path[:-STEP], **key)
        for row in own:
            try:
                with transaction.atomic():
                    row.delete()
            except models.ProtectedError:
                raise ValidationError(
                    _("Records were made under this district's own rule, so it cannot be dropped.")
                ) from None
        from socialwork.services import audit_record

        audit_record(
            actor=actor,
            action="local_rule.adopt",
            target=region,
            summary=f"{rule.label} · {region}",
            changes={
                "rule": [None, rule.name],
                **{name: [None, str(value)] for name, value in key.items()},
                "values": [[_values(row) for row in own], [_values(row) for row in followed]],
            },
        )
    return len(own)


def rule_own(*, actor, rule: LocalRule, region, **key) -> list:
    """A district takes a rule of its own for a key, starting from the values it follows (a copy
    of the city's rows, or none where it followed the built-in default). It then changes them on
    the rule's page. Returns its rows."""
    if region is None:
        raise ValidationError(_("Only a district or a city keeps rules of its own."))
    with transaction.atomic():
        if rule.model.objects.filter(region=region, **key).exists():
            raise ValidationError(_("This district already has a rule of its own."))
        followed = rules_for(rule.model, region, **key)
        copies = []
        for row in followed:
            source_pk = row.pk
            row.pk = None
            row._state.adding = True
            row.region = region
            row.full_clean()
            row.save()
            if rule.on_own is not None:
                rule.on_own(source_pk, row)
            copies.append(row)
        from socialwork.services import audit_record

        audit_record(
            actor=actor,
            action="local_rule.own",
            target=region,
            summary=f"{rule.label} · {region}",
            changes={
                "rule": [None, rule.name],
                **{name: [None, str(value)] for name, value in key.items()},
                "values": [None, [_values(row) for row in copies]],
            },
        )
    return copies


def followers_of(model, region, **key) -> list:
    """The districts under a city (or province) that follow it for a key: no rows of their own."""
    return [state.region for state in district_states(model, region, **key) if state.follows]


def rule_changed_notify(*, rule: LocalRule, region, **key) -> int:
    """Tell the administrators of every district following a default that the city (or province)
    has just changed it; called by the rule's service once it saved. Returns how many were told.
    Nothing for a change of a district's own rule."""
    if region is None or not region.is_above_district:
        return 0
    followers = followers_of(rule.model, region, **key)
    if not followers:
        return 0
    from socialwork.services import notification_send

    admins = (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=Role.DISTRICT_ADMIN,
            region__in=[district.pk for district in followers],
        )
        .distinct()
    )
    told = 0
    stamp = f"{key}".replace(" ", "")
    for admin in admins:
        sent = notification_send(
            user=admin,
            kind=LOCAL_RULE_CHANGED,
            key=f"local_rule:{rule.name}:{region.pk}:{stamp}:{admin.pk}:{_now_stamp()}",
            title=_Words(
                gettext_lazy("%(city)s changed its default: %(rule)s"), city=region.name, rule=rule.label
            ),
            body=gettext_lazy(
                "Your district follows this default; the new values apply to its records from now on."
            ),
            url=rule.url(**key),
        )
        told += sent is not None
    return told


class _Words:
    """A message rendered when sent, in the recipient's language (notification_send)."""

    def __init__(self, message, **params):
        self.message, self.params = message, params

    def __str__(self):
        return str(self.message) % {name: str(value) for name, value in self.params.items()}


def _now_stamp() -> str:
    from django.utils import timezone

    return f"{timezone.now():%Y%m%d%H%M%S%f}"


def require_editor(user, rule: LocalRule):
    """The region this person edits the rule of; PermissionDenied when they may not."""
    if not may_edit_rule(user, rule):
        raise PermissionDenied
    return rule_place(user)
