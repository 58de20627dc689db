"""The case workflow: which moves exist, from where, and who on the case may make them.

intake → assessment → planning → intervention → evaluation → closed, with evaluation able to go
back to intervention; a closed case can be reopened and then resumes at assessment, planning or
intervention. Closing itself is not a button: the worker asks for it (a Closing) and the case
closes when the supervisor approves. Starting the intervention needs an approved service plan.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from casework.models import Case
from socialwork.roles import Role

S = Case.Status
WORKER, SUPERVISOR, MANAGER = "worker", "supervisor", "manager"
OPEN = (S.INTAKE, S.ASSESSMENT, S.PLANNING, S.INTERVENTION, S.EVALUATION, S.REOPENED)


@dataclass(frozen=True)
class Move:
    label: object
    sources: tuple[str, ...]
    target: str
    by: frozenset[str]
    needs_reason: bool = False
    direct: bool = True


CASE_TEAM = frozenset({WORKER, MANAGER})

MOVES = {
    "assess": Move(_("Start the assessment"), (S.INTAKE, S.REOPENED), S.ASSESSMENT, CASE_TEAM),
    "plan": Move(_("Start planning"), (S.ASSESSMENT, S.REOPENED), S.PLANNING, CASE_TEAM),
    "intervene": Move(_("Start the intervention"), (S.PLANNING, S.REOPENED), S.INTERVENTION, CASE_TEAM),
    "evaluate": Move(_("Start the evaluation"), (S.INTERVENTION,), S.EVALUATION, CASE_TEAM),
    "resume": Move(_("Back to the intervention"), (S.EVALUATION,), S.INTERVENTION, CASE_TEAM),
    "close": Move(_("Close"), OPEN, S.CLOSED, frozenset({SUPERVISOR}), direct=False),
    "reopen": Move(
        _("Reopen"), (S.CLOSED,), S.REOPENED, frozenset({WORKER, SUPERVISOR, MANAGER}), needs_reason=True
    ),
}


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


def moves_for(user, case: Case) -> list[tuple[str, Move]]:
    """The direct moves this person can make on this case now, for its buttons."""
    roles = roles_of(user, case)
    return [
        (name, move)
        for name, move in MOVES.items()
        if move.direct and case.status in move.sources and move.by & roles
    ]
