"""Reads of projects, scoped to the person asking.

District-wide people see every project in their region; station managers and supervisors the
projects of communities in their place; social organization staff their own organization's
projects; anyone the projects they drafted.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Max, Q, QuerySet, Sum

from positions.models import Region
from positions.selectors.network import figures_place, part_path, parts_of
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
from projects.selectors.evaluations import evaluated_projects_q, is_evaluator
from socialwork.money import yuan
from socialwork.roles import Role
from socialwork.scoping import region_scope, shared_down_scope


def project_scope(user) -> Q:
    """Which projects the person sees. An outside evaluator sees exactly the projects of the
    evaluations assigned to them (projects.selectors.evaluations), and nothing by place or by
    organization."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if is_evaluator(user):
        return evaluated_projects_q(user)
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
    if is_evaluator(user):  # the contract of each project they evaluate: the scheme reads it
        return contracts
    if not user.is_district_wide and user.organization_id:  # as contract_shown_to says
        contracts = contracts.filter(organization_id=user.organization_id)
    return contracts


def contract_shown_to(*, user, contract: Contract) -> bool:
    """Whether the contract of a project the person already sees is theirs to see:
    `contracts_visible_to`'s organization rule, without a query."""
    return (
        user.is_district_wide
        or not user.organization_id
        or contract.organization_id == user.organization_id
        or is_evaluator(user)
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
    if model is Project:  # a planning document: also to the reviewers of the application's panels
        from projects.selectors.panels import applications_of_member

        reviewed = applications_of_member(user=user).values("pk")
        return Project.objects.filter(Q(pk__in=projects) | Q(pk__in=reviewed))
    return model.objects.filter(project__in=projects)


def organizations_visible_to(*, user) -> QuerySet[SocialOrganization]:
    """District-wide people see the organizations registered in their place, above it (the city's)
    or with no region; staff their own; an evaluator none (their evaluations name the
    organizations they need)."""
    if not user.is_authenticated:
        return SocialOrganization.objects.none()
    if user.is_district_wide:
        return SocialOrganization.objects.filter(shared_down_scope(user))
    if user.organization_id and not is_evaluator(user):
        return SocialOrganization.objects.filter(pk=user.organization_id)
    return SocialOrganization.objects.none()


def budget_for(*, year: int, community: Region, lock: bool = False) -> YearBudget | None:
    """The budget a project's contracts of a year are paid from: the own budget of the district
    its community lies in, else a row without an owner (an installation whose budgets have none).
    None: no budget for the year. `lock` locks the row (the services' sums)."""
    rows = YearBudget.objects.filter(year=year).filter(
        Q(region__path=community.district_path) | Q(region__isnull=True)
    )
    if lock:
        rows = rows.select_for_update(of=("self",))
    return rows.select_related("region").order_by(F("region_id").asc(nulls_last=True)).first()


def _budget_area(place: Region | None, via: str) -> Q:
    return Q(**{f"{via}__path__startswith": place.path}) if place is not None else Q()


def year_money(*, year: int, place: Region | None = None) -> dict[str, Decimal]:
    """The year's budget of a place, what contracts committed and what was paid there: a
    district's own budget; a city's own and its districts' added up; everything for None. Rows
    without an owner count where no owned row does (an installation whose budgets have none)."""
    owned = Q(region__isnull=False) & _budget_area(place, "region")
    sums = YearBudget.objects.filter(year=year).aggregate(  # one query: the unowned row is one a year
        owned=Sum("amount", filter=owned), unowned=Max("amount", filter=Q(region__isnull=True))
    )
    budget = sums["owned"] if sums["owned"] is not None else (sums["unowned"] or Decimal(0))
    contracts = Contract.objects.filter(year=year).filter(_budget_area(place, "project__community"))
    committed = contracts.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    spent = Payment.objects.filter(contract__year=year).filter(
        _budget_area(place, "contract__project__community")
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return {"budget": budget, "committed": committed, "spent": spent, "uncommitted": budget - committed}


@dataclass
class BudgetRow:
    """One owner's year money: a district's, or a city's own."""

    label: str
    region: Region | None
    budget: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    own: bool = False  # the city's own budget, not a district's

    @property
    def uncommitted(self) -> Decimal:
        return self.budget - self.committed


def budgets_side_by_side(*, year: int, place: Region | None) -> list[BudgetRow]:
    """For a city (or province): each district's budget of the year, what its contracts committed
    and paid, side by side, then the city's own budget. Empty for a district. Four queries
    whatever the number of districts: the districts, the budgets, the contracts, the payments."""
    from positions.selectors.network import districts_under

    if place is None or not place.is_above_district:
        return []
    districts = list(districts_under(place))
    budgets = dict(
        YearBudget.objects.filter(year=year, region__path__startswith=place.path).values_list(
            "region__path", "amount"
        )
    )

    paths = [d.path for d in districts]

    def by_district(totals) -> defaultdict:
        """Sums by community path, added up by the district each community lies in."""
        sums = defaultdict(Decimal)
        for path, total in totals:
            sums[next((p for p in paths if path.startswith(p)), None)] += total
        return sums

    contracts = Contract.objects.filter(year=year, project__community__path__startswith=place.path)
    committed = by_district(
        contracts.values_list("project__community__path").annotate(total=Sum("amount")).order_by()
    )
    payments = Payment.objects.filter(
        contract__year=year, contract__project__community__path__startswith=place.path
    )
    spent = by_district(
        payments.values_list("contract__project__community__path").annotate(total=Sum("amount")).order_by()
    )
    rows = [
        BudgetRow(
            label=district.name,
            region=district,
            budget=budgets.get(district.path, Decimal(0)),
            committed=committed[district.path],
            spent=spent[district.path],
        )
        for district in districts
    ]
    rows.append(
        BudgetRow(
            label=place.name,
            region=place,
            budget=budgets.get(place.path, Decimal(0)),
            committed=committed[None],
            spent=spent[None],
            own=True,
        )
    )
    return rows


@dataclass
class MoneyRow:
    label: str
    approved: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)


def _sums(queryset: QuerySet, *, project: str, key: str, field: str, place: Region | None = None) -> dict:
    """Sum `field` over `queryset`, grouped by `key` of the project reached through `project`
    ("" for projects themselves). "part" groups by the part of `place` the community lies in (a
    city's district, a district's town)."""
    prefix = f"{project}__" if project else ""
    group = part_path(f"{prefix}community", place) if key == "part" else F(f"{prefix}{key}")
    return dict(queryset.annotate(group=group).values_list("group").annotate(total=Sum(field)).order_by())


def overview(
    *,
    user,
    year: int | None = None,
    part: Region | None = None,
    paid_by: date | None = None,
    by: tuple[str, ...] = ("by_area", "by_part", "by_year"),
) -> dict[str, list[MoneyRow]]:
    """Budget against spend: approved, committed (contracts) and paid, by service area, by part
    of the person's place (a city's districts, a district's towns: `by_part`) and by year, over
    the projects the person sees (in one part when given: then by its own parts); with `paid_by`,
    only what was paid by that day counts as paid (a year's report as it closed). `by` names the
    tables wanted (three queries each)."""
    projects = projects_visible_to(user=user)
    if year:
        projects = projects.filter(year=year)
    if part is not None:
        projects = projects.filter(community__path__startswith=part.path)
    ids = projects.values("pk")
    place = figures_place(user=user, part=part)
    parts = dict(parts_of(user=user, place=place).values_list("path", "name")) if "by_part" in by else {}
    groupings = {"by_area": ("service_area", dict(ServiceArea.choices)), "by_part": ("part", parts),
                 "by_year": ("year", {})}  # fmt: skip
    if place is None:  # no place to set parts of (a person placed nowhere sees no project by place)
        del groupings["by_part"]
    groupings = {name: grouping for name, grouping in groupings.items() if name in by}
    result = {"by_part": []}
    for name, (key, labels) in groupings.items():
        approved = _sums(projects, project="", key=key, field="approved_amount", place=place)
        committed = _sums(
            Contract.objects.filter(project__in=ids), project="project", key=key, field="amount", place=place
        )
        payments = Payment.objects.filter(contract__project__in=ids)
        if paid_by is not None:
            payments = payments.filter(paid_on__lte=paid_by)
        paid = _sums(
            payments,
            project="contract__project",
            key=key,
            field="amount",
            place=place,
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


def funded_by_kind(*, user, year: int, part: Region | None = None) -> list[KindRow]:
    """The projects of a year's calls that were granted money, by kind of call (community
    micro-projects, venture philanthropy, government purchase): how many and how much was
    approved, over the projects the person sees (in one part of their place when given)."""
    projects = projects_visible_to(user=user).filter(year=year, approved_amount__gt=0)
    if part is not None:
        projects = projects.filter(community__path__startswith=part.path)
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
    return filters(params, queryset=projects, user=user)


def organizations_list(*, user, params=None) -> OrganizationFilter:
    """The social organizations list: those `user` sees, with their project counts, by name."""
    organizations = (
        organizations_visible_to(user=user)
        .select_related("region")
        .annotate(project_count=Count("projects", distinct=True))
        .order_by("name", "pk")
    )
    return OrganizationFilter(params, queryset=organizations)


def calls_visible_to(*, user) -> QuerySet[Call]:
    """The calls for projects: public inside the place that published them, everyone there reads
    them; a city's reach its districts, a district's never the district beside it."""
    return Call.objects.filter(shared_down_scope(user))


def organizations_pickable(*, user) -> QuerySet[SocialOrganization]:
    """The organizations a case may be referred to, or a bid or a contract name: any registered in
    the person's place, above it or with no region (not the district beside it)."""
    return SocialOrganization.objects.filter(shared_down_scope(user))


def calls_list(*, user, params=None) -> CallFilter:
    """The calls for projects the person sees, with their application counts."""
    calls = (
        calls_visible_to(user=user)
        .annotate(project_count=Count("projects"))
        .order_by("-year", "-opens_on", "pk")
    )
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
