"""Exports of the list pages: one registry of what can be exported, written as CSV or Excel.

Each export reads its rows through its list's one selector (`positions_list`, `cases_list`, ...,
in the app's selectors module), which the list page and the API list endpoint call too, so a
file holds exactly the rows the person sees on the page with the same filters. A filter the page would mark
as an error (a unit outside the person's place, a year that is not a number) refuses the export
(`InvalidFilters`): dropped, as django-filter drops it, the file would hold more than was asked
for. Rows are read in chunks and written as they come: a CSV is streamed, an Excel file is
written by openpyxl's write-only workbook to a temporary file, so memory stays flat however long
the list is. Exports that hold personal data (workers, exam candidates, volunteers) leave an
audit row with the count and the filter names, never the names of the people exported. Case
records (cases, clients) are audited as casework audits its own lists: the action `case.export`
or `client.export` on the model, with the ids of the exported records; the file then holds
exactly those records.

Speed: a column says which database values it reads (`fields`) and how a chunk of those values
becomes cells (`cells`). When every column of an export says so, the rows are read as tuples
(`values_list`), never as model instances, and converted a column of a chunk at a time with
functions made once per export: choice labels (in the export's language) and other repeated
values are dictionary look-ups, text is checked for formulas in one pass. Columns that need the
instance (`_col`) keep the export on the instance path.

The network page is a tree of counts, not a list, and is not exported; its coverage page lists
gaps and is. The training hours page exports the workers short of hours in the year it shows.
"""

import gc
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook

from casework import selectors as casework_selectors
from casework.categories import BUILT_IN
from casework.models import (
    AccessGrant,
    AdvocacyRecord,
    Case,
    CaseClient,
    Client,
    Group,
)
from positions.models import Award, Exam, Position, Region, SocialWorker
from positions.selectors import network as network_selectors
from positions.selectors import workforce as workforce_selectors
from projects import selectors as projects_selectors
from projects.models import Call, Project, SocialOrganization
from socialwork import replicas
from socialwork.models.base import choice_labels
from socialwork.pages import year_in
from socialwork.services import audit_record
from socialwork.spreadsheets import SafeLabels, csv_chunks, safe_cell, safe_texts, safe_values
from training import selectors as training_selectors
from training.models import Trainer, TrainingSeries

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_SIZE = 2000
# Rows read as database values are small: fewer round trips for the same memory.
VALUES_CHUNK_SIZE = 10_000
TENTH = Decimal("0.1")  # hours are kept to a tenth


class InvalidFilters(Exception):
    """The export's filters hold values its list page would mark as errors; `form` has them."""

    def __init__(self, form):
        super().__init__(form.errors)
        self.form = form


def filtered(filters) -> QuerySet:
    """The rows of a filterset bound to the list's filters, or InvalidFilters."""
    if filters.is_bound and not filters.is_valid():
        raise InvalidFilters(filters.form)
    return filters.qs


def inline_limit() -> int:
    """Lists longer than this are exported in the background."""
    return settings.EXPORT_INLINE_LIMIT


@dataclass(frozen=True)
class Column:
    """A column of an export: its header and its cell of a model instance (`value`). A column that
    can do without the instance also names the database values it reads (`fields`: values_list
    paths or expressions) and gives `cells`, called once per export (so in its language): the
    function from those values for a chunk of rows, one sequence per field, to the chunk's cells."""

    header: Any
    value: Callable[[Any], Any]
    fields: tuple = ()
    cells: Callable[[], Callable[..., Sequence]] | None = None


@dataclass(frozen=True)
class Export:
    key: str
    title: Any
    permission: str  # "" when every signed-in person sees the page
    rows: Callable[..., QuerySet]  # rows(user=..., params=QueryDict) -> the filtered, scoped queryset
    columns: tuple[Column, ...]
    personal: bool = False
    # Case records: the audit action (case.export, client.export), written with the exported ids.
    audit_action: str = ""
    # A rule of the page beyond its permission (the access grants are the district's alone).
    may: Callable[[Any], bool] | None = None

    def allowed(self, user) -> bool:
        if not user.is_authenticated or (self.permission and not user.has_perm(self.permission)):
            return False
        return self.may is None or self.may(user)

    def queryset(self, *, user, params: QueryDict) -> QuerySet:
        return self.rows(user=user, params=params)

    def rows_to_write(self, *, user, params: QueryDict) -> QuerySet:
        """The rows to write into the file: the queryset, read from the replica once it has caught
        up with the primary (socialwork.replicas), else from the primary."""
        return self.queryset(user=user, params=params).using(replicas.read_alias())

    def filename(self, fmt: str) -> str:
        return f"{self.key}.{fmt}"

    @property
    def reads_values(self) -> bool:
        """Whether the rows can be read as database values, without model instances."""
        return all(column.cells is not None for column in self.columns)


