"""The case workflow: which moves exist, from where, and who on the case may make them; and, from
that, every step a person may take on a case, its service plan, its closing and its transfer now.

intake → assessment → planning → intervention → evaluation → closed, with evaluation able to go
back to intervention; a closed case can be reopened and then resumes at assessment, planning or
intervention. Closing itself is not a button: the worker asks for it (a Closing) and the case
closes when the supervisor approves. Starting the intervention needs an approved service plan.

Each step is declared once below (`MOVES`, `CASE_STEPS`, `PLAN_STEPS`, `CLOSING_STEPS`,
`TRANSFER_STEPS`): the parts on the case that take it (the worker, the supervisor, the station
manager of the case's station, the receiver of a transfer), the states it is open in, and any
other condition. `actions_for(user, obj)` reads the declaration for a case, a plan, a closing or a
transfer (socialwork.actions); `case_actions_all(user, case)` gathers the case's own steps with
those of its current plan, pending closing and pending transfer, which is what the case page
shows (each marked `data-action`) and what the API's case body lists under `actions`. Every
service calls `action_require` on the same answer first.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import (
    Assessment,
    Case,
    CaseClient,
    Client,
    Closing,
    FollowUp,
    Referral,
    ServicePlan,
    SubjectRequest,
    Transfer,
)
from casework.models.common import Approval
from socialwork.actions import Action, ActionNotAllowed, action_require
from socialwork.roles import Role

S = Case.Status
WORKER, SUPERVISOR, MANAGER = "worker", "supervisor", "manager"
RECEIVER = "receiver"  # the worker a pending transfer names, or the receiving station's manager
OPEN = (S.INTAKE, S.ASSESSMENT, S.PLANNING, S.INTERVENTION, S.EVALUATION, S.REOPENED)
ANY = tuple(S.values)


@dataclass(frozen=True)
class Move:
    label: object
    sources: tuple[str, ...]
    target: str
    by: frozenset[str]
    needs_reason: bool = False
    direct: bool = True


CASE_TEAM = frozenset({WORKER, MANAGER})
ON_THE_CASE = frozenset({WORKER, SUPERVISOR, MANAGER})

MOVES = {
    "assess": Move(_("Start the assessment"), (S.INTAKE, S.REOPENED), S.ASSESSMENT, CASE_TEAM),
    "plan": Move(_("Start planning"), (S.ASSESSMENT, S.REOPENED), S.PLANNING, CASE_TEAM),
    "intervene": Move(_("Start the intervention"), (S.PLANNING, S.REOPENED), S.INTERVENTION, CASE_TEAM),
    "evaluate": Move(_("Start the evaluation"), (S.INTERVENTION,), S.EVALUATION, CASE_TEAM),
    "resume": Move(_("Back to the intervention"), (S.EVALUATION,), S.INTERVENTION, CASE_TEAM),
    "close": Move(pgettext_lazy("case", "Close"), OPEN, S.CLOSED, frozenset({SUPERVISOR}), direct=False),
    "reopen": Move(_("Reopen"), (S.CLOSED,), S.REOPENED, ON_THE_CASE, needs_reason=True),
}


Condition = tuple[Callable[["CaseState", Case], bool], object]


@dataclass(frozen=True)
class Step:
    """One step a person takes on a record: who takes it (their parts), in which of the record's
    states, and `when`, any other conditions on the case as it stands (`CaseState`), each with
    the words that explain a refusal."""

    label: object
    by: frozenset[str]
    states: tuple[str, ...]
    when: tuple[Condition, ...] = ()
    needs_reason: bool = False


def roles_of(user, case: Case) -> set[str]:
    """Which parts this person plays on this case."""
    roles = set()
    if not user.is_authenticated:
        return roles
    if case.worker_id == user.pk:
        roles.add(WORKER)
    if case.supervisor_id == user.pk:
        roles.add(SUPERVISOR)
    if user.unit_id and case.station_id == user.unit_id and user.has_role(Role.STATION_MANAGER):
        roles.add(MANAGER)
    return roles


def receives(user, transfer: Transfer) -> bool:
    """Whether this person is the one a transfer waits for: the worker it names, or the manager of
    the station it goes to."""
    if not user.is_authenticated:
        return False
    manager = user.has_role(Role.STATION_MANAGER) and user.unit_id == transfer.to_station_id
    return transfer.to_worker_id == user.pk or manager


class CaseState:
    """What the declaration asks of a case beyond its status: its plans, closings, transfers and
    whether it has assessments, referrals and open follow-ups. Read from the case's prefetched rows
    when it comes with casework.timeline.PREFETCH (the case page), else each when first asked."""

    def __init__(self, case: Case):
        self.case = case

    @cached_property
    def plans(self) -> list[ServicePlan]:
        return sorted(self.case.plans.all(), key=lambda plan: plan.version)

    @cached_property
    def closings(self) -> list[Closing]:
        return list(self.case.closings.all())

    @cached_property
    def transfers(self) -> list[Transfer]:
        return list(self.case.transfers.all())

    @property
    def current_plan(self) -> ServicePlan | None:
        return self.plans[-1] if self.plans else None

    @property
    def has_approved_plan(self) -> bool:
        return any(plan.status == Approval.APPROVED for plan in self.plans)

    @property
    def pending_closing(self) -> Closing | None:
        return next((c for c in self.closings if c.status == Approval.SUBMITTED), None)

    @property
    def pending_transfer(self) -> Transfer | None:
        return next((t for t in self.transfers if t.status == Transfer.Status.PENDING), None)

    def has(self, relation: str) -> bool:
        """Whether the case has any `relation` (assessments, referrals): from its prefetched rows,
        or an annotation `has_<relation>` (see `STATE_ANNOTATIONS`), or a query."""
        if relation in getattr(self.case, "_prefetched_objects_cache", {}):
            return bool(getattr(self.case, relation).all())
        if hasattr(self.case, f"has_{relation}"):
            return getattr(self.case, f"has_{relation}")
        return getattr(self.case, relation).exists()

    @cached_property
    def consent_withdrawn(self) -> bool:
        """Whether a client of the case has withdrawn consent to the processing of their data."""
        if "case_clients" in getattr(self.case, "_prefetched_objects_cache", {}):
            return any(link.client.consent_withdrawn_on for link in self.case.case_clients.all())
        if hasattr(self.case, "has_consent_withdrawn"):
            return self.case.has_consent_withdrawn
        return Client.objects.filter(case_links__case=self.case, consent_withdrawn_on__isnull=False).exists()

    def open_follow_up(self) -> bool:
        if "follow_ups" in getattr(self.case, "_prefetched_objects_cache", {}):
            return any(f.done_on is None for f in self.case.follow_ups.all())
        if hasattr(self.case, "has_open_follow_ups"):
            return self.case.has_open_follow_ups
        return self.case.follow_ups.filter(done_on__isnull=True).exists()


def state_annotations() -> dict:
    """Annotations a list of cases can carry so that their `CaseState` asks no query for these."""

    def of_case(model, **where):
        return Exists(model.objects.filter(case=OuterRef("pk"), **where))

    return {
        "has_assessments": of_case(Assessment),
        "has_referrals": of_case(Referral),
        "has_open_follow_ups": of_case(FollowUp, done_on__isnull=True),
        "has_consent_withdrawn": of_case(CaseClient, client__consent_withdrawn_on__isnull=False),
    }


# The conditions beyond state and part, each with the words that explain a refusal.
HAS_SUPERVISOR: Condition = (
    lambda s, case: case.supervisor_id is not None,
    _("The case has no supervisor yet; ask the station manager to assign one."),
)
CASE_IS_OPEN: Condition = (lambda s, case: case.is_open, _("This case is closed; reopen it first."))
ASSESSED: Condition = (lambda s, case: s.has("assessments"), _("Record an assessment before planning."))
PLAN_APPROVED: Condition = (
    lambda s, case: s.has_approved_plan,
    _("The service plan must be approved before the intervention starts."),
)
PLAN_NOT_WAITING: Condition = (
    lambda s, case: s.current_plan is None or s.current_plan.status != Approval.SUBMITTED,
    _("The plan waits for the supervisor; it cannot change until they decide."),
)
NO_CLOSING_WAITING: Condition = (
    lambda s, case: s.pending_closing is None,
    _("A closing already waits for the supervisor."),
)
NO_TRANSFER_WAITING: Condition = (
    lambda s, case: s.pending_transfer is None,
    _("A transfer of this case already waits for acceptance."),
)
HAS_GOAL: Condition = (
    lambda s, case: s.current_plan is not None and bool(s.current_plan.goals.all()),
    _("The case has no service plan with goals yet."),
)
HAS_REFERRAL: Condition = (lambda s, case: s.has("referrals"), _("The case has no referral yet."))
HAS_OPEN_FOLLOW_UP: Condition = (lambda s, case: s.open_follow_up(), _("No follow-up of the case is open."))
HAS_OPEN_TASK: Condition = (
    lambda s, case: any(task.done_on is None for task in s.current_plan.tasks.all()),
    _("Every task of the plan is done."),
)
# The one place that stops new processing of a client who withdrew consent (PIPL art. 15): every
# step below that records or plans new work on the case asks it.
CONSENT_HELD: Condition = (
    lambda s, case: not s.consent_withdrawn,
    _(
        "A client of this case has withdrawn consent to the processing of their data: "
        "no new work is recorded on the case. It may still be closed or transferred."
    ),
)
MOVE_READY: dict[str, tuple[Condition, ...]] = {"plan": (ASSESSED,), "intervene": (PLAN_APPROVED,)}
NEW_WORK = {
    "note_add", "assessment_record", "plan_save", "referral_add", "goal_measure", "follow_up_schedule", "follow_up_done",
    "assess", "plan", "intervene", "evaluate", "resume", "reopen", "plan_submit", "task_done",
}  # fmt: skip

SUPERVISOR_ONLY, MANAGER_ONLY = frozenset({SUPERVISOR}), frozenset({MANAGER})
# Security labels (casework.services.labels): the worker or the supervisor protects a record at
# once; only the supervisor lifts the protection. The station manager, who a label shuts out,
# takes no part (they open a labelled case by break-glass, which is not a step on the case).
LABELLERS = frozenset({WORKER, SUPERVISOR})
NOT_LABELLED: Condition = (
    lambda s, record: not record.sensitive,
    _("This record is already labelled sensitive."),
)
LABELLED: Condition = (lambda s, record: record.sensitive, _("This record is not labelled."))
# A client's label covers their cases: the case's comes off only after its clients'.
NO_CLIENT_LABELLED: Condition = (
    lambda s, case: (
        not any(link.client.sensitive and not link.client.removed_at for link in case.case_clients.all())
    ),
    _("A client of this case is labelled sensitive: remove the client's label first."),
)

# The case's own steps (its direct status moves are added from MOVES).
CASE_STEPS = {
    "note_add": Step(_("Add the note"), ON_THE_CASE, OPEN),
    "assessment_record": Step(_("Record the assessment"), CASE_TEAM, OPEN),
    "plan_save": Step(_("Save the plan"), CASE_TEAM, OPEN, when=(PLAN_NOT_WAITING,)),
    "referral_add": Step(_("Record the referral"), CASE_TEAM, OPEN),
    # A goal's measure before or after the work (MZ/T 094), on any plan of an open case.
    "goal_measure": Step(_("Record the measure"), CASE_TEAM, OPEN, when=(HAS_GOAL,)),
    "referral_update": Step(_("Update a referral"), CASE_TEAM, ANY, when=(HAS_REFERRAL,)),
    # A follow-up after closing is part of the work (结案回访): open in every state.
    "follow_up_schedule": Step(_("Schedule a follow-up"), CASE_TEAM, ANY),
    "follow_up_done": Step(_("Record a follow-up as done"), CASE_TEAM, ANY, when=(HAS_OPEN_FOLLOW_UP,)),
    "review_add": Step(_("Record a review"), SUPERVISOR_ONLY, ANY),
    "closing_request": Step(
        _("Ask to close the case"), CASE_TEAM, OPEN, when=(NO_CLOSING_WAITING, HAS_SUPERVISOR)
    ),
    "transfer_request": Step(_("Ask for the transfer"), CASE_TEAM, OPEN, when=(NO_TRANSFER_WAITING,)),
    "case_assign": Step(_("Assign"), MANAGER_ONLY, ANY),
    "case_update": Step(_("Edit the case record"), CASE_TEAM, ANY),
    "label_set": Step(_("Label as sensitive"), LABELLERS, ANY, when=(NOT_LABELLED,)),
    "label_remove": Step(
        _("Remove the label"), SUPERVISOR_ONLY, ANY, when=(LABELLED, NO_CLIENT_LABELLED), needs_reason=True
    ),
    **{
        name: Step(
            move.label, move.by, move.sources, when=MOVE_READY.get(name, ()), needs_reason=move.needs_reason
        )
        for name, move in MOVES.items()
        if move.direct
    },
}

# A service plan's steps, in the plan's states (Approval). Only the case's current plan is worked on.
PLAN_STEPS = {
    "plan_submit": Step(
        _("Send to the supervisor for approval"),
        CASE_TEAM,
        (Approval.DRAFT, Approval.RETURNED),
        when=(CASE_IS_OPEN, HAS_SUPERVISOR),
    ),
    "plan_approve": Step(_("Approve the plan"), SUPERVISOR_ONLY, (Approval.SUBMITTED,)),
    "plan_return": Step(_("Return with comment"), SUPERVISOR_ONLY, (Approval.SUBMITTED,), needs_reason=True),
    "task_done": Step(_("Done today"), CASE_TEAM, (Approval.APPROVED,), when=(HAS_OPEN_TASK,)),
}

# A closing's steps, in its states (Approval): the supervisor decides.
CLOSING_STEPS = {
    "closing_approve": Step(_("Approve the closing"), SUPERVISOR_ONLY, (Approval.SUBMITTED,)),
    "closing_return": Step(
        _("Return with comment"), SUPERVISOR_ONLY, (Approval.SUBMITTED,), needs_reason=True
    ),
}

# A transfer's steps, in its states: the receiver decides, the case's team may withdraw it.
PENDING = (Transfer.Status.PENDING,)
TRANSFER_STEPS = {
    "transfer_accept": Step(_("Accept the case"), frozenset({RECEIVER}), PENDING),
    "transfer_decline": Step(_("Decline"), frozenset({RECEIVER}), PENDING, needs_reason=True),
    "transfer_cancel": Step(_("Cancel the transfer"), CASE_TEAM, PENDING),
}

# A client's steps: its label. Any state (a client has none), by their part on one of their cases.
CLIENT_STEPS = {
    "client_label_set": Step(_("Label as sensitive"), LABELLERS, (), when=(NOT_LABELLED,)),
    "client_label_remove": Step(
        _("Remove the label"), SUPERVISOR_ONLY, (), when=(LABELLED,), needs_reason=True
    ),
}

# Why a step is refused, for the person who tried it.
WHO = {
    LABELLERS: _("Only the case's worker or its supervisor can do this."),
    CASE_TEAM: _("Only the case's worker or its station manager can do this."),
    ON_THE_CASE: _("Only the case's team can do this."),
    SUPERVISOR_ONLY: _("Only the case's supervisor can do this."),
    MANAGER_ONLY: _("Only the station manager of the case's station can do this."),
    frozenset({RECEIVER}): _("Only the receiving worker or station manager decides on a transfer."),
}
NOT_NOW = {
    "case": _("A case in %(status)s cannot take the step “%(step)s”."),
    "plan": _("This plan is not open to the step “%(step)s” in its state (%(status)s)."),
    "other": _("This is not waiting for a decision."),
}


def _refusal(step: Step, *, kind: str, record, parts: set[str], state: "CaseState", case: Case):
    """Why `step` is not open to this person now, or None when it is."""
    if not step.by & parts:
        return WHO.get(step.by) or _("You cannot take this step on this case.")
    if record.status not in step.states:
        if kind == "case" and step.states == OPEN:
            return _("This case is closed; reopen it first.")
        words = {"status": record.get_status_display().lower(), "step": step.label}
        return NOT_NOW.get(kind, NOT_NOW["other"]) % words
    for holds, message in step.when:
        if not holds(state, case):
            return message
    return None


@dataclass(frozen=True)
class Answer:
    """A workflow's answer for one record: the open actions, and why each other step is closed."""

    actions: dict[str, Action]
    refused: dict[str, object]


