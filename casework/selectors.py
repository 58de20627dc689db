"""Reads of case records, scoped to the person asking. The one rule of who sees a case lives in
`case_scope`; clients, groups, exports, search, the API and the admin all follow it.

A case is seen by its assigned worker, its supervisor and the station manager of its station,
by whoever holds an approved access grant to it until the grant ends (a request waiting for
approval opens nothing), and, while a transfer to them
waits, by the receiving worker or station manager. Nobody else sees it, district administrators
and superusers included: for them it does not exist. A client is seen by whoever sees one of
their cases, by the station manager of the station that registered them, and by the worker who
registered them until a case is opened. Removed clients and their cases are seen by nobody.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from casework.categories import category_misfits
from casework.models import (
    AccessGrant,
    AdvocacyRecord,
    BreakGlass,
    Case,
    CaseClient,
    CaseloadEntry,
    CaseworkPolicy,
    Client,
    ClientServed,
    Closing,
    CommunityActivity,
    EvaluationSample,
    FollowUp,
    Group,
    PlanTask,
    Referral,
    SampledCase,
    SatisfactionQuestion,
    ServiceNote,
    ServicePlan,
    StationTally,
    SubjectRequest,
    SupervisorReview,
    Transfer,
    Volunteer,
)
from casework.models.common import RISK_FIRST, Approval
from positions.models import ServiceUnit
from socialwork.crypto.fields import digest_q
from socialwork.local_rules import nearest_value
from socialwork.roles import Role
from socialwork.scoping import NOTHING, through, unit_scope


def _manages(user) -> bool:
    return bool(user.unit_id) and user.has_role(Role.STATION_MANAGER)


@dataclass(frozen=True)
class Reached:
    """The few cases a person reaches beyond their own work: `ids`, all of them, and of those
    `glass`, the labelled cases they opened by break-glass (whose labelled clients they see too)."""

    ids: list[int]
    glass: frozenset[int]

    def __bool__(self):
        return bool(self.ids)


def _reached(user, *, manages: bool) -> Reached:
    """The few cases `user` reaches by an access grant, as receiver of a pending transfer or by
    break-glass, read in one small query so that the scope itself can be plain indexed
    conditions. A labelled case (`sensitive`) is reached by no grant and by no station's transfer:
    only by the worker a transfer names and by an open break-glass."""
    today, now = timezone.localdate(), timezone.now()
    grants = AccessGrant.objects.filter(
        user=user, status=AccessGrant.Status.APPROVED, expires_on__gte=today, case__sensitive=False
    )
    incoming = Q(to_worker=user)
    if manages:
        incoming |= Q(to_station_id=user.unit_id, case__sensitive=False)
    transfers = Transfer.objects.filter(incoming, status=Transfer.Status.PENDING)
    glass = BreakGlass.objects.filter(user=user, expires_at__gt=now)

    def marked(queryset, by_glass: bool):
        # A member of a compound statement takes no ORDER BY (SQLite refuses one); drop the defaults.
        return queryset.order_by().annotate(by_glass=Value(by_glass)).values_list("case_id", "by_glass")

    rows = marked(grants, False).union(marked(transfers, False), marked(glass, True))
    ids, by_glass = set(), set()
    for case_id, opened in rows:
        ids.add(case_id)
        if opened:
            by_glass.add(case_id)
    return Reached(sorted(ids), frozenset(by_glass))


def _reached_case_ids(user, *, manages: bool) -> list[int]:
    return _reached(user, manages=manages).ids


def case_scope(user) -> Q:
    """The cases `user` sees: their own, those they supervise, their station's when they manage
    it (but not those labelled sensitive), and the few they reach by a grant, a pending transfer
    or break-glass (`_reached`). Written as an OR of indexed columns and a short list of ids,
    PostgreSQL combines the indexes (BitmapOr) and reads only those cases; an OR of correlated
    EXISTS made it scan every case (see bench/results.md)."""
    return _scope_of(case_scope_parts(user))


def case_scope_parts(user) -> list[Q]:
    """The conditions whose OR is `case_scope`, each read through an index of its own: the case
    list reads a page part by part (socialwork.pages.InParts)."""
    if not user.is_authenticated:
        return []
    manages = _manages(user)
    parts = [Q(worker=user), Q(supervisor=user)]
    if manages:
        parts.append(Q(station_id=user.unit_id, sensitive=False))
    reached = _reached_case_ids(user, manages=manages)
    if reached:
        parts.append(Q(pk__in=reached))
    return parts


def _scope_of(parts: list[Q]) -> Q:
    if not parts:
        return NOTHING
    return reduce(or_, parts) & Q(removed_at__isnull=True)


def case_filter_choices(user) -> dict:
    """The stations, workers and intake years the case list offers as filters, bounded by the
    person's place rather than read from every visible case: their own station (and, for its
    manager, its staff), themselves when they hold cases, and the stations and workers of the
    few cases they supervise, hold a grant to or are offered by transfer. A station's hundred
    thousand cases, or a worker's thousands, are never scanned for it."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not user.is_authenticated:
        return {"stations": ServiceUnit.objects.none(), "workers": User.objects.none(), "years": []}
    manages = _manages(user)
    others = Q(supervisor=user)
    ids = _reached_case_ids(user, manages=manages)
    if ids:
        others |= Q(pk__in=ids)
    # Read apart first: inside one statement PostgreSQL joined every case to find them.
    pairs = set(Case.objects.filter(others, removed_at__isnull=True).values_list("station_id", "worker_id"))
    stations = {station for station, _worker in pairs}
    workers = {worker for _station, worker in pairs if worker}
    own_station = station_of(user.unit)
    if own_station is not None:
        stations.add(own_station.pk)
    if Case.objects.filter(worker=user, removed_at__isnull=True).exists():
        workers.add(user.pk)
    people = Q(pk__in=workers)
    if manages:
        people |= Q(unit__path__startswith=user.unit.path)
    # The years run back to the district's first intake (one end of an index); a person's own
    # first year would mean reading all their cases.
    first = Case.objects.aggregate(first=Min("intake_on"))["first"]
    this_year = timezone.localdate().year
    return {
        "stations": ServiceUnit.objects.filter(pk__in=stations).order_by("path"),
        "workers": User.objects.filter(people).order_by("full_name", "username"),
        "years": list(range(this_year, first.year - 1, -1)) if first else [],
    }


