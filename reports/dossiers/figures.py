"""Every figure of a dossier, computed from the records, each with the page it came from.

A dossier is a list of `Section`s: a few headline `Figure`s (a count, a sum, a rate) and
`Listing`s (the records themselves: the contract, each payment, each activity with its sign-ins),
each row with the link to its record. Nothing is typed twice: every value is read here from the
record that holds it. Clients are only ever counted; the only names are of staff and of
organizations.

A project's dossier counts the case records that name the project (`Case.project`,
`Group.project`, `CommunityActivity.project`); a station's dossier those of the station and the
rooms and posts below it (their `station` is the station or a unit under it) within the year.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework import selectors as casework_selectors
from casework.models import (
    Approval,
    Case,
    Closing,
    CommunityActivity,
    Group,
    GroupSession,
    Referral,
    VolunteerHours,
)
from positions.models import ServiceUnit, SocialWorker
from projects.models import (
    Acceptance,
    ContractAmendment,
    Payment,
    ProgressReport,
    Project,
    SupervisionVisit,
)
from socialwork.links import absolute_url
from training.models import Enrolment

ZERO = Decimal("0.00")


@dataclass
class Figure:
    """One figure: `key` names it for the tests and the JSON, `url` is where it came from."""

    key: str
    label: str
    value: object
    url: str


@dataclass
class Listing:
    """Records listed one a row, each row with the link to its record."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    empty: str = ""

    def add(self, values: list, url: str) -> None:
        self.rows.append([_plain(value) for value in values])
        self.links.append(url)


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    note: str = ""

    def figure(self, key: str, label: str, value, url: str) -> None:
        self.figures.append(Figure(f"{self.key}.{key}", label, _plain(value), url))


