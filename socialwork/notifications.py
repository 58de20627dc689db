"""Every kind of notification a person can receive, declared once.

An app declares the kinds it sends in its own `notifications` module (found at start-up, as the
reminders are), each with the label a person reads on "What I receive":

    TRANSFER_DECIDED = notification_kind("casework_transfer_decided", label=_("My transfer request decided"))

A reminder kind is declared by `@reminder` and lands here too. `notification_send` refuses a kind
that was not declared, so nothing reaches a person that they cannot see and switch on or off.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NotificationKind:
    name: str
    label: object


KINDS: dict[str, NotificationKind] = {}


def notification_kind(name: str, *, label) -> str:
    """Declare a kind; returns its name, for the module that sends it."""
    KINDS[name] = NotificationKind(name=name, label=label)
    return name


def notification_kinds() -> list[NotificationKind]:
    """Every declared kind, in a stable order, for "What I receive"."""
    return sorted(KINDS.values(), key=lambda kind: kind.name)


# The kinds the accounts send (socialwork.accounts.services).
PASSWORD_RESET = notification_kind("password_reset", label=_("My password was reset"))
ACCOUNT_LOCKED = notification_kind("account_locked", label=_("My account was locked after failed logins"))
SECOND_FACTOR_RESET = notification_kind("second_factor_reset", label=_("My second factor was reset"))
PERSONAL_DATA_ROLE_GRANTED = notification_kind(
    "personal_data_role_granted", label=_("A role that reads personal data was granted (auditors)")
)
# Backups (socialwork.backups): a backup that could not be made, or the latest one that did not
# restore, is told to the system administrators.
BACKUP_FAILED = notification_kind(
    "backup_failed", label=_("A backup failed or did not restore (system administrators)")
)

# The audit log's chain (socialwork.audit_chain), sent to the auditors.
AUDIT_CHAIN_BROKEN = notification_kind(
    "audit_chain_broken", label=_("The audit log's chain was found broken (auditors)")
)

# Imports (socialwork.imports.runs): a background import finished, imported or refused.
IMPORT_FINISHED = notification_kind("import_finished", label=_("My import finished"))
