"""The project workflow: which moves exist, from where, and who may make them.

draft → submitted → under review → approved or rejected → contracted → in progress →
under acceptance → completed; a contracted, running or accepted project may be terminated.
Applicants (the applying organization's staff, or whoever drafted it; once a procurement is
awarded to another organization, that provider's staff) submit and report; the district reviews, decides, contracts, pays, accepts and terminates.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from projects.models import Project

S = Project.Status
APPLICANT, DISTRICT = "applicant", "district"


@dataclass(frozen=True)
class Move:
    label: object
    sources: tuple[str, ...]
    target: str
    by: str
    needs_reason: bool = False
    # Moves made as part of another service (signing a contract, recording an acceptance) are
    # not offered as buttons.
    direct: bool = True


MOVES = {
    "submit": Move(_("Submit"), (S.DRAFT,), S.SUBMITTED, APPLICANT),
    "start_review": Move(_("Start the review"), (S.SUBMITTED,), S.UNDER_REVIEW, DISTRICT),
    "return": Move(
        _("Return for changes"), (S.SUBMITTED, S.UNDER_REVIEW), S.DRAFT, DISTRICT, needs_reason=True
    ),
    "approve": Move(_("Approve"), (S.UNDER_REVIEW,), S.APPROVED, DISTRICT),
    "reject": Move(_("Reject"), (S.UNDER_REVIEW,), S.REJECTED, DISTRICT, needs_reason=True),
    "contract": Move(_("Sign the contract"), (S.APPROVED,), S.CONTRACTED, DISTRICT, direct=False),
    "start": Move(_("Start the work"), (S.CONTRACTED,), S.IN_PROGRESS, APPLICANT),
    "request_acceptance": Move(_("Ask for acceptance"), (S.IN_PROGRESS,), S.UNDER_ACCEPTANCE, APPLICANT),
    "complete": Move(_("Complete"), (S.UNDER_ACCEPTANCE,), S.COMPLETED, DISTRICT, direct=False),
    "rectify": Move(
        _("Back to work to rectify"), (S.UNDER_ACCEPTANCE,), S.IN_PROGRESS, DISTRICT, direct=False
    ),
    "terminate": Move(
        _("Terminate"),
        (S.CONTRACTED, S.IN_PROGRESS, S.UNDER_ACCEPTANCE),
        S.TERMINATED,
        DISTRICT,
        needs_reason=True,
    ),
}


def roles_of(user, project: Project) -> set[str]:
    """Which sides of the workflow this person stands on for this project. The applicant's side
    is whoever drafted it and the applying organization's staff until a provider is set; once a
    procurement is awarded to another organization (Project.provider), that organization's staff
    alone run the project."""
    roles = set()
    if user.is_district_wide and user.has_perm("projects.change_project"):
        roles.add(DISTRICT)
    organization_id = getattr(user, "organization_id", None)
    if project.provider_id and project.provider_id != project.organization_id:
        if organization_id == project.provider_id:
            roles.add(APPLICANT)
    elif project.created_by_id == user.pk or (
        project.organization_id and organization_id == project.organization_id
    ):
        roles.add(APPLICANT)
    return roles


def moves_for(user, project: Project) -> list[tuple[str, Move]]:
    """The direct moves this person can make on this project now, for its buttons."""
    roles = roles_of(user, project)
    return [
        (name, move)
        for name, move in MOVES.items()
        if move.direct and project.status in move.sources and move.by in roles
    ]
