"""The station manager, in Chinese, sees a worker's registration short of hours, records outside
training with its certificate, and renews the registration for three years."""

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from positions.models import RegistrationPeriod
from positions.services.registration import registration_hours_defaults
from positions.services.workforce import worker_save
from tests.positions.test_registration import attended, make_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/wt/shots/registration")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_station_manager_records_outside_hours_and_renews_a_registration(
    live_server, page, log_in, screenshot, network, station_manager, settings, tmp_path
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    settings.MEDIA_ROOT = tmp_path

    registration_hours_defaults()  # a transactional test may start after a flush
    today = timezone.localdate()
    worker = make_worker("叶明", unit=network.room_a)
    ends_on = today + timedelta(days=60)
    worker = worker_save(
        actor=station_manager, worker=worker, registration_number="DJ420506001",
        registered_on=ends_on - timedelta(days=3 * 365), registration_valid_until=ends_on,
    )  # fmt: skip
    attended(worker, today - timedelta(days=90), "30.0", unit=network.station_a)
    certificate = tmp_path / "结业证书.pdf"
    certificate.write_bytes(PDF)
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name):
        shutil.copy(screenshot(name), SHOTS / f"{name}.png")

    log_in("manager_a")
    page.goto(f"{live_server.url}{worker.get_absolute_url()}#registration")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    status = page.locator("#renewal-status").inner_text()
    assert "尚缺42学时" in status
    assert page.locator("table.ledger .ledger-short").first.inner_text() == "42"
    page.locator("#registration").scroll_into_view_if_needed()
    shot("1-worker-short-of-hours")

    page.click("#registration a:has-text('再登记')")
    assert "尚缺42学时" in page.locator("#renewal-refused").inner_text()
    shot("2-renewal-refused")

    page.click("#renewal a:has-text('登记外部培训学时')")
    page.fill("#id_title", "社会工作督导能力提升研修班")
    page.fill("#id_organizer", "华中师范大学社会学院")
    page.fill("#id_held_on", f"{today - timedelta(days=20):%Y-%m-%d}")
    page.fill("#id_hours", "42")
    page.click("#outside-training-form button[type=submit]")  # no certificate yet
    expect(page.locator(".field.has-error")).not_to_have_count(0)
    page.set_input_files("#id_certificate", str(certificate))
    shot("3-outside-training-form")
    page.click("#outside-training-form button[type=submit]")
    page.wait_for_url(f"**{worker.get_absolute_url()}*")
    assert page.locator("table.ledger .ledger-total").first.inner_text() == "72"
    assert "已可办理再登记" in page.locator("#renewal-status").inner_text()
    shot("4-ledger-complete")

    page.click("#registration a:has-text('再登记')")
    page.fill("#id_number", "DJ420506001-2")
    shot("5-renewal-open")
    page.click("#renewal button[type=submit]")
    page.wait_for_url(f"**{worker.get_absolute_url()}*")
    new = RegistrationPeriod.objects.get(worker=worker, renewed_from__isnull=False)
    assert new.starts_on == ends_on + timedelta(days=1)
    assert new.number == "DJ420506001-2"
    expect(page.locator(f"h3[data-period='{new.pk}']")).to_be_visible()
    assert page.locator("table.ledger .ledger-short").nth(1).inner_text() == "0"  # the period renewed
    page.locator("#registration").scroll_into_view_if_needed()
    shot("6-renewed")
