"""A district administrator prepares the district archive with a passphrase typed twice, watches
it being written, downloads it, and opens it with the passphrase."""

import io

import pytest
import pyzipper
from playwright.sync_api import expect

from tests.casework.factories import make_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "三峡大坝-2026-archive"


def test_a_district_administrator_prepares_and_downloads_the_archive(
    live_server, page, log_in, screenshot, district_admin, station_manager, tmp_path, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    make_client(station_manager, name="本区案主", id_number="")
    log_in("district")

    page.click("nav details:has(a[href='/reports/archive/']) > summary")
    page.click("nav a[href='/reports/archive/']")
    page.fill("#id_passphrase", "short")
    page.fill("#id_passphrase_again", "short")
    page.click("#archive-request button[type=submit]")
    expect(page.locator(".has-error")).not_to_have_count(0)
    screenshot("1-too-short")

    page.fill("#id_passphrase", PASSPHRASE)
    page.fill("#id_passphrase_again", PASSPHRASE)
    page.click("#archive-request button[type=submit]")
    page.wait_for_load_state()
    link = page.locator("#archives a[href$='/download/']")
    link.wait_for()
    screenshot("2-ready")
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "archive.zip"
    download.value.save_as(path)
    with pyzipper.AESZipFile(path) as archive:
        archive.setpassword(PASSPHRASE.encode())
        clients = archive.read("data/casework/client.csv").decode("utf-8-sig")
    assert "本区案主" in clients
    assert io.BytesIO(path.read_bytes()).read(2) == b"PK"
