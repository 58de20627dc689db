"""Reads of projects, scoped to the person asking.

District-wide people see every project in their region; station managers and supervisors the
projects of communities in their place; social organization staff their own organization's
projects; anyone the projects they drafted.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr

from positions.models import Region
from projects.filters import CallFilter, OrganizationFilter, ProjectFilter
from projects.models import (
    Acceptance,
    Call,
    Contract,
    ContractAmendment,
    Payment,
    ProgressReport,
    Project,
    ServiceArea,
    SocialOrganization,
    YearBudget,
)
from socialwork.money import yuan
from socialwork.roles import Role
from socialwork.scoping import region_scope


def project_scope(user) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    scope = Q(created_by=user)
    if user.is_district_wide or user.has_role(Role.STATION_MANAGER, Role.SUPERVISOR):
        scope |= Q(region_scope(user, via="community"))
    if user.organization_id:
        scope |= Q(organization_id=user.organization_id) | Q(provider_id=user.organization_id)
    return scope


def projects_visible_to(*, user) -> QuerySet[Project]:
    return Project.objects.filter(project_scope(user)).select_related(
        "call", "community", "organization", "studio"
    )


def contracts_visible_to(*, user) -> QuerySet[Contract]:
    """Contracts of the projects the person sees; organization staff only their organization's."""
    if not user.is_authenticated:
        return Contract.objects.none()
    contracts = Contract.objects.filter(project__in=projects_visible_to(user=user).values("pk"))
    if not user.is_district_wide and user.organization_id:  # as contract_shown_to says
        contracts = contracts.filter(organization_id=user.organization_id)
    return contracts


def contract_shown_to(*, user, contract: Contract) -> bool:
    """Whether the contract of a project the person already sees is theirs to see:
    `contracts_visible_to`'s organization rule, without a query."""
    return (
        user.is_district_wide or not user.organization_id or contract.organization_id == user.organization_id
    )


@dataclass(frozen=True)
class ContractMoney:
    """Where a contract's money stands: paid, due now, waiting for milestones, and held back
    until acceptance passes (the final share and whatever no milestone releases)."""

    amount: Decimal
    final_share: Decimal
    scheduled: Decimal  # the milestones' instalments
    completed: Decimal  # those of completed milestones
    paid: Decimal
    accepted: bool

    @property
    def released(self) -> Decimal:
        return yuan(self.amount if self.accepted else min(self.completed, self.amount))

    @property
    def awaiting_milestones(self) -> Decimal:
        return yuan(0 if self.accepted else self.scheduled - self.completed)

    @property
    def held_back(self) -> Decimal:
        return yuan(0 if self.accepted else self.amount - self.scheduled)

    @property
    def due(self) -> Decimal:
        return yuan(max(self.released - self.paid, Decimal(0)))

    @property
    def unpaid(self) -> Decimal:
        return yuan(self.amount - self.paid)


def contract_money(*, contract: Contract, milestones=None, paid=None, accepted=None) -> ContractMoney:
    """The payment schedule's figures for `contract` (its current amount). A completed milestone
    releases its instalment; a passed acceptance releases everything. Give the milestones, the
    sum paid and whether acceptance passed when they are already loaded."""
    if milestones is None:
        milestones = contract.milestones.all()
    if paid is None:
        paid = contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if accepted is None:
        accepted = Acceptance.objects.filter(
            project_id=contract.project_id, conclusion=Acceptance.Conclusion.PASS
        ).exists()
    return ContractMoney(
        amount=yuan(contract.amount),
        final_share=yuan(contract.amount * contract.final_share_percent / 100),
        scheduled=yuan(sum((m.amount for m in milestones), Decimal(0))),
        completed=yuan(sum((m.amount for m in milestones if m.completed_on), Decimal(0))),
        paid=yuan(paid),
        accepted=accepted,
    )