def district_administrators_over(region) -> QuerySet:
    """The active district administrators placed in `region` or a region above it: those who
    decide for a place and are told what happens there."""
    from django.contrib.auth import get_user_model

    from positions.models import Region

    if region is None:
        return get_user_model().objects.none()
    path = region.path
    regions = [path[:n] for n in range(Region.steplen, len(path) + 1, Region.steplen)]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.DISTRICT_ADMIN, region__path__in=regions)
        .distinct()
        .order_by("pk")
    )


def grant_case_in_reach(*, user, number: str) -> Case | None:
    """The case a district administrator may ask access to by its number: one in their district,
    not removed. One query either way, so that an unknown number and a case elsewhere are told
    apart neither by the answer nor by its path. Reading the case here is not seeing it."""
    if not (user.is_authenticated and user.is_district_wide):
        return None
    return (
        Case.objects.filter(
            unit_scope(user, via="station"), number=(number or "").strip()[:40], removed_at__isnull=True
        )
        .select_related("station__region", "worker", "supervisor")
        .first()
    )


def may_break_glass(user) -> bool:
    """Whether the person is one who may open a labelled case in their place by giving a reason:
    a station manager (their station's cases) or a district administrator (their district's)."""
    return user.is_authenticated and (
        _manages(user) or (user.is_district_wide and user.has_role(Role.DISTRICT_ADMIN))
    )


def _glass_reach(user) -> Q:
    """The labelled cases `user` may open by break-glass: their station's, or their district's."""
    if not may_break_glass(user):
        return NOTHING
    place = Q(station_id=user.unit_id) if _manages(user) else Q()
    if user.is_district_wide and user.has_role(Role.DISTRICT_ADMIN):
        place |= unit_scope(user, via="station")
    return place & Q(sensitive=True, removed_at__isnull=True)


def break_glass_case_in_reach(*, user, number: str = "", pk: int | None = None) -> Case | None:
    """The labelled case, by its number or id, that `user` may open by break-glass, or None: for
    an unknown number, a case outside their place and a case that is not labelled alike, in one
    query, so that nobody who may not break glass learns that a labelled case exists. Reading the
    case here is not seeing it."""
    if not may_break_glass(user):
        return None
    where = Q(pk=pk) if pk is not None else Q(number=(number or "").strip().upper()[:40])
    return (
        Case.objects.filter(_glass_reach(user), where)
        .select_related("station__region", "worker", "supervisor")
        .first()
    )


def people_over(region, role: str) -> QuerySet:
    """The active holders of `role` placed in `region` or a region above it: the district
    administrators who decide for a place, the auditors who watch it."""
    from django.contrib.auth import get_user_model

    from positions.models import Region

    if region is None:
        return get_user_model().objects.none()
    path = region.path
    regions = [path[:n] for n in range(Region.steplen, len(path) + 1, Region.steplen)]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=role, region__path__in=regions)
        .distinct()
        .order_by("pk")
    )


def break_glasses_of(case: Case) -> QuerySet[BreakGlass]:
    """Who opened this case by break-glass, and why: shown on its timeline to those who see it."""
    return case.break_glasses.select_related("user")


def grants_visible_to(*, user) -> QuerySet[AccessGrant]:
    """The access grants and requests of the cases in a district administrator's district, named
    by case number; nobody else reads them."""
    if not (user.is_authenticated and user.is_district_wide):
        return AccessGrant.objects.none()
    return AccessGrant.objects.filter(
        unit_scope(user, via="case__station"), case__removed_at__isnull=True
    ).select_related("case", "user", "requested_by", "decided_by", "revoked_by")


CASE_RELATED = ("station", "worker", "supervisor", "category")
# The case list's order: the latest intake first (the API's own ?ordering= aside).
CASE_LIST_ORDER = ("-intake_on", "-pk")


def cases_visible_to(*, user) -> QuerySet[Case]:
    return _cases_in(case_scope_parts(user))


def _cases_in(parts: list[Q]) -> QuerySet[Case]:
    """The cases of a person's scope, given as its parts (`case_scope_parts`)."""
    return Case.objects.filter(_scope_of(parts)).select_related(*CASE_RELATED)


def quiet_case_days_of(user) -> int:
    """How many days an open case of a worker (a login) may go without a service note: the policy
    of their station's district. One query."""
    from django.contrib.auth import get_user_model

    default = CaseworkPolicy._meta.get_field("quiet_case_days").default
    days = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(nearest_value(CaseworkPolicy, "quiet_case_days", "unit__region__path"), flat=True)
        .first()
    )
    return default if days is None else days


def case_open_on(day: date) -> Q:
    """Cases open on `day`: taken in by then and not closed by then."""
    not_closed = Q(closed_on__isnull=True) & ~Q(status=Case.Status.CLOSED)
    return Q(intake_on__lte=day) & (not_closed | Q(closed_on__gt=day))


def case_quiet(*, on: date, days: int) -> Q:
    """The one rule of a quiet case, for the Monday reminder, the flag on My cases and the
    worker-year figures of the practice assessment: open on `on`, with no service note (by anyone)
    dated in the `days` days up to it and taken in before them. So its last note, or its intake
    when it has none, is `days` days old or older. `days` is the policy's `quiet_case_days`
    (`case_quiet_in_place` gives each case its own district's); the figures of a past year ask for
    its last day."""
    cutoff = on - timedelta(days=days)
    recent = ServiceNote.objects.filter(case=OuterRef("pk"), noted_on__gt=cutoff, noted_on__lte=on)
    # An imported case's last note day comes from its register, with no note behind it here.
    noted = Q(last_note_on__gt=cutoff, last_note_on__lte=on)
    return case_open_on(on) & Q(intake_on__lte=cutoff) & ~Exists(recent) & ~noted


