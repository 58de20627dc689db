"""Reads of projects, scoped to the person asking.

District-wide people see every project in their region; station managers and supervisors the
projects of communities in their place; social organization staff their own organization's
projects; anyone the projects they drafted.
"""

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from projects.models import Contract, Payment, Project, SocialOrganization, YearBudget
from socialwork.roles import Role
from socialwork.scoping import region_scope


def project_scope(user) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    scope = Q(created_by=user)
    if user.is_district_wide or user.has_role(Role.STATION_MANAGER, Role.SUPERVISOR):
        scope |= Q(region_scope(user, via="community"))
    if user.organization_id:
        scope |= Q(organization_id=user.organization_id)
    return scope


def projects_visible_to(*, user) -> QuerySet[Project]:
    return Project.objects.filter(project_scope(user)).select_related(
        "call", "community", "organization", "studio"
    )


def organizations_visible_to(*, user) -> QuerySet[SocialOrganization]:
    """District-wide people see every organization; staff their own."""
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
