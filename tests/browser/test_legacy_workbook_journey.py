"""The demo legacy workbook, end to end in the browser, in Chinese: the district administrator
uploads the bureau's workbook, reads every wrong row of their sheets explained (the station's
sheets named and left alone), uploads it corrected and imports it; then the station manager
does the same with the station's sheets."""

import pytest
from django.core.management import call_command

from socialwork.models import ImportRun
from tests.socialwork.test_legacy_workbook import DEMO, DISTRICT, STATION, without_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_brings_its_workbook_in_person_by_person(
    live_server, page, log_in, screenshot, settings, tmp_path
):
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("seed_demo", verbosity=0)
    legacy = DEMO / "legacy-registers.xlsx"
    for username, own in (("district", DISTRICT), ("station", STATION)):
        corrected = tmp_path / f"{username}-台账（已改正）.xlsx"
        corrected.write_bytes(without_rows(legacy.read_bytes(), own).read())

        log_in(username, "demo-2026")
        page.goto(f"{live_server.url}/imports/")
        page.select_option("#id_kind", "workbook")
        page.set_input_files("#id_file", str(legacy))
        page.click("#check-file")
        page.wait_for_selector("#import-preview")
        bad = page.locator("#bad-rows-table tbody tr")
        named = [tuple(bad.nth(index).locator("td").all_inner_texts()[:2]) for index in range(bad.count())]
        assert named == [(sheet, str(row)) for sheet, rows in own.items() for row in rows]
        assert all(
            text.strip() for text in page.locator("#bad-rows-table tbody td:nth-child(3)").all_inner_texts()
        )
        others = page.locator("#sheets-left-out").inner_text()
        assert all(sheet in others for sheet in (STATION if username == "district" else DISTRICT))
        assert not page.locator("#confirm-import").count()
        screenshot(f"{username}-1-wrong-rows")

        page.select_option("#id_kind", "workbook")
        page.set_input_files("#id_file", str(corrected))
        page.click("#check-file")
        page.wait_for_selector("#confirm-import")
        assert page.locator("#bad-rows").inner_text() == "0"
        if page.locator("#duplicate-rows-table").count():
            page.check("input[name=on_duplicate][value=skip]")
        screenshot(f"{username}-2-corrected")
        page.click("#confirm-import")
        page.wait_for_selector("#import-run[data-status=done]")
        run = ImportRun.objects.filter(started_by__username=username).latest("created_at")
        assert run.status == ImportRun.Status.DONE
        assert page.locator("#created-count").inner_text() == str(run.created_count) != "0"
        screenshot(f"{username}-3-imported")