def case_quiet_in_place(*, on: date) -> Q:
    """`case_quiet` with each case's own district's quiet_case_days (one query for the policies)."""
    return CaseworkPolicy.table().by_place(
        "station__region__path", lambda policy: case_quiet(on=on, days=policy.quiet_case_days)
    )


def cases_quiet(*, on: date) -> QuerySet[Case]:
    """The quiet cases on `on` (`case_quiet`, each by its own district's days), not removed: whom
    the reminder tells is its own business, so these are not scoped to a person."""
    return Case.objects.filter(case_quiet_in_place(on=on), removed_at__isnull=True)


def worker_year_cases(*, user, first: date, end: date, quiet_days: int) -> dict[str, int]:
    """What the case records say of the worker with login `user` between `first` and `end`, as
    counts only, for the practice assessment (positions.selectors.evidence): cases assigned to
    them (the case's current worker) open at some time in it (`caseload`); of those open at its
    end (`open_at_end`) how many were not quiet then (`noted_at_end`, `case_quiet`); cases closed
    in it (`closed`) and how many with an approved closing for goals reached (`goals`); service
    notes they wrote (`notes`); supervisor reviews they wrote as supervisor (`reviews`) and on
    how many cases (`reviewed_cases`). Three queries."""
    cases = Case.objects.filter(worker=user, removed_at__isnull=True)
    goals = Closing.objects.filter(
        case=OuterRef("pk"), reason=Closing.Reason.GOALS_REACHED, status=Approval.APPROVED
    )
    open_in_year = Q(intake_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=first))
    open_at_end = case_open_on(end)
    closed_in_year = Q(status=Case.Status.CLOSED, closed_on__gte=first, closed_on__lte=end)
    quiet = ExpressionWrapper(case_quiet(on=end, days=quiet_days), output_field=BooleanField())
    counts = cases.annotate(quiet=quiet, has_goals=Exists(goals)).aggregate(
        caseload=Count("pk", filter=open_in_year),
        open_at_end=Count("pk", filter=open_at_end),
        noted_at_end=Count("pk", filter=open_at_end & Q(quiet=False)),
        closed=Count("pk", filter=closed_in_year),
        goals=Count("pk", filter=closed_in_year & Q(has_goals=True)),
    )
    counts["notes"] = ServiceNote.objects.filter(
        author=user, noted_on__gte=first, noted_on__lte=end, case__removed_at__isnull=True
    ).count()
    reviews = SupervisorReview.objects.filter(
        supervisor=user, reviewed_on__gte=first, reviewed_on__lte=end, case__removed_at__isnull=True
    ).aggregate(reviews=Count("pk"), reviewed_cases=Count("case", distinct=True))
    return {**counts, **reviews}


MAIN_CLIENT_FIRST = Prefetch(
    "case_clients", queryset=CaseClient.objects.select_related("client").order_by("-primary", "pk")
)


def main_client(case: Case):
    """The case's main client, from its prefetched links."""
    links = list(case.case_clients.all())
    main = next((link for link in links if link.primary), links[0] if links else None)
    return main.client if main else None


# A client on record: neither removed nor merged into another record (casework.services.merges).
LIVE_CLIENT = Q(removed_at__isnull=True, merged_into__isnull=True)


def client_scope(user) -> Q:
    """The clients `user` sees, like `case_scope` written so that PostgreSQL reads only them.

    A worker's are their caseload (`CaseloadEntry`, one index) and the clients of the few cases
    they reach by a grant or a transfer. A station manager sees above all the clients registered
    at the station: one indexed column. The others they see are few and read first as a list:
    clients registered elsewhere who hold one of the station's cases (those cases are flagged
    `clients_elsewhere`), their own caseload outside the station and the cases they reach.
    Joining the station's hundred thousand cases to their clients cost 1.3 s a page.

    A client labelled sensitive is seen through the caseload alone (the worker and supervisor of
    one of their cases, or the worker who registered them before any case), and through a case
    opened by break-glass: not by the station, nor through a grant or a station's transfer."""
    if not user.is_authenticated:
        return NOTHING
    manages = _manages(user)
    caseload = CaseloadEntry.objects.filter(person=user).values_list("client_id", flat=True)
    reached = _reached(user, manages=manages)
    links = CaseClient.objects.filter(case_id__in=reached.ids, case__removed_at__isnull=True)
    links = links.filter(Q(client__sensitive=False) | Q(case_id__in=reached.glass))
    links = links.order_by().values_list("client_id", flat=True)
    if manages:
        elsewhere = CaseClient.objects.filter(
            case__station_id=user.unit_id,
            case__clients_elsewhere=True,
            case__removed_at__isnull=True,
            case__sensitive=False,
            client__sensitive=False,
        )
        others = caseload.exclude(client__station_id=user.unit_id)
        ids = list(others.union(elsewhere.order_by().values_list("client_id", flat=True), links))
        station = Q(station_id=user.unit_id, sensitive=False)
        scope = station | Q(pk__in=ids) if ids else station
    else:
        scope = Q(pk__in=caseload)
        if reached:
            scope |= Q(pk__in=links)
    return scope & LIVE_CLIENT


def clients_hidden_from(*, user, client_ids) -> set[int]:
    """Of these clients, those labelled sensitive that `user` does not see: a group's page names
    them to its station manager as "a protected member", never by name. One query, and only when
    one of them is labelled."""
    labelled = Client.objects.filter(pk__in=list(client_ids), sensitive=True)
    return set(labelled.exclude(client_scope(user)).values_list("pk", flat=True))


def clients_visible_to(*, user) -> QuerySet[Client]:
    return Client.objects.filter(client_scope(user)).select_related("community", "station")


