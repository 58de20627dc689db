"""Import runs: each record an import writes keeps its file, sheet and row (shown on its page),
a run is undone as a whole unless something was built on it, a workbook of several registers is
checked and written sheet by sheet, and a large file runs in the background."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from positions.models import Exam, Position, SocialWorker
from positions.services import workforce
from socialwork.actions import ActionNotAllowed
from socialwork.imports import runs, selectors, services
from socialwork.imports.services import SKIP, UPDATE
from socialwork.models import AuditEntry, ImportedRecord, ImportRun, Notification
from tests.positions.test_imports import (
    POSITION_HEADERS,
    WORKER_HEADERS,
    csv_file,
    id_number,
    position_row,
    rows_of,
    xlsx,
)


def worker_row(name, unit, sequence="124", **overrides):
    row = {"姓名": name, "性别": "", "身份证号": id_number(sequence=sequence), "出生日期": "",
           "工作单位编码": unit.code, "证书等级": "社工师", "证书编号": ""}  # fmt: skip
    row.update(overrides)
    return [row[header] for header in WORKER_HEADERS]


def run_of(actor, register, upload, on_duplicate="stop"):
    run = runs.import_run_create(actor=actor, register=register, upload=upload)
    runs.import_run_preview(run=run)
    runs.import_run_confirm(actor=actor, run=run, on_duplicate=on_duplicate)
    run.refresh_from_db()
    return run


def workbook(sheets: dict) -> SimpleUploadedFile:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile("legacy.xlsx", output.getvalue())


# Runs and provenance


def test_a_run_keeps_every_record_with_its_file_sheet_and_row(district_admin, network):
    upload = xlsx(
        POSITION_HEADERS, [position_row(f"P-{i}", network.posts_a[0]) for i in range(3)], name="岗位.xlsx"
    )
    run = run_of(district_admin, "positions", upload)
    assert run.status == ImportRun.Status.DONE and run.created_count == 3 and run.finished_at
    assert not run.stored_file and not default_storage.exists(runs.stored_name(run, ".xlsx"))
    records = list(run.records.order_by("row"))
    assert [(r.sheet, r.row, r.action) for r in records] == [("岗位", n, "created") for n in (2, 3, 4)]
    position = Position.objects.get(code="P-1")
    (source,) = selectors.import_sources(position)
    assert (source.run.file_name, source.sheet, source.row) == ("岗位.xlsx", "岗位", 3)
    assert AuditEntry.objects.filter(action="import.run", target_id=str(run.pk)).exists()


def test_an_updated_record_keeps_its_values_from_before(district_admin, network):
    run_of(district_admin, "workers", csv_file(WORKER_HEADERS, [worker_row("张丽", network.room_a)]))
    worker = SocialWorker.objects.get()
    updated = csv_file(WORKER_HEADERS, [worker_row("张丽丽", network.room_a, 电话="")])
    run = run_of(district_admin, "workers", updated, on_duplicate=UPDATE)
    assert run.updated_count == 1
    record = run.records.get()
    assert record.action == "updated" and record.before["name"] == "张丽"
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT before_text FROM socialwork_importedrecord WHERE id = %s", [record.pk])
        assert str(worker.id_number) not in cursor.fetchone()[0]
    runs.import_undo(actor=district_admin, run=run)
    worker.refresh_from_db()
    assert worker.name == "张丽"


def test_skipped_rows_are_counted(district_admin, network):
    run_of(district_admin, "workers", csv_file(WORKER_HEADERS, [worker_row("张丽", network.room_a)]))
    rows = [worker_row("张丽", network.room_a), worker_row("王芳", network.room_a, sequence="144")]
    run = run_of(district_admin, "workers", csv_file(WORKER_HEADERS, rows), on_duplicate=SKIP)
    assert (run.created_count, run.skipped_count) == (1, 1)


@pytest.mark.parametrize("page", ["worker", "position"])
def test_the_record_page_shows_where_it_came_from(as_user, district_admin, network, page):
    run_of(
        district_admin,
        "workers",
        csv_file(WORKER_HEADERS, [worker_row("张丽", network.room_a)], name="社工.csv"),
    )
    run_of(district_admin, "positions", xlsx(POSITION_HEADERS, [position_row("P-1", network.posts_a[0])]))
    obj = SocialWorker.objects.get() if page == "worker" else Position.objects.get()
    response = as_user(district_admin).get(reverse(f"positions:{page}_detail", args=[obj.pk]))
    content = response.content.decode()
    assert 'id="import-sources"' in content and "row 2" in content


# Undo


def test_a_run_is_undone_as_a_whole_and_audited(as_user, district_admin, network):
    run = run_of(
        district_admin,
        "positions",
        xlsx(POSITION_HEADERS, [position_row(f"P-{i}", network.posts_a[0]) for i in range(3)]),
    )
    assert "undo" in selectors.actions_for(district_admin, run)
    assert selectors.undo_blockers(run) == []
    client = as_user(district_admin)
    asked = client.post(reverse("positions:import_undo", args=[run.pk]))
    assert 'id="confirm-page"' in asked.content.decode() and Position.objects.count() == 3
    client.post(reverse("positions:import_undo", args=[run.pk]), {"confirmed": "1"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.UNDONE and run.undone_by == district_admin
    assert not Position.objects.exists()
    assert AuditEntry.objects.filter(action="import.undo", target_id=str(run.pk)).exists()
    assert selectors.actions_for(district_admin, run) == {}


def test_what_was_built_on_a_run_is_named_and_nothing_is_undone(as_user, district_admin, network):
    run = run_of(district_admin, "workers", csv_file(WORKER_HEADERS, [worker_row("张丽", network.room_a)]))
    worker = SocialWorker.objects.get()
    workforce.exam_record(actor=district_admin, worker=worker, year=2024, level="assistant", passed=False)
    workforce.exam_record(actor=district_admin, worker=worker, year=2025, level="assistant", passed=False)
    blockers = selectors.undo_blockers(run)
    assert len(blockers) == 1 and "张丽" in blockers[0] and "2" in blockers[0]
    with pytest.raises(ValidationError):
        runs.import_undo(actor=district_admin, run=run)
    assert SocialWorker.objects.exists() and Exam.objects.count() == 2
    page = as_user(district_admin).post(reverse("positions:import_undo", args=[run.pk]), {"confirmed": "1"})
    assert 'id="undo-blockers"' in page.content.decode() and "张丽" in page.content.decode()


def test_a_record_changed_since_blocks_the_undo(district_admin, network):
    run = run_of(
        district_admin, "positions", xlsx(POSITION_HEADERS, [position_row("P-1", network.posts_a[0])])
    )
    Position.objects.filter(code="P-1").update(title="改过", updated_at=timezone.now() + timedelta(seconds=1))
    assert any("P-1" in blocker or "改过" in blocker for blocker in selectors.undo_blockers(run))


def test_undo_closes_after_the_set_days(district_admin, network, settings):
    run = run_of(
        district_admin, "positions", xlsx(POSITION_HEADERS, [position_row("P-1", network.posts_a[0])])
    )
    ImportRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now() - timedelta(days=settings.IMPORT_UNDO_DAYS, minutes=1)
    )
    run.refresh_from_db()
    assert selectors.actions_for(district_admin, run) == {}
    with pytest.raises(ActionNotAllowed):
        runs.import_undo(actor=district_admin, run=run)


def test_only_the_importer_and_the_district_admin_undo(
    station_manager, district_admin, social_worker, network
):
    upload = csv_file(WORKER_HEADERS, [worker_row("张丽", network.room_a)])
    run = run_of(station_manager, "workers", upload)
    assert "undo" in selectors.actions_for(station_manager, run)
    assert "undo" in selectors.actions_for(district_admin, run)
    assert selectors.actions_for(social_worker, run) == {}
    assert not selectors.runs_visible_to(user=social_worker).filter(pk=run.pk).exists()


# A workbook of several registers


def test_a_workbook_is_previewed_and_written_sheet_by_sheet(as_user, district_admin, network):
    book = workbook({
        "岗位": [POSITION_HEADERS, position_row("P-1", network.posts_a[0]), position_row("P-2", network.posts_a[0])],
        "社工": [WORKER_HEADERS, worker_row("张丽", network.room_a)],
        "备注": [["随便写点什么"]],
    })  # fmt: skip
    client = as_user(district_admin)
    response = client.post(reverse("positions:import"), {"kind": "workbook", "file": book})
    preview = response.context["preview"]
    assert [(s.sheet, s.total) for s in preview.sheets] == [("岗位", 2), ("社工", 1)]
    token = response.context["confirm"].initial["token"]
    client.post(reverse("positions:import"), {"token": token})
    run = ImportRun.objects.get()
    assert run.register == "workbook" and run.created_count == 3
    assert sorted(run.records.values_list("sheet", "row")) == [("岗位", 2), ("岗位", 3), ("社工", 2)]


def test_a_bad_row_of_a_workbook_names_its_sheet(as_user, district_admin, network):
    book = workbook(
        {"岗位": [POSITION_HEADERS, position_row("P-1", network.posts_a[0], 服务单位编码="NOPE")]}
    )
    response = as_user(district_admin).post(reverse("positions:import"), {"kind": "workbook", "file": book})
    [problem] = response.context["preview"].problems
    assert problem.row == 2 and "NOPE" in problem.reasons[0] and response.context["confirm"] is None
    assert '<td class="nowrap">岗位</td><td>2</td>' in response.content.decode()


def test_the_later_sheets_know_what_the_earlier_ones_bring_in(district_admin, network):
    """Each sheet's good identities are added to `pending`, which the registers after it read."""
    upload = xlsx(
        POSITION_HEADERS,
        [
            position_row("P-1", network.posts_a[0]),
            position_row("P-2", network.posts_a[0], 服务单位编码="NOPE"),
        ],
    )
    pending = {}
    services.import_preview(
        actor=district_admin, kind="positions", rows=rows_of(upload, "positions"), pending=pending
    )
    assert pending == {"positions": {"P-1"}}


