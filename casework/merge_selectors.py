"""Reads of client merges (casework.models.merges): who may send, propose, approve and undo, what
the district's merge pages list, and the side-by-side comparison the approver decides on.

District administrators do not see clients (casework.selectors.client_scope). A merge shows them
what deciding needs and no more, each opening audited: the two records' fields, the ID number
and phone masked, counts of cases and household members (never a case's content); a record
labelled sensitive shows its name masked and its address withheld."""

from dataclasses import dataclass

import django_filters
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from casework.masking import mask_id_number, mask_phone
from casework.models import CaseClient, Client, ClientMerge
from casework.models.merges import MERGE_FIELDS
from casework.selectors import LIVE_CLIENT, clients_visible_to
from socialwork.crypto.fields import digest_q
from socialwork.roles import Role
from socialwork.scoping import unit_scope

OPEN = (ClientMerge.Status.SENT, ClientMerge.Status.PROPOSED)


def merge_may_decide(user) -> bool:
    """District administrators of a district propose, approve, reject and undo merges."""
    return (
        user.is_authenticated
        and user.is_district_wide
        and user.has_role(Role.DISTRICT_ADMIN)
        and user.has_perm("casework.add_clientmerge")
    )


def merge_may_send(user, client: Client) -> bool:
    """Who may send a suspected duplicate for merging: the station manager of the station that
    registered the client, and the worker who registered a client flagged known elsewhere at
    intake, while they see the client."""
    if not user.is_authenticated or client.merged_into_id or client.removed_at:
        return False
    manager = bool(user.unit_id) and user.unit_id == client.station_id and user.has_role(Role.STATION_MANAGER)
    intake = client.created_by_id == user.pk and client.known_elsewhere
    return manager or intake


def merges_visible_to(*, user) -> QuerySet[ClientMerge]:
    """The merges of the district (either record registered at one of its stations) for its
    administrators; the suggestions a person sent, for them."""
    if not user.is_authenticated:
        return ClientMerge.objects.none()
    scope = Q(sent_by=user)
    if merge_may_decide(user):
        scope |= unit_scope(user, via="kept__station") | unit_scope(user, via="merged__station")
    return ClientMerge.objects.filter(scope).select_related(
        "kept__station", "kept__community", "merged__station", "merged__community", "merged__merged_into", "sent_by", "proposed_by", "decided_by",
        "undone_by",
    )  # fmt: skip


class MergeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClientMerge.Status.choices, label=_("status"))

    class Meta:
        model = ClientMerge
        fields = ["status"]


def merges_list(*, user, params=None):
    """The merges list: the merges `user` sees, the latest first, filtered by state. Its page and
    its API list read it."""
    return MergeFilter(params, queryset=merges_visible_to(user=user).order_by("-created_at", "-pk"))


def merge_client_in_reach(*, user, pk) -> Client | None:
    """A live client of the district, by id, for a district administrator proposing a merge;
    None for an unknown id and one outside the district alike. Reading it is not seeing it."""
    if not merge_may_decide(user):
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Client.objects.filter(unit_scope(user, via="station"), LIVE_CLIENT, pk=pk)
        .select_related("station", "community")
        .first()
    )


def merge_candidates(*, user, client: Client) -> QuerySet[Client]:
    """The district's other live clients who may be the same person as `client`: the same ID
    number (by its digest), or the same name and date of birth."""
    match = Q(pk__in=[])
    if client.id_number:
        match |= digest_q(Client, "id_number_digest", client.id_number)
    if client.birth_date:
        match |= Q(name=client.name, birth_date=client.birth_date)
    return (
        Client.objects.filter(unit_scope(user, via="station"), LIVE_CLIENT, match)
        .exclude(pk=client.pk)
        .select_related("station", "community")
        .order_by("pk")
    )


def duplicate_suspects(*, user, limit: int = 50) -> list[list[Client]]:
    """Groups of the district's live clients sharing an ID number (its digest) with no merge
    waiting for them: what the district's merge page proposes to look at. Two queries."""
    if not merge_may_decide(user):
        return []
    district = Client.objects.filter(unit_scope(user, via="station"), LIVE_CLIENT).exclude(
        id_number_digest=""
    )
    waiting = ClientMerge.objects.filter(status__in=OPEN).values("merged")
    digests = list(
        district.exclude(pk__in=waiting)
        .values("id_number_digest")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("id_number_digest")
        .values_list("id_number_digest", flat=True)[:limit]
    )
    groups: dict[str, list[Client]] = {}
    rows = district.filter(id_number_digest__in=digests).select_related("station", "community").order_by("pk")
    for client in rows:
        groups.setdefault(client.id_number_digest, []).append(client)
    return [group for group in groups.values() if len(group) > 1]


def merge_waiting_for(*, user) -> QuerySet[ClientMerge]:
    """Proposals another district administrator made, waiting for this one's decision."""
    if not merge_may_decide(user):
        return ClientMerge.objects.none()
    return merges_visible_to(user=user).filter(status=ClientMerge.Status.PROPOSED).exclude(proposed_by=user)


def merged_record_for(*, user, pk) -> Client | None:
    """A merged record whose kept record `user` sees (its page says where it went), else None."""
    merged = Client.objects.filter(pk=pk, merged_into__isnull=False, removed_at__isnull=True).first()
    if merged is None:
        return None
    if clients_visible_to(user=user).filter(pk=merged.merged_into_id).exists():
        return merged
    return None


def merges_of_client(client: Client) -> QuerySet[ClientMerge]:
    """The merges done (and undone) into this record: shown on its page."""
    return (
        client.merges_kept.filter(status__in=(ClientMerge.Status.MERGED, ClientMerge.Status.UNDONE))
        .select_related("proposed_by", "decided_by", "undone_by")
        .order_by("-decided_at", "-pk")
    )


# The comparison


@dataclass(frozen=True)
class Row:
    field: str
    label: str
    kept: str
    merged: str
    differs: bool
    take_merged: bool


def _shown(client: Client, name: str) -> str:
    value = getattr(client, name)
    if name == "name" and client.sensitive:
        return f"{value[:1]}*" if value else ""
    if name == "address" and client.sensitive:
        return "***" if value else ""
    if name == "id_number":
        return mask_id_number(value) if value else ""
    if name == "phone":
        return mask_phone(value) if value else ""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return _("yes") if value else _("no")
    field = Client._meta.get_field(name)
    if field.choices:
        return str(getattr(client, f"get_{name}_display")())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def merge_comparison(*, kept: Client, merged: Client, take_from_merged=()) -> list[Row]:
    """The two records side by side, field by field, and which value the kept record ends with."""
    rows = []
    for name in MERGE_FIELDS:
        kept_value, merged_value = getattr(kept, name), getattr(merged, name)
        rows.append(
            Row(
                field=name,
                label=str(Client._meta.get_field(name).verbose_name),
                kept=_shown(kept, name),
                merged=_shown(merged, name),
                differs=kept_value != merged_value,
                take_merged=name in take_from_merged,
            )
        )
    return rows


@dataclass(frozen=True)
class Holdings:
    cases: int
    household: int
    pairings: int
    groups: int
    categories: list


def merge_holdings(client: Client) -> Holdings:
    """What a record holds, counted (never a case's content)."""
    return Holdings(
        cases=CaseClient.objects.filter(client=client).count(),
        household=client.household.count(),
        pairings=client.pairings.count(),
        groups=client.group_memberships.count(),
        categories=[str(category) for category in client.categories.all()],
    )