def clients_in_list_order(*, user) -> QuerySet[Client]:
    """The clients `user` sees, in the lists' order: by name, then as registered. A worker who
    sees only their caseload gets it in the caseload's own order, a range of its index, instead
    of all their clients read and sorted for one page."""
    if not user.is_authenticated or _manages(user) or _reached_case_ids(user, manages=False):
        return clients_visible_to(user=user).order_by("name", "pk")
    return (
        _caseload_clients(user)
        .select_related("community", "station")
        .order_by("caseload_entries__name", "caseload_entries__client")
    )


def _caseload_clients(user) -> QuerySet[Client]:
    return Client.objects.filter(LIVE_CLIENT, caseload_entries__person=user)


def caseload_counted(*, user, clients: QuerySet[Client]) -> QuerySet | None:
    """What a list of `clients` counts instead, when it is a worker's whole caseload, unfiltered:
    their caseload entries, one index range. The caseload holds live clients only, so the two
    are as many; counting the clients joined each entry to its client (20 ms for 5,000)."""
    if user.is_authenticated and clients.query.where == _caseload_clients(user).query.where:
        return CaseloadEntry.objects.filter(person=user)
    return None


def groups_visible_to(*, user) -> QuerySet[Group]:
    """Groups hold clients, so they follow the cases' rule: the worker, the supervisor, and the
    station manager of the group's station."""
    if not user.is_authenticated:
        return Group.objects.none()
    scope = Q(worker=user) | Q(supervisor=user)
    if _manages(user):
        scope |= Q(station_id=user.unit_id)
    return Group.objects.filter(scope).select_related(
        "station", "worker", "supervisor", "category", "community"
    )


def _station_scope(user) -> Q:
    """Records kept by a station that name no one: seen across the person's place, and by everyone
    who works at the station (a worker in one of its rooms included)."""
    scope = unit_scope(user, via="station")
    station = station_of(user.unit) if user.is_authenticated and user.unit_id else None
    if station is not None:
        scope |= Q(station=station)
    return scope


def activities_visible_to(*, user) -> QuerySet[CommunityActivity]:
    """Community activities name no one: everyone sees those of the stations in their place."""
    return CommunityActivity.objects.filter(_station_scope(user) | Q(organizer=user)).select_related(
        "community", "station", "organizer"
    )


def volunteers_visible_to(*, user) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(_station_scope(user)).select_related("station")


def advocacy_visible_to(*, user) -> QuerySet[AdvocacyRecord]:
    """Advocacy records carry counts, never names: they are seen across the author's place."""
    if not user.is_authenticated:
        return AdvocacyRecord.objects.none()
    return AdvocacyRecord.objects.filter(_station_scope(user) | Q(author=user)).select_related(
        "station", "author"
    )


def station_of(unit: ServiceUnit | None) -> ServiceUnit | None:
    """The service station a unit belongs to: itself, or the station above its room or post."""
    if unit is None:
        return None
    if unit.level == ServiceUnit.Level.STATION:
        return unit
    steps = range(ServiceUnit.steplen, len(unit.path), ServiceUnit.steplen)
    return ServiceUnit.objects.filter(
        level=ServiceUnit.Level.STATION, path__in=[unit.path[:n] for n in steps]
    ).first()


@dataclass
class KnownPerson:
    """What intake may learn of a person already on record: those the worker can see, by name,
    and how many others exist elsewhere in the district, with no station and no case."""

    visible: list[Client]
    elsewhere: int

    def __bool__(self):
        return bool(self.visible) or self.elsewhere > 0


def known_person(*, user, id_number: str = "", name: str = "", birth_date: date | None = None) -> KnownPerson:
    match = Q(pk__in=[])
    if id_number:
        match |= digest_q(Client, "id_number_digest", id_number)
    if name and birth_date:
        match |= Q(name=name.strip(), birth_date=birth_date)
    matches = Client.objects.filter(match, LIVE_CLIENT)
    visible = list(matches.filter(client_scope(user)).select_related("community", "station"))
    elsewhere = matches.exclude(pk__in=[client.pk for client in visible]).count()
    return KnownPerson(visible=visible, elsewhere=elsewhere)


@dataclass
class Agenda:
    """What a social worker has on today: their open cases (a queryset, paged by the page) and
    what is due."""

    cases: QuerySet[Case]
    follow_ups: list[FollowUp]
    tasks: list[PlanTask]
    plans_to_approve: list[ServicePlan]
    closings_to_approve: list[Closing]
    transfers_to_accept: list[Transfer]


def agenda(*, user, day: date | None = None) -> Agenda:
    """My cases: the open cases I work on (each marked `quiet` by the one rule, `case_quiet`),
    follow-ups and plan tasks due by today, and what waits for me as supervisor or receiving
    worker."""
    day = day or timezone.localdate()
    # A worker sees every case they hold or supervise: no scope to combine, nor its joins.
    mine = Case.objects.filter(worker=user, removed_at__isnull=True).exclude(status=Case.Status.CLOSED)
    quiet = ExpressionWrapper(case_quiet_in_place(on=day), output_field=BooleanField())
    cases = (
        mine.annotate(quiet=quiet)
        .prefetch_related(MAIN_CLIENT_FIRST)
        .order_by(RISK_FIRST, "last_note_on", "pk")
    )
    follow_ups = list(
        FollowUp.objects.filter(case__in=mine, done_on__isnull=True, due_on__lte=day)
        .select_related("case")
        .order_by("due_on", "pk")
    )
    tasks = list(
        PlanTask.objects.filter(
            plan__case__in=mine, plan__status=Approval.APPROVED, done_on__isnull=True, due_on__lte=day
        )
        .select_related("plan__case")
        .order_by("due_on", "pk")
    )
    supervised = Case.objects.filter(supervisor=user, removed_at__isnull=True)
    plans = list(
        ServicePlan.objects.filter(case__in=supervised, status=Approval.SUBMITTED).select_related("case")
    )
    closings = list(
        Closing.objects.filter(case__in=supervised, status=Approval.SUBMITTED).select_related("case")
    )
    incoming = Q(to_worker=user)
    if _manages(user):
        incoming |= Q(to_station_id=user.unit_id, to_worker__isnull=True)
    transfers = list(
        Transfer.objects.filter(incoming, status=Transfer.Status.PENDING).select_related(
            "case", "from_station", "to_station"
        )
    )
    return Agenda(cases, follow_ups, tasks, plans, closings, transfers)