def _answer(steps, *, kind: str, record, parts: set[str], state: "CaseState", case: Case) -> Answer:
    actions, refused = {}, {}
    for name, step in steps.items():
        why = _refusal(step, kind=kind, record=record, parts=parts, state=state, case=case)
        if why is None and name in NEW_WORK and state is not None and not CONSENT_HELD[0](state, case):
            why = CONSENT_HELD[1]
        if why is None:
            actions[name] = Action(label=step.label, needs_reason=step.needs_reason)
        else:
            refused[name] = why
    return Answer(actions, refused)


def case_answer(user, case: Case, state: "CaseState | None" = None) -> Answer:
    state = state or CaseState(case)
    return _answer(CASE_STEPS, kind="case", record=case, parts=roles_of(user, case), state=state, case=case)


def plan_answer(user, plan: ServicePlan, state: "CaseState | None" = None) -> Answer:
    case = plan.case
    state = state or CaseState(case)
    if state.current_plan is None or state.current_plan.pk != plan.pk:
        words = _("Only the case's current service plan can be worked on.")
        return Answer({}, dict.fromkeys(PLAN_STEPS, words))
    return _answer(PLAN_STEPS, kind="plan", record=plan, parts=roles_of(user, case), state=state, case=case)


def closing_answer(user, closing: Closing, state: "CaseState | None" = None) -> Answer:
    case = closing.case
    parts = roles_of(user, case)
    return _answer(CLOSING_STEPS, kind="closing", record=closing, parts=parts, state=state, case=case)


