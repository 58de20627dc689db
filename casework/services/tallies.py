"""The figures' tallies (`casework.models.tallies`): each station's year (its service notes and
its clients served) and each client served by a station in a year. Every service that adds a
note, opens, closes, reopens, transfers or removes a case, or moves a client's cases to another
record, keeps them in the same transaction. Each night `served_extend` carries the cases still
open into the new year. `tallies_rebuild` makes them again from the records: for the migration
that created them, the benchmark's seed, an archive loaded, and `manage.py tallies_rebuild` (a
repair that should never be needed, run while nobody writes cases)."""

from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date

from django.apps import apps as installed_apps
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Min, Q, QuerySet, Value
from django.db.models.functions import ExtractYear
from django.utils import timezone

from casework.models import Case, CaseClient, Client, ClientServed, ServiceNote, StationTally

# The rebuild also runs in the migration that made the tallies, with its historical models: the
# functions it calls take them from `apps` by name.


def _add(field: str, changes: Counter) -> None:
    """Add each (station, year)'s change to `field` of its tally, in one statement each: two notes
    written at once at one station both count (the row is locked by the first until it commits)."""
    for (station, year), n in sorted(changes.items()):
        if not n:
            continue
        tally = StationTally.objects.filter(station_id=station, year=year)
        if tally.update(**{field: F(field) + n}):
            continue
        try:
            with transaction.atomic():
                StationTally.objects.create(station_id=station, year=year, **{field: n})
        except IntegrityError:  # made meanwhile by another transaction, now committed
            tally.update(**{field: F(field) + n})


# Service notes -------------------------------------------------------------------------------


def _by_station_and_year(notes: QuerySet) -> QuerySet:
    """(station, year, how many) of these notes, those of cases not removed."""
    return (
        notes.filter(case__removed_at__isnull=True)
        .values_list("case__station_id", ExtractYear("noted_on"))
        .annotate(n=Count("pk"))
        .order_by()
    )


def _notes_of(case_ids: list[int]) -> Counter:
    """The notes of these cases (those not removed), by (station, year)."""
    rows = _by_station_and_year(ServiceNote.objects.filter(case__in=case_ids))
    return Counter({(station, year): n for station, year, n in rows})


@contextmanager
def notes_tallied(case_ids: Iterable[int]):
    """Around a write that adds notes to these cases, moves them to another station, or removes
    them: their notes leave the tallies before and count again, where they now are, after. Call it
    inside the write's transaction, with the cases locked."""
    ids = list(case_ids)
    before = _notes_of(ids)
    yield
    after = _notes_of(ids)
    after.subtract(before)
    _add("notes", after)


@contextmanager
def tallies_kept(case_ids: Iterable[int], *, clients: Iterable[int] = ()):
    """Around a write that moves these cases to another station, removes or deletes them: their
    notes and their clients (and `clients`) are counted again where the cases now are."""
    ids = list(case_ids)
    linked = CaseClient.objects.filter(case__in=ids).values_list("client_id", flat=True)
    before = {*linked, *clients}
    # Cases, then clients, then tallies, each in order, as every write takes them: never two
    # writes each holding what the other waits for.
    list(Client.objects.select_for_update().filter(pk__in=before).order_by("pk").values_list("pk"))
    with notes_tallied(ids):
        yield
    served_refresh({*before, *linked})


# Clients served ------------------------------------------------------------------------------


def _served_years(intake_on: date, closed_on: date | None, this_year: int) -> range:
    """The years a case was open in: from its intake to its closing, or to this year if still open."""
    last = closed_on.year if closed_on else max(this_year, intake_on.year)
    return range(intake_on.year, last + 1)


