"""The second factor (issue 19, point 1): TOTP with recovery codes, required of those who reach
personal data or administer the system, optional for social workers and organization staff unless
the security administrator's policy requires it; one rule (second_factor_need) asked by the login
pages, the admin, the API's session and token doors and its token endpoint.

These tests open sessions through the real login page (or force_login with the second factor's
mark removed: `unverified`), never with the suite's force_login shortcut that counts as passed."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from socialwork import demo
from socialwork.accounts import selectors as account_selectors
from socialwork.accounts import services as account_services
from socialwork.accounts.twofactor import (
    Need,
    second_factor_need,
    second_factor_policy_set,
    second_factor_required,
)
from socialwork.models import AuditEntry, User
from socialwork.roles import SECOND_FACTOR_OPTIONAL_ROLES, SECOND_FACTOR_REQUIRED_ROLES, Role
from tests.factories import make_device, make_user, otp_code, pass_second_factor

PASSWORD = "pass-word-42"
R = Role


def logged_in(username: str, password: str = PASSWORD) -> Client:
    """A browser that logged in on the login page with the password alone."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return client


def unverified(user) -> Client:
    """A session signed in but not past the second factor."""
    client = Client()
    client.force_login(user)
    session = client.session
    session.pop(DEVICE_ID_SESSION_KEY, None)
    session.save()
    return client


@pytest.fixture
def security_admin(network):
    return make_user("security", R.SECURITY_ADMIN, region=network.district, is_staff=True)


def setup_code(page_html: str) -> str:
    """The code an app shows for the secret the setup page prints."""
    from base64 import b32decode

    secret = page_html.split("data-secret>")[1].split("</code>")[0].replace(" ", "")
    return f"{TOTP(b32decode(secret)).token():06d}"


# The rule


@pytest.mark.parametrize("role", SECOND_FACTOR_REQUIRED_ROLES)
def test_a_second_factor_is_required_of_those_who_reach_personal_data_or_run_the_system(network, role):
    user = make_user("someone", role, region=network.district)
    assert second_factor_required(user) and second_factor_need(user) == Need.ENROL
    make_device(user)
    assert second_factor_need(user) == Need.VERIFY


@pytest.mark.parametrize("role", SECOND_FACTOR_OPTIONAL_ROLES)
def test_a_second_factor_is_optional_for_workers_and_organization_staff_until_the_policy_says(
    network, role, security_admin
):
    user = make_user("someone", role, region=network.district)
    assert not second_factor_required(user) and second_factor_need(user) == Need.NONE
    second_factor_policy_set(actor=security_admin, roles=[role])
    assert second_factor_required(user) and second_factor_need(user) == Need.ENROL


def test_a_superuser_needs_a_second_factor(db):
    root = User.objects.create_superuser("root", password="Root-Pass-2026x")
    assert second_factor_need(root) == Need.ENROL


def test_whoever_set_one_up_uses_it_though_not_required(social_worker):
    make_device(social_worker)
    assert second_factor_need(social_worker) == Need.VERIFY


# Enrolment before anything else