def contract_money_loaded(project: Project, contract: Contract) -> ContractMoney:
    """`contract_money` from the records a page already prefetched (milestones, payments, the
    project's acceptances): no query."""
    return contract_money(
        contract=contract,
        milestones=contract.milestones.all(),
        paid=sum((payment.amount for payment in contract.payments.all()), Decimal(0)),
        accepted=any(a.conclusion == Acceptance.Conclusion.PASS for a in project.acceptances.all()),
    )


# The documents attached to a project's records: kind -> (model, file field).
DOCUMENTS = {
    "plan": (Project, "plan_document"),
    "contract": (Contract, "signed_file"),
    "amendment": (ContractAmendment, "signed_file"),
    "progress-report": (ProgressReport, "attachment"),
    "acceptance": (Acceptance, "report"),
}


def documents_visible_to(*, user, kind: str) -> QuerySet:
    """The records holding one kind of document that the person may download: those the project's
    page shows them (a contract as `contracts_visible_to` scopes it)."""
    if kind == "contract":
        return contracts_visible_to(user=user)
    if kind == "amendment":  # as the contract it amends
        return ContractAmendment.objects.filter(contract__in=contracts_visible_to(user=user).values("pk"))
    model, _field = DOCUMENTS[kind]
    projects = projects_visible_to(user=user).values("pk")
    if model is Project:
        return Project.objects.filter(pk__in=projects)
    return model.objects.filter(project__in=projects)


def organizations_visible_to(*, user) -> QuerySet[SocialOrganization]:
    """District-wide people see every organization; staff their own."""
    if not user.is_authenticated:
        return SocialOrganization.objects.none()
    if user.is_district_wide:
        return SocialOrganization.objects.all()
    if user.organization_id:
        return SocialOrganization.objects.filter(pk=user.organization_id)
    return SocialOrganization.objects.none()


def year_money(*, year: int) -> dict[str, Decimal]:
    """The year's budget, what contracts committed and what was paid."""
    budget = YearBudget.objects.filter(year=year).values_list("amount", flat=True).first() or Decimal(0)
    committed = Contract.objects.filter(year=year).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    spent = Payment.objects.filter(contract__year=year).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return {"budget": budget, "committed": committed, "spent": spent, "uncommitted": budget - committed}


@dataclass
class MoneyRow:
    label: str
    approved: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)


def _sums(queryset: QuerySet, *, project: str, key: str, field: str) -> dict:
    """Sum `field` over `queryset`, grouped by `key` of the project reached through `project`
    ("" for projects themselves). A town groups by the first two steps of the community's path."""
    prefix = f"{project}__" if project else ""
    if key == "town":
        group = Substr(f"{prefix}community__path", 1, 2 * Region.steplen)
    else:
        group = F(f"{prefix}{key}")
    return dict(queryset.annotate(group=group).values_list("group").annotate(total=Sum(field)).order_by())


def overview(
    *, user, year: int | None = None, town: Region | None = None, paid_by: date | None = None
) -> dict[str, list[MoneyRow]]:
    """Budget against spend: approved, committed (contracts) and paid, by service area, by town
    and by year, over the projects the person sees (in one town or street when given); with
    `paid_by`, only what was paid by that day counts as paid (a year's report as it closed)."""
    projects = projects_visible_to(user=user)
    if year:
        projects = projects.filter(year=year)
    if town is not None:
        projects = projects.filter(community__path__startswith=town.path)
    ids = projects.values("pk")
    towns = dict(Region.objects.filter(level__in=Region.TOWN_LEVELS).values_list("path", "name"))
    groupings = {"by_area": ("service_area", dict(ServiceArea.choices)), "by_town": ("town", towns),
                 "by_year": ("year", {})}  # fmt: skip
    result = {}
    for name, (key, labels) in groupings.items():
        approved = _sums(projects, project="", key=key, field="approved_amount")
        committed = _sums(
            Contract.objects.filter(project__in=ids), project="project", key=key, field="amount"
        )
        payments = Payment.objects.filter(contract__project__in=ids)
        if paid_by is not None:
            payments = payments.filter(paid_on__lte=paid_by)
        paid = _sums(
            payments,
            project="contract__project",
            key=key,
            field="amount",
        )
        rows = [
            MoneyRow(
                label=str(labels.get(value, value)),
                approved=approved.get(value) or Decimal(0),
                committed=committed.get(value) or Decimal(0),
                paid=paid.get(value) or Decimal(0),
            )
            for value in approved.keys() | committed.keys() | paid.keys()
        ]
        result[name] = sorted(rows, key=lambda row: row.label)
    return result