def advocacy_evidence(record: AdvocacyRecord) -> dict[str, list[tuple[str, int]]]:
    """Counts from the linked cases, by category, risk level and status. Never a name."""
    cases = record.cases.filter(removed_at__isnull=True)

    def counts(field, labels):
        rows = cases.values_list(field).annotate(n=Count("pk")).order_by(field)
        return [(str(labels.get(value, value or "—")), n) for value, n in rows]

    from casework.models import RiskLevel

    categories = {c.pk: str(c) for c in record.cases.model.category.field.related_model.objects.all()}
    return {
        "total": cases.count(),
        "by_category": counts("category", categories),
        "by_risk": counts("risk_level", dict(RiskLevel.choices)),
        "by_status": counts("status", dict(Case.Status.choices)),
    }


# The lists. Each list's page, its API list endpoint and its export read it through one selector:
# the filterset of the list's filters (`params`) over the records the person sees, joined and in
# the list's order. The filtersets read the selectors above (their choices), so they are imported
# where they are used.


def cases_list(*, user, params=None, filters=None):
    """The case list: the cases `user` sees, the latest intake first, each with its clients
    (`MAIN_CLIENT_FIRST`). The API passes `CaseApiFilter`: the same filters and a supervisor."""
    from casework.filters import CaseFilter

    parts = case_scope_parts(user)
    cases = _cases_in(parts).prefetch_related(MAIN_CLIENT_FIRST).order_by(*CASE_LIST_ORDER)
    filterset = (filters or CaseFilter)(params, queryset=cases, user=user)
    # A page is read part by part (socialwork.pages.in_parts), each part a piece of the cases
    # not removed, filtered as the list is.
    filterset.parts = parts
    filterset.unscoped = Case.objects.filter(removed_at__isnull=True)
    return filterset


def clients_list(*, user, params=None, filters=None):
    """The client list: the clients `user` sees, by name (`clients_in_list_order`), with their
    categories. The API passes `ClientApiFilter`: the same filters and a few ids and fields."""
    from casework.filters import ClientFilter

    clients = clients_in_list_order(user=user).prefetch_related("categories")
    return (filters or ClientFilter)(params, queryset=clients)


def with_case_counts(clients: QuerySet[Client], *, user) -> QuerySet[Client]:
    """Each client's count of the cases `user` sees (`case_count`): the list page counts those of
    its page, the export those of every row. The scope is checked on each client's own case links
    (`through`): a set of every case the person sees, which the count read before, was 133,660
    cases for a station manager at a province's scale (210 ms for a page of 50 clients)."""
    return clients.annotate(
        case_count=Count("case_links", filter=through(case_scope(user), "case_links__case"))
    )


def groups_list(*, user, params=None, filters=None):
    """The group work list: the groups `user` sees with their members, sessions and sessions
    held, the latest start first. The API passes `GroupApiFilter`: the same filters and a served
    group."""
    from casework.forms_groups import GroupFilter

    groups = (
        groups_visible_to(user=user)
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
            session_count=Count("sessions", distinct=True),
            held_count=Count("sessions", filter=Q(sessions__held_on__isnull=False), distinct=True),
        )
        .order_by("-starts_on", "pk")
    )
    return (filters or GroupFilter)(params, queryset=groups)


def activities_list(*, user, params=None):
    """The community activities list: those `user` sees, the latest first."""
    from casework.forms_groups import ActivityFilter

    return ActivityFilter(
        params, queryset=activities_visible_to(user=user).order_by("-held_on", "-pk"), user=user
    )


def volunteers_list(*, user, params=None):
    """The volunteers list: those `user` sees with their hours (0 when they have none), by name."""
    from casework.forms_groups import VolunteerFilter

    volunteers = (
        volunteers_visible_to(user=user)
        .annotate(total_hours=Coalesce(Sum("hours__hours"), Decimal(0)))
        .order_by("name", "pk")
    )
    return VolunteerFilter(params, queryset=volunteers)


def advocacy_list(*, user, params=None):
    """The policy advocacy list: the records `user` sees with their live cases as evidence, the
    latest first."""
    from casework.forms_groups import AdvocacyFilter

    records = (
        advocacy_visible_to(user=user)
        .annotate(case_count=Count("cases", filter=Q(cases__removed_at__isnull=True), distinct=True))
        .order_by("-created_at", "-pk")
    )
    return AdvocacyFilter(params, queryset=records)


def grants_list(*, user, params=None) -> QuerySet[AccessGrant]:
    """The access grants list (the district's alone), the latest first; it has no filters."""
    return grants_visible_to(user=user).order_by("-created_at", "-pk")


def client_category_misfits(*, client: Client, categories) -> list[str]:
    """Why the client does not fit the categories they are in (their age, their sex), as of
    today: a warning on their page, never a refusal (casework.categories)."""
    return category_misfits(
        codes=[category.code for category in categories],
        birth_date=client.birth_date,
        gender=client.gender,
        on=timezone.localdate(),
    )