def test_a_district_administrator_without_a_device_sets_one_up_before_anything_else(district_admin):
    browser = logged_in("district")
    for url in (reverse("home"), reverse("password_change"), reverse("api_tokens"), "/admin/"):
        response = browser.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("second_factor_setup")), url

    page = browser.get(reverse("second_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html, "the QR code is drawn here, inline"
    assert "<script" not in html.split("<main", 1)[1] and "style=" not in html, "nothing the CSP refuses"
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]

    wrong = browser.post(reverse("second_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not TOTPDevice.objects.filter(user=district_admin, confirmed=True).exists()

    TOTPDevice.objects.filter(user=district_admin).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    done = browser.post(reverse("second_factor_setup"), {"code": setup_code(html)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert TOTPDevice.objects.filter(user=district_admin, confirmed=True).count() == 1
    assert StaticToken.objects.filter(device__user=district_admin).count() == 10
    assert AuditEntry.objects.filter(action="account.second_factor_enrol", actor=district_admin).exists()
    assert browser.get(reverse("home")).status_code == 200, "the session has passed the second factor"
    # Shown once: the overview tells how many are left, never the codes.
    overview = browser.get(reverse("second_factor")).content.decode()
    assert done.context["codes"][0] not in overview and "10" in overview


def test_the_setup_page_keeps_its_secret_until_confirmed(district_admin):
    browser = logged_in("district")
    first = browser.get(reverse("second_factor_setup")).content.decode()
    again = browser.get(reverse("second_factor_setup")).content.decode()
    assert setup_code(first) == setup_code(again)
    assert TOTPDevice.objects.filter(user=district_admin).count() == 1


def test_a_social_worker_logs_in_with_the_password_alone_and_may_set_up_a_second_factor(social_worker):
    browser = logged_in("worker_a")
    assert browser.get(reverse("home")).status_code == 200
    page = browser.get(reverse("second_factor_setup"))
    assert page.status_code == 200 and not page.context["required"]
    done = browser.post(reverse("second_factor_setup"), {"code": setup_code(page.content.decode())})
    assert len(done.context["codes"]) == 10
    # From the next login on, the code is asked.
    again = logged_in("worker_a")
    response = again.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("second_factor_verify"))


# The code after the password


def test_a_person_with_a_device_gives_its_code_after_the_password_and_goes_where_they_were_going(
    station_manager,
):
    make_device(station_manager)
    browser = Client()
    response = browser.get(reverse("api_tokens"))
    response = browser.post(response.url, {"username": "manager_a", "password": PASSWORD})
    assert response.url == reverse("api_tokens")
    response = browser.get(response.url)
    assert response.url == f"{reverse('second_factor_verify')}?next=%2Faccounts%2Ftokens%2F"
    response = browser.post(response.url, {"code": otp_code(station_manager.totpdevice_set.get())})
    assert response.status_code == 302 and response.url == reverse("api_tokens")
    assert browser.get(reverse("api_tokens")).status_code == 200
    assert AuditEntry.objects.filter(action="login.otp_success", actor=station_manager).exists()


def test_a_wrong_code_is_refused_audited_and_throttled(station_manager):
    device = make_device(station_manager)
    browser = logged_in("manager_a")
    wrong = browser.post(reverse("second_factor_verify"), {"code": "123456"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    failure = AuditEntry.objects.get(action="login.otp_failure")
    assert failure.actor == station_manager and failure.changes["door"] == [None, "page"]
    # Right after a wrong code even the right one waits: django-otp's throttle, doubling.
    right = otp_code(device)
    throttled = browser.post(reverse("second_factor_verify"), {"code": right})
    assert throttled.status_code == 200 and "Wait" in str(throttled.context["form"].errors["code"])
    assert browser.get(reverse("home")).status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )
    assert browser.post(reverse("second_factor_verify"), {"code": right}).status_code == 302
    assert browser.get(reverse("home")).status_code == 200


def test_a_code_works_once(station_manager):
    device = make_device(station_manager)
    code = otp_code(device)
    assert pass_second_factor(logged_in("manager_a"), station_manager, code).status_code == 302
    assert pass_second_factor(logged_in("manager_a"), station_manager, code).status_code == 200


def test_a_recovery_code_works_once_and_is_audited(district_admin):
    make_device(district_admin)
    browser = logged_in("district")
    browser.post(reverse("second_factor_verify"), {"code": otp_code(district_admin.totpdevice_set.get())})
    codes = browser.post(reverse("second_factor_recovery_codes")).context["codes"]
    assert len(codes) == 10

    first = logged_in("district")
    assert first.post(reverse("second_factor_verify"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("home")).status_code == 200
    used = AuditEntry.objects.get(action="login.recovery_code")
    assert used.actor == district_admin and used.changes["recovery_codes"] == [10, 9]

    second = logged_in("district")
    StaticDevice.objects.filter(user=district_admin).update(throttling_failure_timestamp=None)
    assert second.post(reverse("second_factor_verify"), {"code": codes[0]}).status_code == 200
    assert second.get(reverse("home")).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(district_admin):
    make_device(district_admin)
    browser = logged_in("district")
    pass_second_factor(browser, district_admin)
    old = browser.post(reverse("second_factor_recovery_codes")).context["codes"]
    new = browser.post(reverse("second_factor_recovery_codes")).context["codes"]
    assert set(old).isdisjoint(new)
    assert set(
        StaticToken.objects.filter(device__user=district_admin).values_list("token", flat=True)
    ) == set(new)
    assert AuditEntry.objects.filter(action="account.recovery_codes_renew").count() == 2


def test_the_code_comes_before_changing_an_expired_password(district_admin):
    make_device(district_admin)
    User.objects.filter(pk=district_admin.pk).update(password_changed_at=timezone.now() - timedelta(days=400))
    browser = logged_in("district")
    response = browser.get(reverse("password_change"))
    assert response.url.startswith(reverse("second_factor_verify"))
    pass_second_factor(browser, district_admin)
    assert browser.get(reverse("home")).url == reverse("password_change")


def test_the_admin_login_leads_to_the_second_factor(district_admin):
    make_device(district_admin)
    browser = Client()
    response = browser.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "district", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    response = browser.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("second_factor_verify"))
    pass_second_factor(browser, district_admin)
    assert browser.get("/admin/").status_code == 200


def test_the_session_key_changes_when_the_second_factor_is_passed(district_admin):
    make_device(district_admin)
    browser = logged_in("district")
    before = browser.session.session_key
    pass_second_factor(browser, district_admin)
    assert browser.session.session_key != before


def test_logging_out_ends_the_second_factor_with_the_session(district_admin):
    make_device(district_admin)
    browser = logged_in("district")
    pass_second_factor(browser, district_admin)
    browser.post(reverse("logout"))
    assert logged_in("district").get(reverse("home")).url.startswith(reverse("second_factor_verify"))


# The security administrator's policy


def test_the_security_administrator_requires_a_second_factor_of_social_workers(security_admin, social_worker):
    admin = Client()
    admin.force_login(security_admin)
    url = reverse("admin:socialwork_secondfactorpolicy_change", args=[1])
    assert admin.get(reverse("admin:socialwork_secondfactorpolicy_changelist")).status_code == 200
    response = admin.post(url, {"required_roles": [R.SOCIAL_WORKER]})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="second_factor.policy")
    assert entry.actor == security_admin and entry.changes["required_roles"] == [[], [R.SOCIAL_WORKER]]

    browser = logged_in("worker_a")
    assert browser.get(reverse("home")).url.startswith(reverse("second_factor_setup"))
    assert browser.get("/api/v1/units/").status_code == 403


def test_only_the_security_administrator_sets_the_policy(network, security_admin):
    for role in (R.SYSTEM_ADMIN, R.DISTRICT_ADMIN, R.AUDITOR):
        other = make_user(f"x_{role}", role, region=network.district, is_staff=True)
        client = Client()
        client.force_login(other)
        assert client.get(reverse("admin:socialwork_secondfactorpolicy_change", args=[1])).status_code == 403


# The API


def test_an_unverified_session_gets_nothing_from_the_api(district_admin):
    make_device(district_admin)
    response = unverified(district_admin).get("/api/v1/units/")
    assert response.status_code == 403 and "second factor" in response.json()["detail"]


def test_an_unverified_session_of_someone_who_needs_no_second_factor_uses_the_api(social_worker):
    assert unverified(social_worker).get("/api/v1/units/").status_code == 200


def obtain(username, **extra):
    return APIClient().post(reverse("api-token"), {"username": username, "password": PASSWORD, **extra})


def test_the_token_endpoint_needs_the_code_of_those_who_use_a_second_factor(district_admin):
    missing = obtain("district")
    assert missing.status_code == 400 and "otp" in missing.json() and "token" not in missing.json()
    device = make_device(district_admin)
    missing = obtain("district")
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong = obtain("district", otp="000000")
    assert wrong.status_code == 400 and "otp" in wrong.json()
    assert AuditEntry.objects.filter(action="login.otp_failure", changes__door=[None, "api"]).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    right = obtain("district", otp=otp_code(device))
    assert right.status_code == 200 and right.json()["token"]


def test_the_token_endpoint_speaks_the_persons_language(district_admin, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    make_device(district_admin)
    assert obtain("district").json()["otp"] == ["请输入身份验证器应用显示的动态口令（或一个恢复码）。"]


def test_a_worker_without_a_second_factor_gets_a_token_with_the_password(social_worker):
    assert obtain("worker_a").status_code == 200


def test_a_token_of_someone_now_required_to_use_a_second_factor_without_one_stops_working(
    social_worker, security_admin
):
    token = obtain("worker_a").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/units/").status_code == 200
    second_factor_policy_set(actor=security_admin, roles=[R.SOCIAL_WORKER])
    assert client.get("/api/v1/units/").status_code == 401


# The security administrator resets a device


def test_the_security_administrator_resets_a_device_audited_and_the_holder_is_told(
    security_admin, district_admin
):
    device = make_device(district_admin)
    browser = logged_in("district")
    pass_second_factor(browser, district_admin)
    token = obtain("district", otp=otp_code(device)).json()["token"]

    admin = Client()
    admin.force_login(security_admin)
    response = admin.post(
        reverse("admin:socialwork_user_changelist"),
        {"action": "second_factor_reset_selected", "_selected_action": [district_admin.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=district_admin).exists()
    assert not StaticDevice.objects.filter(user=district_admin).exists()
    entry = AuditEntry.objects.get(action="account.second_factor_reset")
    assert entry.actor == security_admin and entry.target_id == str(district_admin.pk)
    assert district_admin.notifications.filter(kind="second_factor_reset").exists()
    # The holder's sessions and tokens end; at the next login they set up a new device.
    assert browser.get(reverse("home")).status_code == 302
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(district_admin.pk)
    ]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/units/").status_code == 401
    assert logged_in("district").get(reverse("home")).url.startswith(reverse("second_factor_setup"))


def test_nobody_resets_their_own_second_factor(security_admin):
    make_device(security_admin)
    assert account_selectors.SECOND_FACTOR_RESET not in account_selectors.account_actions_for(
        security_admin, security_admin
    )
    with pytest.raises(Exception) as refused:
        account_services.user_second_factor_reset(actor=security_admin, account=security_admin)
    assert type(refused.value).__name__ == "PermissionDenied"
    assert TOTPDevice.objects.filter(user=security_admin).exists()


def test_only_the_security_administrator_resets_a_second_factor(network, district_admin):
    sysadmin = make_user("sysadmin", R.SYSTEM_ADMIN, region=network.district, is_staff=True)
    other = make_user("district2", R.DISTRICT_ADMIN, unit=network.centre, is_staff=True)
    for actor in (sysadmin, other):
        assert account_selectors.SECOND_FACTOR_RESET not in account_selectors.account_actions_for(
            actor, district_admin
        )


def test_the_user_admin_shows_whether_a_second_factor_is_set_up(security_admin, district_admin):
    admin = Client()
    admin.force_login(security_admin)
    page = admin.get(reverse("admin:socialwork_user_change", args=[district_admin.pk])).content.decode()
    assert "not set up (required: set up at the next login)" in page
    make_device(district_admin)
    page = admin.get(reverse("admin:socialwork_user_change", args=[district_admin.pk])).content.decode()
    assert "authenticator app, set up on" in page
    assert "TOTP" not in admin.get("/admin/").content.decode(), "no admin page shows the devices' secrets"


# The pages in Chinese


def test_the_second_factor_pages_read_in_chinese(district_admin, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    browser = logged_in("district")
    setup = browser.get(reverse("second_factor_setup")).content.decode()
    assert "设置双因素认证" in setup and "身份验证器" in setup and "密钥" in setup
    browser.post(reverse("second_factor_setup"), {"code": setup_code(setup)})
    browser.post(reverse("logout"))
    again = logged_in("district")
    verify = again.get(reverse("second_factor_verify")).content.decode()
    assert "双因素认证" in verify and "恢复码" in verify
    wrong = again.post(reverse("second_factor_verify"), {"code": "000000"}).content.decode()
    assert "动态口令错误或已使用过" in wrong


# Demo mode


def test_the_demo_accounts_have_devices_with_the_documented_secrets_in_demo_mode_only(network, settings):
    for username in demo.DEMO_OTP_SECRETS:
        make_user(username)
    settings.DEMO_MODE = False
    assert demo.seed_demo_devices() == 0
    assert not TOTPDevice.objects.exists(), "production never has a demo device"
    settings.DEMO_MODE = True
    assert demo.seed_demo_devices() == len(demo.DEMO_OTP_SECRETS)
    assert demo.seed_demo_devices() == 0, "idempotent"
    out = StringIO()
    call_command("demo_otp", "district", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    assert logged_in("district").post(reverse("second_factor_verify"), {"code": code}).status_code == 302


def test_demo_otp_refuses_outside_demo_mode(db, settings):
    from django.core.management.base import CommandError

    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("demo_otp", "district", stdout=StringIO(), stderr=StringIO())


def test_before_the_second_factor_the_header_shows_no_menu_inbox_or_name(station_manager):
    """The password alone reveals nothing of the person's work: the code page shows no menus, no
    inbox with its unread count and no account menu, only the way out."""
    make_device(station_manager)
    station_manager.full_name = "李站长"
    station_manager.save(update_fields=["full_name"])
    browser = unverified(station_manager)
    page = browser.get(reverse("second_factor_verify")).content.decode()
    assert 'class="nav"' not in page
    assert "inbox-link" not in page and 'class="menu account"' not in page
    assert reverse("logout") in page
    browser.post(reverse("second_factor_verify"), {"code": otp_code(station_manager.totpdevice_set.get())})
    page = browser.get(reverse("home")).content.decode()
    assert 'class="nav"' in page and "inbox-link" in page and 'class="menu account"' in page
