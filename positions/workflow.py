"""The monthly allowance roll's workflow: its states, who may do what in each, in one table.

A month's roll is generated (and generated again while it is a draft, to follow the facts), then
closed: a closed roll never changes. The district (its administrators) generates, closes and
exports the payroll file; auditors and station managers read the roll and do nothing to it.

    state    district
    (new)    generate
    draft    generate, close, export
    closed   export

`actions_for(user, roll)` reads this table for a person and a roll (an unsaved `AllowanceRoll` is
a month not generated yet): the pages offer exactly these buttons (`data-action`), the API's
detail lists them under `actions`, and the services refuse anything else (socialwork.actions).
"""

from django.utils.translation import gettext_lazy as _

from positions.models import AllowanceRoll
from socialwork.actions import Action
from socialwork.roles import Role

S = AllowanceRoll.Status
DISTRICT = "district"
NEW = "new"  # a month whose roll has not been generated yet

ACTIONS = {
    "generate": Action(_("Generate again")),
    "close": Action(
        _("Close this month"),
        confirm=_(
            "Once closed, this month's roll is final: it can no longer be generated again or changed, "
            "and its amounts are the ones paid."
        ),
    ),
    "export": Action(_("Export to Excel")),
}

DECLARATION: dict[str, dict[str, tuple[str, ...]]] = {
    NEW: {DISTRICT: ("generate",)},
    S.DRAFT: {DISTRICT: ("generate", "close", "export")},
    S.CLOSED: {DISTRICT: ("export",)},
}


def roles_of(user) -> set[str]:
    """Which sides of the workflow this person stands on: a roll is the whole district's, so
    their part in it does not depend on the roll."""
    if user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(Role.DISTRICT_ADMIN)):
        return {DISTRICT}
    return set()


def state_of(roll: AllowanceRoll) -> str:
    if roll.pk is None or (roll.status == S.DRAFT and roll.generated_at is None):
        return NEW
    return roll.status


def actions_for(user, roll: AllowanceRoll) -> dict[str, Action]:
    """The actions this person may take on this roll now."""
    allowed = DECLARATION.get(state_of(roll), {})
    names = {name for role in roles_of(user) for name in allowed.get(role, ())}
    return {name: action for name, action in ACTIONS.items() if name in names}
