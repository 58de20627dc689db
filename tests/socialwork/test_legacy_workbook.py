"""The demo legacy workbook (docs/demo/legacy-registers.xlsx): the registers a district keeps in
Excel today, with the mistakes people make. Against the demo district, each person previews their
own sheets, sees every wrong row explained in Chinese, and once those rows are corrected (here:
taken out) imports the rest; the sheets for others are named and left alone."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from casework.models import Case, Client, Volunteer
from projects.models import Project, SocialOrganization
from socialwork.imports import runs, selectors
from socialwork.imports.legacy import WORKFORCE_SOURCES, legacy_workbook
from socialwork.models import ImportRun, User
from socialwork.models.imports import WORKBOOK
from socialwork.settings.base import BASE_DIR

DEMO = BASE_DIR / "docs" / "demo"
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# The wrong rows of each sheet (the row in the workbook, below its title and header), as each
# app's demo_imports module lists them: every one must be refused with its reasons.
DISTRICT = {
    "社会组织": [8, 9, 10, 11, 12, 13],
    "培训记录": [4, 7, 11, 12, 13, 14, 15],
    "项目": [8, 9, 10, 11, 12, 13, 14, 15],
    "项目付款": [8, 9, 10, 11],
}
STATION = {
    "志愿者": [8, 9, 10, 11, 12, 13],
    "志愿服务时长": [7, 8, 9, 10, 11],
    "服务对象": [6, 7, 8, 9, 10, 11, 12, 14],
    "个案": [7, 8, 9, 10],
    "历年结案": [6, 7],
}


def values(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def without_rows(content: bytes, rows: dict[str, list[int]]) -> SimpleUploadedFile:
    """The workbook with the given rows of each sheet taken out: the person's corrections."""
    workbook = load_workbook(io.BytesIO(content))
    for title, numbers in rows.items():
        for number in sorted(numbers, reverse=True):
            workbook[title].delete_rows(number)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile("台账（已改正）.xlsx", output.getvalue())


def previewed(user, upload):
    run = runs.import_run_create(actor=user, register=WORKBOOK, upload=upload)
    return run, runs.import_run_preview(run=run)


def test_the_copies_in_the_repo_are_what_the_command_writes():
    assert values((DEMO / "legacy-registers.xlsx").read_bytes()) == values(legacy_workbook())
    assert values((DEMO / "legacy-workforce.xlsx").read_bytes()) == values(
        legacy_workbook(sources=WORKFORCE_SOURCES)
    )


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize(
    ("username", "own", "others"), [("district", DISTRICT, STATION), ("station", STATION, DISTRICT)]
)
def test_each_person_imports_their_sheets_of_the_demo_workbook_once_every_wrong_row_is_corrected(
    settings, username, own, others
):
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("seed_demo", verbosity=0)
    user = User.objects.get(username=username)
    content = (DEMO / "legacy-registers.xlsx").read_bytes()

    run, preview = previewed(user, SimpleUploadedFile("台账.xlsx", content))
    assert [sheet["sheet"] for sheet in preview["sheets"]] == list(own)
    assert preview["left_out"] == list(others)
    for sheet in preview["sheets"]:
        assert [row for row, _reasons in sheet["problems"]] == own[sheet["sheet"]], sheet["sheet"]
        for row, reasons in sheet["problems"]:
            assert reasons and all(CHINESE.search(reason) for reason in reasons), (
                sheet["sheet"],
                row,
                reasons,
            )
    assert not runs.preview_ok(preview)

    before = {
        model: model.objects.count() for model in (SocialOrganization, Project, Client, Case, Volunteer)
    }
    run, preview = previewed(user, without_rows(content, own))
    assert runs.preview_ok(preview), preview
    duplicates = sum(len(sheet["duplicates"]) for sheet in preview["sheets"])
    good = sum(sheet["good"] for sheet in preview["sheets"])
    assert runs.import_run_confirm(actor=user, run=run, on_duplicate="skip")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE, run.problems
    assert run.skipped_count == duplicates and run.created_count >= good - duplicates
    assert run.records.filter(sheet__in=list(own)).values("sheet").distinct().count() == len(own)
    assert {model: model.objects.count() for model in before} != before

    # Nothing was built on it since: it is undone as a whole, the rows the services wrote beside
    # each record (a case's clients, its first status change, a caseload entry) with it.
    assert selectors.undo_blockers(run) == []
    runs.import_undo(actor=user, run=run)
    assert {model: model.objects.count() for model in before} == before
