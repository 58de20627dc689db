"""Who may do what to an account: one rule for the services, the admin and any page.

MLPS 2.0 level 3 separates three administrators (三员分立): the system administrator creates,
places, deactivates and reactivates accounts and resets passwords; the security administrator
grants and removes roles, unlocks accounts and resets a person's second factor; the audit administrator reads the audit log. Nobody
acts on their own account, superusers included, and the system administrator does not act on the
accounts of the administrators or of a superuser (a password reset is a way into the account):
those are the superuser's, who is made once, at installation, by `createsuperuser`.
"""

from django.db.models import Q

from socialwork.roles import ADMINISTRATOR_ROLES, Role

CREATE = "create"
PLACE = "place"
DEACTIVATE = "deactivate"
REACTIVATE = "reactivate"
PASSWORD_RESET = "password_reset"
ROLES_SET = "roles_set"
UNLOCK = "unlock"
SECOND_FACTOR_RESET = "second_factor_reset"

# The actions of each administrator, for pages that list what a role does.
SYSTEM_ACTIONS = frozenset({CREATE, PLACE, DEACTIVATE, REACTIVATE, PASSWORD_RESET})
SECURITY_ACTIONS = frozenset({ROLES_SET, UNLOCK, SECOND_FACTOR_RESET})


def runs_accounts(actor) -> bool:
    """The system administrator (or a superuser): creates, places and deactivates accounts."""
    return bool(actor.is_authenticated and actor.is_active) and (
        actor.is_superuser or actor.has_role(Role.SYSTEM_ADMIN)
    )


def runs_security(actor) -> bool:
    """The security administrator (or a superuser): grants roles and unlocks."""
    return bool(actor.is_authenticated and actor.is_active) and (
        actor.is_superuser or actor.has_role(Role.SECURITY_ADMIN)
    )


def is_protected(account) -> bool:
    """A superuser's or an administrator's account: only a superuser places or resets it."""
    return account.is_superuser or account.has_role(*ADMINISTRATOR_ROLES)


def account_actions_for(actor, account=None) -> frozenset[str]:
    """The account actions `actor` may take on `account` (with no account: whether they may create
    one). Empty for the actor's own account, whoever they are."""
    if account is None:
        return frozenset({CREATE}) if runs_accounts(actor) else frozenset()
    if account.pk is not None and account.pk == actor.pk:
        return frozenset()
    actions = set()
    if runs_accounts(actor) and (actor.is_superuser or not is_protected(account)):
        actions |= {PLACE, PASSWORD_RESET, DEACTIVATE if account.is_active else REACTIVATE}
    if runs_security(actor) and not account.is_superuser:
        actions |= {ROLES_SET, UNLOCK}
    # A lost phone: the security administrator removes the person's second factor (a superuser's
    # only another superuser), who then sets up a new one at their next login.
    if runs_security(actor) and (actor.is_superuser or not account.is_superuser):
        actions.add(SECOND_FACTOR_RESET)
    return frozenset(actions)


def account_places_scope(user, model: str) -> Q | None:
    """The places (model "region" or "serviceunit") an account administrator reads in the admin,
    to place accounts in them (the user admin's autocomplete, and the network's lists): the
    network of their own region, or all of it when they have no region. None for anyone else, for
    whom their own place's scope applies."""
    if not runs_accounts(user):
        return None
    if user.region_id is None:
        return Q()
    prefix = "" if model == "region" else "region__"
    return Q(**{f"{prefix}path__startswith": user.region.path})
