"""In Chinese, as the district administrator: a workers' file is uploaded and previewed, the row
already on record is shown and updated, the import runs in the background with its progress bar,
the page turns to what was written without a reload, and the import is undone after confirming."""

import pytest
from playwright.sync_api import expect

from positions.models import SocialWorker
from socialwork.imports import tasks
from socialwork.models import ImportRun
from tests.positions.test_imports import WORKER_HEADERS, csv_file, id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_preview_duplicates_confirm_progress_done_undo(
    live_server, page, log_in, screenshot, network, district_admin, settings, monkeypatch, tmp_path
):
    settings.LANGUAGE_CODE = "zh-hans"
    settings.IMPORT_INLINE_ROWS = 1  # two rows go to the worker
    SocialWorker.objects.create(
        name="张丽", gender="female", id_number=id_number(), employer_unit=network.room_a
    )
    queued = []
    monkeypatch.setattr(tasks.import_run_task, "apply_async", lambda args, **kwargs: queued.append(args[0]))
    rows = [
        ["张丽", "女", id_number(), "", network.room_a.code, "社工师", "C-1"],
        ["王芳", "女", id_number(sequence="144"), "", network.room_a.code, "助理社工师", "C-2"],
    ]
    path = tmp_path / "社工名册.csv"
    path.write_bytes(csv_file(WORKER_HEADERS, rows).read())

    log_in("district")
    page.goto(f"{live_server.url}/imports/")
    page.select_option("#id_kind", "workers")
    page.set_input_files("#id_file", str(path))
    page.click("#check-file")
    page.wait_for_selector("#import-preview")
    assert page.locator("#good-rows").inner_text() == "2"
    duplicates = page.locator("#duplicate-rows-table").inner_text()
    assert "张丽" in duplicates
    page.check("input[name=on_duplicate][value=update]")
    screenshot("1-preview")

    page.click("#confirm-import")
    page.wait_for_selector("#import-progress")
    run = ImportRun.objects.get()
    assert queued == [str(run.pk)] and run.status == ImportRun.Status.QUEUED
    screenshot("2-progress")

    tasks.import_run_task.apply(args=[str(run.pk)], task_id=str(run.pk))
    page.wait_for_selector("#import-run[data-status=done]")  # the bar's poll reloads
    assert page.locator("#created-count").inner_text() == "1"
    assert page.locator("#updated-count").inner_text() == "1"
    screenshot("3-done")

    worker = SocialWorker.objects.get(name="王芳")
    page.goto(f"{live_server.url}/workers/{worker.pk}/")
    assert "社工名册.csv" in page.locator("#import-sources").inner_text()
    screenshot("4-source")

    page.goto(f"{live_server.url}/imports/runs/{run.pk}/")
    page.click("#undo-import")
    expect(page.locator("#confirm-page")).to_be_visible()
    screenshot("5-confirm")
    page.click("#confirm-button")
    page.wait_for_selector("#import-run[data-status=undone]")
    assert not SocialWorker.objects.filter(name="王芳").exists()
    assert (
        SocialWorker.objects.get(
            id_number_digest=SocialWorker.objects.get().id_number_digest
        ).certificate_number
        == ""
    )
    screenshot("6-undone")