def cases_matching(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """The case numbered `text` (the header search): one indexed column."""
    return cases.filter(number=text.strip().upper()).order_by("-pk")


def clients_matching(clients: QuerySet[Client], text: str) -> QuerySet[Client]:
    """Clients whose name starts with `text` (the header search; audited, see
    casework.pickers), by an index on the name's prefix."""
    return (
        clients.filter(name__startswith=text.strip())
        .select_related("community", "station")
        .order_by("name", "pk")
    )


# The calendar: a month of follow-ups and plan tasks, by the day they are due.

CALENDAR_MINE, CALENDAR_TEAM = "mine", "team"


@dataclass
class CalendarItem:
    kind: str  # "follow_up" or "task"
    due_on: date
    case: Case
    text: str
    done: bool
    anchor: str  # where on the case page the item stands
    pk: int  # the follow-up's or the task's

    @property
    def overdue(self) -> bool:
        return not self.done and self.due_on < timezone.localdate()


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    items: list[CalendarItem]


@dataclass
class CalendarMonth:
    month: date  # its first day
    whose: str
    weeks: list[list[CalendarDay]]
    previous: date
    next: date

    @property
    def items(self) -> list[CalendarItem]:
        return [item for week in self.weeks for day in week for item in day.items]


def calendar_may_see_team(user) -> bool:
    """Whether the person has other people's cases to look at: a supervisor's, a station's."""
    return user.is_authenticated and user.has_role(Role.SUPERVISOR, Role.STATION_MANAGER)


def calendar_cases(*, user, whose: str = CALENDAR_MINE, worker_id: int | None = None) -> QuerySet[Case]:
    """The cases whose dates a calendar shows: the person's own (assigned to them), or, for a
    supervisor or station manager, every case they see (`case_scope`: those they supervise, their
    station's), narrowed to one worker's if asked."""
    if whose == CALENDAR_TEAM and calendar_may_see_team(user):
        cases = Case.objects.filter(case_scope(user))
        return cases.filter(worker_id=worker_id) if worker_id else cases
    return (
        Case.objects.filter(worker=user, removed_at__isnull=True)
        if user.is_authenticated
        else Case.objects.none()
    )


def calendar_month(
    *, user, month: date, whose: str = CALENDAR_MINE, worker_id: int | None = None
) -> CalendarMonth:
    """The month's weeks, Monday first, from the Monday on or before its first day to the Sunday
    on or after its last, each day with the follow-ups and the approved plans' tasks due on it (done
    or not) of the cases `calendar_cases` gives. Two queries of items, whatever the caseload."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    start = first - timedelta(days=first.weekday())
    last = following - timedelta(days=1)
    end = last + timedelta(days=6 - last.weekday())
    cases = calendar_cases(user=user, whose=whose, worker_id=worker_id).values("pk")
    items: dict[date, list[CalendarItem]] = {}
    follow_ups = (
        FollowUp.objects.filter(case__in=cases, due_on__range=(start, end))
        .select_related("case__worker")
        .order_by("due_on", "pk")
    )
    for follow_up in follow_ups:
        items.setdefault(follow_up.due_on, []).append(
            CalendarItem("follow_up", follow_up.due_on, follow_up.case, follow_up.purpose,
                         follow_up.done_on is not None, "follow-ups", follow_up.pk)
        )  # fmt: skip
    tasks = (
        PlanTask.objects.filter(
            plan__case__in=cases, plan__status=Approval.APPROVED, due_on__range=(start, end)
        )
        .select_related("plan__case__worker")
        .order_by("due_on", "pk")
    )
    for task in tasks:
        items.setdefault(task.due_on, []).append(
            CalendarItem(
                "task",
                task.due_on,
                task.plan.case,
                task.description,
                task.done_on is not None,
                "plan",
                task.pk,
            )
        )
    today = timezone.localdate()
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    weeks = [
        [
            CalendarDay(day, day.month == first.month, day == today, items.get(day, []))
            for day in days[i : i + 7]
        ]
        for i in range(0, len(days), 7)
    ]
    return CalendarMonth(
        month=first,
        whose=whose if whose == CALENDAR_TEAM and calendar_may_see_team(user) else CALENDAR_MINE,
        weeks=weeks,
        previous=(first - timedelta(days=1)).replace(day=1),
        next=following,
    )


# Personal information requests (PIPL): who sees which. The district administrators and auditors
# over the client's station see the district's, named by the client's number only (they do not see
# clients); the station manager sees the station's; whoever registered or is assigned one sees it.


def subject_request_scope(user) -> Q:
    if not user.is_authenticated:
        return NOTHING
    scope = Q(assignee=user) | Q(registered_by=user)
    if user.is_district_wide:
        scope |= unit_scope(user, via="station")
    if _manages(user):
        scope |= Q(station_id=user.unit_id)
    return scope


def subject_requests_visible_to(*, user) -> QuerySet[SubjectRequest]:
    return SubjectRequest.objects.filter(subject_request_scope(user)).select_related(
        "client", "station__region", "registered_by", "assignee"
    )


def subject_requests_list(*, user, params=None):
    """The requests list: those `user` sees, the latest received first, filtered by kind, state,
    station and whether overdue."""
    from casework.filters import SubjectRequestFilter

    requests = subject_requests_visible_to(user=user).order_by("-received_on", "-pk")
    return SubjectRequestFilter(params, queryset=requests, user=user)


def subject_request_may_register(user) -> bool:
    """Station managers register their station's clients' requests."""
    return _manages(user) and user.has_perm("casework.add_subjectrequest")


def subject_request_clients(*, user) -> QuerySet[Client]:
    """The clients a person may register a request for: the clients of their station they see."""
    if not subject_request_may_register(user):
        return Client.objects.none()
    return clients_visible_to(user=user).filter(station_id=user.unit_id).order_by("name", "pk")


def subject_request_assignees(request: SubjectRequest) -> QuerySet:
    """Who a request may be assigned to: the active station managers and social workers of the
    client's station (the service checks they see the client)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            unit__path__startswith=request.station.path,
            groups__name__in=[Role.STATION_MANAGER, Role.SOCIAL_WORKER],
        )
        .select_related("unit")
        .distinct()
        .order_by("full_name", "username")
    )


def subject_requests_overdue(*, on: date) -> QuerySet[SubjectRequest]:
    """Requests still waiting for their answer after the day it was due."""
    return SubjectRequest.objects.filter(
        status__in=(SubjectRequest.Status.REGISTERED, SubjectRequest.Status.ASSIGNED), due_on__lt=on
    ).select_related("station__region")


