"""The allowance roll's three doors agree (issue 17, point 2): for every state of a roll and every
role, the buttons its page offers (`data-action`), the `actions` its API detail lists and the
services that accept the step (each tried in a transaction rolled back) are the same set, and
that set is positions.workflow's declaration."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from positions.models import AllowanceRoll
from positions.selectors.allowance import allowance_roll_workbook
from positions.services.allowance import allowance_roll_close, allowance_roll_generate
from positions.workflow import ACTIONS, actions_for
from socialwork.roles import Role
from tests.doors import page_actions
from tests.factories import make_user

MARCH = date(2025, 3, 1)
ROLES = [
    "district_admin", "auditor", "station_manager", "other_station_manager", "social_worker",
    "supervisor", "org_staff", "system_admin", "superuser",
]  # fmt: skip
# What the district may do in each state; everybody else may do nothing to a roll.
DISTRICT = {"district_admin", "superuser"}
DECLARED = {
    AllowanceRoll.Status.DRAFT: {"generate", "close", "export"},
    AllowanceRoll.Status.CLOSED: {"export"},
}

SERVICES = {
    "generate": lambda user, roll: allowance_roll_generate(actor=user, month=roll.month),
    "close": lambda user, roll: allowance_roll_close(actor=user, roll=roll),
    "export": lambda user, roll: allowance_roll_workbook(user=user, roll=roll),
}


@pytest.fixture
def people(request, network):
    extra = {
        "system_admin": make_user("sysadmin", Role.SYSTEM_ADMIN, region=network.district, is_staff=True),
        "superuser": make_user("root", is_superuser=True, is_staff=True, region=network.district),
    }
    return {role: extra[role] if role in extra else request.getfixturevalue(role) for role in ROLES}


def roll_in(state: str, district_admin) -> AllowanceRoll:
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    if state == AllowanceRoll.Status.CLOSED:
        roll = allowance_roll_close(actor=district_admin, roll=roll)
    return roll


def accepted(service, user, roll) -> bool:
    with transaction.atomic():
        try:
            service(user, AllowanceRoll.objects.get(pk=roll.pk))
        except (PermissionDenied, ValidationError):
            return False
        transaction.set_rollback(True)
        return True


@pytest.mark.parametrize("state", list(DECLARED))
def test_page_api_and_services_offer_the_same_steps_on_a_roll(as_user, api, people, state):
    roll = roll_in(state, people["district_admin"])
    for role, user in people.items():
        expected = DECLARED[state] if role in DISTRICT else set()
        assert set(actions_for(user, roll)) == expected, role

        page = as_user(user).get(roll.get_absolute_url())
        offered = page_actions(page.content.decode()) if page.status_code == 200 else set()
        assert page.status_code in (200, 403, 404)

        detail = api(user).get(f"/api/v1/allowance-rolls/{roll.pk}/")
        listed = set(detail.json()["actions"]) if detail.status_code == 200 else set()

        taken = {name for name in ACTIONS if accepted(SERVICES[name], user, roll)}
        assert (offered, listed, taken) == (expected, expected, expected), f"{state} · {role}"

    roll.refresh_from_db()
    assert roll.status == state, "every step tried was rolled back"


def test_the_list_page_offers_a_new_month_only_to_the_district(as_user, people):
    for role, user in people.items():
        page = as_user(user).get(reverse("positions:allowance_rolls"))
        offered = page_actions(page.content.decode()) if page.status_code == 200 else set()
        assert offered == ({"generate"} if role in DISTRICT else set()), role