# In the background


def test_a_large_run_is_written_by_the_worker_and_its_person_told(
    as_user, district_admin, network, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 2
    client = as_user(district_admin)
    upload = xlsx(POSITION_HEADERS, [position_row(f"P-{i}", network.posts_a[0]) for i in range(5)])
    response = client.post(reverse("positions:import"), {"kind": "positions", "file": upload})
    token = response.context["confirm"].initial["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("positions:import"), {"token": token})
    run = ImportRun.objects.get()
    assert response.url == reverse("positions:import_run", args=[run.pk])
    assert run.status == ImportRun.Status.DONE and Position.objects.count() == 5  # eager in tests
    notification = Notification.objects.get(user=district_admin, kind="import_finished")
    assert notification.url == reverse("positions:import_run", args=[run.pk])
    progress = client.get(
        reverse("positions:import_run_progress", args=[run.pk]), headers={"HX-Request": "true"}
    )
    assert progress.status_code == 200 and 'data-status="done"' in progress.content.decode()
    assert "hx-get" not in progress.content.decode()  # the poll stops


def test_a_file_too_large_for_the_request_is_checked_by_the_worker(
    as_user, district_admin, network, monkeypatch
):
    from socialwork.imports import reading

    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    upload = xlsx(POSITION_HEADERS, [position_row(f"P-{i}", network.posts_a[0]) for i in range(3)])
    response = as_user(district_admin).post(
        reverse("positions:import"), {"kind": "positions", "file": upload}
    )
    run = ImportRun.objects.get()
    assert response.url == reverse("positions:import_run", args=[run.pk])
    assert run.status == ImportRun.Status.CHECKED and run.progress_total == 3
    page = as_user(district_admin).get(response.url)
    assert 'id="confirm-import"' in page.content.decode()


def test_someone_else_cannot_confirm_or_see_a_run(as_user, district_admin, station_manager, network):
    upload = xlsx(POSITION_HEADERS, [position_row("P-1", network.posts_a[0])])
    run = runs.import_run_create(actor=district_admin, register="positions", upload=upload)
    runs.import_run_preview(run=run)
    with pytest.raises(ActionNotAllowed):
        runs.import_run_confirm(actor=station_manager, run=run, on_duplicate="stop")
    assert as_user(station_manager).get(reverse("positions:import_run", args=[run.pk])).status_code == 404
    assert ImportedRecord.objects.count() == 0


def test_a_commit_holds_one_chunk_of_records_at_a_time(district_admin, network, monkeypatch):
    """With a run, each chunk's records are written as ImportedRecord rows and let go."""
    from socialwork.imports import registry
    from socialwork.imports import services as import_services

    monkeypatch.setattr(import_services, "CHUNK", 2)
    monkeypatch.setattr(registry, "CHUNK", 2)
    held = []
    flush = import_services.Recorder.flush

    def spy(recorder, run):
        held.append(len(recorder.created))
        flush(recorder, run)

    monkeypatch.setattr(import_services.Recorder, "flush", spy)
    upload = xlsx(POSITION_HEADERS, [position_row(f"P-{i}", network.posts_a[0]) for i in range(5)])
    run = ImportRun.objects.create(started_by=district_admin, register="positions", file_name="x.xlsx")
    recorder = import_services.import_commit(
        actor=district_admin,
        kind="positions",
        rows=import_services.consumed(rows_of(upload, "positions")),
        run=run,
    )
    assert held == [2, 2, 1] and recorder.created == [] and recorder.created_count == 5
    assert run.records.count() == 5


def test_the_background_reads_more_rows_than_a_request(network):
    from socialwork.imports import reading

    rows = [["P", "t", "U", "民政", "grid", "contract"]] * (reading.MAX_ROWS + 1)
    upload = csv_file(POSITION_HEADERS[:6], rows)
    with pytest.raises(ValidationError, match="more than 20000 rows"):
        rows_of(upload, "positions")
    with reading.background():
        assert len(rows_of(upload, "positions")) == reading.MAX_ROWS + 1
    too_many = csv_file(POSITION_HEADERS[:6], [rows[0]] * (reading.BACKGROUND_MAX_ROWS + 1))
    with reading.background(), pytest.raises(ValidationError, match="more than 100000 rows"):
        rows_of(too_many, "positions")


def test_rows_already_on_record_wait_for_the_person_to_say_what_becomes_of_them(
    as_user, district_admin, network
):
    SocialWorker.objects.create(
        name="张丽", gender="female", id_number=id_number(), employer_unit=network.room_a
    )
    client = as_user(district_admin)
    upload = csv_file(WORKER_HEADERS, [["张丽", "女", id_number(), "", network.room_a.code, "社工师", "C-1"]])
    preview = client.post(reverse("positions:import"), {"kind": "workers", "file": upload})
    token = preview.context["confirm"].initial["token"]
    assert "checked" not in [w.data.get("selected") for w in preview.context["confirm"]["on_duplicate"]]

    unchosen = client.post(reverse("positions:import"), {"token": token})
    assert unchosen.status_code == 200
    assert unchosen.context["confirm"].errors["on_duplicate"]
    assert ImportRun.objects.get().status == ImportRun.Status.CHECKED  # still waiting, nothing written

    done = client.post(reverse("positions:import"), {"token": token, "on_duplicate": SKIP}, follow=True)
    assert ImportRun.objects.get().status == ImportRun.Status.DONE
    assert "1 rows skipped" in done.content.decode()


def test_a_file_with_bad_rows_is_not_left_waiting(district_admin, network):
    upload = xlsx(POSITION_HEADERS, [position_row("P-1", network.posts_a[0], 服务单位编码="NOPE")])
    run = runs.import_run_create(actor=district_admin, register="positions", upload=upload)
    preview = runs.import_run_preview(run=run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and preview["sheets"][0]["problems"] and not run.stored_file


def test_the_district_does_not_see_a_stations_clients_in_the_runs_list(
    district_admin, station_manager, network
):
    mine = runs.import_run_create(
        actor=district_admin,
        register="positions",
        upload=xlsx(POSITION_HEADERS, [position_row("P-1", network.posts_a[0])]),
    )
    stations = runs.import_run_create(
        actor=station_manager, register="clients", upload=csv_file(["姓名"], [["王"]])
    )
    their_positions = runs.import_run_create(
        actor=station_manager,
        register="positions",
        upload=xlsx(POSITION_HEADERS, [position_row("P-2", network.posts_a[0])]),
    )
    seen = set(selectors.runs_visible_to(user=district_admin))
    assert mine in seen and their_positions in seen and stations not in seen


def test_the_menu_leads_to_the_import_page_for_those_who_import(as_user, district_admin, supervisor, network):
    assert reverse("positions:import") in as_user(district_admin).get("/").content.decode()
    assert reverse("positions:import") not in as_user(supervisor).get("/").content.decode()
