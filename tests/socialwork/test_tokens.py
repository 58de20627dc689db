"""API tokens (issue 16, finding 2): stored as hashes, shown once, expiring after the lifetime the
security administrator sets, ended by a password change, a deactivation and a logout, listed and
revoked by their owner and by the security administrator, whose admin never shows a key."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from socialwork.models import AuditEntry, User
from socialwork.roles import Role
from tests.factories import make_device, make_user, otp_code

PASSWORD = "pass-word-42"
UNITS = "/api/v1/units/"


@pytest.fixture(autouse=True)
def station_manager_has_a_second_factor(request):
    """The station manager logs in with a second factor (socialwork.accounts.twofactor): a token
    needs its code too (`obtain` gives it as their app would)."""
    if "station_manager" in request.fixturenames:
        make_device(request.getfixturevalue("station_manager"))


def obtain(username: str, password: str = PASSWORD, **extra):
    user = User.objects.filter(username=username).first()
    device = user and user.totpdevice_set.filter(confirmed=True).first()
    if device is not None and "otp" not in extra:
        extra["otp"] = otp_code(device)
    return APIClient().post(reverse("api-token"), {"username": username, "password": password, **extra})


def issue(user, **extra) -> str:
    response = obtain(user.username, **extra)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    status = with_token(token).get(UNITS).status_code
    assert status in (200, 401), status
    return status == 200


def nowhere_in_the_database(secret: str) -> bool:
    """No text column of any table holds the secret as it is."""
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if (
                type(field) in (models.CharField, models.TextField)
                and model._default_manager.filter(**{field.attname: secret}).exists()
            ):
                return False
    return True


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def security_admin(network):
    return make_user("security", Role.SECURITY_ADMIN, region=network.district, is_staff=True)


@pytest.fixture
def root(network):
    return User.objects.create_superuser("root", password="Root-Pass-2026x")


# Issued once, kept only as a hash


def test_a_token_is_shown_once_with_its_expiry_and_stored_only_as_a_hash(station_manager):
    response = obtain("manager_a", name="月报脚本")
    assert response.status_code == 200
    body = response.json()
    token = body["token"]
    assert len(token) >= 64 and body["expiry"]
    assert works(token)
    assert nowhere_in_the_database(token)
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor == station_manager and token not in str(entry.changes) + entry.summary
    # Listing the tokens afterwards never shows the token again.
    listed = with_token(token).get(reverse("api-token-list")).json()["results"]
    assert [row["name"] for row in listed] == ["月报脚本"]
    assert token not in str(listed) and token[:8] == listed[0]["prefix"] and listed[0]["current"]


def test_a_token_request_costs_one_query_to_find_its_token(station_manager, django_assert_max_num_queries):
    client = with_token(issue(station_manager))
    client.get(reverse("api-token-list"))
    # The token with its owner, whether they have a second factor (socialwork.api_auth), the count,
    # the page of tokens.
    with django_assert_max_num_queries(4):
        assert client.get(reverse("api-token-list")).status_code == 200


def test_wrong_credentials_get_no_token(station_manager):
    response = obtain("manager_a", "wrong-password")
    assert response.status_code == 400 and "token" not in response.json()
    assert obtain("nobody").status_code == 400


def test_the_token_endpoint_counts_failures_and_locks_like_the_login_page(station_manager, settings):
    statuses = [obtain("manager_a", "wrong-password").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the last failure locks
    locked = obtain("manager_a")
    assert locked.status_code == 429 and "token" not in locked.json()
    assert "locked" in locked.json()["detail"]
    # The same account is locked on the login page too.
    page = Client().post(reverse("login"), {"username": "manager_a", "password": PASSWORD})
    assert page.status_code == 429


def test_an_inactive_person_gets_no_token(station_manager):
    User.objects.filter(pk=station_manager.pk).update(is_active=False)
    assert obtain("manager_a").status_code == 400


# Expiry


def test_a_token_expires_after_the_lifetime_the_security_administrator_sets(security_admin, station_manager):
    client = admin_client(security_admin)
    policy_url = reverse("admin:socialwork_apitokenpolicy_changelist")
    assert client.get(policy_url).status_code == 200
    response = client.post(policy_url, {"lifetime_hours": 4})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="api_token.policy")
    assert entry.actor == security_admin and entry.changes["lifetime_hours"][1] == "4"

    before = timezone.now()
    token = issue(station_manager)
    from socialwork.models import ApiToken

    expiry = ApiToken.objects.get(user=station_manager).expiry
    assert before + timedelta(hours=4) <= expiry <= timezone.now() + timedelta(hours=4)
    assert works(token)
    ApiToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert not works(token)


def test_shortening_the_lifetime_shortens_the_tokens_already_issued(security_admin, station_manager):
    from socialwork.models import ApiToken

    User.objects.filter(pk=station_manager.pk).update(password_changed_at=timezone.now() - timedelta(days=1))
    token = issue(station_manager)
    ApiToken.objects.update(created=timezone.now() - timedelta(hours=5))
    assert works(token)
    admin_client(security_admin).post(
        reverse("admin:socialwork_apitokenpolicy_changelist"), {"lifetime_hours": 4}
    )
    assert not works(token)


def test_the_lifetime_has_limits_and_only_the_security_administrator_sets_it(
    security_admin, district_admin, network
):
    sysadmin = make_user("sysadmin", Role.SYSTEM_ADMIN, region=network.district, is_staff=True)
    url = reverse("admin:socialwork_apitokenpolicy_changelist")
    refused = admin_client(security_admin).post(url, {"lifetime_hours": 10_000})
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    assert admin_client(sysadmin).get(url).status_code == 403
    assert admin_client(district_admin).get(url).status_code == 403


# What ends a token


def test_changing_the_password_ends_every_token(station_manager, as_user):
    tokens = [issue(station_manager), issue(station_manager)]
    change = {
        "old_password": PASSWORD,
        "new_password1": "Renewed-Pass-26",
        "new_password2": "Renewed-Pass-26",
    }
    assert as_user(station_manager).post(reverse("password_change"), change).status_code == 302
    assert not any(works(token) for token in tokens)
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert entry.changes["reason"] == "password_change" and entry.changes["count"] == 2


def test_a_token_issued_before_the_password_was_set_anywhere_is_refused(station_manager):
    token = issue(station_manager)
    station_manager.set_password("Set-Elsewhere-26")  # a command, a shell, a future page
    station_manager.save()
    assert not works(token)


def test_deactivating_an_account_ends_its_tokens(station_manager, network):
    from socialwork.models import ApiToken

    token = issue(station_manager)
    sysadmin = make_user("sysadmin", Role.SYSTEM_ADMIN, region=network.district, is_staff=True)
    response = admin_client(sysadmin).post(
        reverse("admin:socialwork_user_changelist"),
        {"action": "deactivate_selected", "_selected_action": [station_manager.pk]},
    )
    assert response.status_code == 302
    station_manager.refresh_from_db()
    assert not station_manager.is_active
    assert not works(token)
    assert not ApiToken.objects.filter(user=station_manager).exists()
    assert AuditEntry.objects.get(action="api_token.revoke").changes["reason"] == "deactivation"


def test_logging_out_ends_that_token_only(station_manager):
    token, other = issue(station_manager), issue(station_manager)
    assert with_token(token).post(reverse("api-logout")).status_code == 204
    assert not works(token) and works(other)
    assert AuditEntry.objects.get(action="api_token.revoke").changes["reason"] == "logout"


def test_logging_out_of_a_session_through_the_api_is_refused(station_manager):
    client = APIClient()
    client.force_login(station_manager)
    assert client.post(reverse("api-logout")).status_code == 400


# The owner lists and revokes their tokens


def test_the_owner_lists_and_revokes_their_tokens_through_the_api(station_manager, social_worker):
    token, other = issue(station_manager, name="a"), issue(station_manager, name="b")
    stranger = issue(social_worker)
    client = with_token(token)
    rows = client.get(reverse("api-token-list")).json()["results"]
    assert {row["name"] for row in rows} == {"a", "b"}
    assert all(set(row) == {"id", "name", "prefix", "created", "expiry", "current"} for row in rows)
    other_id = next(row["id"] for row in rows if row["name"] == "b")
    # Another person's token is not theirs to see or revoke.
    assert with_token(stranger).delete(reverse("api-token-detail", args=[other_id])).status_code == 404
    assert with_token(stranger).get(reverse("api-token-detail", args=[other_id])).status_code == 404
    assert works(other)
    assert client.delete(reverse("api-token-detail", args=[other_id])).status_code == 204
    assert not works(other) and works(token)
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert entry.actor == station_manager and entry.changes["reason"] == "owner"


def test_my_api_tokens_page_creates_shows_once_lists_and_revokes(
    station_manager, as_user, django_assert_max_num_queries
):
    from socialwork.models import ApiToken

    browser = as_user(station_manager)
    for n in range(5):
        issue(station_manager, name=f"脚本{n}")
    with django_assert_max_num_queries(10):  # as few for 50 tokens: one query lists them
        page = browser.get(reverse("api_tokens"))
    assert page.status_code == 200 and page.content.decode().count("脚本") == 5
    created = browser.post(reverse("api_tokens"), {"name": "报表同步"})
    assert created.status_code == 200
    token = created.context["new_token"]
    assert token in created.content.decode() and works(token)
    again = browser.get(reverse("api_tokens")).content.decode()
    assert token not in again and token[:8] in again and "报表同步" in again
    pk = ApiToken.objects.get(name="报表同步").pk
    assert browser.post(reverse("api_token_revoke", args=[pk])).status_code == 302
    assert not works(token)


def test_the_page_revokes_only_the_persons_own_tokens(station_manager, social_worker, as_user):
    from socialwork.models import ApiToken

    token = issue(social_worker)
    pk = ApiToken.objects.get(user=social_worker).pk
    assert as_user(station_manager).post(reverse("api_token_revoke", args=[pk])).status_code == 404
    assert works(token)


def test_the_account_menu_leads_to_my_api_tokens(station_manager, as_user):
    assert reverse("api_tokens") in as_user(station_manager).get(reverse("home")).content.decode()


# The security administrator's admin: who holds a token, never the token


@pytest.mark.parametrize("who", ["security_admin", "root"])
def test_the_admin_lists_tokens_without_their_key_or_digest(request, who, station_manager):
    from socialwork.models import ApiToken

    token = issue(station_manager, name="月报脚本")
    stored = ApiToken.objects.get()
    client = admin_client(request.getfixturevalue(who))
    listing = client.get(reverse("admin:socialwork_apitoken_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert token[:8] in html and "manager_a" in html
    for secret in (token, token[:15], stored.digest, stored.token_key):
        assert secret not in html
    detail = client.get(reverse("admin:socialwork_apitoken_change", args=[stored.pk]))
    assert detail.status_code in (200, 302, 403)
    if detail.status_code == 200:
        assert stored.digest not in detail.content.decode() and token[:15] not in detail.content.decode()
    assert client.get(reverse("admin:socialwork_apitoken_add")).status_code == 403


def test_the_old_plaintext_token_admin_is_gone(root):
    assert admin_client(root).get("/admin/authtoken/tokenproxy/").status_code == 404
    assert not apps.is_installed("rest_framework.authtoken")


def test_the_security_administrator_revokes_a_token_in_the_admin(security_admin, station_manager):
    from socialwork.models import ApiToken

    token = issue(station_manager)
    stored = ApiToken.objects.get()
    client = admin_client(security_admin)
    url = reverse("admin:socialwork_apitoken_changelist")
    confirm = client.post(url, {"action": "delete_selected", "_selected_action": [stored.pk]})
    assert confirm.status_code == 200
    done = client.post(url, {"action": "delete_selected", "_selected_action": [stored.pk], "post": "yes"})
    assert done.status_code == 302
    assert not works(token)
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert entry.actor == security_admin and entry.changes["reason"] == "security_admin"
    assert stored.digest not in str(list(LogEntry.objects.values_list("object_repr", flat=True)))


def test_only_the_security_administrator_and_superuser_open_the_token_admin(network, district_admin):
    sysadmin = make_user("sysadmin", Role.SYSTEM_ADMIN, region=network.district, is_staff=True)
    url = reverse("admin:socialwork_apitoken_changelist")
    assert admin_client(sysadmin).get(url).status_code == 403
    assert admin_client(district_admin).get(url).status_code == 403


@pytest.mark.parametrize("header", ["Token \xff\xfe", "Token", "Token a b", "Token " + "0" * 64])
def test_a_malformed_or_unknown_token_is_refused_not_a_server_error(db, header):
    response = APIClient().get(UNITS, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