def transfer_answer(user, transfer: Transfer, state: "CaseState | None" = None) -> Answer:
    case = transfer.case
    parts = roles_of(user, case) | ({RECEIVER} if receives(user, transfer) else set())
    return _answer(TRANSFER_STEPS, kind="transfer", record=transfer, parts=parts, state=state, case=case)


# A client's personal information requests (casework.services.subject_requests): registered by the
# station manager, assigned to someone who sees the client, answered by them, closed or refused.
DISTRICT, ASSIGNEE = "district", "assignee"
RQ = SubjectRequest.Status
REQUEST_OPEN = (RQ.REGISTERED, RQ.ASSIGNED)
REQUEST_STEPS = {
    "request_assign": Step(_("Assign"), frozenset({DISTRICT, MANAGER}), REQUEST_OPEN),
    "request_answer": Step(_("Answer the request"), frozenset({ASSIGNEE}), (RQ.ASSIGNED,)),
    "request_refuse": Step(
        _("Refuse the request"), frozenset({ASSIGNEE, MANAGER, DISTRICT}), REQUEST_OPEN, needs_reason=True
    ),
    "request_close": Step(_("Close the request"), frozenset({MANAGER, DISTRICT}), (RQ.ANSWERED,)),
}
WHO[frozenset({DISTRICT, MANAGER})] = _(
    "Only the station manager of the client's station or a district administrator can do this."
)
WHO[frozenset({ASSIGNEE})] = _("Only the person the request is assigned to answers it.")
WHO[frozenset({MANAGER, DISTRICT})] = WHO[frozenset({DISTRICT, MANAGER})]
# Answering these cannot be undone: the page asks first.
REQUEST_CONFIRM = {
    SubjectRequest.Kind.DELETION: _(
        "The client is removed now: nobody sees them or their own cases any more, and they are erased "
        "for good when the case records policy's retention period ends."
    ),
    SubjectRequest.Kind.WITHDRAWAL: _(
        "From now on no new work is recorded on the client's cases and no new case is opened for them."
    ),
}


