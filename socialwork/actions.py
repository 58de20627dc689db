"""What a person may do to a record now: the shape every workflow declares it in.

Each object with a workflow (a case, its plan, closing and transfer; a project and its contract;
an allowance roll; an enrolment) has one function beside its workflow's declaration,

    actions_for(user, obj) -> dict[str, Action]

that answers "which actions may this person take on this record now", from the record's state and
the person's part in it. Every door reads that one answer:

- the page shows exactly those buttons and forms, each marked `data-action="<name>"`;
- the API's detail body lists the same names under `actions`;
- the service refuses anything not in it, first thing, with `action_require`.

An action that cannot be undone (closing a month's roll, cancelling an enrolment, rejecting or
terminating a project) declares `confirm`, what taking it means. A page takes it only from a
POST that carries the person's confirmation (`socialwork.pages.confirmation`): the first POST
answers a page that says what will happen and asks again, without any script. The API, whose
callers are programs, is not asked.

A test per workflow walks every state and role and checks that the three agree.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Action:
    label: object  # the button's words, translatable
    needs_reason: bool = False  # the form asks why, and the service refuses an empty reason
    confirm: object = None  # what taking it means, asked before a page takes it: it cannot be undone


class ActionNotAllowed(PermissionDenied):
    """The action is not open to this person on this record now (its state or their part in it).
    A page answers 403 with the message; the API 403 with it as `detail`."""

    def __init__(self, message=None):
        super().__init__(message or _("This step is not open to you on this record now."))


def action_require(actions: Mapping[str, Action], name: str) -> Action:
    """The declared action, or ActionNotAllowed: the service's first line."""
    try:
        return actions[name]
    except KeyError:
        raise ActionNotAllowed() from None