def served_refresh(client_ids: Iterable[int]) -> None:
    """Rewrite the stations and years these clients were served in, from their cases, and the
    stations' counts of clients with them. Call it inside the write's transaction, after the
    change. The clients are locked first, so that two writes to one client's cases at once each
    see the other's."""
    ids = sorted(set(client_ids))
    if not ids:
        return
    list(Client.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    this_year = timezone.localdate().year
    wanted = set()
    links = CaseClient.objects.filter(client__in=ids, case__removed_at__isnull=True).values_list(
        "client_id", "case__station_id", "case__intake_on", "case__closed_on"
    )
    for client, station, intake_on, closed_on in links:
        wanted.update((client, station, year) for year in _served_years(intake_on, closed_on, this_year))
    kept = set(ClientServed.objects.filter(client__in=ids).values_list("client_id", "station_id", "year"))
    stations = Counter((client, year) for client, _station, year in wanted)
    ClientServed.objects.filter(client__in=ids).delete()
    ClientServed.objects.bulk_create(
        ClientServed(client_id=client, station_id=station, year=year, shared=stations[(client, year)] > 1)
        for client, station, year in sorted(wanted)
    )
    change = Counter((station, year) for _client, station, year in wanted)
    change.subtract(Counter((station, year) for _client, station, year in kept))
    _add("clients", change)


def _served_in(year: int, apps=installed_apps):
    """(client, station, year) of every client served in `year`, as a query of the records."""
    return (
        apps.get_model("casework", "CaseClient")
        .objects.filter(
            case__removed_at__isnull=True,
            case__intake_on__lte=date(year, 12, 31),
        )
        .filter(Q(case__closed_on__isnull=True) | Q(case__closed_on__gte=date(year, 1, 1)))
        .values_list("client_id", "case__station_id", Value(year))
        .distinct()
        .order_by()
    )


def _insert_served(query, apps=installed_apps) -> int:
    """INSERT the (client, station, year) rows of `query` as clients served, leaving out those
    already there; how many were added."""
    sql, params = query.query.sql_with_params()
    table = connection.ops.quote_name(apps.get_model("casework", "ClientServed")._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in ("client_id", "station_id", "year"))
    with connection.cursor() as cursor:
        # SQLite reads ON CONFLICT after a SELECT only when the SELECT has a WHERE: these have.
        cursor.execute(f"INSERT INTO {table} ({names}) {sql} ON CONFLICT DO NOTHING", params)
        return cursor.rowcount


def _count_served(year: int, apps=installed_apps) -> None:
    """The year's clients served, counted again from its rows: each client's `shared` flag, and
    each station's count of clients in its tally."""
    StationTally = apps.get_model("casework", "StationTally")
    rows = apps.get_model("casework", "ClientServed").objects.filter(year=year)
    several = rows.values("client_id").annotate(n=Count("pk")).filter(n__gt=1).values("client_id")
    rows.filter(client__in=several).exclude(shared=True).update(shared=True)
    rows.exclude(client__in=several).exclude(shared=False).update(shared=False)
    counts = dict(rows.values_list("station_id").annotate(n=Count("pk")).order_by())
    StationTally.objects.filter(year=year).exclude(station__in=counts).update(clients=0)
    for station, n in counts.items():
        updated = StationTally.objects.filter(year=year, station_id=station).update(clients=n)
        if not updated:
            StationTally.objects.create(year=year, station_id=station, clients=n)


def served_extend(year: int | None = None) -> int:
    """Count the clients of the cases still open in `year` (this year by default) as served in it,
    so that a new year starts with them: the nightly task. Safe to run twice; the number of rows
    added. The year's tallies are locked while it runs: a case written meanwhile counts once its
    write goes on, after this."""
    year = year or timezone.localdate().year
    with transaction.atomic():
        list(StationTally.objects.select_for_update().filter(year=year).values_list("pk"))
        still_open = _served_in(year).filter(case__closed_on__isnull=True)
        added = _insert_served(still_open)
        if added:
            _count_served(year)
    return added


# The whole of them -----------------------------------------------------------------------------


def tallies_rebuild(apps=installed_apps) -> dict[str, int]:
    """Make the tallies again from the records; how many stations' years and clients served. The
    years run from the first intake to this one."""
    StationTally = apps.get_model("casework", "StationTally")
    StationTally.objects.all().delete()
    apps.get_model("casework", "ClientServed").objects.all().delete()
    notes = _by_station_and_year(apps.get_model("casework", "ServiceNote").objects.all())
    StationTally.objects.bulk_create(
        (StationTally(station_id=station, year=year, notes=n) for station, year, n in notes.iterator()),
        batch_size=1000,
    )
    cases = apps.get_model("casework", "Case").objects.filter(removed_at__isnull=True)
    first = cases.aggregate(first=Min("intake_on"))["first"]
    served = 0
    if first is not None:
        for year in range(first.year, max(first.year, timezone.localdate().year) + 1):
            served += _insert_served(_served_in(year, apps), apps)
            _count_served(year, apps)
    return {"stations": StationTally.objects.count(), "served": served}


def imported_cases_undone(sender, *, created: dict, **kwargs):
    """An import undone (`socialwork.imports.runs.undoing`): once its cases are deleted, their
    clients' caseloads and the years they were served are rewritten. Their notes need nothing: a
    note added to an imported case stops the undo."""
    cases = created.get(Case)
    if not cases:
        return None
    clients = set(CaseClient.objects.filter(case__in=cases).values_list("client_id", flat=True))

    def then():
        from casework.services.caseload import caseload_refresh

        caseload_refresh(clients)
        served_refresh(clients)

    return then