def request_parts(user, request: SubjectRequest) -> set[str]:
    """Which parts this person plays on a request: the one it is assigned to, the station manager
    of the client's station, a district administrator over that station."""
    parts = set()
    if not user.is_authenticated:
        return parts
    if request.assignee_id == user.pk:
        parts.add(ASSIGNEE)
    if user.unit_id and request.station_id == user.unit_id and user.has_role(Role.STATION_MANAGER):
        parts.add(MANAGER)
    district = user.is_district_wide and user.has_role(Role.DISTRICT_ADMIN) and user.region_id
    if district and request.station.region.path.startswith(user.region.path):
        parts.add(DISTRICT)
    return parts


def request_answer(user, request: SubjectRequest, state=None) -> Answer:
    answer = _answer(
        REQUEST_STEPS,
        kind="request",
        record=request,
        parts=request_parts(user, request),
        state=None,
        case=None,
    )
    if "request_answer" in answer.actions and request.kind in REQUEST_CONFIRM:
        step = answer.actions["request_answer"]
        answer.actions["request_answer"] = Action(label=step.label, confirm=REQUEST_CONFIRM[request.kind])
    return answer


def client_roles_of(user, client: Client) -> set[str]:
    """Which parts this person plays on a client: the worker or supervisor of one of their
    (not removed) cases."""
    if not user.is_authenticated:
        return set()
    pairs = Case.objects.filter(case_clients__client=client, removed_at__isnull=True).values_list(
        "worker_id", "supervisor_id"
    )
    parts = set()
    for worker, supervisor in pairs:
        if worker == user.pk:
            parts.add(WORKER)
        if supervisor == user.pk:
            parts.add(SUPERVISOR)
    return parts


