"""Who is told of each step of a project evaluation (projects.services.evaluations):

- an evaluation assigned: its evaluators;
- a rectification item listed or returned: the staff of the organization running the project;
- a response to an item: the evaluators (the district administrators when the district evaluates);
- an evaluation concluded: the provider's staff and the district administrators.
"""

from django.utils.translation import gettext_lazy as _

from projects.notifications import _send, _Words, district_project_administrators, organization_staff
from socialwork.notifications import notification_kind

EVALUATION_ASSIGNED = notification_kind(
    "projects_evaluation_assigned", label=_("Project evaluations assigned to me (evaluators)")
)
RECTIFICATION_REQUESTED = notification_kind(
    "projects_rectification_requested", label=_("Rectification items for my organization's projects")
)
RECTIFICATION_RESPONDED = notification_kind(
    "projects_rectification_responded", label=_("Responses to the rectification items of my evaluations")
)
EVALUATION_CONCLUDED = notification_kind(
    "projects_evaluation_concluded", label=_("Project evaluations concluded")
)


def provider_staff(project) -> list:
    """The staff of the organization running the project: the provider, else the applicant."""
    return organization_staff(project.provider or project.organization)


def _evaluators(evaluation) -> list:
    people = list(evaluation.evaluators.all())
    if evaluation.evaluating_organization_id is None:
        people += district_project_administrators(evaluation.project)
    return people


def evaluation_assigned(*, actor, evaluation, evaluators) -> None:
    _send(
        evaluators,
        actor=actor,
        kind=EVALUATION_ASSIGNED,
        key=f"evaluation-assigned:{evaluation.pk}",
        title=_Words(
            _("You are assigned the %(stage)s of %(project)s"),
            stage=evaluation.get_stage_display(),
            project=evaluation.project.title,
        ),
        url=evaluation.get_absolute_url(),
    )


def rectification_requested(*, actor, item) -> None:
    project = item.evaluation.project
    _send(
        provider_staff(project),
        actor=actor,
        kind=RECTIFICATION_REQUESTED,
        key=f"rectification:{item.pk}",
        title=_Words(
            _("Rectify by %(day)s (%(project)s): %(required)s"),
            day=item.due_on.isoformat(),
            project=project.title,
            required=item.required[:60],
        ),
        body=item.problem,
        url=item.evaluation.get_absolute_url(),
    )


def rectification_responded(*, actor, item) -> None:
    evaluation = item.evaluation
    _send(
        _evaluators(evaluation),
        actor=actor,
        kind=RECTIFICATION_RESPONDED,
        key=f"rectification-response:{item.pk}:{item.responded_at.timestamp():.0f}",
        title=_Words(
            _("The provider responded to a rectification item of %(project)s"),
            project=evaluation.project.title,
        ),
        body=item.response,
        url=evaluation.get_absolute_url(),
    )


def rectification_reviewed(*, actor, item, reason: str) -> None:
    if item.status != item.Status.RETURNED:
        return
    evaluation = item.evaluation
    _send(
        provider_staff(evaluation.project),
        actor=actor,
        kind=RECTIFICATION_REQUESTED,
        key=f"rectification-returned:{item.pk}:{item.updated_at.timestamp():.0f}",
        title=_Words(
            _("Your response was returned (%(project)s): %(required)s"),
            project=evaluation.project.title,
            required=item.required[:60],
        ),
        body=reason,
        url=evaluation.get_absolute_url(),
    )


def evaluation_concluded(*, actor, evaluation) -> None:
    project = evaluation.project
    _send(
        [*provider_staff(project), *district_project_administrators(project)],
        actor=actor,
        kind=EVALUATION_CONCLUDED,
        key=f"evaluation-concluded:{evaluation.pk}",
        title=_Words(
            _("The %(stage)s of %(project)s concluded: %(grade)s, %(score)s"),
            stage=evaluation.get_stage_display(),
            project=project.title,
            grade=evaluation.get_grade_display(),
            score=evaluation.score,
        ),
        url=evaluation.get_absolute_url(),
    )
