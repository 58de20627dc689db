"""Projects in each state of the workflow, for the tests of services, API and reminders."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from projects.models import Call, Contract, Milestone, Project, SocialOrganization, Transition, YearBudget

S = Project.Status
_numbers = count(1)
# Valid unified social credit codes (GB 32100-2015).
CREDIT_CODES = ("91350100M000100Y43", "91110000600037341L")


def make_organization(name: str = "阳光社工服务中心", **fields) -> SocialOrganization:
    return SocialOrganization.objects.create(name=name, **fields)


def make_call(*, year: int | None = None, ceiling="100000", open_now: bool = True, **fields) -> Call:
    today = timezone.localdate()
    opens, closes = (
        (today - timedelta(days=10), today + timedelta(days=10))
        if open_now
        else (
            today - timedelta(days=40),
            today - timedelta(days=1),
        )
    )
    return Call.objects.create(
        year=year or today.year,
        kind=fields.pop("kind", Call.Kind.MICRO),
        title=fields.pop("title", f"公益微创投 {next(_numbers)}"),
        budget_ceiling=Decimal(ceiling),
        opens_on=fields.pop("opens_on", opens),
        closes_on=fields.pop("closes_on", closes),
        **fields,
    )


def make_budget(year: int | None = None, amount="1290000", region=None) -> YearBudget:
    """A year's budget: a district's own (`region`), or without an owner (everyone's)."""
    return YearBudget.objects.create(
        region=region, year=year or timezone.localdate().year, amount=Decimal(amount)
    )


def make_project(
    *, call: Call, community, created_by, status: str = S.DRAFT, requested="50000", approved=None, **fields
) -> Project:
    """A project put straight into `status` (the workflow itself is tested through the services)."""
    project = Project.objects.create(
        call=call,
        title=fields.pop("title", f"关爱留守儿童 {next(_numbers)}"),
        service_area=fields.pop("service_area", "left_behind"),
        community=community,
        beneficiaries=fields.pop("beneficiaries", "留守儿童"),
        requested_amount=Decimal(requested),
        approved_amount=Decimal(approved) if approved is not None else None,
        status=status,
        created_by=created_by,
        **fields,
    )
    project.budget_lines.create(item="活动物资", amount=Decimal(requested))
    return project


def make_contract(project: Project, organization: SocialOrganization, amount="40000", **fields) -> Contract:
    today = timezone.localdate()
    return Contract.objects.create(
        project=project,
        number=fields.pop("number", f"HT-{next(_numbers):04d}"),
        year=project.call.year,
        organization=organization,
        amount=Decimal(amount),
        starts_on=fields.pop("starts_on", today - timedelta(days=30)),
        ends_on=fields.pop("ends_on", today + timedelta(days=300)),
        signed_on=fields.pop("signed_on", today - timedelta(days=30)),
        **fields,
    )


def make_milestone(contract: Contract, due_on: date, title: str = "中期评估", **fields) -> Milestone:
    return Milestone.objects.create(contract=contract, title=title, due_on=due_on, **fields)


def statuses(project: Project) -> list[tuple[str, str]]:
    return list(
        Transition.objects.filter(project=project).order_by("pk").values_list("from_status", "to_status")
    )