REGISTRY: dict[str, Export] = {}


def register(export: Export) -> Export:
    REGISTRY[export.key] = export
    return export


def get(key: str) -> Export | None:
    return REGISTRY.get(key)


def _attr(path: str) -> Callable[[Any], Any]:
    """A column reading a dotted attribute; a missing link in the chain gives an empty cell."""
    names = path.split(".")

    def read(obj):
        for name in names:
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return obj() if callable(obj) else obj

    return read


def _col(header, path_or_func) -> Column:
    """A column read from the model instance only."""
    return Column(header, _attr(path_or_func) if isinstance(path_or_func, str) else path_or_func)


# Columns that can also be read from database values. Each gives the same cells from the values
# as its `value` gives from the instance.


def _lookup(path: str) -> str:
    return path.replace(".", "__")


def _text(header, path: str) -> Column:
    """Text as written (a CharField, here or across a relation)."""
    return Column(header, _attr(path), (_lookup(path),), lambda: safe_texts)


def _number(header, path: str) -> Column:
    """A number or a date, as it is."""
    return Column(header, _attr(path), (_lookup(path),), lambda: safe_values)


def _hours(header, path_or_func) -> Column:
    """Hours as the pages show them, with one decimal place. A sum comes back from PostgreSQL with
    its column's scale (`6.0`) and from SQLite with a float's digits (`6`): both print `6.0`."""
    read = _attr(path_or_func) if isinstance(path_or_func, str) else path_or_func

    def value(obj):
        return _tenths(read(obj))

    if not isinstance(path_or_func, str):
        return Column(header, value)
    return Column(header, value, (_lookup(path_or_func),), lambda: _tenths_cells)


def _tenths(number):
    return None if number is None else Decimal(number).quantize(TENTH)


def _tenths_cells(values) -> list:
    return safe_values([_tenths(number) for number in values])


def _labelled(header, value: Callable[[Any], Any], fields: tuple, label: Callable[..., Any]) -> Column:
    """A column with few distinct values (`label` of the fields' values), each labelled once."""

    def cells():
        if len(fields) == 1:
            labels = SafeLabels(label)
            return lambda values: list(map(labels.__getitem__, values))
        labels = SafeLabels(lambda key: label(*key))
        return lambda *values: list(map(labels.__getitem__, zip(*values, strict=True)))

    return Column(header, value, fields, cells)


def _choice(header, model, name: str) -> Column:
    """A choice field's label in the export's language (unknown values as they are stored, like
    get_FOO_display)."""

    def cells():
        labels = SafeLabels(lambda value: value, choice_labels(model._meta.get_field(name)))
        return lambda values: list(map(labels.__getitem__, values))

    return Column(header, _attr(f"get_{name}_display"), (name,), cells)


def _yes_no(value) -> Any:
    return _("Yes") if value else _("No")


def _flag(header, path: str) -> Column:
    """A boolean as Yes or No."""
    read = _attr(path)
    return _labelled(header, lambda obj: _yes_no(read(obj)), (_lookup(path),), _yes_no)


def _masked(header, path: str) -> Column:
    """An encrypted ID number or phone as lists show it: its masked form, kept beside it
    (socialwork.crypto.fields.ShownMaskField, `<path>_masked`) and read as stored, so that no row
    of the export is decrypted."""
    return _text(header, f"{path}_masked")


def _person(header, path: str) -> Column:
    """A user, named as str(user) names them: the full name, else the user name."""
    lookup = _lookup(path)
    return _labelled(
        header, _attr(path), (f"{lookup}__full_name", f"{lookup}__username"), lambda full, user: full or user
    )


