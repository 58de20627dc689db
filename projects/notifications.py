"""The kinds of notification projects send (declared in socialwork.notifications), and who is told
of each outcome.

- an application submitted: the district administrators whose region holds its community;
- an application approved, rejected or returned: the applicant organization's staff and whoever
  drafted it;
- a contract signed, a payment made, an acceptance concluded: the staff of the contract's
  organization (the provider), else of the applicant organization.

The person who took the step is not told of it. Each notice links to the project's page and is
written in the recipient's language.
"""

from django.utils.translation import gettext_lazy as _

from socialwork.money import format_yuan
from socialwork.notifications import notification_kind
from socialwork.roles import Role

APPLICATION_SUBMITTED = notification_kind(
    "projects_application_submitted",
    label=_("Project applications submitted in my district (district administrators)"),
)
APPLICATION_DECIDED = notification_kind(
    "projects_application_decided", label=_("My project applications approved, rejected or returned")
)
CONTRACT_SIGNED = notification_kind(
    "projects_contract_signed", label=_("Service contracts signed with my organization")
)
PAYMENT_MADE = notification_kind("projects_payment_made", label=_("Payments made to my organization"))
ACCEPTANCE_CONCLUDED = notification_kind(
    "projects_acceptance_concluded", label=_("Acceptance evaluations of my organization's projects")
)

DECISION_TITLES = {
    "approve": _("Your project application was approved: %(project)s"),
    "reject": _("Your project application was rejected: %(project)s"),
    "return": _("Your project application was returned for changes: %(project)s"),
}


class _Words:
    """A message rendered when sent, in the recipient's language (notification_send)."""

    def __init__(self, message, **params):
        self.message, self.params = message, params

    def __str__(self):
        return str(self.message) % {name: str(value) for name, value in self.params.items()}


def _send(people, *, actor, kind: str, key: str, title, body="", url: str) -> None:
    from socialwork.services import notification_send

    told = set()
    for person in people:
        if person is None or not person.is_active or person.pk == actor.pk or person.pk in told:
            continue
        told.add(person.pk)
        notification_send(user=person, kind=kind, key=f"{key}:{person.pk}", title=title, body=body, url=url)


def organization_staff(organization) -> list:
    """The active accounts of an organization's staff (User.organization)."""
    if organization is None:
        return []
    return list(organization.staff.filter(is_active=True).order_by("pk"))


def district_project_administrators(project) -> list:
    """The active district administrators whose region holds the project's community: those who
    see it in their district (socialwork.scoping.region_scope) and take its workflow's steps."""
    from socialwork.models import User

    community = project.community
    administrators = User.objects.filter(
        groups__name=Role.DISTRICT_ADMIN, is_active=True, region__isnull=False
    ).select_related("region")
    return [user for user in administrators if community.path.startswith(user.region.path)]


def _last_transition(project) -> int:
    return project.transitions.order_by("-pk").values_list("pk", flat=True).first()


def project_moved(*, actor, project, move: str, reason: str = "") -> None:
    """After a workflow step: a submission tells the district, a decision the applicant."""
    url = project.get_absolute_url()
    if move == "submit":
        _send(
            district_project_administrators(project),
            actor=actor,
            kind=APPLICATION_SUBMITTED,
            key=f"project-submitted:{_last_transition(project)}",
            title=_Words(_("A project application was submitted: %(project)s"), project=project.title),
            url=url,
        )
    elif move in DECISION_TITLES:
        _send(
            [*organization_staff(project.organization), project.created_by],
            actor=actor,
            kind=APPLICATION_DECIDED,
            key=f"project-decided:{_last_transition(project)}",
            title=_Words(DECISION_TITLES[move], project=project.title),
            body=reason,
            url=url,
        )


def contract_signed(*, actor, contract) -> None:
    project = contract.project
    _send(
        organization_staff(contract.organization),
        actor=actor,
        kind=CONTRACT_SIGNED,
        key=f"project-contract:{contract.pk}",
        title=_Words(
            _("The service contract %(number)s was signed: %(project)s, %(amount)s"),
            number=contract.number,
            project=project.title,
            amount=format_yuan(contract.amount),
        ),
        url=project.get_absolute_url(),
    )


def payment_made(*, actor, payment) -> None:
    contract = payment.contract
    project = contract.project
    _send(
        organization_staff(contract.organization),
        actor=actor,
        kind=PAYMENT_MADE,
        key=f"project-payment:{payment.pk}",
        title=_Words(
            _("%(amount)s was paid on %(paid_on)s for %(project)s"),
            amount=format_yuan(payment.amount),
            paid_on=payment.paid_on.isoformat(),
            project=project.title,
        ),
        url=project.get_absolute_url(),
    )


def acceptance_concluded(*, actor, acceptance) -> None:
    project = acceptance.project
    contract = getattr(project, "contract", None)
    organization = contract.organization if contract else project.organization
    _send(
        organization_staff(organization),
        actor=actor,
        kind=ACCEPTANCE_CONCLUDED,
        key=f"project-acceptance:{acceptance.pk}",
        title=_Words(
            _("The acceptance evaluation of %(project)s concluded: %(conclusion)s"),
            project=project.title,
            conclusion=acceptance.Conclusion(acceptance.conclusion).label,
        ),
        url=project.get_absolute_url(),
    )


from projects import notifications_evaluations  # noqa: E402, F401 (the evaluations' kinds)

# Review panels (projects.services.panels): a reviewer is told of the panel they were put on; the
# panel's district staff are told when a reviewer withdraws from an application.
PANEL_MEMBER_ADDED = notification_kind(
    "projects_panel_member_added", label=_("Review panels I was put on (expert reviewers)")
)
PANEL_CONFLICT_DECLARED = notification_kind(
    "projects_panel_conflict_declared",
    label=_("Reviewers withdrawing from an application for a conflict of interest (district)"),
)


def panel_member_added(*, actor, panel, members) -> None:
    count = panel.entries.count()
    _send(
        members,
        actor=actor,
        kind=PANEL_MEMBER_ADDED,
        key=f"panel-member:{panel.pk}",
        title=_Words(
            _("You sit on the review panel %(panel)s: %(count)s applications to review"),
            panel=panel.name,
            count=count,
        ),
        url=panel.get_absolute_url(),
    )


def panel_conflict_declared(*, actor, panel, declaration) -> None:
    _send(
        [panel.created_by],
        actor=actor,
        kind=PANEL_CONFLICT_DECLARED,
        key=f"panel-conflict:{declaration.pk}",
        title=_Words(
            _("%(reviewer)s withdrew from %(project)s (conflict of interest)"),
            reviewer=actor.get_full_name() or actor.username,
            project=declaration.project.title,
        ),
        body=declaration.reason,
        url=panel.get_absolute_url(),
    )
