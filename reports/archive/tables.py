"""What the district's archive holds: every register of the domain apps, each with how its rows
belong to a region. One table, here, so that a new model is either added or named as left out
with its reason (tests/reports/test_archive.py fails on a model that is neither).

A scope is one of:
- a function of the district administrator giving a `Q` through the one scoping rule
  (`socialwork.scoping`, `positions.selectors`): the rows inside their region;
- `Via(fk, ...)`: the rows whose parent (through one of these foreign keys) is in the archive;
- `ALL`: reference lists every district of the installation shares (categories, host
  institutions): the archive needs them for its rows to hold;
- `Owned(via)`: what a place owns (the local rules of socialwork.local_rules, calls, trainers,
  budgets): the region's own rows, those of the places under it, the defaults of those above it
  that it follows, and nobody's; never a neighbouring district's own. Loaded as `ALL` is: merged
  into what the installation already holds.

Region and service unit also bring their ancestors (the city above the district), so that the
trees are whole when they are loaded elsewhere. Accounts (`socialwork.User`) are those placed in
the region and every account a record points at; never their password hash.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from positions.selectors.workforce import worker_scope
from socialwork.local_rules import rules_in_reach_q
from socialwork.scoping import place_of, region_scope, unit_scope

ALL = "all"
USERS = "users"


@dataclass(frozen=True)
class Via:
    """The rows whose parent, through any of these foreign keys, is in the archive."""

    fields: tuple[str, ...]

    def __init__(self, *fields: str):
        object.__setattr__(self, "fields", fields)


def _units(via: str) -> Callable:
    return lambda user: unit_scope(user, via=via)


def _regions(via: str) -> Callable:
    return lambda user: region_scope(user, via=via)


def _workers(user) -> Q:
    """The workers this person sees, and whoever ever held a post in the region."""
    return worker_scope(user) | unit_scope(user, via="appointments__position__unit")


@dataclass(frozen=True)
class Owned:
    """The rows owned (through `via`, a relation to the owner region) by the archive's region, a
    place under it, a region above it, or nobody."""

    via: str = "region"

    def condition(self, user) -> Q:
        return rules_in_reach_q(user, place_of(user), via=self.via)


def merged(scope) -> bool:
    """Whether an import merges the rows into those the installation holds (shared reference and
    owned rules), rather than loading them into an empty register."""
    return scope == ALL or isinstance(scope, Owned)


def _organizations(user) -> Q:
    """The organizations registered in the region, and those with no region (the district's own,
    as `projects.selectors.organizations_visible_to` shows them to district-wide people)."""
    return region_scope(user, via="region") | Q(region__isnull=True)


# model label -> scope. The order is the order of loading (a parent before its rows), although
# PostgreSQL checks the references only at the end of the import's one transaction.
EXPORTED: dict[str, object] = {
    # The network
    "positions.Region": _regions(""),
    "positions.ServiceUnit": _units(""),
    "positions.HostInstitution": ALL,
    "projects.SocialOrganization": _organizations,
    "socialwork.User": USERS,
    # The workforce
    "positions.Position": _units("unit"),
    "positions.SocialWorker": _workers,
    "positions.Exam": Via("worker"),
    "positions.Appointment": Via("position"),
    "positions.AssessmentScheme": Owned(),
    "positions.AssessmentCriterion": Via("scheme"),
    "positions.GradeRule": Via("scheme"),
    "positions.Assessment": Via("worker", "unit", "position"),
    "positions.AllowancePolicy": Owned(),
    "positions.AllowanceRoll": Owned(),
    "positions.AllowanceLine": Via("worker"),
    "positions.Award": Via("worker"),
    "positions.Studio": _units("unit"),
    "positions.RegistrationHoursPolicy": Owned(),
    "positions.RegistrationPeriod": Via("worker"),
    "positions.OutsideTraining": Via("worker"),
    "positions.StudioProject": Via("studio"),
    # Training
    "training.Trainer": Owned(),
    "training.PracticeBase": _units("unit"),
    "training.HoursRequirement": Owned(),
    "training.TrainingSeries": _units("unit"),
    "training.TrainingSession": Via("series"),
    "training.TrainingSession_trainers": Via("trainingsession"),
    "training.Enrolment": Via("session"),
    "training.Certificate": Via("series"),
    # Projects
    "projects.ServiceTeam": Via("organization"),
    "projects.TeamMember": Via("team"),
    "projects.Stationing": Via("organization"),
    "projects.YearBudget": Owned(),
    "projects.Call": Owned(),
    "projects.Project": _regions("community"),
    "projects.BudgetLine": Via("project"),
    "projects.Transition": Via("project"),
    "projects.Review": Via("project"),
    "projects.Procurement": Via("project"),
    "projects.Bid": Via("procurement"),
    "projects.Award": Via("bid"),
    "projects.Contract": Via("project"),
    "projects.ContractAmendment": Via("contract"),
    "projects.Milestone": Via("contract"),
    "projects.Payment": Via("contract"),
    "projects.ProgressReport": Via("project"),
    "projects.SupervisionVisit": Via("project"),
    "projects.Acceptance": Via("project"),
    "projects.Honour": Via("project"),
    "projects.EvaluationScheme": Owned("call__region"),  # a year's (no call) with it
    "projects.EvaluationDomain": Via("scheme"),
    "projects.EvaluationIndicator": Via("domain"),
    "projects.Evaluation": Via("project"),
    "projects.Evaluation_evaluators": Via("evaluation"),
    "projects.IndicatorScore": Via("evaluation"),
    "projects.RectificationItem": Via("evaluation"),
    "projects.ReviewPanel": Via("call"),
    "projects.PanelMember": Via("panel"),
    "projects.PanelApplication": Via("panel"),
    "projects.ConflictDeclaration": Via("project"),
    "projects.ReviewRevision": Via("review"),
    # Casework: every record of the region's stations, whatever its label: the archive is the
    # bureau's, not one reader's view of it.
    "casework.VulnerabilityCategory": ALL,
    "casework.SatisfactionQuestion": ALL,
    "casework.CaseworkPolicy": Owned(),
    "casework.Client": _units("station"),
    "casework.Client_categories": Via("client"),
    "casework.HouseholdMember": Via("client"),
    "casework.Case": _units("station"),
    "casework.CaseClient": Via("case"),
    "casework.CaseTransition": Via("case"),
    "casework.LabelChange": Via("case", "client"),
    "casework.AccessGrant": Via("case"),
    "casework.BreakGlass": Via("case"),
    "casework.Assessment": Via("case"),
    "casework.AssessmentDomain": Via("assessment"),
    "casework.ServicePlan": Via("case"),
    "casework.PlanRound": Via("plan"),
    "casework.PlanGoal": Via("plan"),
    "casework.PlanTask": Via("plan"),
    "casework.ServiceNote": Via("case"),
    "casework.HomeVisit": Via("case"),
    # What each attachment and signed consent is (name, type, size, who, when; the stored file's
    # reference, meaningless without this installation's keys). The bytes are not in the archive:
    # they are stored encrypted under the installation's keys, and the archive's files/ copies
    # stored files as they are; see the README (Attachments and signatures).
    "casework.Attachment": Via("case"),
    "casework.ClientConsent": Via("client"),
    "casework.FieldConflict": Via("case", "client"),
    "casework.Referral": Via("case"),
    "casework.FollowUp": Via("case"),
    "casework.SatisfactionAnswer": Via("follow_up"),
    "casework.EvaluationSample": Via("evaluation"),
    "casework.SampledCase": Via("sample"),
    "casework.SupervisorReview": Via("case"),
    "casework.Closing": Via("case"),
    "casework.Transfer": Via("case"),
    "casework.AdvocacyRecord": _units("station"),
    "casework.AdvocacyRecord_cases": Via("advocacyrecord"),
    "casework.CaseloadEntry": Via("client"),
    "casework.CommunityActivity": _units("station"),
    "casework.Volunteer": _units("station"),
    "casework.VolunteerHours": Via("volunteer"),
    "casework.VolunteerPairing": Via("volunteer"),
    "casework.Group": _units("station"),
    "casework.GroupMember": Via("group"),
    "casework.GroupSession": Via("group"),
    "casework.GroupAttendance": Via("session"),
    "casework.SubjectRequest": _units("station"),
    "casework.SubjectRequestStep": Via("request"),
    "casework.ClientMerge": Via("kept", "merged"),
}

# model label -> why it is not in the archive.
LEFT_OUT: dict[str, str] = {
    "casework.FieldEntry": "keys of entries sent from phones, kept only so that a repeated send saves nothing twice",
    "socialwork.AuditEntry": "the installation's sealed audit chain; it has its own archive (audit_archive)",
    "socialwork.AuditChainCheck": "checks of this installation's audit chain",
    "socialwork.AuditArchive": "the audit chain's own archives",
    "socialwork.AuditPolicy": "a setting of the installation, not the district's data",
    "socialwork.BackupRun": "the installation's backups, not the district's data",
    "socialwork.Notification": "messages to people of this installation, with its links",
    "socialwork.NotificationPreference": "each person's choice on this installation",
    "socialwork.ApiToken": "credentials: never leave the installation",
    "socialwork.ImportRun": "this installation's import runs: their undo window and files belong to it",
    "socialwork.ImportedRecord": "which of this installation's runs wrote a record, by its content type ids",
    "socialwork.ApiTokenPolicy": "a setting of the installation",
    "socialwork.SecondFactorPolicy": "a setting of the installation",
    "socialwork.User_groups": "written as the accounts' `roles` column",
    "socialwork.User_user_permissions": "permissions come from the roles",
    "positions.AllowanceRollRun": "a background run's progress, not a record",
    "casework.SubjectRequestPolicy": "a setting of the installation",
    "casework.StationTally": "counts kept from the notes and cases; counted again after a restore",
    "casework.ClientServed": "counts kept from the cases; counted again after a restore",
    "reports.AnnualReport": "files computed from the registers; computed again after a restore",
    "reports.DashboardSnapshot": "a cache of the figures",
    "reports.Dossier": "files and figures computed from the registers; built again after a restore",
    "reports.ExportRequest": "this installation's downloads, the archive among them",
    # Statistical returns (reports.upward) are the district's reporting to the city: the city's forms,
    # reviewed by the city's accounts, which lie outside the district's archive; their figures are
    # computed again from the registers the archive carries.
    "reports.StatisticalForm": "the city's report forms: defined above the district, not its data",
    "reports.StatisticalReturn": "the district's returns to the city, kept by the installation the city runs",
    "reports.StatisticalReturnStep": "the timeline of a return to the city, with the city's accounts",
    "reports.StatisticalFlag": "a check's finding on this installation's records, found again by the next check",
}

APPS = ("socialwork", "positions", "training", "projects", "casework", "reports")
