"""Exports of the list pages: one registry of what can be exported, written as CSV or Excel.

Each export reads its rows through the list page's own selector and filterset, so a file holds
exactly the rows the person sees on the page with the same filters. Rows are read in chunks and
written as they come: a CSV is streamed, an Excel file is written by openpyxl's write-only
workbook to a temporary file, so memory stays flat however long the list is. Exports that hold
personal data (workers, exam candidates, volunteers) leave an audit row with the count and the
filter names, never the names of the people exported. Case records (cases, clients) are audited
as casework audits its own lists: the action `case.export` or `client.export` on the model, with
the ids of the exported records; the file then holds exactly those records.

The network page is a tree of counts, not a list, and is not exported; its coverage page lists
gaps and is. The training hours page exports the workers short of hours in the year it shows.
"""

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Substr
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook

from casework import forms_groups as casework_filters
from casework import selectors as casework_selectors
from casework.filters import CaseFilter, ClientFilter
from casework.masking import mask_id_number, mask_phone
from casework.models import AccessGrant
from positions.filters import AwardFilter, ExamFilter, PositionFilter, SocialWorkerFilter
from positions.models import Region, ServiceUnit
from positions.selectors import network as network_selectors
from positions.selectors import workforce as workforce_selectors
from projects import selectors as projects_selectors
from projects.filters import CallFilter, OrganizationFilter, ProjectFilter
from projects.models import Call
from socialwork.pages import year_in
from socialwork.scoping import unit_scope
from socialwork.services import audit_record
from socialwork.spreadsheets import csv_chunks, safe_cell
from training import selectors as training_selectors
from training.filters import PracticeBaseFilter, TrainerFilter, TrainingSeriesFilter
from training.models import PracticeBase, Trainer

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_SIZE = 2000
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).


def inline_limit() -> int:
    """Lists longer than this are exported in the background."""
    return settings.EXPORT_INLINE_LIMIT


@dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[Any], Any]


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

    def filename(self, fmt: str) -> str:
        return f"{self.key}.{fmt}"


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
    return Column(header, _attr(path_or_func) if isinstance(path_or_func, str) else path_or_func)


# The registry: each list page's selector and filterset, the same order as the page.


def _positions(*, user, params):
    queryset = workforce_selectors.positions_visible_to(user=user).order_by("code")
    return PositionFilter(params, queryset=queryset).qs


def _workers(*, user, params):
    queryset = workforce_selectors.workers_visible_to(user=user).order_by("name", "pk")
    return SocialWorkerFilter(params, queryset=queryset).qs


def _exams(*, user, params):
    queryset = workforce_selectors.exams_visible_to(user=user).order_by("-year", "worker__name")
    return ExamFilter(params, queryset=queryset).qs


def _series(*, user, params):
    queryset = (
        training_selectors.series_visible_to(user=user)
        .annotate(session_count=Count("sessions"))
        .order_by("-year", "title", "pk")
    )
    return TrainingSeriesFilter(params, queryset=queryset).qs


def _projects(*, user, params):
    queryset = projects_selectors.projects_visible_to(user=user).order_by("-call__year", "-created_at", "pk")
    return ProjectFilter(params, queryset=queryset).qs


def _organizations(*, user, params):
    queryset = (
        projects_selectors.organizations_visible_to(user=user)
        .select_related("region")
        .annotate(project_count=Count("projects", distinct=True))
        .order_by("name", "pk")
    )
    return OrganizationFilter(params, queryset=queryset).qs


def _activities(*, user, params):
    queryset = casework_selectors.activities_visible_to(user=user).order_by("-held_on", "-pk")
    return casework_filters.ActivityFilter(params, queryset=queryset).qs


def _volunteers(*, user, params):
    queryset = (
        casework_selectors.volunteers_visible_to(user=user)
        .annotate(total_hours=Sum("hours__hours"))
        .order_by("name", "pk")
    )
    return casework_filters.VolunteerFilter(params, queryset=queryset).qs


def _cases(*, user, params):
    return CaseFilter(params, queryset=casework_selectors.cases_visible_to(user=user)).qs.prefetch_related(
        casework_selectors.MAIN_CLIENT_FIRST
    )