def _category(header, path: str) -> Column:
    """A vulnerability category, named as str(category) names it: built-in ones translated."""
    lookup = _lookup(path)
    return _labelled(
        header,
        _attr(path),
        (f"{lookup}__code", f"{lookup}__name"),
        lambda code, name: None if name is None else str(BUILT_IN.get(code, name)),
    )


def _client_categories(client) -> str:
    return "、".join(str(category) for category in client.categories.all())


def _client_categories_cells():
    """The clients' categories, read for a chunk of clients at once (as the prefetch reads them)."""
    through = Client.categories.through

    def cells(pks):
        names = defaultdict(list)
        links = (
            through.objects.filter(client_id__in=pks)
            .order_by(
                "vulnerabilitycategory__order", "vulnerabilitycategory__name", "vulnerabilitycategory_id"
            )
            .values_list("client_id", "vulnerabilitycategory__code", "vulnerabilitycategory__name")
        )
        for client_id, code, name in links:
            names[client_id].append(str(BUILT_IN.get(code, name)))
        return safe_texts(["、".join(names.get(pk, ())) for pk in pks])

    return cells


def _main_client_name(case) -> str:
    return getattr(casework_selectors.main_client(case), "name", "")


# The main client's name, as casework_selectors.main_client picks it (the main one, else the first).
MAIN_CLIENT_NAME = Subquery(
    CaseClient.objects.filter(case=OuterRef("pk")).order_by("-primary", "pk").values("client__name")[:1]
)


# The registry: each list's own selector (its page and its API list read the same one), so the
# export holds the page's records for the same person and filters.


def _list(selector) -> Callable[..., QuerySet]:
    """The rows of a list's selector: its filterset over `params`, or InvalidFilters."""

    def rows(*, user, params):
        return filtered(selector(user=user, params=params))

    return rows


def _clients(*, user, params):
    clients = filtered(casework_selectors.clients_list(user=user, params=params))
    return casework_selectors.with_case_counts(clients, user=user)


def _grant_state(grant) -> Any:
    if grant.status == AccessGrant.Status.APPROVED:
        return pgettext_lazy("access grant", "Active") if grant.gives_access else _("Ended")
    return grant.get_status_display()


register(
    Export(
        key="positions",
        title=_("Positions"),
        permission="positions.view_position",
        rows=_list(workforce_selectors.positions_list),
        columns=(
            _text(_("Code"), "code"),
            _text(pgettext_lazy("position", "Title"), "title"),
            _text(_("Unit"), "unit.name"),
            _choice(pgettext_lazy("position", "Category"), Position, "category"),
            _choice(_("Set-up mode"), Position, "setup_mode"),
            _text(_("Host institution"), "host.name"),
            _choice(_("Status"), Position, "status"),
            _number(_("Quota"), "quota"),
            _number(_("Filled"), "filled"),
            _number(_("Vacant"), "vacant"),
        ),
    )
)
register(
    Export(
        key="workers",
        title=_("Social workers"),
        permission="positions.view_socialworker",
        rows=_list(workforce_selectors.workers_list),
        personal=True,
        columns=(
            _text(pgettext_lazy("person", "Name"), "name"),
            _choice(_("Gender"), SocialWorker, "gender"),
            _masked(_("ID number"), "id_number"),
            _choice(_("Education"), SocialWorker, "education"),
            Column(
                _("Employer"),
                _attr("employer"),
                (Coalesce("employer_unit__name", "employer_organization__name"),),
                lambda: safe_texts,
            ),
            _choice(_("Certificate"), SocialWorker, "certificate_level"),
            _text(_("Certificate number"), "certificate_number"),
            _number(_("Registration valid until"), "registration_valid_until"),
            _choice(_("Status"), SocialWorker, "status"),
        ),
    )
)
register(
    Export(
        key="exams",
        title=_("Exams"),
        permission="positions.view_exam",
        rows=_list(workforce_selectors.exams_list),
        personal=True,
        columns=(
            _number(_("Year"), "year"),
            _text(_("Candidate"), "worker.name"),
            _choice(_("Level"), Exam, "level"),
            _flag(_("Passed"), "passed"),
            _number(_("Score"), "score"),
        ),
    )
)
register(
    Export(
        key="training-series",
        title=_("Training series"),
        permission="training.view_trainingseries",
        rows=_list(training_selectors.series_list),
        columns=(
            _number(_("Year"), "year"),
            _text(pgettext_lazy("training series", "Title"), "title"),
            _choice(pgettext_lazy("training series", "Category"), TrainingSeries, "category"),
            _text(_("Unit"), "unit.name"),
            _number(pgettext_lazy("training", "Sessions"), "session_count"),
        ),
    )
)


