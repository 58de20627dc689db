"""Every page, API endpoint and the admin, for a signed-in person who owes a second factor
(socialwork.accounts.twofactor): without it, every page sends them to set it up (no device) or to
give its code (a device), and every API endpoint refuses the session. Only the second factor's own
pages, the login page, logging out and the health check answer otherwise. The people and records
are tests/security/test_role_matrix.py's small district; the role matrix itself opens every URL
with sessions that passed the second factor."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from socialwork.accounts.twofactor import second_factor_policy_set
from socialwork.roles import SECOND_FACTOR_REQUIRED_ROLES, Role
from tests.factories import make_device
from tests.security.seed import seed
from tests.security.test_role_matrix import RESOLVED, is_api, url_of

# What a person who owes the second factor may still open, and what it answers them.
OPEN = {"login", "logout", "healthz", "second_factor_verify", "second_factor_setup", "api-token"}
OWING = [*SECOND_FACTOR_REQUIRED_ROLES, "superuser"]


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def unverified(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session.pop(DEVICE_ID_SESSION_KEY, None)
    session.save()
    return client


def sweep(district, client, page: str) -> list[str]:
    """Every URL but the open ones: what did not send the person to `page` (pages) or refuse them
    (API)."""
    wrong = []
    for name in sorted(RESOLVED):
        if name in OPEN:
            continue
        url = url_of(name, district)
        response = client.get(url)
        if is_api(url):
            if response.status_code != 403:
                wrong.append(f"{url}: {response.status_code}")
        elif response.status_code != 302 or not response["Location"].startswith(reverse(page)):
            wrong.append(f"{url}: {response.status_code} {response.get('Location', '')}")
    for url in (
        "/admin/",
        reverse("admin:socialwork_user_changelist"),
        reverse("admin:casework_case_changelist"),
    ):
        response = client.get(url)
        if response.status_code != 302 or not response["Location"].startswith(reverse(page)):
            wrong.append(f"{url}: {response.status_code}")
    return wrong


@pytest.mark.parametrize("role", OWING)
def test_without_a_device_every_door_but_setting_one_up_is_closed(district, db, role):
    assert sweep(district, unverified(district.users[role]), "second_factor_setup") == []


def test_with_a_device_every_door_but_the_code_is_closed(district, db):
    manager = district.users[Role.STATION_MANAGER]
    make_device(manager)
    assert sweep(district, unverified(manager), "second_factor_verify") == []


def test_an_optional_role_the_policy_requires_meets_the_same_doors(district, db):
    worker = district.users[Role.SOCIAL_WORKER]
    client = unverified(worker)
    assert client.get(reverse("home")).status_code == 200, "optional: the password is enough"
    second_factor_policy_set(actor=district.users[Role.SECURITY_ADMIN], roles=[Role.SOCIAL_WORKER])
    assert sweep(district, client, "second_factor_setup") == []
