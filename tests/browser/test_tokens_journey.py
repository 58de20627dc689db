import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_station_manager_makes_uses_and_revokes_an_api_token_in_chinese(
    live_server, page, log_in, screenshot, station_manager, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    log_in("manager_a")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("summary.who")  # the account menu, under the person's name
    page.click("a[href='/accounts/tokens/']")
    page.wait_for_url(f"{live_server.url}/accounts/tokens/")
    page.fill("#id_name", "月报同步脚本")
    page.click("form.card button[type=submit]")
    token = page.locator(".new-token .secret").inner_text().strip()
    assert len(token) == 64
    assert page.locator("tbody tr").count() == 1 and "月报同步脚本" in page.locator("tbody").inner_text()
    screenshot("1-new-token")

    api = f"{live_server.url}/api/v1/units/"
    assert page.request.get(api, headers={"Authorization": f"Token {token}"}).status == 200

    # Shown once: the list has only its first characters after a reload.
    page.goto(f"{live_server.url}/accounts/tokens/")
    assert token not in page.content() and f"{token[:8]}…" in page.locator("tbody").inner_text()
    page.click("tbody button:has-text('撤销')")
    page.wait_for_url(f"{live_server.url}/accounts/tokens/")
    assert page.locator("tbody tr").count() == 1 and token[:8] not in page.locator("tbody").inner_text()
    screenshot("2-revoked")
    assert page.request.get(api, headers={"Authorization": f"Token {token}"}).status == 401
    # Nothing runs off the side of the screen, the token included.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
