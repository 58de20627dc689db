"""The project workflow: which moves exist, from where, and who may make them; and, from that,
every action a person may take on a project and its contract now (`actions_for`).

draft → submitted → under review → approved or rejected → contracted → in progress →
under acceptance → completed; a contracted, running or accepted project may be terminated.
Applicants (the applying organization's staff, or whoever drafted it; once a procurement is
awarded to another organization, that provider's staff) submit and report; the district reviews, decides, contracts, pays, accepts and terminates.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Contract, Project
from projects.selectors import contract_money_loaded
from projects.selectors.evaluations import is_evaluator
from socialwork.actions import Action

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
    # What the move means, asked before a page makes it: it cannot be undone (socialwork.actions).
    confirm: object = None


MOVES = {
    "submit": Move(_("Submit"), (S.DRAFT,), S.SUBMITTED, APPLICANT),
    "start_review": Move(_("Start the review"), (S.SUBMITTED,), S.UNDER_REVIEW, DISTRICT),
    "return": Move(
        _("Return for changes"), (S.SUBMITTED, S.UNDER_REVIEW), S.DRAFT, DISTRICT, needs_reason=True
    ),
    "approve": Move(_("Approve"), (S.UNDER_REVIEW,), S.APPROVED, DISTRICT),
    "reject": Move(
        _("Reject"),
        (S.UNDER_REVIEW,),
        S.REJECTED,
        DISTRICT,
        needs_reason=True,
        confirm=_("The application is rejected for good, and the applicant is told your reason."),
    ),
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
        confirm=_("The project ends here: no further step, report or payment can be recorded for it."),
    ),
}


def roles_of(user, project: Project) -> set[str]:
    """Which sides of the workflow this person stands on for this project. The applicant's side
    is whoever drafted it and the applying organization's staff until a provider is set; once a
    procurement is awarded to another organization (Project.provider), that organization's staff
    alone run the project."""
    roles = set()
    if is_evaluator(user):  # an outside evaluator reads the projects they evaluate, no more
        return roles
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


# Statuses in which the work runs: reports, visits and milestones belong to them.
RUNNING = (S.CONTRACTED, S.IN_PROGRESS, S.UNDER_ACCEPTANCE)
PAYABLE = (*RUNNING, S.COMPLETED)

# What may be done on a project besides its direct moves, with the words of its button. Approving
# and rejecting are one decision (`project_decide`): it carries the amount or the reason.
ACTIONS = {
    "edit": Action(_("Edit the application")),
    "decide": Action(_("Record the decision")),
    "review_record": Action(_("Record the review")),
    "procurement_open": Action(_("Open the procurement")),
    "bid_record": Action(_("Record the bid")),
    "bid_award": Action(pgettext_lazy("procurement", "Award")),
    "rescind_award": Action(_("Rescind the award"), needs_reason=True),
    "contract_sign": Action(_("Sign the contract")),
    "milestone_complete": Action(pgettext_lazy("milestone", "Completed")),
    "progress_report_submit": Action(_("Submit the report")),
    "supervision_visit_record": Action(_("Record the visit")),
    "payment_record": Action(_("Record the payment")),
    "amend_contract": Action(_("Record a supplementary agreement"), needs_reason=True),
    "acceptance_record": Action(_("Record the evaluation")),
    "honour_add": Action(_("Add the honour")),
}
# The actions taken on the contract itself (its API detail lists these).
CONTRACT_ACTIONS = ("milestone_complete", "payment_record", "amend_contract")
DECIDED_BY_FORM = ("approve", "reject")


def _within_approved(project: Project, bid) -> bool:
    return project.approved_amount is None or bid.price <= project.approved_amount


def _project_actions(user, project: Project) -> dict[str, Action]:
    roles = roles_of(user, project)
    if not roles:
        return {}
    district, status = DISTRICT in roles, project.status
    actions = {
        name: Action(move.label, needs_reason=move.needs_reason, confirm=move.confirm)
        for name, move in MOVES.items()
        if move.direct and name not in DECIDED_BY_FORM and status in move.sources and move.by in roles
    }

    def allow(name: str, when) -> None:
        if when:
            actions[name] = ACTIONS[name]

    allow("edit", status == S.DRAFT and user.has_perm("projects.change_project"))
    contract = getattr(project, "contract", None) if status in PAYABLE else None
    if district:
        allow("review_record", status == S.UNDER_REVIEW)
        allow("decide", status == S.UNDER_REVIEW)
        if status == S.APPROVED:
            procurement = getattr(project, "procurement", None)
            bids = list(procurement.bids.all()) if procurement else []
            awarded = any(bid.awarded for bid in bids)
            open_to_bids = procurement is not None and not awarded
            unsigned = getattr(project, "contract", None) is None
            allow("procurement_open", procurement is None)
            allow("bid_record", open_to_bids)
            # An award never exceeds the approved amount: a bid above it has no award button.
            allow("bid_award", open_to_bids and any(_within_approved(project, bid) for bid in bids))
            allow("rescind_award", awarded and unsigned)
            # Once a procurement is opened, the contract follows its award, not the application.
            allow("contract_sign", unsigned and (procurement is None or awarded))
        allow("supervision_visit_record", status in RUNNING)
        allow("acceptance_record", status == S.UNDER_ACCEPTANCE)
        allow("honour_add", status == S.COMPLETED)
        if contract is not None:
            allow("payment_record", contract_money_loaded(project, contract).due > 0)
            allow("amend_contract", status in RUNNING)
    allow("progress_report_submit", status in (S.CONTRACTED, S.IN_PROGRESS))
    allow(
        "milestone_complete",
        status in RUNNING
        and contract is not None
        and any(milestone.completed_on is None for milestone in contract.milestones.all()),
    )
    return actions


def actions_for(user, obj: Project | Contract) -> dict[str, Action]:
    """What this person may do now to a project (every button and form of its page, the direct
    moves among them) or to its contract (paying, completing its milestones).

    It reads the project's state and its records (procurement, bids, contract, payments,
    milestones: prefetch them to answer without queries) and the person's side in it. It does
    not decide whether the person sees the project: every door asks the scoped selector first."""
    if isinstance(obj, Contract):
        actions = _project_actions(user, obj.project)
        return {name: action for name, action in actions.items() if name in CONTRACT_ACTIONS}
    return _project_actions(user, obj)
