"""Issue 16, findings 1 and 10: the account services, who may call them, and the login lockout."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from socialwork.accounts import selectors as s
from socialwork.accounts import services
from socialwork.accounts.selectors import account_actions_for
from socialwork.models import AuditEntry, User
from socialwork.passwords import password_expired
from socialwork.roles import Role, reads_personal_data
from tests.factories import make_user

PASSWORD = "pass-word-42"


@pytest.fixture
def sysadmin(network):
    return make_user("sysadmin", Role.SYSTEM_ADMIN, region=network.district, is_staff=True)


@pytest.fixture
def secadmin(network):
    return make_user("security", Role.SECURITY_ADMIN, region=network.district, is_staff=True)


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", password="Root-Pass-2026x")


@pytest.fixture
def worker(network):
    return make_user("worker_x", unit=network.room_a, email="x@example.com")


# Who may do what


def test_each_administrator_takes_only_their_own_actions(
    sysadmin, secadmin, auditor, district_admin, root, worker
):
    assert account_actions_for(sysadmin, worker) == {s.PLACE, s.PASSWORD_RESET, s.DEACTIVATE}
    assert account_actions_for(secadmin, worker) == {s.ROLES_SET, s.UNLOCK, s.SECOND_FACTOR_RESET}
    assert account_actions_for(root, worker) == {
        s.PLACE,
        s.PASSWORD_RESET,
        s.DEACTIVATE,
        s.ROLES_SET,
        s.UNLOCK,
        s.SECOND_FACTOR_RESET,
    }
    assert account_actions_for(auditor, worker) == account_actions_for(district_admin, worker) == set()
    assert account_actions_for(sysadmin) == {s.CREATE} and account_actions_for(secadmin) == set()


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "root"])
def test_nobody_acts_on_their_own_account(request, who):
    person = request.getfixturevalue(who)
    assert account_actions_for(person, person) == set()


def test_the_system_administrator_does_not_touch_administrators_or_superusers(
    sysadmin, secadmin, auditor, root
):
    for account in (secadmin, auditor, root):
        assert account_actions_for(sysadmin, account) == set()
    assert account_actions_for(root, secadmin) >= {s.PASSWORD_RESET}
    assert s.ROLES_SET not in account_actions_for(secadmin, root)


def test_a_deactivated_administrator_takes_no_action(sysadmin, worker):
    services.user_deactivate(actor=make_user("root2", is_superuser=True), account=sysadmin)
    sysadmin.refresh_from_db()
    assert account_actions_for(sysadmin, worker) == set()


def test_the_roles_that_read_personal_data():
    readers = {role for role in Role if reads_personal_data(role)}
    assert readers == {
        Role.DISTRICT_ADMIN,
        Role.STATION_MANAGER,
        Role.SOCIAL_WORKER,
        Role.SUPERVISOR,
        Role.AUDITOR,
    }


# The services


def test_a_created_account_is_placed_roleless_and_must_choose_its_password(sysadmin, network):
    account = services.user_create(
        actor=sysadmin, username="new", password="First-Pass-2026", full_name="新人", unit=network.station_a
    )
    assert account.region == network.town_a and not account.groups.exists()
    assert not account.is_staff and not account.is_superuser and password_expired(account)
    entry = AuditEntry.objects.get(action="account.create")
    assert entry.actor == sysadmin and "First-Pass-2026" not in str(entry.changes)
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=make_user("sec2", Role.SECURITY_ADMIN), username="x", password="First-Pass-2026"
        )
    with pytest.raises(ValidationError):
        services.user_create(actor=sysadmin, username="weak", password="123")
    with pytest.raises(ValidationError):
        services.user_create(actor=sysadmin, username="bad", password="First-Pass-2026",
                             region=network.town_b, unit=network.station_a)  # fmt: skip


def test_placing_is_audited_with_before_and_after(sysadmin, worker, network):
    services.user_place(actor=sysadmin, account=worker, unit=network.room_b)
    worker.refresh_from_db()
    assert worker.unit == network.room_b and worker.region == network.community_b
    entry = AuditEntry.objects.get(action="account.place")
    assert entry.changes["unit"] == [str(network.room_a), str(network.room_b)]


def test_deactivated_accounts_cannot_log_in_and_come_back_with_their_roles(sysadmin, worker):
    worker.groups.add(*User.groups.field.related_model.objects.filter(name=Role.SOCIAL_WORKER))
    services.user_deactivate(actor=sysadmin, account=worker, reason="left")
    assert login(Client(), "worker_x", PASSWORD).status_code == 200  # the login form again
    assert account_actions_for(sysadmin, User.objects.get(pk=worker.pk)) >= {s.REACTIVATE}
    services.user_reactivate(actor=sysadmin, account=worker)
    assert login(Client(), "worker_x", PASSWORD).status_code == 302
    # The refused login of the deactivated account is on the record too (issue 17, point 6).
    assert list(AuditEntry.objects.filter(target_id=str(worker.pk)).values_list("action", flat=True)) == [
        "login.success", "account.reactivate", "login.failure", "account.deactivate",
    ]  # fmt: skip


def test_a_password_reset_expires_the_password_tells_the_person_and_ends_their_sessions(
    sysadmin, worker, django_capture_on_commit_callbacks
):
    session = Client()
    session.force_login(worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.user_password_reset(actor=sysadmin, account=worker, password="Reset-Pass-2026")
    worker.refresh_from_db()
    assert password_expired(worker) and worker.check_password("Reset-Pass-2026")
    assert worker.notifications.get(kind="password_reset")
    assert [m.to for m in mail.outbox] == [["x@example.com"]]
    assert session.get(reverse("home")).status_code == 302  # the old session is gone
    login = Client()
    login.post(reverse("login"), {"username": "worker_x", "password": "Reset-Pass-2026"})
    page = login.get(reverse("home"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("password_change")
    assert "set by the system administrator" in page.content.decode()


def test_roles_are_set_by_the_security_administrator_and_staff_follows_them(secadmin, sysadmin, worker):
    with pytest.raises(PermissionDenied):
        services.user_roles_set(actor=sysadmin, account=worker, roles=[Role.SOCIAL_WORKER])
    services.user_roles_set(actor=secadmin, account=worker, roles=[Role.DISTRICT_ADMIN])
    worker = User.objects.get(pk=worker.pk)
    assert worker.is_staff and worker.has_role(Role.DISTRICT_ADMIN)
    services.user_roles_set(actor=secadmin, account=worker, roles=[Role.ORG_STAFF])
    worker = User.objects.get(pk=worker.pk)
    assert not worker.is_staff
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "account.roles_set", "account.personal_data_role_grant",
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        services.user_roles_set(actor=secadmin, account=worker, roles=[Role.AUDITOR, Role.DISTRICT_ADMIN])


def test_a_grant_that_reads_personal_data_is_told_to_the_auditors(secadmin, auditor, worker):
    services.user_roles_set(actor=secadmin, account=worker, roles=[Role.SUPERVISOR])
    note = auditor.notifications.get(kind="personal_data_role_granted")
    assert "worker_x" in note.title
    services.user_roles_set(actor=secadmin, account=worker, roles=[Role.SUPERVISOR, Role.ORG_STAFF])
    assert auditor.notifications.count() == 1  # nothing new that reads personal data


# Lockout (finding 10)


def login(client, username, password="wrong", ip="10.0.0.1", agent="a"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, HTTP_USER_AGENT=agent
    )


def test_a_password_spray_from_one_address_is_locked_whatever_user_agent_it_sends(db, settings):
    make_user("district", password=PASSWORD)
    client = Client()
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        login(client, f"user{i}", agent=f"agent-{i}")
    assert login(client, "district", PASSWORD, agent="fresh").status_code == 429
    assert login(Client(), "district", PASSWORD, ip="10.0.0.2").status_code == 302


def test_an_office_behind_one_gateway_is_not_locked_by_one_persons_typos(db, settings):
    make_user("lin", password=PASSWORD)
    make_user("wang", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "lin")
    assert login(Client(), "lin", PASSWORD).status_code == 429
    assert login(Client(), "wang", PASSWORD).status_code == 302


def test_nobody_locks_an_account_from_elsewhere_with_a_few_requests(db, settings):
    make_user("district", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT * 2):
        login(Client(), "district", ip="203.0.113.9")
    assert login(Client(), "district", PASSWORD, ip="10.0.0.5").status_code == 302


def test_a_guesser_spread_over_many_addresses_locks_the_account_everywhere(db, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 12
    make_user("district", password=PASSWORD)
    for i in range(12):
        login(Client(), "district", ip=f"198.51.100.{i // 4}")
    assert login(Client(), "district", PASSWORD, ip="10.0.0.5").status_code == 429


def test_the_person_is_told_once_per_lock_and_the_page_says_what_to_do(db, settings):
    person = make_user("lin", password=PASSWORD, email="lin@example.com")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        response = login(client, "lin")
    assert response.status_code == 429
    assert "security administrator" in response.content.decode()
    assert person.notifications.filter(kind="account_locked").count() == 1
    assert AuditEntry.objects.filter(action="account.locked", target_id=str(person.pk)).count() == 1


def test_the_security_administrator_unlocks_an_account_and_an_address(secadmin, sysadmin, settings):
    make_user("lin", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "lin")
    person = User.objects.get(username="lin")
    with pytest.raises(PermissionDenied):
        services.user_unlock(actor=sysadmin, account=person)
    assert services.user_unlock(actor=secadmin, account=person) == 1
    assert login(Client(), "lin", PASSWORD).status_code == 302
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        login(Client(), f"nobody{i}", ip="10.9.9.9")
    assert (
        services.address_unlock(actor=secadmin, ip_address="10.9.9.9") == settings.LOGIN_ADDRESS_FAILURE_LIMIT
    )
    assert not AccessAttempt.objects.filter(ip_address="10.9.9.9").exists()
    assert list(AuditEntry.objects.filter(actor=secadmin).values_list("action", flat=True)) == [
        "address.unlock", "account.unlock",
    ]  # fmt: skip


def test_a_system_administrator_places_accounts_only_inside_their_own_region(network, worker):
    town_admin = make_user("town_sysadmin", Role.SYSTEM_ADMIN, region=network.town_a, is_staff=True)
    services.user_place(actor=town_admin, account=worker, unit=network.posts_a[0])
    with pytest.raises(ValidationError):
        services.user_place(actor=town_admin, account=worker, unit=network.room_b)


def _api_status(token: str) -> int:
    return Client().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}").status_code


def test_a_password_reset_and_a_deactivation_end_the_accounts_api_tokens(sysadmin, worker):
    from socialwork.models import ApiToken
    from socialwork.tokens import api_token_create

    _, token = api_token_create(user=worker)
    assert _api_status(token) == 200
    services.user_password_reset(actor=sysadmin, account=worker, password="Reset-Pass-2026")
    assert _api_status(token) == 401 and not ApiToken.objects.filter(user=worker).exists()
    revoked = AuditEntry.objects.get(action="api_token.revoke", target_id=str(worker.pk))
    assert revoked.changes["reason"] == "password_change" and revoked.actor_id == sysadmin.pk

    worker.set_password(PASSWORD)  # the worker chose their own again
    worker.save()
    _, token = api_token_create(user=worker)
    services.user_deactivate(actor=sysadmin, account=worker, reason="left")
    assert _api_status(token) == 401 and not ApiToken.objects.filter(user=worker).exists()


def test_behind_the_proxies_failures_are_counted_by_the_address_the_outermost_proxy_saw(db, settings):
    """Behind the TLS proxy and nginx every request comes from nginx: counted by that address, one
    office's typos would lock everyone. A client cannot choose its address by writing the header."""
    settings.TRUSTED_PROXIES = 2
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        forwarded = f"198.51.100.{n}, 10.0.0.2"  # the person, then the TLS proxy; nginx is REMOTE_ADDR
        Client(REMOTE_ADDR="10.0.0.3").post(
            reverse("login"),
            {"username": f"nobody{n}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    person = Client(REMOTE_ADDR="10.0.0.3")
    forged = "203.0.113.9, 198.51.100.1, 10.0.0.2"  # a forged first entry is not read
    assert AccessAttempt.objects.filter(ip_address="198.51.100.1").exists()
    assert not AccessAttempt.objects.filter(ip_address__in=["10.0.0.3", "10.0.0.2", "203.0.113.9"]).exists()
    response = person.post(
        reverse("login"), {"username": "nobody1", "password": "wrong"}, HTTP_X_FORWARDED_FOR=forged
    )
    assert response.status_code == 200  # one failure more from that address, not a lock