@dataclass
class KindRow:
    kind: str
    label: str
    projects: int
    approved: Decimal


def funded_by_kind(*, user, year: int, town: Region | None = None) -> list[KindRow]:
    """The projects of a year's calls that were granted money, by kind of call (community
    micro-projects, venture philanthropy, government purchase): how many and how much was
    approved, over the projects the person sees (in one town or street when given)."""
    projects = projects_visible_to(user=user).filter(year=year, approved_amount__gt=0)
    if town is not None:
        projects = projects.filter(community__path__startswith=town.path)
    sums = {
        row["call__kind"]: row
        for row in projects.values("call__kind")
        .annotate(n=Count("pk"), total=Sum("approved_amount"))
        .order_by()
    }
    return [
        KindRow(kind=kind, label=str(label), projects=sums[kind]["n"], approved=sums[kind]["total"])
        for kind, label in Call.Kind.choices
        if kind in sums
    ]


def communities_short(*, user, call) -> list[tuple[Region, int]]:
    """Communities and villages in the person's place with fewer applications to the call than
    it asks of each: (community, how many they made), fewest first."""
    if not call.min_applications_per_community:
        return []
    made = dict(Project.objects.filter(call=call).values_list("community").annotate(n=Count("pk")).order_by())
    communities = Region.objects.filter(region_scope(user), level__in=Region.COMMUNITY_LEVELS).order_by(
        "path"
    )
    short = [
        (c, made.get(c.pk, 0)) for c in communities if made.get(c.pk, 0) < call.min_applications_per_community
    ]
    return sorted(short, key=lambda pair: pair[1])


# The lists. Each list's page, its API list endpoint and its export read it through one selector:
# the filterset of the list's filters (`params`) over the records the person sees, in its order.


def projects_list(*, user, params=None, filters: type[ProjectFilter] = ProjectFilter) -> ProjectFilter:
    """The projects list: the projects `user` sees, the latest call's first. The API passes
    `ProjectApiFilter`, the same filters and the ids a program holds."""
    projects = projects_visible_to(user=user).order_by("-year", "-created_at", "pk")
    return filters(params, queryset=projects)


def organizations_list(*, user, params=None) -> OrganizationFilter:
    """The social organizations list: those `user` sees, with their project counts, by name."""
    organizations = (
        organizations_visible_to(user=user)
        .select_related("region")
        .annotate(project_count=Count("projects", distinct=True))
        .order_by("name", "pk")
    )
    return OrganizationFilter(params, queryset=organizations)


def calls_list(*, user, params=None) -> CallFilter:
    """The calls for projects: public, everyone reads every call; with their application counts."""
    calls = Call.objects.annotate(project_count=Count("projects")).order_by("-year", "-opens_on", "pk")
    return CallFilter(params, queryset=calls)


def organizations_matching(
    organizations: QuerySet[SocialOrganization], text: str
) -> QuerySet[SocialOrganization]:
    """Organizations whose name holds `text` or whose credit code starts with it (the pickers of
    projects.pickers and the header search)."""
    text = text.strip()
    found = Q(name__contains=text) | Q(credit_code__istartswith=text)
    return organizations.filter(found).order_by("name", "pk")


def projects_matching(projects: QuerySet[Project], text: str) -> QuerySet[Project]:
    """Projects whose title holds `text` (the header search)."""
    return projects.filter(title__contains=text.strip()).order_by("-year", "title", "pk")