# Satisfaction and follow-up calls (回访) ---------------------------------------------------------


@dataclass(frozen=True)
class SatisfactionFigures:
    """The satisfaction figures of a set of cases (or of an evaluation's sample).

    closed: the closed cases; followed_up: those of them with a follow-up after closing done;
    answered: questionnaires answered (one per follow-up done with answers); satisfied: those whose
    answers average at least CaseworkPolicy.satisfied_from. The two rates are fractions (0–1), or
    None when there is nothing to divide by."""

    closed: int = 0
    followed_up: int = 0
    answered: int = 0
    satisfied: int = 0

    def __add__(self, other: "SatisfactionFigures") -> "SatisfactionFigures":
        """The figures of both sets of cases together (their counts add up; the rates follow)."""
        return SatisfactionFigures(
            closed=self.closed + other.closed, followed_up=self.followed_up + other.followed_up,
            answered=self.answered + other.answered, satisfied=self.satisfied + other.satisfied,
        )  # fmt: skip

    @property
    def followed_up_share(self) -> float | None:
        return self.followed_up / self.closed if self.closed else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.answered if self.answered else None

    @property
    def followed_up_percent(self) -> float | None:
        """The share as a percentage with one decimal, for pages."""
        return None if self.followed_up_share is None else round(self.followed_up_share * 100, 1)

    @property
    def satisfaction_percent(self) -> float | None:
        return None if self.satisfaction_rate is None else round(self.satisfaction_rate * 100, 1)


def _satisfied_from_in_query(path_ref: str):
    """The threshold of each answer's own district (the region whose path is `path_ref`), read
    inside the figures' query (one query fewer on every page showing them); the model's default
    where no policy applies."""
    default = CaseworkPolicy._meta.get_field("satisfied_from").default
    return Coalesce(
        nearest_value(CaseworkPolicy, "satisfied_from", path_ref),
        Value(Decimal(default)),
        output_field=DecimalField(max_digits=3, decimal_places=2),
    )


def _done_after_closing():
    return FollowUp.objects.filter(kind=FollowUp.Kind.AFTER_CLOSING, done_on__isnull=False)


def satisfaction_figures_by(cases: QuerySet[Case], key: str | None) -> dict:
    """SatisfactionFigures of `cases` grouped by a field of the case (`station`, `project`), or as
    one group (None) when `key` is None. Each answer counts as satisfied by its case's district's
    threshold. Two queries however many cases."""
    threshold = _satisfied_from_in_query("case__station__region__path")
    done = _done_after_closing().filter(case=OuterRef("pk"))
    closed = Q(status=Case.Status.CLOSED)
    rows = (
        cases.order_by()
        .values(group=F(key) if key else Value(None, output_field=IntegerField()))
        .annotate(closed=Count("pk", filter=closed), followed_up=Count("pk", filter=closed & Exists(done)))
    )
    answers = (
        _done_after_closing()
        .filter(case__in=cases.order_by().values("pk"), satisfaction_average__isnull=False)
        .order_by()
        .values(group=F(f"case__{key}") if key else Value(None, output_field=IntegerField()))
        .annotate(answered=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction_average__gte=threshold)))
    )
    result: dict = {}
    for row in rows:
        result[row["group"]] = SatisfactionFigures(closed=row["closed"], followed_up=row["followed_up"])
    for row in answers:
        before = result.get(row["group"], SatisfactionFigures())
        result[row["group"]] = SatisfactionFigures(
            closed=before.closed, followed_up=before.followed_up, answered=row["answered"],
            satisfied=row["satisfied"],
        )  # fmt: skip
    return result


def satisfaction_figures(cases: QuerySet[Case]) -> SatisfactionFigures:
    """The satisfaction rate and the share of closed cases followed up, of any cases (a station's,
    a project's, the cases of a dossier): see SatisfactionFigures. The caller scopes `cases`."""
    return satisfaction_figures_by(cases, None).get(None, SatisfactionFigures())


def evaluation_satisfaction_figures(evaluation) -> SatisfactionFigures:
    """The figures of an evaluation's current sample: closed = cases sampled, followed_up = those
    called or visited, answered and satisfied as for any questionnaire."""
    threshold = _satisfied_from_in_query("case__station__region__path")
    row = SampledCase.objects.filter(sample__evaluation=evaluation, sample__current=True).aggregate(
        closed=Count("pk"),
        followed_up=Count("pk", filter=Q(follow_up__done_on__isnull=False)),
        answered=Count("pk", filter=Q(follow_up__satisfaction_average__isnull=False)),
        satisfied=Count("pk", filter=Q(follow_up__satisfaction_average__gte=threshold)),
    )
    return SatisfactionFigures(**row)


def satisfaction_questions() -> list[SatisfactionQuestion]:
    """The questions asked now, in order."""
    return list(SatisfactionQuestion.objects.filter(active=True).order_by("order", "pk"))


def follow_ups_after_closing_due(*, on: date) -> QuerySet[FollowUp]:
    """Follow-ups after closing due by `on` and not done, of cases not removed."""
    return FollowUp.objects.filter(
        kind=FollowUp.Kind.AFTER_CLOSING, done_on__isnull=True, due_on__lte=on, case__removed_at__isnull=True
    )


def is_evaluation_evaluator(*, user, evaluation) -> bool:
    """Whether the person is one of the evaluators assigned to the evaluation: the only outside
    people who see its sampled cases' clients."""
    return (
        user.is_authenticated
        and user.is_active
        and user.has_role(Role.EVALUATOR)
        and evaluation.evaluators.filter(pk=user.pk).exists()
    )