def _clients(*, user, params):
    clients = (
        casework_selectors.clients_visible_to(user=user).prefetch_related("categories").order_by("name", "pk")
    )
    visible_cases = casework_selectors.cases_visible_to(user=user).values("pk")
    return ClientFilter(params, queryset=clients).qs.annotate(
        case_count=Count("case_links", filter=Q(case_links__case__in=visible_cases))
    )


def _groups(*, user, params):
    groups = (
        casework_selectors.groups_visible_to(user=user)
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
            session_count=Count("sessions", distinct=True),
            held_count=Count("sessions", filter=Q(sessions__held_on__isnull=False), distinct=True),
        )
        .order_by("-starts_on", "pk")
    )
    return casework_filters.GroupFilter(params, queryset=groups).qs


def _advocacy(*, user, params):
    records = (
        casework_selectors.advocacy_visible_to(user=user)
        .annotate(case_count=Count("cases", filter=Q(cases__removed_at__isnull=True), distinct=True))
        .order_by("-created_at", "-pk")
    )
    return casework_filters.AdvocacyFilter(params, queryset=records).qs


def _grants(*, user, params):
    return AccessGrant.objects.select_related("case", "user", "granted_by").order_by("-created_at", "-pk")


def _grant_state(grant) -> Any:
    if grant.revoked_at:
        return _("Revoked")
    return _("Ended") if grant.expires_on < timezone.localdate() else _("Active")


def _calls(*, user, params):
    calls = Call.objects.annotate(project_count=Count("projects")).order_by("-year", "-opens_on", "pk")
    return CallFilter(params, queryset=calls).qs


def _coverage(*, user, params):
    """The coverage page's gaps: towns and streets without a service station, then communities and
    villages without a service room, each with its town."""
    has_station = Exists(
        ServiceUnit.objects.filter(level=ServiceUnit.Level.STATION, region__path__startswith=OuterRef("path"))
    )
    has_room = Exists(ServiceUnit.objects.filter(level=ServiceUnit.Level.ROOM, region=OuterRef("pk")))
    parent = Region.objects.filter(path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Region.steplen))
    gaps = (Q(level__in=Region.TOWN_LEVELS) & ~has_station) | (
        Q(level__in=Region.COMMUNITY_LEVELS) & ~has_room
    )
    return (
        network_selectors.regions_visible_to(user=user)
        .filter(gaps)
        .annotate(town_name=Subquery(parent.values("name")[:1]))
        .order_by("depth", "path")
    )


def _trainers(*, user, params):
    trainers = Trainer.objects.annotate(session_count=Count("sessions")).order_by("name", "pk")
    return TrainerFilter(params, queryset=trainers).qs


def _practice_bases(*, user, params):
    bases = (
        PracticeBase.objects.filter(unit_scope(user, via="unit"))
        .select_related("unit")
        .order_by("university", "pk")
    )
    return PracticeBaseFilter(params, queryset=bases).qs


def _awards(*, user, params):
    awards = workforce_selectors.awards_visible_to(user=user).order_by("-year", "name")
    return AwardFilter(params, queryset=awards).qs


def _yes_no(value) -> Any:
    return _("Yes") if value else _("No")


