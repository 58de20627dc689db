"""A district follows its city's case records policy, sets its own on the policy page, and the
city's administrator sees it among the districts: 沿用市级默认, then 本区自定. In Chinese, the
site's default."""

import pytest

from casework.models import CaseworkPolicy
from tests.socialwork.test_local_rules import City

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_district_sets_its_own_case_records_policy_and_the_city_sees_it(
    live_server, page, log_in, screenshot, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    city = City()
    CaseworkPolicy.objects.create(region=city.city, quiet_case_days=30)
    policy = f"{live_server.url}/casework/policy/"

    log_in("admin_b")
    page.goto(policy)
    assert page.locator("#local-rule-follows").inner_text() == "沿用市级默认"
    assert "测试市" in page.locator("#local-rule-state").inner_text()
    assert page.locator("#id_quiet_case_days").input_value() == "30"
    screenshot("1-following")

    page.fill("#id_quiet_case_days", "21")
    page.click("#policy-form button[type=submit]")
    page.wait_for_url(policy)
    assert page.locator("#local-rule-own").inner_text() == "本区自定"
    assert page.locator("#id_quiet_case_days").input_value() == "21"
    assert page.locator("#local-rule-adopt").inner_text() == "改为沿用市级默认"
    screenshot("2-own")
    assert CaseworkPolicy.at(city.b).quiet_case_days == 21
    assert CaseworkPolicy.at(city.a).quiet_case_days == 30

    log_in("city")
    page.goto(policy)
    assert page.locator("#local-rule-own").inner_text() == "市级默认"
    rows = page.locator("#local-rule-districts tbody tr").all_inner_texts()
    assert [row.split("\t") for row in rows] == [["甲区", "沿用市级默认"], ["乙区", "本区自定"]]
    screenshot("3-city")