def sample_role(*, user, evaluation) -> str:
    """The part the person plays in the evaluation's sample: "evaluator" (draws, sees the sampled
    clients, records calls), "district" (draws and follows progress by case number, never a
    client), or "" (nothing: a 404)."""
    if not user.is_authenticated:
        return ""
    if is_evaluation_evaluator(user=user, evaluation=evaluation):
        return "evaluator"
    if user.is_district_wide and user.has_role(Role.DISTRICT_ADMIN):
        return "district"
    return ""


def evaluation_sample(evaluation) -> "EvaluationSample | None":
    return (
        EvaluationSample.objects.filter(evaluation=evaluation, current=True)
        .select_related("drawn_by")
        .first()
    )


def sampled_cases(sample) -> QuerySet[SampledCase]:
    """The sample's cases with their station, follow-up and primary client, for the sample page."""
    return (
        SampledCase.objects.filter(sample=sample)
        .select_related("case", "station", "follow_up")
        .prefetch_related(
            Prefetch(
                "case__case_clients",
                queryset=CaseClient.objects.select_related("client").order_by("-primary", "pk"),
            )
        )
        .order_by("station__name", "method", "position", "pk")
    )


# Referrals with deadlines: the one rule of a referral answered in time, concluded with a result
# or overdue, read by the station page, the district dashboard, the reminders and the dossier.


def referral_answer_overdue(on: date) -> Q:
    """Still "requested" (no answer) after its answer date."""
    return Q(status="requested", answer_by__lt=on)


def referral_outcome_overdue(on: date) -> Q:
    """Not concluded after the date its result was expected."""
    return Q(concluded_on__isnull=True, outcome_by__lt=on)


def referral_overdue(on: date) -> Q:
    return referral_answer_overdue(on) | referral_outcome_overdue(on)


def referral_is_overdue(referral, on: date | None = None) -> bool:
    """The same rule as `referral_overdue`, for a referral in hand."""
    on = on or timezone.localdate()
    no_answer = referral.status == "requested" and referral.answer_by is not None and referral.answer_by < on
    no_result = referral.concluded_on is None and referral.outcome_by is not None and referral.outcome_by < on
    return no_answer or no_result


@dataclass(frozen=True)
class ReferralFigures:
    """Counts of a set of referrals on a day, and two shares (None when nothing is due yet).

    - `total`: referrals in the set.
    - `answer_due`: referrals whose answer can be judged: answered, or past their answer date.
    - `answered_in_time`: answered on or before their answer date.
    - `outcome_due`: referrals whose result can be judged: concluded, or past their result date.
    - `with_result`: concluded as succeeded (the receiver gave what was asked).
    - `overdue`: no answer by the answer date, or no conclusion by the result date.
    - `no_deadline`: referrals made before deadlines existed (no answer date): they count in
      `total`, in `outcome_due` and `with_result` once concluded, never as late or overdue.
    """

    total: int
    answer_due: int
    answered_in_time: int
    outcome_due: int
    with_result: int
    overdue: int
    no_deadline: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def answered_in_time_share(self) -> float | None:
        """Per cent of the referrals due an answer that were answered in time."""
        return self._share(self.answered_in_time, self.answer_due)

    @property
    def with_result_share(self) -> float | None:
        """Per cent of the referrals due a result that concluded with one."""
        return self._share(self.with_result, self.outcome_due)


def _referral_counts(on: date) -> dict:
    answered = Q(answered_on__isnull=False)
    concluded = Q(concluded_on__isnull=False)
    return {
        "total": Count("pk"),
        "answer_due": Count("pk", filter=Q(answer_by__isnull=False) & (answered | Q(answer_by__lt=on))),
        "answered_in_time": Count("pk", filter=Q(answer_by__isnull=False, answered_on__lte=F("answer_by"))),
        "outcome_due": Count("pk", filter=concluded | Q(outcome_by__lt=on)),
        "with_result": Count("pk", filter=Q(status="succeeded")),
        "overdue": Count("pk", filter=referral_overdue(on)),
        "no_deadline": Count("pk", filter=Q(answer_by__isnull=True)),
    }


def referral_figures(referrals: QuerySet, *, on: date | None = None) -> ReferralFigures:
    """The figures of the referrals given (already scoped by the caller: a station's, a
    project's, a year's), on a day (today unless given). One query.

        referral_figures(Referral.objects.filter(case__station=station, referred_on__year=2026))
    """
    on = on or timezone.localdate()
    return ReferralFigures(**referrals.order_by().aggregate(**_referral_counts(on)))


def referral_figures_by(referrals: QuerySet, key: str, *, on: date | None = None) -> dict:
    """`referral_figures` for each value of `key` (e.g. "case__station"), in one query."""
    on = on or timezone.localdate()
    rows = referrals.order_by().values(key).annotate(**_referral_counts(on))
    return {row.pop(key): ReferralFigures(**row) for row in rows}


def referrals_overdue(*, on: date) -> QuerySet:
    """Referrals overdue on a day, of cases not removed, with their case's worker and supervisor."""
    return (
        Referral.objects.filter(referral_overdue(on), case__removed_at__isnull=True)
        .select_related("case__worker", "case__supervisor", "case__station__region")
        .order_by("pk")
    )


# The figures' tallies (casework.services.tallies), as the dashboard and the annual report read them.


def clients_served(stations: Q, year: int) -> int:
    """The clients served in a year by the stations `stations` picks (a condition on a station
    reached as `station`), each client once: the stations' counts added up, less the repeats of
    the few clients served by more than one of them. At a province's ten million cases, a count of
    distinct clients over the year's 8.8 million rows took 26.6 s."""
    total = StationTally.objects.filter(stations, year=year).aggregate(n=Sum("clients"))["n"] or 0
    shared = ClientServed.objects.filter(stations, year=year, shared=True).aggregate(
        rows=Count("pk"), people=Count("client", distinct=True)
    )
    return total - (shared["rows"] - shared["people"])


def notes_written(stations: Q, year: int) -> int:
    """The service notes of a year in the cases of the stations `stations` picks."""
    return StationTally.objects.filter(stations, year=year).aggregate(n=Sum("notes"))["n"] or 0
