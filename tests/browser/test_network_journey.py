import pytest
from playwright.sync_api import expect

from tests.browser.second_factor import enter_second_factor, with_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_opens_the_network_tree_and_switches_to_english(
    live_server, page, screenshot, network, district_admin, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    with_device("district")
    page.goto(f"{live_server.url}/")
    # Sent to the login page, in Chinese although the browser asks for English.
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_username", "district")
    page.fill("#id_password", "pass-word-42")
    screenshot("1-login")
    page.click("button[type=submit]:has-text('登录')")
    # Then the code of the district administrator's authenticator app.
    enter_second_factor(page, "district")
    page.wait_for_url(f"{live_server.url}/")

    page.click("nav >> text=服务网络")
    page.wait_for_url(f"{live_server.url}/network/")
    assert page.locator("h1").inner_text() == "服务网络"
    expect(page.locator(".tree").get_by_text("甲镇服务站")).to_be_visible()
    expect(page.locator(".tree").get_by_text("乙街道服务站")).to_be_visible()
    screenshot("2-network-zh")

    page.select_option("#language-select", "en")
    page.click("form.language button")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/network/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Service network"
    expect(page.locator(".tree").get_by_text("甲镇服务站")).to_be_visible()
    assert "服务网络" not in page.locator("body").inner_text()
    screenshot("3-network-en")


def test_station_manager_opens_their_station_but_not_the_next(
    live_server, page, log_in, screenshot, network, station_manager, social_worker
):
    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet held upright
    log_in("manager_a")
    page.goto(f"{live_server.url}/network/")
    page.get_by_role("link", name="甲镇服务站").click()
    assert page.locator("h1").inner_text().startswith("甲镇服务站")
    expect(page.get_by_role("link", name="甲社区服务室")).to_be_visible()
    expect(page.get_by_text("胡社工")).to_be_visible()
    # Nothing runs off the side of a tablet's screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("station-tablet")
    response = page.goto(f"{live_server.url}{network.station_b.get_absolute_url()}")
    assert response.status == 404
