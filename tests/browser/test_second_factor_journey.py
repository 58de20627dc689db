"""Issue 19, point 1: a new district administrator sets up the second factor at the first login,
in the Chinese interface, then logs in with its code; the pages break no rule of the CSP."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from socialwork.models import AuditEntry
from tests.browser.second_factor import enter_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_district_administrator_sets_up_the_second_factor_and_logs_in_with_its_code(
    live_server, page, screenshot, network, district_admin, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "district")
    page.fill("#id_password", "pass-word-42")
    page.click("main button[type=submit]")

    # Before anything else: setting up the authenticator app, its QR code drawn by the site.
    page.wait_for_url("**/accounts/two-factor/setup/**")
    assert page.locator("h1").inner_text() == "设置双因素认证"
    qr = page.locator("img.qr-code")
    assert qr.is_visible() and qr.evaluate("image => image.naturalWidth") > 0, "the QR code is drawn"
    screenshot("1-setup")
    # Scan-free: the secret as printed on the page, into the "app".
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    code = f"{TOTP(b32decode(secret)).token():06d}"
    page.fill("#id_code", code)
    page.click("main button[type=submit]")

    # The recovery codes, shown once.
    assert page.locator("h1").inner_text() == "恢复码"
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot("2-recovery-codes")
    page.click("a:has-text('继续')")
    page.wait_for_url(f"{live_server.url}/")

    # The next login asks for the code; a wrong one is refused in Chinese.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/network/")
    page.fill("#id_username", "district")
    page.fill("#id_password", "pass-word-42")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    assert page.locator("h1").inner_text() == "双因素认证"
    page.fill("#id_code", "000000")
    page.click("main button[type=submit]")
    assert "动态口令错误或已使用过" in page.locator(".errors").inner_text()
    screenshot("3-wrong-code")
    time.sleep(2.1)  # the throttle's wait after one wrong code
    enter_second_factor(page, "district")
    page.wait_for_url(f"{live_server.url}/network/")
    assert page.locator("h1").inner_text() == "服务网络"
    screenshot("4-in")

    assert refused == [], "no page broke the CSP"
    actions = set(AuditEntry.objects.filter(actor=district_admin).values_list("action", flat=True))
    assert {"account.second_factor_enrol", "login.otp_failure", "login.otp_success"} <= actions
