"""District staff look at the dashboard of the demo district, then prepare the annual report,
watch its progress and download it."""

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports import services, tasks
from reports.models import AnnualReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_staff_prepare_the_annual_report_and_download_it(
    live_server, page, log_in, screenshot, tmp_path, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    call_command("seed_demo", verbosity=0)  # a transactional test starts after a flush

    log_in("district", "demo-2026")

    # The dashboard: every chart beside its table, for the year of the seed's figures.
    page.goto(f"{live_server.url}/reports/?year=2015")
    assert page.locator("svg[role=img]").count() >= 5
    assert page.locator("table").count() >= page.locator("svg[role=img]").count()
    assert "1417" in page.locator("main").inner_text().replace(",", "")
    screenshot("1-dashboard")

    # The annual report, from the menu.
    page.click("nav details:has(a[href='/reports/annual/']) > summary")
    page.click("nav a[href='/reports/annual/']")
    page.fill("#id_year", "2015")
    page.click("#annual-request button[type=submit]")
    page.wait_for_load_state()
    progress = page.locator("#annual-task progress")
    progress.wait_for()
    page.wait_for_function("document.querySelector('#annual-task progress').value == 100")
    screenshot("2-report-ready")
    report = AnnualReport.objects.get()
    assert report.status == AnnualReport.Status.DONE
    with page.expect_download() as download:
        page.click("#annual-task a[href$='/xlsx/']")
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    workbook = load_workbook(path, read_only=True)
    assert len(workbook.sheetnames) >= 5


def test_the_first_look_at_a_year_shows_its_figures_once_the_worker_has_computed_them(
    live_server, page, log_in, screenshot, settings, monkeypatch
):
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("seed_demo", verbosity=0)
    queued = []  # a busy worker: the refresh waits in the queue until the test runs it
    monkeypatch.setattr(tasks.dashboard_refresh, "delay", lambda **arguments: queued.append(arguments))
    log_in("district", "demo-2026")

    page.goto(f"{live_server.url}/reports/?year=2015")
    page.get_by_role("status").wait_for()
    assert page.locator("svg[role=img]").count() == 0 and len(queued) == 1
    screenshot("1-being-computed")

    services.dashboard_refresh_now(**queued[0])  # the worker's turn comes
    page.locator("svg[role=img]").first.wait_for()  # fetched by the page itself, no reload
    assert page.locator("svg[role=img]").count() >= 5
    assert "1417" in page.locator("main").inner_text().replace(",", "")
    expect(page.get_by_role("status")).to_have_count(0)
    screenshot("2-figures-arrived")
