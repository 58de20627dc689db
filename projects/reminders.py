"""Reminder kinds of projects. Registered with the engine in socialwork.reminders."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from projects.models import Call, Contract, Milestone, Project
from projects.workflow import RUNNING
from socialwork.reminders import Reminder, reminder
from socialwork.roles import Role

S = Project.Status

MILESTONE_WITHIN = 7  # days before a milestone falls due
ACCEPTANCE_WITHIN = 14  # days before a contract ends
CALL_CLOSING_WITHIN = 3  # days before a call closes


def _district_admins():
    return list(get_user_model().objects.filter(groups__name=Role.DISTRICT_ADMIN, is_active=True).distinct())


@reminder("project_milestones", label=_("Project milestone due"), hour=8)
def project_milestones(day):
    """Each day, district administrators and the provider organization's staff hear of every open
    milestone of a running project due within MILESTONE_WITHIN days, or overdue."""
    milestones = (
        Milestone.objects.filter(
            completed_on__isnull=True,
            due_on__lte=day + timedelta(days=MILESTONE_WITHIN),
            contract__project__status__in=RUNNING,
        )
        .select_related("contract__project")
        .order_by("due_on", "pk")
    )
    milestones = list(milestones)
    if not milestones:
        return
    admins = _district_admins()
    staff: dict[int, list] = {}
    for user in get_user_model().objects.filter(
        organization_id__in={m.contract.organization_id for m in milestones}, is_active=True
    ):
        staff.setdefault(user.organization_id, []).append(user)
    for milestone in milestones:
        project = milestone.contract.project
        if milestone.due_on < day:
            title = format_lazy(
                _("Overdue since {date}: {milestone} ({project})"),
                date=milestone.due_on,
                milestone=milestone.title,
                project=project,
            )
        else:
            title = format_lazy(
                _("Due on {date}: {milestone} ({project})"),
                date=milestone.due_on,
                milestone=milestone.title,
                project=project,
            )
        recipients = {user.pk: user for user in admins + staff.get(milestone.contract.organization_id, [])}
        for user in recipients.values():
            yield Reminder(
                user=user, item=f"milestone:{milestone.pk}", title=title, url=project.get_absolute_url()
            )


@reminder("project_acceptance_due", label=_("Project acceptance coming due"), hour=8)
def project_acceptance_due(day):
    """Each day, district administrators hear of contracts ending within ACCEPTANCE_WITHIN days
    whose project has not yet gone to acceptance."""
    contracts = (
        Contract.objects.filter(
            ends_on__gte=day,
            ends_on__lte=day + timedelta(days=ACCEPTANCE_WITHIN),
            project__status__in=(S.CONTRACTED, S.IN_PROGRESS),
        )
        .select_related("project")
        .order_by("ends_on", "pk")
    )
    contracts = list(contracts)
    if not contracts:
        return
    admins = _district_admins()
    for contract in contracts:
        title = format_lazy(
            _("Contract {number} ends on {date}: arrange the acceptance of {project}"),
            number=contract.number,
            date=contract.ends_on,
            project=contract.project,
        )
        for user in admins:
            yield Reminder(
                user=user,
                item=f"contract:{contract.pk}",
                title=title,
                url=contract.project.get_absolute_url(),
            )


@reminder("project_calls_closing", label=_("Call for projects closing"), hour=8)
def project_calls_closing(day):
    """District administrators and the staff of every organization hear once of each call closing
    within CALL_CLOSING_WITHIN days."""
    calls = list(
        Call.objects.filter(
            opens_on__lte=day, closes_on__gte=day, closes_on__lte=day + timedelta(days=CALL_CLOSING_WITHIN)
        ).order_by("closes_on", "pk")
    )
    if not calls:
        return
    people = {user.pk: user for user in _district_admins()}
    # Applicants: organization staff, not the evaluators of an evaluation organization.
    for user in (
        get_user_model()
        .objects.filter(organization__isnull=False, is_active=True)
        .exclude(groups__name=Role.EVALUATOR)
    ):
        people.setdefault(user.pk, user)
    for call in calls:
        title = format_lazy(_("The call “{call}” closes on {date}"), call=call.title, date=call.closes_on)
        for user in people.values():
            yield Reminder(
                user=user, item=f"call:{call.pk}", once=True, title=title, url=call.get_absolute_url()
            )


from projects import reminders_evaluations  # noqa: E402, F401 (the evaluations' kinds)