def client_answer(user, client: Client, state: "CaseState | None" = None) -> Answer:
    parts = client_roles_of(user, client)
    actions, refused = {}, {}
    for name, step in CLIENT_STEPS.items():
        why = None
        if not step.by & parts:
            why = WHO.get(step.by) or _("You cannot take this step on this client.")
        else:
            why = next((message for holds, message in step.when if not holds(None, client)), None)
        if why is None:
            actions[name] = Action(label=step.label, needs_reason=step.needs_reason)
        else:
            refused[name] = why
    return Answer(actions, refused)


ANSWERS = {
    Case: case_answer,
    ServicePlan: plan_answer,
    Closing: closing_answer,
    Transfer: transfer_answer,
    SubjectRequest: request_answer,
    Client: client_answer,
}


def answer_for(user, obj, state: "CaseState | None" = None) -> Answer:
    try:
        answer = ANSWERS[type(obj)]
    except KeyError:
        raise TypeError(f"No casework workflow for {type(obj).__name__}") from None
    return answer(user, obj, state)


def actions_for(user, obj) -> dict[str, Action]:
    """What this person may do to a case, a service plan, a closing, a transfer, a client or a
    personal information request now."""
    return answer_for(user, obj).actions


def require(user, obj, name: str, state: "CaseState | None" = None) -> Action:
    """The services' first line: the declared action, or ActionNotAllowed saying why not."""
    answer = answer_for(user, obj, state)
    if name not in answer.actions and name in answer.refused:
        raise ActionNotAllowed(answer.refused[name])
    return action_require(answer.actions, name)


def case_actions_all(user, case: Case) -> dict[str, Action]:
    """Everything the case page offers this person: the case's own steps with those of its current
    plan, its pending closing and its pending transfer, by name (the names do not overlap)."""
    state = CaseState(case)
    actions = dict(case_answer(user, case, state).actions)
    for record in (state.current_plan, state.pending_closing, state.pending_transfer):
        if record is not None:
            actions |= answer_for(user, record, state).actions
    return actions


def moves_for(user, case: Case) -> list[tuple[str, Move]]:
    """The direct moves this person can make on this case now, for its buttons."""
    actions = actions_for(user, case)
    return [(name, move) for name, move in MOVES.items() if name in actions]
