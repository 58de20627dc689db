"""Awards and brand studios kept on their own pages, in Chinese (issue 18)."""

import pytest
from playwright.sync_api import expect

from positions.models import Award, CertificateLevel, SocialWorker, Studio
from socialwork.idnumbers import check_character

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def worker(name, unit, first17, certificate):
    return SocialWorker.objects.create(
        name=name, gender="female", id_number=first17 + check_character(first17), employer_unit=unit,
        certificate_level=CertificateLevel.SOCIAL_WORKER, certificate_number=certificate,
    )  # fmt: skip


def test_the_district_sets_up_a_studio_and_a_station_records_an_award_in_chinese(
    live_server, page, log_in, screenshot, settings, network, district_admin, station_manager
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    niu = worker("牛焕菊", network.room_a, "42050619750303123", "S0001")
    worker("乙站社工", network.room_b, "42050619800404123", "S0002")

    log_in("district")
    page.goto(f"{live_server.url}/studios/new/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_name", "牛焕菊工作室")
    page.fill("#id_leader", "S0001")
    page.select_option("#id_unit", label="甲镇服务站")
    page.fill("#id_established_on", "2014-11-01")
    page.fill("#id_description", "困境儿童与留守儿童服务")
    screenshot("1-new-studio")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "牛焕菊工作室"
    assert "2014-11-01" in page.locator("dl.details").inner_text()
    page.fill("#studio-projects input[name=name]", "童心港湾")
    page.fill("#studio-projects input[name=year]", "2015")
    page.click("#studio-projects button[type=submit]")
    page.wait_for_load_state()
    assert "童心港湾" in page.locator("#studio-projects table").inner_text()
    screenshot("2-studio")

    # Saved unchanged from its edit page, the studio keeps every field (the date too).
    page.click("[data-action=edit]")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    studio = Studio.objects.get()
    assert (str(studio.established_on), studio.leader, studio.unit) == ("2014-11-01", niu, network.station_a)

    log_in("manager_a")
    page.goto(f"{live_server.url}/awards/new/")
    page.fill("#id_name", "宜昌市优秀社会工作者")
    page.select_option("#id_level", "city")
    page.fill("#id_year", "2015")
    page.fill("#id_worker", "S0002")  # another station's worker: not theirs to record
    with page.expect_navigation():  # the page comes back with the error: wait for it, not the old one
        page.click("main button[type=submit]")
    expect(page.locator(".field.has-error")).to_have_count(1)
    page.fill("#id_worker", "S0001")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert Award.objects.get().worker == niu

    page.goto(f"{live_server.url}/awards/")
    assert "宜昌市优秀社会工作者" in page.locator("#awards").inner_text()
    screenshot("3-awards")
    page.goto(f"{live_server.url}/studios/")
    assert "牛焕菊工作室" in page.locator("#studios").inner_text()
    screenshot("4-studios")