def _short_of_hours(*, user, params):
    return training_selectors.workers_short_of_hours(user=user, year=year_in(params))


register(
    Export(
        key="training-hours",
        title=_("Short of training hours"),
        permission="positions.view_socialworker",
        rows=_short_of_hours,
        personal=True,
        columns=(
            _col(_("Unit"), "employer_unit.name"),
            _col(_("Social worker"), "name"),
            _hours(pgettext_lazy("training", "Hours"), "year_hours"),
            _hours(pgettext_lazy("hours", "Required"), "required"),
            _hours(_("Missing"), lambda worker: worker.required - worker.year_hours),
        ),
    )
)
register(
    Export(
        key="projects",
        title=pgettext_lazy("heading", "Projects"),
        permission="projects.view_project",
        rows=_list(projects_selectors.projects_list),
        columns=(
            _number(_("Year"), "call.year"),
            _text(pgettext_lazy("project", "Title"), "title"),
            _text(_("Organization"), "organization.name"),
            _text(_("Community"), "community.name"),
            _choice(_("Service area"), Project, "service_area"),
            _number(_("Beneficiaries"), "beneficiary_count"),
            _choice(_("Status"), Project, "status"),
        ),
    )
)
register(
    Export(
        key="organizations",
        title=_("Social organizations"),
        permission="projects.view_socialorganization",
        rows=_list(projects_selectors.organizations_list),
        columns=(
            _text(pgettext_lazy("thing", "Name"), "name"),
            _text(_("Unified social credit code"), "credit_code"),
            _choice(_("Kind"), SocialOrganization, "kind"),
            _text(_("Region"), "region.name"),
            _choice(pgettext_lazy("organization", "Grade"), SocialOrganization, "grade"),
            _number(pgettext_lazy("count", "Projects"), "project_count"),
        ),
    )
)
register(
    Export(
        key="activities",
        title=_("Community activities"),
        permission="casework.view_communityactivity",
        rows=_list(casework_selectors.activities_list),
        columns=(
            _number(_("Date"), "held_on"),
            _text(_("Theme"), "theme"),
            _text(_("Community or village"), "community.name"),
            _text(_("Station"), "station.name"),
            _text(_("Partners"), "partners"),
            _number(_("Participants"), "participants"),
        ),
    )
)
register(
    Export(
        key="volunteers",
        title=_("Volunteers"),
        permission="casework.view_volunteer",
        rows=_list(casework_selectors.volunteers_list),
        personal=True,
        columns=(
            _text(pgettext_lazy("person", "Name"), "name"),
            _masked(_("Phone"), "phone"),
            _text(_("Station"), "station.name"),
            _text(_("Skills"), "skills"),
            _number(_("Registered on"), "registered_on"),
            _flag(pgettext_lazy("volunteer", "Active"), "active"),
            _hours(pgettext_lazy("casework", "Hours"), "total_hours"),
        ),
    )
)