register(
    Export(
        key="positions",
        title=_("Positions"),
        permission="positions.view_position",
        rows=_positions,
        columns=(
            _col(_("Code"), "code"),
            _col(_("Title"), "title"),
            _col(_("Unit"), "unit.name"),
            _col(_("Category"), "get_category_display"),
            _col(_("How it was set up"), "get_setup_mode_display"),
            _col(_("Host institution"), "host.name"),
            _col(_("Status"), "get_status_display"),
            _col(_("Quota"), "quota"),
            _col(_("Filled"), "filled"),
            _col(_("Vacant"), "vacant"),
        ),
    )
)
register(
    Export(
        key="workers",
        title=_("Social workers"),
        permission="positions.view_socialworker",
        rows=_workers,
        personal=True,
        columns=(
            _col(_("Name"), "name"),
            _col(_("Gender"), "get_gender_display"),
            _col(_("ID number"), "masked_id_number"),
            _col(_("Education"), "get_education_display"),
            _col(_("Employer"), "employer"),
            _col(_("Certificate"), "get_certificate_level_display"),
            _col(_("Certificate number"), "certificate_number"),
            _col(_("Registration valid until"), "registration_valid_until"),
            _col(_("Status"), "get_status_display"),
        ),
    )
)
register(
    Export(
        key="exams",
        title=_("Exams"),
        permission="positions.view_exam",
        rows=_exams,
        personal=True,
        columns=(
            _col(_("Year"), "year"),
            _col(_("Candidate"), "worker.name"),
            _col(_("Level"), "get_level_display"),
            _col(_("Passed"), lambda exam: _("Yes") if exam.passed else _("No")),
            _col(_("Score"), "score"),
        ),
    )
)
register(
    Export(
        key="training-series",
        title=_("Training series"),
        permission="training.view_trainingseries",
        rows=_series,
        columns=(
            _col(_("Year"), "year"),
            _col(_("Title"), "title"),
            _col(_("Category"), "get_category_display"),
            _col(_("Unit"), "unit.name"),
            _col(_("Sessions"), "session_count"),
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
            _col(_("Hours"), "year_hours"),
            _col(_("Required"), "required"),
            _col(_("Missing"), lambda worker: worker.required - worker.year_hours),
        ),
    )
)
register(
    Export(
        key="projects",
        title=_("Projects"),
        permission="projects.view_project",
        rows=_projects,
        columns=(
            _col(_("Year"), "call.year"),
            _col(_("Title"), "title"),
            _col(_("Organization"), "organization.name"),
            _col(_("Community"), "community.name"),
            _col(_("Service area"), "get_service_area_display"),
            _col(_("Beneficiaries"), "beneficiary_count"),
            _col(_("Status"), "get_status_display"),
        ),
    )
)
register(
    Export(
        key="organizations",
        title=_("Social organizations"),
        permission="projects.view_socialorganization",
        rows=_organizations,
        columns=(
            _col(_("Name"), "name"),
            _col(_("Unified social credit code"), "credit_code"),
            _col(_("Kind"), "get_kind_display"),
            _col(_("Region"), "region.name"),
            _col(_("Grade"), "get_grade_display"),
            _col(_("Projects"), "project_count"),
        ),
    )
)
register(
    Export(
        key="activities",
        title=_("Community activities"),
        permission="casework.view_communityactivity",
        rows=_activities,
        columns=(
            _col(_("Date"), "held_on"),
            _col(_("Theme"), "theme"),
            _col(_("Community or village"), "community.name"),
            _col(_("Station"), "station.name"),
            _col(_("Partners"), "partners"),
            _col(_("Participants"), "participants"),
        ),
    )
)
register(
    Export(
        key="volunteers",
        title=_("Volunteers"),
        permission="casework.view_volunteer",
        rows=_volunteers,
        personal=True,
        columns=(
            _col(_("Name"), "name"),
            _col(_("Phone"), lambda volunteer: mask_phone(volunteer.phone)),
            _col(_("Station"), "station.name"),
            _col(_("Skills"), "skills"),
            _col(_("Registered on"), "registered_on"),
            _col(_("Active"), lambda volunteer: _("Yes") if volunteer.active else _("No")),
            _col(_("Hours"), "total_hours"),
        ),
    )
)


