"""Issue 16, finding 1: the separated administrators at work, in the Chinese interface."""

import pytest
from playwright.sync_api import expect

from socialwork.models import AuditEntry, User
from socialwork.roles import Role
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_account_is_created_reset_changed_by_its_holder_and_given_a_role(
    live_server, page, log_in, screenshot, network, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    make_user("sysadmin", Role.SYSTEM_ADMIN, region=network.district, is_staff=True)
    make_user("security", Role.SECURITY_ADMIN, region=network.district, is_staff=True)

    # The system administrator creates a worker's account, placed at a service room.
    log_in("sysadmin")
    page.goto(f"{live_server.url}/admin/socialwork/user/add/")
    page.fill("#id_username", "newworker")
    page.fill("#id_full_name", "新社工")
    page.click(".field-unit .select2-selection")
    page.fill(".select2-search__field", "甲社区服务室")
    page.click(".select2-results__option:has-text('甲社区服务室')")
    page.fill("#id_password1", "First-Pass-2026")
    page.fill("#id_password2", "First-Pass-2026")
    expect(page.locator("input[name=is_superuser], input[name=groups], input[name=roles]")).to_have_count(0)
    screenshot("1-create")
    page.click("input[name=_continue]")
    page.wait_for_url("**/admin/socialwork/user/*/change/")
    account = User.objects.get(username="newworker")
    assert account.unit == network.room_a and not account.groups.exists()

    # ... and resets its password.
    page.click("a:has-text('Reset the password'), a:has-text('重置密码')")
    page.fill("#id_password1", "Reset-Pass-2026")
    page.fill("#id_password2", "Reset-Pass-2026")
    screenshot("2-reset")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/socialwork/user/*/change/")
    screenshot("3-reset-done")

    # The worker logs in with it and is sent to choose their own.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "newworker")
    page.fill("#id_password", "Reset-Pass-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/password/")
    screenshot("4-must-change")
    page.fill("#id_old_password", "Reset-Pass-2026")
    page.fill("#id_new_password1", "Own-Choice-2026")
    page.fill("#id_new_password2", "Own-Choice-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/password/done/")
    assert account.notifications.filter(kind="password_reset").exists()

    # The security administrator grants the worker their role.
    log_in("security")
    page.goto(f"{live_server.url}/admin/socialwork/user/{account.pk}/change/")
    expect(page.locator("input[name=unit]")).to_have_count(0)  # the place is not theirs to change
    page.check(f"input[name=roles][value={Role.SOCIAL_WORKER}]")
    screenshot("5-grant")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/socialwork/user/")
    screenshot("6-granted")
    assert set(account.groups.values_list("name", flat=True)) == {Role.SOCIAL_WORKER}
    rows = AuditEntry.objects.filter(target_type="socialwork.user", target_id=str(account.pk))
    assert list(rows.filter(action__startswith="account.").values_list("action", flat=True)) == [
        "account.personal_data_role_grant", "account.password_reset", "account.create",
    ]  # fmt: skip
    assert rows.filter(action="login.success", actor=account).exists()  # issue 17: logins are audited
