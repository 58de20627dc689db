"""Reminder kinds of project evaluations (registered with socialwork.reminders from
projects.reminders): rectification items coming due or overdue, to the provider's staff;
evaluations coming due or overdue, to their evaluators."""

from datetime import timedelta

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from projects.models import Evaluation, RectificationItem
from projects.notifications import district_project_administrators
from projects.notifications_evaluations import provider_staff
from socialwork.reminders import Reminder, reminder

RECTIFICATION_WITHIN = 3  # days before a rectification item falls due
EVALUATION_WITHIN = 7  # days before an evaluation falls due


@reminder("project_rectifications_due", label=_("Rectification item due"), hour=8)
def project_rectifications_due(day):
    """Each day, the staff of the organization running the project hear of every rectification
    item still waiting for them (open or returned) due within RECTIFICATION_WITHIN days, or overdue."""
    items = (
        RectificationItem.objects.filter(
            status__in=(RectificationItem.Status.OPEN, RectificationItem.Status.RETURNED),
            due_on__lte=day + timedelta(days=RECTIFICATION_WITHIN),
            evaluation__status=Evaluation.Status.RECTIFYING,
        )
        .select_related("evaluation__project__provider", "evaluation__project__organization")
        .order_by("due_on", "pk")
    )
    staff = {}
    for item in items:
        project = item.evaluation.project
        organization_id = project.provider_id or project.organization_id
        if organization_id not in staff:
            staff[organization_id] = provider_staff(project)
        words = (
            _("Rectification overdue since {date}: {required} ({project})")
            if item.due_on < day
            else _("Rectification due on {date}: {required} ({project})")
        )
        title = format_lazy(words, date=item.due_on, required=item.required[:60], project=project)
        for user in staff[organization_id]:
            yield Reminder(
                user=user,
                item=f"rectification:{item.pk}",
                title=title,
                url=item.evaluation.get_absolute_url(),
            )


@reminder("project_evaluations_due", label=_("Project evaluation due"), hour=8)
def project_evaluations_due(day):
    """Each day, the evaluators of every evaluation not yet concluded and due within
    EVALUATION_WITHIN days, or overdue, hear of it (the district administrators, when the district
    evaluates itself)."""
    evaluations = (
        Evaluation.objects.exclude(status=Evaluation.Status.CONCLUDED)
        .filter(due_on__isnull=False, due_on__lte=day + timedelta(days=EVALUATION_WITHIN))
        .select_related("project__community")
        .prefetch_related("evaluators")
        .order_by("due_on", "pk")
    )
    for evaluation in evaluations:
        people = list(evaluation.evaluators.all())
        if evaluation.evaluating_organization_id is None:
            people += district_project_administrators(evaluation.project)
        words = (
            _("Evaluation overdue since {date}: {evaluation}")
            if evaluation.due_on < day
            else _("Evaluation due on {date}: {evaluation}")
        )
        title = format_lazy(words, date=evaluation.due_on, evaluation=evaluation)
        for user in {person.pk: person for person in people if person.is_active}.values():
            yield Reminder(
                user=user, item=f"evaluation:{evaluation.pk}", title=title, url=evaluation.get_absolute_url()
            )
