"""The network by region, in Chinese (issue 18): a district opens a town and follows a room."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_district_opens_a_town_in_the_region_tree_and_reaches_its_room(
    live_server, page, log_in, screenshot, settings, network, district_admin
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    log_in("district")
    page.goto(f"{live_server.url}/network/")
    page.click("main .actions >> text=按区域查看")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    town = page.locator(f"#region-tree li[data-region='{network.town_a.code}'] > details")
    room = page.get_by_role("link", name="甲社区服务室")
    assert town.get_attribute("open") is None and not room.is_visible()  # closed until opened
    screenshot("1-closed")
    town.locator("> summary").click()
    expect(room).to_be_visible()
    assert "服务室 1" in town.locator("> summary").inner_text()
    screenshot("2-town-open")
    room.click()
    assert page.locator("h1").inner_text().startswith("甲社区服务室")