register(
    Export(
        key="cases",
        title=_("Cases"),
        permission="casework.view_case",
        rows=_cases,
        personal=True,
        audit_action="case.export",
        columns=(
            _col(_("Case number"), "number"),
            _col(_("Main client"), lambda case: getattr(casework_selectors.main_client(case), "name", "")),
            _col(_("Status"), "get_status_display"),
            _col(_("Risk"), "get_risk_level_display"),
            _col(pgettext_lazy("casework", "Category"), "category"),
            _col(_("Station"), "station.name"),
            _col(_("Worker"), "worker"),
            _col(_("Supervisor"), "supervisor"),
            _col(_("Intake date"), "intake_on"),
            _col(_("Source"), "get_source_display"),
            _col(_("Last note"), "last_note_on"),
            _col(_("Closed on"), "closed_on"),
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
            _col(_("Name"), "name"),
            _col(_("Gender"), "get_gender_display"),
            _col(_("Date of birth"), "birth_date"),
            _col(_("ID number"), lambda client: mask_id_number(client.id_number)),
            _col(_("Phone"), lambda client: mask_phone(client.phone)),
            _col(_("Community or village"), "community.name"),
            _col(_("Registered at"), "station.name"),
            _col(
                _("Vulnerability categories"),
                lambda client: "、".join(str(category) for category in client.categories.all()),
            ),
            _col(_("Cases"), "case_count"),
        ),
    )
)
register(
    Export(
        key="groups",
        title=_("Group work"),
        permission="casework.view_group",
        rows=_groups,
        columns=(
            _col(_("Group"), "name"),
            _col(_("Kind"), "get_kind_display"),
            _col(_("Served group"), "category"),
            _col(_("Station"), "station.name"),
            _col(_("Worker"), "worker"),
            _col(_("Starts on"), "starts_on"),
            _col(_("Members"), "member_count"),
            _col(_("Sessions held"), "held_count"),
            _col(_("Sessions"), "session_count"),
            _col(_("Status"), "get_status_display"),
        ),
    )
)
register(
    Export(
        key="advocacy",
        title=_("Policy advocacy"),
        permission="casework.view_advocacyrecord",
        rows=_advocacy,
        columns=(
            _col(pgettext_lazy("casework", "Title"), "title"),
            _col(_("Department"), "department"),
            _col(_("Unit"), "station.name"),
            _col(_("Author"), "author"),
            _col(_("Cases as evidence"), "case_count"),
            _col(_("Submitted on"), "submitted_on"),
            _col(_("Status"), "get_status_display"),
        ),
    )
)
register(
    Export(
        key="access-grants",
        title=_("Access grants"),
        permission="casework.add_accessgrant",
        may=lambda user: user.is_district_wide,
        rows=_grants,
        columns=(
            _col(_("Case number"), "case.number"),
            _col(_("Person"), "user"),
            _col(_("Reason"), "reason"),
            _col(_("Until"), "expires_on"),
            _col(_("Granted by"), "granted_by"),
            _col(_("State"), _grant_state),
        ),
    )
)
register(
    Export(
        key="calls",
        title=_("Calls for projects"),
        permission="",
        rows=_calls,
        columns=(
            _col(_("Year"), "year"),
            _col(_("Title"), "title"),
            _col(_("Kind"), "get_kind_display"),
            _col(_("Opens on"), "opens_on"),
            _col(_("Closes on"), "closes_on"),
            _col(_("Ceiling per project (yuan)"), "budget_ceiling"),
            _col(_("Applications"), "project_count"),
        ),
    )
)
register(
    Export(
        key="coverage",
        title=_("Coverage of the network"),
        permission="",
        rows=_coverage,
        columns=(
            _col(
                _("Gap"),
                lambda region: (
                    _("Town or street without a service station")
                    if region.level in Region.TOWN_LEVELS
                    else _("Community or village without a service room")
                ),
            ),
            _col(_("Name"), "name"),
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
        rows=_trainers,
        columns=(
            _col(_("Name"), "name"),
            _col(_("Affiliation"), "affiliation"),
            _col(_("Kind"), "get_affiliation_kind_display"),
            _col(_("Title"), "title"),
            _col(_("Expertise"), "expertise"),
            _col(_("Sessions"), "session_count"),
        ),
    )
)
register(
    Export(
        key="practice-bases",
        title=_("Practice bases"),
        permission="training.view_practicebase",
        rows=_practice_bases,
        columns=(
            _col(_("University"), "university"),
            _col(_("Service unit"), "unit.name"),
            _col(_("Agreement from"), "agreement_from"),
            _col(_("Agreement until"), "agreement_until"),
        ),
    )
)
register(
    Export(
        key="awards",
        title=_("Awards"),
        permission="positions.view_socialworker",
        rows=_awards,
        columns=(
            _col(_("Year"), "year"),
            _col(_("Award"), "name"),
            _col(_("Level"), "get_level_display"),
            _col(_("Social worker"), "worker.name"),
        ),
    )
)


# Writing


def rows_of(export: Export, queryset: QuerySet) -> Iterator[list]:
    """The header, then one list of cell values per row, read chunk by chunk."""
    yield [str(column.header) for column in export.columns]
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [safe_cell(column.value(obj)) for column in export.columns]


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