register(
    Export(
        key="cases",
        title=_("Cases"),
        permission="casework.view_case",
        rows=_list(casework_selectors.cases_list),
        personal=True,
        audit_action="case.export",
        columns=(
            _text(_("Case number"), "number"),
            Column(_("Main client"), _main_client_name, (MAIN_CLIENT_NAME,), lambda: safe_texts),
            _choice(_("Status"), Case, "status"),
            _choice(_("Risk"), Case, "risk_level"),
            _category(pgettext_lazy("casework", "Category"), "category"),
            _text(_("Station"), "station.name"),
            _person(pgettext_lazy("casework", "Worker"), "worker"),
            _person(_("Supervisor"), "supervisor"),
            _number(_("Intake date"), "intake_on"),
            _choice(_("Source"), Case, "source"),
            _number(_("Last note"), "last_note_on"),
            _number(_("Closed on"), "closed_on"),
        ),
    )
)
register(
    Export(
        key="clients",
        title=_("Clients"),
        permission="casework.view_client",
        rows=_clients,
        personal=True,
        audit_action="client.export",
        columns=(
            _text(pgettext_lazy("person", "Name"), "name"),
            _choice(_("Gender"), Client, "gender"),
            _number(_("Date of birth"), "birth_date"),
            _masked(_("ID number"), "id_number"),
            _masked(_("Phone"), "phone"),
            _text(_("Community or village"), "community.name"),
            _text(_("Registered at"), "station.name"),
            Column(_("Vulnerability categories"), _client_categories, ("pk",), _client_categories_cells),
            _number(_("Cases"), "case_count"),
        ),
    )
)
register(
    Export(
        key="groups",
        title=_("Group work"),
        permission="casework.view_group",
        rows=_list(casework_selectors.groups_list),
        columns=(
            _text(_("Group"), "name"),
            _choice(_("Kind"), Group, "kind"),
            _category(_("Served group"), "category"),
            _text(_("Station"), "station.name"),
            _person(pgettext_lazy("casework", "Worker"), "worker"),
            _number(_("Starts on"), "starts_on"),
            _number(_("Members"), "member_count"),
            _number(_("Sessions held"), "held_count"),
            _number(pgettext_lazy("casework", "Sessions"), "session_count"),
            _choice(_("Status"), Group, "status"),
        ),
    )
)
register(
    Export(
        key="advocacy",
        title=_("Policy advocacy"),
        permission="casework.view_advocacyrecord",
        rows=_list(casework_selectors.advocacy_list),
        columns=(
            _text(pgettext_lazy("casework", "Title"), "title"),
            _text(_("Department"), "department"),
            _text(_("Unit"), "station.name"),
            _person(_("Author"), "author"),
            _number(_("Cases as evidence"), "case_count"),
            _number(_("Submitted on"), "submitted_on"),
            _choice(_("Status"), AdvocacyRecord, "status"),
        ),
    )
)
register(
    Export(
        key="access-grants",
        title=_("Access grants"),
        permission="casework.add_accessgrant",
        may=lambda user: user.is_district_wide,
        rows=casework_selectors.grants_list,
        columns=(
            _col(_("Case number"), "case.number"),
            _col(_("Person"), "user"),
            _col(_("Reason"), "reason"),
            _col(_("Until"), "expires_on"),
            _col(_("Requested by"), "requested_by"),
            _col(_("Decided by"), "decided_by"),
            _col(_("State"), _grant_state),
        ),
    )
)
register(
    Export(
        key="calls",
        title=_("Calls for projects"),
        permission="",
        rows=_list(projects_selectors.calls_list),
        columns=(
            _number(_("Year"), "year"),
            _text(pgettext_lazy("call", "Title"), "title"),
            _choice(_("Kind"), Call, "kind"),
            _number(_("Opens on"), "opens_on"),
            _number(_("Closes on"), "closes_on"),
            _number(_("Ceiling per project (yuan)"), "budget_ceiling"),
            _number(_("Applications"), "project_count"),
        ),
    )
)
register(
    Export(
        key="coverage",
        title=_("Coverage of the network"),
        permission="",
        rows=lambda *, user, params: network_selectors.coverage_gaps(user=user),
        columns=(
            _col(
                _("Gap"),
                lambda region: (
                    _("Town or street without a service station")
                    if region.level in Region.TOWN_LEVELS
                    else _("Community or village without a service room")
                ),
            ),
            _col(pgettext_lazy("thing", "Name"), "name"),
            _col(
                _("Town or street"),
                lambda region: region.town_name if region.level in Region.COMMUNITY_LEVELS else "",
            ),
            _col(_("Division code"), "code"),
        ),
    )
)
register(
    Export(
        key="trainers",
        title=_("Trainers"),
        permission="training.view_trainer",
        rows=_list(training_selectors.trainers_list),
        columns=(
            _text(pgettext_lazy("person", "Name"), "name"),
            _text(_("Affiliation"), "affiliation"),
            _choice(_("Kind"), Trainer, "affiliation_kind"),
            _text(pgettext_lazy("trainer", "Title"), "title"),
            _text(_("Expertise"), "expertise"),
            _number(pgettext_lazy("training", "Sessions"), "session_count"),
        ),
    )
)
register(
    Export(
        key="practice-bases",
        title=_("Practice bases"),
        permission="training.view_practicebase",
        rows=_list(training_selectors.practice_bases_list),
        columns=(
            _text(_("University"), "university"),
            _text(_("Service unit"), "unit.name"),
            _number(_("Agreement from"), "agreement_from"),
            _number(_("Agreement until"), "agreement_until"),
        ),
    )
)
register(
    Export(
        key="awards",
        title=_("Awards"),
        permission="positions.view_socialworker",
        rows=_list(workforce_selectors.awards_list),
        columns=(
            _number(_("Year"), "year"),
            _text(_("Award"), "name"),
            _choice(_("Level"), Award, "level"),
            _text(_("Social worker"), "worker.name"),
        ),
    )
)