def _plain(value):
    """A value as the JSON, the workbook and the PDF show it: decimals as written (money with two
    places, hours with one), dates as ISO dates, None as an empty string."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | str):
        return value
    return str(value)


def as_json(sections: list[Section]) -> list[dict]:
    return [asdict(section) for section in sections]


def _url(name: str, *args, query: dict | None = None, anchor: str = "") -> str:
    path = reverse(name, args=args)
    if query:
        path += "?" + urlencode(query)
    if anchor:
        path += "#" + anchor
    return absolute_url(path)


def _money(value) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


# The records a dossier counts --------------------------------------------------------------


@dataclass
class Scope:
    """What a dossier covers: one project, or one station in one year."""

    project: Project | None = None
    station: ServiceUnit | None = None
    year: int | None = None

    def cases(self) -> QuerySet[Case]:
        cases = Case.objects.filter(removed_at__isnull=True)
        if self.project:
            return cases.filter(project=self.project)
        return cases.filter(station__path__startswith=self.station.path, intake_on__year=self.year)

    def activities(self) -> QuerySet[CommunityActivity]:
        if self.project:
            return CommunityActivity.objects.filter(project=self.project)
        return CommunityActivity.objects.filter(
            station__path__startswith=self.station.path, held_on__year=self.year
        )

    def sessions(self) -> QuerySet[GroupSession]:
        sessions = GroupSession.objects.filter(held_on__isnull=False)
        if self.project:
            return sessions.filter(group__project=self.project)
        return sessions.filter(group__station__path__startswith=self.station.path, held_on__year=self.year)

    def referrals(self) -> QuerySet[Referral]:
        if self.project:
            return Referral.objects.filter(case__project=self.project, case__removed_at__isnull=True)
        return Referral.objects.filter(
            case__station__path__startswith=self.station.path,
            case__removed_at__isnull=True,
            referred_on__year=self.year,
        )

    def volunteer_hours(self) -> QuerySet[VolunteerHours]:
        if self.project:
            return VolunteerHours.objects.filter(activity__project=self.project)
        return VolunteerHours.objects.filter(
            volunteer__station__path__startswith=self.station.path, served_on__year=self.year
        )

    def closed_cases(self) -> QuerySet[Case]:
        """The cases whose closing counts for satisfaction: a project's closed cases, a station's
        cases closed within the year."""
        cases = Case.objects.filter(removed_at__isnull=True, status=Case.Status.CLOSED)
        if self.project:
            return cases.filter(project=self.project)
        return cases.filter(station__path__startswith=self.station.path, closed_on__year=self.year)

    def staff(self) -> QuerySet[SocialWorker]:
        """A project's staff: the workers its provider (else its applicant) employs and the
        workers who did its cases, groups and activities. A station's: the workers who held a post
        at the station or below it during the year."""
        if self.project:
            employer = self.project.provider_id or self.project.organization_id
            did_the_work = (
                Q(user__in=Case.objects.filter(project=self.project).values("worker"))
                | Q(user__in=CommunityActivity.objects.filter(project=self.project).values("organizer"))
                | Q(user__in=Group.objects.filter(project=self.project).values("worker"))
            )
            employed = Q(employer_organization_id=employer) if employer else Q(pk__in=[])
            return SocialWorker.objects.filter(employed | did_the_work)
        first, last = date(self.year, 1, 1), date(self.year, 12, 31)
        return SocialWorker.objects.filter(
            Q(appointments__ends_on__isnull=True) | Q(appointments__ends_on__gte=first),
            appointments__position__unit__path__startswith=self.station.path,
            appointments__starts_on__lte=last,
        ).distinct()

    def period(self) -> tuple[date, date]:
        """The days the staff's training counts within: the contract's term (as last amended) for a
        project that has one, else the project's or the station's year."""
        if self.project:
            contract = getattr(self.project, "contract", None)
            if contract is not None:
                amendment = contract.amendments.order_by("-signed_on", "-pk").first()
                if amendment is not None:
                    return amendment.starts_on, amendment.ends_on
                return contract.starts_on, contract.ends_on
            year = self.project.year
        else:
            year = self.year
        return date(year, 1, 1), date(year, 12, 31)

    def case_list_query(self) -> dict:
        if self.project:
            return {}
        return {"station": self.station.pk, "year": self.year}


# Sections of a project's dossier ------------------------------------------------------------


def _project_url(project: Project, anchor: str = "") -> str:
    return _url("projects:project_detail", project.pk, anchor=anchor)


def _document_url(kind: str, pk: int) -> str:
    return _url("projects:project_document", kind, pk)


def contract_section(project: Project) -> Section:
    section = Section("contract", _("Contract and supplementary agreements"))
    contract = getattr(project, "contract", None)
    url = _project_url(project, "contract")
    listing = Listing(
        "contract.records",
        _("Contract and supplementary agreements"),
        [_("Document"), _("Signed on"), _("From"), _("Until"), _("Amount (yuan)")],
        empty=_("No contract has been signed."),
    )
    if contract is None:
        section.figure("amount", _("Contract amount (yuan)"), ZERO, url)
        section.figure("amendments", _("Supplementary agreements"), 0, url)
        section.listings.append(listing)
        return section
    amendments = list(contract.amendments.order_by("signed_on", "pk"))
    current = amendments[-1].amount if amendments else contract.amount
    section.figure("number", _("Contract number"), contract.number, url)
    section.figure("amount", _("Contract amount (yuan)"), _money(current), url)
    section.figure("amendments", _("Supplementary agreements"), len(amendments), url)
    listing.add(
        [_("Contract %(number)s") % {"number": contract.number}, contract.signed_on, contract.starts_on,
         contract.ends_on, _money(contract.amount)],
        _document_url("contract", contract.pk) if contract.signed_file else url,
    )  # fmt: skip
    for number, amendment in enumerate(amendments, start=1):
        listing.add(
            [_("Supplementary agreement %(number)s") % {"number": number}, amendment.signed_on,
             amendment.starts_on, amendment.ends_on, _money(amendment.amount)],
            _document_url("amendment", amendment.pk) if amendment.signed_file else url,
        )  # fmt: skip
    section.listings.append(listing)
    return section


def budget_section(project: Project) -> Section:
    section = Section("budget", _("Budget against spend"))
    url = _project_url(project, "budget")
    lines = list(project.budget_lines.order_by("pk"))
    budget = _money(sum((line.amount for line in lines), ZERO))
    paid = _money(Payment.objects.filter(contract__project=project).aggregate(total=Sum("amount"))["total"])
    section.figure("budget", _("Budget (yuan)"), budget, url)
    section.figure("paid", _("Paid (yuan)"), paid, _project_url(project, "payments"))
    section.figure("balance", _("Budget not yet paid (yuan)"), _money(budget - paid), url)
    section.figure("rate", _("Share of the budget paid (%)"), _rate(paid, budget), url)
    listing = Listing("budget.lines", _("Budget lines"), [_("Item"), _("Amount (yuan)")])
    for line in lines:
        listing.add([line.item, _money(line.amount)], url)
    section.listings.append(listing)
    return section


def _rate(part, whole) -> str:
    """A percentage with one decimal, "—" of nothing."""
    if not whole:
        return "—"
    return f"{Decimal(part) * 100 / Decimal(whole):.1f}"


def milestones_section(project: Project) -> Section:
    section = Section("milestones", _("Milestones and payments"))
    url = _project_url(project, "contract")
    contract = getattr(project, "contract", None)
    milestones = list(contract.milestones.order_by("due_on", "pk")) if contract else []
    payments = list(Payment.objects.filter(contract__project=project).order_by("paid_on", "pk"))
    section.figure("milestones", _("Milestones"), len(milestones), url)
    section.figure("completed", _("Milestones completed"), sum(1 for m in milestones if m.completed_on), url)
    section.figure("payments", _("Payments"), len(payments), _project_url(project, "payments"))
    section.figure(
        "paid",
        _("Paid (yuan)"),
        _money(sum((p.amount for p in payments), ZERO)),
        _project_url(project, "payments"),
    )
    listing = Listing(
        "milestones.records",
        _("Milestones"),
        [_("Milestone"), _("Due on"), _("Completed on"), _("Instalment (yuan)")],
        empty=_("No milestone is recorded."),
    )
    for milestone in milestones:
        listing.add(
            [milestone.title, milestone.due_on, milestone.completed_on, _money(milestone.amount)], url
        )
    paid = Listing(
        "milestones.payments",
        _("Payments"),
        [_("Paid on"), _("Amount (yuan)"), _("Note")],
        empty=_("Nothing has been paid yet."),
    )
    for payment in payments:
        paid.add([payment.paid_on, _money(payment.amount), payment.note], _project_url(project, "payments"))
    section.listings += [listing, paid]
    return section


def progress_section(project: Project) -> Section:
    section = Section("progress", _("Progress reports"))
    url = _project_url(project, "progress")
    reports = list(ProgressReport.objects.filter(project=project).order_by("created_at", "pk"))
    section.figure("reports", _("Progress reports"), len(reports), url)
    listing = Listing(
        "progress.records",
        _("Progress reports"),
        [_("Period"), _("Submitted on"), _("Attachment")],
        empty=_("No progress report has been submitted."),
    )
    for report in reports:
        attached = bool(report.attachment)
        listing.add(
            [report.period, report.created_at.date(), _("Yes") if attached else _("No")],
            _document_url("progress-report", report.pk) if attached else url,
        )
    section.listings.append(listing)
    return section


def supervision_section(project: Project) -> Section:
    section = Section("supervision", _("Supervision visits"))
    url = _project_url(project, "supervision")
    visits = list(SupervisionVisit.objects.filter(project=project).order_by("visited_on", "pk"))
    section.figure("visits", _("Supervision visits"), len(visits), url)
    listing = Listing(
        "supervision.records",
        _("Supervision visits"),
        [_("Visited on"), _("Inspector"), _("Rating")],
        empty=_("No supervision visit is recorded."),
    )
    for visit in visits:
        listing.add([visit.visited_on, visit.inspector, visit.get_rating_display()], url)
    section.listings.append(listing)
    return section


# Sections both dossiers have ----------------------------------------------------------------


def activities_section(scope: Scope) -> Section:
    section = Section("activities", _("Activities and group sessions"))
    activities = list(scope.activities().order_by("held_on", "pk"))
    sessions = list(
        scope.sessions()
        .select_related("group")
        .annotate(signed_in=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("held_on", "pk")
    )
    activity_list = _url("casework:activity_list")
    group_list = _url("casework:group_list")
    section.figure("activities", _("Community activities"), len(activities), activity_list)
    section.figure(
        "participants",
        _("Participants of the activities"),
        sum(a.participants for a in activities),
        activity_list,
    )
    section.figure("groups", _("Groups with sessions held"), len({s.group_id for s in sessions}), group_list)
    section.figure("sessions", _("Group sessions held"), len(sessions), group_list)
    section.figure(
        "sign_ins", _("Sign-ins at group sessions"), sum(s.signed_in for s in sessions), group_list
    )
    listing = Listing(
        "activities.records",
        _("Community activities"),
        [_("Date"), _("Theme"), pgettext("dossier", "Participants")],
        empty=_("No community activity is recorded."),
    )
    for activity in activities:
        listing.add(
            [activity.held_on, activity.theme, activity.participants],
            absolute_url(activity.get_absolute_url()),
        )
    held = Listing(
        "activities.sessions",
        _("Group sessions"),
        [
            pgettext("dossier", "Group"),
            pgettext("dossier", "Session"),
            _("Held on"),
            _("Theme"),
            _("Signed in"),
        ],
        empty=_("No group session is recorded."),
    )
    for session in sessions:
        held.add(
            [session.group.name, session.number, session.held_on, session.theme, session.signed_in],
            absolute_url(session.group.get_absolute_url()),
        )
    section.listings += [listing, held]
    return section


def cases_section(scope: Scope) -> Section:
    """Cases by stage: counts only, never a client's name."""
    section = Section("cases", _("Cases by stage"))
    counts = dict(scope.cases().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    query = scope.case_list_query()
    section.figure("total", _("Cases"), sum(counts.values()), _url("casework:case_list", query=query))
    for status, label in Case.Status.choices:
        section.figure(
            status,
            str(label),
            counts.get(status, 0),
            _url("casework:case_list", query={**query, "status": status}),
        )
    if scope.project is None:
        section.note = _("Cases opened within the year, by the stage they stand at now.")
    return section


def referrals_section(scope: Scope) -> Section:
    section = Section("referrals", _("Referrals and their outcomes"))
    referrals = scope.referrals()
    by_status = dict(referrals.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_outcome = dict(
        referrals.exclude(outcome="")
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    url = _url("casework:case_list", query=scope.case_list_query())
    section.figure("total", _("Referrals"), sum(by_status.values()), url)
    deadlines = casework_selectors.referral_figures(referrals)
    section.figure("answer_due", _("Due an answer"), deadlines.answer_due, url)
    section.figure("answered_in_time", _("Answered by the receiver in time"), deadlines.answered_in_time, url)
    section.figure("outcome_due", _("Due a result"), deadlines.outcome_due, url)
    section.figure("with_result", _("Referrals concluded with a result"), deadlines.with_result, url)
    section.figure("overdue", pgettext("referrals", "Overdue"), deadlines.overdue, url)
    for status, label in Referral.Status.choices:
        shown = _("Status: %(status)s") % {"status": label}
        section.figure(f"status.{status}", shown, by_status.get(status, 0), url)
    for outcome, label in Referral.Outcome.choices:
        if outcome:
            section.figure(
                f"outcome.{outcome}",
                _("Outcome: %(outcome)s") % {"outcome": label},
                by_outcome.get(outcome, 0),
                url,
            )
    return section


def volunteers_section(scope: Scope) -> Section:
    section = Section("volunteers", _("Volunteer hours"))
    totals = scope.volunteer_hours().aggregate(
        hours=Sum("hours"), records=Count("pk"), volunteers=Count("volunteer", distinct=True)
    )
    url = _url("casework:volunteer_list")
    section.figure(
        "hours", _("Volunteer hours"), (totals["hours"] or Decimal("0")).quantize(Decimal("0.1")), url
    )
    section.figure("records", _("Service records"), totals["records"], url)
    section.figure("volunteers", _("Volunteers who served"), totals["volunteers"], url)
    return section


def satisfaction_section(scope: Scope) -> Section:
    """The follow-ups after closing and their questionnaires (casework.selectors.satisfaction_figures,
    the rule the station and project pages show), and the score clients gave at closing."""
    section = Section("satisfaction", _("Satisfaction"))
    closed = scope.closed_cases()
    figures = casework_selectors.satisfaction_figures(closed)
    at_closing = Closing.objects.filter(
        case__in=closed, status=Approval.APPROVED, satisfaction__isnull=False
    ).aggregate(n=Count("pk"), total=Sum("satisfaction"))
    average = (
        (Decimal(at_closing["total"]) / at_closing["n"]).quantize(Decimal("0.01")) if at_closing["n"] else "—"
    )
    url = _url("casework:case_list", query={**scope.case_list_query(), "status": Case.Status.CLOSED})
    section.figure("closed", _("Cases closed"), figures.closed, url)
    section.figure("followed_up", _("Closed cases followed up after closing"), figures.followed_up, url)
    section.figure(
        "followed_up_rate", _("Share followed up (%)"), _rate(figures.followed_up, figures.closed), url
    )
    section.figure("answered", _("Satisfaction questionnaires answered"), figures.answered, url)
    section.figure("satisfied", _("Of them, satisfied"), figures.satisfied, url)
    section.figure("rate", _("Satisfaction rate (%)"), _rate(figures.satisfied, figures.answered), url)
    section.figure("rated", _("Closings with a satisfaction score"), at_closing["n"], url)
    section.figure("average", _("Average satisfaction at closing (1–5)"), average, url)
    section.note = _(
        "From the questionnaires of the follow-up visits and calls after closing (satisfied: answers "
        "averaging at least the district's threshold), and the score the client gave at closing."
    )
    return section


def training_section(scope: Scope) -> Section:
    section = Section("training", _("Training hours of the staff"))
    first, last = scope.period()
    staff = list(scope.staff().order_by("name", "pk"))
    hours = dict(
        Enrolment.objects.filter(
            worker__in=[worker.pk for worker in staff],
            status=Enrolment.Status.CONFIRMED,
            session__starts_at__date__gte=first,
            session__starts_at__date__lte=last,
        )
        .values_list("worker")
        .annotate(total=Sum("hours_credited"))
        .values_list("worker", "total")
    )
    url = _url("training:hours", query={"year": first.year})
    section.figure("staff", _("Staff"), len(staff), _url("positions:worker_list"))
    section.figure(
        "hours", _("Training hours credited"), sum(hours.values(), Decimal("0")).quantize(Decimal("0.1")), url
    )
    listing = Listing(
        "training.staff",
        _("Training hours of each worker"),
        [pgettext("person", "Name"), _("Hours credited")],
        empty=_("No staff is recorded."),
    )
    for worker in staff:
        listing.add(
            [worker.name, (hours.get(worker.pk) or Decimal("0")).quantize(Decimal("0.1"))],
            absolute_url(worker.get_absolute_url()),
        )
    section.listings.append(listing)
    section.note = _("Hours credited from %(first)s to %(last)s.") % {"first": first, "last": last}
    return section


def documents_section(projects: list[Project]) -> Section:
    """The files attached to the projects' records, each with its link (a download is audited)."""
    section = Section("documents", _("Photos and documents attached"))
    listing = Listing(
        "documents.files",
        _("Photos and documents attached"),
        [_("Project"), _("Document"), _("Date")],
        empty=_("No document is attached."),
    )
    ids = [project.pk for project in projects]
    for project in projects:
        if project.plan_document:
            listing.add(
                [project.title, _("Planning document"), project.created_at.date()],
                _document_url("plan", project.pk),
            )
        contract = getattr(project, "contract", None)
        if contract is not None and contract.signed_file:
            listing.add(
                [project.title, _("Signed contract"), contract.signed_on],
                _document_url("contract", contract.pk),
            )
    for amendment in (
        ContractAmendment.objects.filter(contract__project__in=ids)
        .exclude(signed_file="")
        .select_related("contract__project")
        .order_by("signed_on", "pk")
    ):
        listing.add(
            [amendment.contract.project.title, _("Signed supplementary agreement"), amendment.signed_on],
            _document_url("amendment", amendment.pk),
        )
    for report in (
        ProgressReport.objects.filter(project__in=ids)
        .exclude(attachment="")
        .select_related("project")
        .order_by("created_at", "pk")
    ):
        listing.add(
            [
                report.project.title,
                _("Progress report: %(period)s") % {"period": report.period},
                report.created_at.date(),
            ],
            _document_url("progress-report", report.pk),
        )
    for acceptance in (
        Acceptance.objects.filter(project__in=ids)
        .exclude(report="")
        .select_related("project")
        .order_by("evaluated_on", "pk")
    ):
        listing.add(
            [acceptance.project.title, _("Evaluation report"), acceptance.evaluated_on],
            _document_url("acceptance", acceptance.pk),
        )
    section.figure("files", _("Documents attached"), len(listing.rows), _url("projects:project_list"))
    section.listings.append(listing)
    return section


def station_projects_section(station: ServiceUnit, year: int) -> tuple[Section, list[Project]]:
    """The projects of the year serving communities in the station's area."""
    section = Section("projects", _("Projects in the station's area"))
    projects = list(
        Project.objects.filter(community__path__startswith=station.region.path, year=year)
        .exclude(status__in=[Project.Status.DRAFT, Project.Status.REJECTED])
        .select_related("community", "contract", "provider", "organization")
        .order_by("pk")
    )
    section.figure(
        "projects",
        pgettext("dossier", "Projects"),
        len(projects),
        _url("projects:project_list", query={"year": year}),
    )
    listing = Listing(
        "projects.records",
        _("Projects in the station's area"),
        [_("Project"), _("Community"), _("Provider"), _("Status")],
        empty=_("No project served the station's area this year."),
    )
    for project in projects:
        provider = project.provider or project.organization
        listing.add(
            [
                project.title,
                project.community.name,
                provider.name if provider else "",
                project.get_status_display(),
            ],
            _project_url(project),
        )
    section.listings.append(listing)
    return section, projects


# The two dossiers ---------------------------------------------------------------------------


def project_sections(project: Project) -> list[Section]:
    """A project's evaluation dossier, in the order an evaluator reads it."""
    scope = Scope(project=project)
    return [
        contract_section(project),
        budget_section(project),
        milestones_section(project),
        progress_section(project),
        supervision_section(project),
        activities_section(scope),
        cases_section(scope),
        referrals_section(scope),
        volunteers_section(scope),
        satisfaction_section(scope),
        training_section(scope),
        documents_section([project]),
    ]


def station_sections(station: ServiceUnit, year: int) -> list[Section]:
    """A station's yearly dossier."""
    scope = Scope(station=station, year=year)
    projects, projects_of_year = station_projects_section(station, year)
    return [
        activities_section(scope),
        cases_section(scope),
        referrals_section(scope),
        volunteers_section(scope),
        satisfaction_section(scope),
        training_section(scope),
        projects,
        documents_section(projects_of_year),
    ]
