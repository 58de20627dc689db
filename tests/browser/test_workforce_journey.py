import pytest
from playwright.sync_api import expect

from positions.models import CertificateLevel, HostInstitution, SocialWorker
from socialwork.idnumbers import check_character

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_station_manager_sets_up_a_post_appoints_a_worker_and_sees_the_vacancy_drop(
    live_server, page, log_in, screenshot, network, station_manager
):
    HostInstitution.objects.get_or_create(name="民政")  # a transactional test may start after a flush
    first17 = "42050619880808123"
    SocialWorker.objects.create(
        name="叶明", gender="male", id_number=first17 + check_character(first17), employer_unit=network.room_a,
        certificate_level=CertificateLevel.ASSISTANT,
    )  # fmt: skip
    log_in("manager_a")

    page.goto(f"{live_server.url}/positions/new/")
    page.fill("#id_code", "P-JOURNEY-1")
    page.fill("#id_title", "甲社区网格社工")
    page.fill("#id_unit", "甲社区岗位0")
    page.select_option("#id_host", label="民政")
    page.select_option("#id_category", "grid")
    page.select_option("#id_setup_mode", "contract")
    page.fill("#id_quota", "2")
    screenshot("1-new-position")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text().startswith("甲社区网格社工")
    assert page.locator("#vacant-count").inner_text() == "2"

    page.fill("#appoint-form input[name=worker]", first17 + check_character(first17))
    page.fill("#appoint-form input[name=starts_on]", "2026-11-01")
    page.click("#appoint-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#filled-count").inner_text() == "1"
    assert page.locator("#vacant-count").inner_text() == "1"
    expect(page.get_by_role("link", name="叶明")).to_be_visible()
    screenshot("2-appointed")

    page.goto(f"{live_server.url}/positions/?vacancy=vacant")
    row = page.locator("tr", has_text="P-JOURNEY-1")
    assert row.locator("td.vacant").inner_text() == "1"