# Writing


def rows_of(export: Export, queryset: QuerySet) -> Iterator[Sequence]:
    """The header, then one sequence of cell values per row, read chunk by chunk."""
    header = [str(column.header) for column in export.columns]
    if export.reads_values:
        # The chunks' rows are walked in C: no Python frame runs per row.
        return chain([header], chain.from_iterable(_value_chunks(export.columns, queryset)))
    return chain([header], _instance_rows(export.columns, queryset))


def _instance_rows(columns: Sequence[Column], queryset: QuerySet) -> Iterator[list]:
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [safe_cell(column.value(obj)) for column in columns]


def _value_chunks(columns: Sequence[Column], queryset: QuerySet) -> Iterator[Iterator[tuple]]:
    """The rows of each chunk, read as tuples of database values and made into cells a column at
    a time. A distinct queryset also reads the primary key, so that it keeps one row per record;
    prefetches are dropped, the columns read what they need."""
    fields = ["pk"] if queryset.query.distinct else []
    plan = []
    for column in columns:
        start = len(fields)
        fields.extend(column.fields)
        plan.append((column.cells(), start, len(fields)))
    values = queryset.prefetch_related(None).values_list(*fields).iterator(chunk_size=VALUES_CHUNK_SIZE)
    while True:
        with _collector_paused():
            chunk = list(islice(values, VALUES_CHUNK_SIZE))
            if not chunk:
                return
            by_field = list(zip(*chunk, strict=True))
            columns = [cells(*by_field[start:end]) for cells, start, end in plan]
        yield zip(*columns, strict=True)


@contextmanager
def _collector_paused():
    """Python's cycle collector held back while a chunk is read and converted: the chunk's tens of
    thousands of new tuples would set it off again and again, each time walking every one of them
    (a fifth of an export's time), to find no cycle. Memory is still freed as it is let go."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def csv_file(rows: Iterable[list], *, title: str = ""):
    """An open temporary file holding the CSV, positioned at its start; deleted when closed."""
    handle = tempfile.TemporaryFile(suffix=".csv")  # noqa: SIM115 (the caller closes it)
    for chunk in csv_chunks(rows):
        handle.write(chunk.encode())
    handle.seek(0)
    return handle


def xlsx_file(rows: Iterable[list], *, title: str = "Export"):
    """An open temporary file holding the workbook, positioned at its start; deleted when closed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the caller closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def export_audit(
    *, export: Export, user, queryset: QuerySet, count: int, fmt: str, params: QueryDict
) -> QuerySet:
    """Write the audit row of a personal-data export and return the rows to write.

    The row holds who, which list, how many rows, which filters (their names only: a search box
    may hold a person's name). Case records also hold the ids of the exported records, and the
    file then holds exactly those records, as casework's own lists are audited."""
    if not export.personal:
        return queryset
    filters = sorted(name for name, values in params.lists() if name != "page" and any(values))
    changes = {"format": fmt, "filters": filters}
    if export.audit_action:
        ids = sorted(queryset.values_list("pk", flat=True))
        queryset = queryset.filter(pk__in=ids)
        count = len(ids)
        changes["ids"] = ids
    audit_record(
        actor=user,
        action=export.audit_action or f"{export.key}.export",
        target=queryset.model(),
        summary=f"{count} rows, {fmt}",
        changes={"count": count, **changes},
    )
    return queryset
