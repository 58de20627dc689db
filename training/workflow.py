"""The enrolment workflow: a session's places and who may do what to them, in one table.

A person is enrolled into a session (confirmed while places are free, else on its waiting list,
which moves up by itself when a place is freed) until it ends; attendance is taken once it has
begun, never before, which settles each confirmed place as attended or absent. An enrolment still open is cancelled by the organizers.
The organizers of a session are the district administrators and station managers whose place
holds it (training.selectors.session_scope); nobody else takes any step, the participant
included.

    session     organizer
    upcoming    enrol
    under way   enrol, take_attendance
    over        take_attendance

    enrolment   organizer
    confirmed   cancel          (attendance not taken yet)
    waiting     cancel
    attended    —
    absent      —
    cancelled   —

`session_actions_for(user, session)` and `actions_for(user, enrolment)` read these tables: the
session's page offers exactly these buttons and forms (`data-action`), the API's details list them
under `actions`, and the services refuse anything else (socialwork.actions).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialwork.actions import Action, ActionNotAllowed
from socialwork.roles import Role
from training.models import Enrolment, TrainingSession

S = Enrolment.Status
ORGANIZER = "organizer"
UPCOMING, UNDER_WAY, OVER = "upcoming", "under_way", "over"
ATTENDED, ABSENT = "attended", "absent"

ACTIONS = {
    "enrol": Action(_("Enrol")),
    "take_attendance": Action(_("Take attendance")),
    "cancel": Action(
        _("Cancel enrolment"),
        confirm=_(
            "The place is freed and goes to the first person on the waiting list; the enrolment "
            "cannot be restored."
        ),
    ),
}

# Completion certificates are numbered for good: a page asks before it issues them.
CERTIFICATES_ISSUE = Action(
    _("Issue certificates"),
    confirm=_(
        "Everyone who attended the required share of the sessions receives a certificate with a number "
        "of its own; a certificate once issued is not withdrawn."
    ),
)

SESSION_DECLARATION: dict[str, dict[str, tuple[str, ...]]] = {
    UPCOMING: {ORGANIZER: ("enrol",)},
    UNDER_WAY: {ORGANIZER: ("enrol", "take_attendance")},
    OVER: {ORGANIZER: ("take_attendance",)},
}
ENROLMENT_DECLARATION: dict[str, dict[str, tuple[str, ...]]] = {
    S.CONFIRMED: {ORGANIZER: ("cancel",)},
    S.WAITING: {ORGANIZER: ("cancel",)},
    ATTENDED: {},
    ABSENT: {},
    S.CANCELLED: {},
}

# Why a step is not open in a state: what a page says to someone who posts a form gone stale.
REFUSALS = {
    UPCOMING: _("This session has not started yet: attendance is taken once it has begun."),
    OVER: _("This session is over; nobody can enrol any more."),
    ATTENDED: _("Attendance was taken for this enrolment; it can no longer be cancelled."),
    ABSENT: _("Attendance was taken for this enrolment; it can no longer be cancelled."),
    S.CANCELLED: _("This enrolment was already cancelled."),
}


def roles_of(user, session: TrainingSession) -> set[str]:
    """Which sides of the workflow this person stands on for this session's places."""
    from training.selectors import session_scope

    if not (user.is_authenticated and user.is_active):
        return set()
    if not (user.is_superuser or user.has_role(Role.DISTRICT_ADMIN, Role.STATION_MANAGER)):
        return set()
    return (
        {ORGANIZER} if TrainingSession.objects.filter(session_scope(user), pk=session.pk).exists() else set()
    )


def session_state(session: TrainingSession) -> str:
    now = timezone.now()
    if session.ends_at <= now:
        return OVER
    return UNDER_WAY if session.starts_at <= now else UPCOMING


def enrolment_state(enrolment: Enrolment) -> str:
    if enrolment.status == S.CONFIRMED and enrolment.attended is not None:
        return ATTENDED if enrolment.attended else ABSENT
    return enrolment.status


def _read(declaration: dict, state: str, roles: set[str]) -> dict[str, Action]:
    names = {name for role in roles for name in declaration.get(state, {}).get(role, ())}
    return {name: action for name, action in ACTIONS.items() if name in names}


def session_actions_for(
    user, session: TrainingSession, *, roles: set[str] | None = None
) -> dict[str, Action]:
    """The actions this person may take on this session now (pass `roles` already read to save
    the query, as a page listing many enrolments does)."""
    roles = roles_of(user, session) if roles is None else roles
    return _read(SESSION_DECLARATION, session_state(session), roles)


def session_require(user, session: TrainingSession, name: str) -> Action:
    """The session's declared action, or ActionNotAllowed saying why: to its organizers, what the
    session's state closes (attendance before it has begun); to anyone else, nothing more."""
    roles = roles_of(user, session)
    actions = session_actions_for(user, session, roles=roles)
    if name not in actions:
        raise ActionNotAllowed(refusal(session) if roles else None)
    return actions[name]


def actions_for(user, enrolment: Enrolment, *, roles: set[str] | None = None) -> dict[str, Action]:
    """The actions this person may take on this enrolment now."""
    roles = roles_of(user, enrolment.session) if roles is None else roles
    return _read(ENROLMENT_DECLARATION, enrolment_state(enrolment), roles)


def refusal(obj) -> str:
    """Why the record's state closes a step, for a page answering a stale form; a generic
    sentence when its state does not explain it."""
    state = session_state(obj) if isinstance(obj, TrainingSession) else enrolment_state(obj)
    return str(REFUSALS.get(state, _("This step is not open to you on this record now.")))
