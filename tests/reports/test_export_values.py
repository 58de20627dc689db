"""The long exports read database values, not model instances, and write the same cells: choice
labels in the person's language, masked ID numbers and phones, people and categories named as
the pages name them, formulas neutralised."""

import csv
import gc
import io

import pytest
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from positions.models import SocialWorker
from reports import exports
from socialwork.spreadsheets import safe_cell
from tests.casework.factories import category, make_client
from tests.positions.test_workforce import make_worker
from tests.projects.factories import make_organization
from tests.reports.test_exports import district, records  # noqa: F401 (fixtures)

VALUE_EXPORTS = sorted(key for key, export in exports.REGISTRY.items() if export.reads_values)


def instance_rows(export, queryset) -> list[list]:
    return [[safe_cell(column.value(obj)) for column in export.columns] for obj in queryset]


@pytest.fixture
def more(request, social_worker):
    """The records of test_exports and what they lack: a worker employed by an organization with a
    formula for a name, and a client in two built-in categories."""
    made = request.getfixturevalue("records")
    organization = make_organization("星光社会工作事务所")
    make_worker("=cmd|' /C calc'!A0", unit=None, employer_organization=organization, status="left")
    client = make_client(social_worker, name="@张三", phone="13612345678")
    client.categories.set([category("elderly_alone"), category("disabled")])
    return made


def test_the_long_exports_read_database_values():
    assert {"workers", "positions", "exams", "cases", "clients", "projects", "volunteers"} <= set(
        VALUE_EXPORTS
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["district_admin", "station_manager", "social_worker", "supervisor"])
def test_reading_values_writes_the_cells_of_the_instances(request, more, who, language):
    user = request.getfixturevalue(who)
    compared = 0
    with translation.override(language):
        for key in VALUE_EXPORTS:
            export = exports.REGISTRY[key]
            if not export.allowed(user):
                continue
            queryset = export.queryset(user=user, params=QueryDict())
            rows = [list(row) for row in exports.rows_of(export, queryset)]
            assert rows[0] == [str(column.header) for column in export.columns]
            assert rows[1:] == instance_rows(export, queryset), key
            compared += len(rows) - 1
    assert compared > 0


def test_the_worker_export_masks_labels_and_neutralises(as_user, more, district_admin):
    client = as_user(district_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = b"".join(client.get(reverse("reports:export", args=["workers", "csv"])).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))
    assert rows[0][:3] == ["Name", "Gender", "ID number"]
    by_name = {row[0]: row for row in rows[1:]}
    row = by_name["'=cmd|' /C calc'!A0"]
    worker = SocialWorker.objects.get(name="=cmd|' /C calc'!A0")
    assert row[1] == "Female"
    assert row[2] == f"{worker.id_number[:6]}********{worker.id_number[-4:]}"
    assert row[4] == "星光社会工作事务所"
    assert row[8] == "Left"


def test_the_long_exports_show_the_masked_numbers_without_decrypting_a_row(
    more, district_admin, social_worker, monkeypatch
):
    """The masks are kept beside the encrypted numbers (ShownMaskField): an export of a hundred
    thousand workers reads them as stored, no row decrypted."""
    from socialwork.crypto import keyring

    def refuse(*args):
        raise AssertionError("a row was decrypted")

    monkeypatch.setattr(keyring, "decrypt", refuse)
    shown = {}
    for key, user in (("workers", district_admin), ("clients", social_worker), ("volunteers", social_worker)):
        export = exports.REGISTRY[key]
        rows = list(exports.rows_of(export, export.queryset(user=user, params=QueryDict())))
        headers = [str(column.header) for column in export.columns]
        shown[key] = {
            row[0]: [row[i] for i, header in enumerate(headers) if header in ("ID number", "Phone")]
            for row in rows[1:]
        }
    monkeypatch.undo()
    worker = SocialWorker.objects.get(name="=cmd|' /C calc'!A0")
    assert shown["workers"]["'=cmd|' /C calc'!A0"] == [
        f"{worker.id_number[:6]}********{worker.id_number[-4:]}"
    ]
    assert shown["clients"]["'@张三"] == ["", "136****5678"]
    assert set(map(tuple, shown["volunteers"].values())) == {("138****5678",)}


def test_the_client_export_names_the_categories_in_the_persons_language(as_user, more, social_worker):
    client = as_user(social_worker)
    rows = {}
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        body = b"".join(client.get(reverse("reports:export", args=["clients", "csv"])).streaming_content)
        rows[language] = {
            row[0]: row for row in csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff")))
        }
    assert rows["en"]["'@张三"][1] == "Male"
    assert rows["en"]["'@张三"][4] == "136****5678"
    assert rows["en"]["'@张三"][7] == "Elderly living alone、People with disabilities"
    assert rows["zh-hans"]["'@张三"][7] == "独居老人、残疾人"


def test_the_cycle_collector_runs_again_after_an_export_and_after_one_that_fails(more, district_admin):
    """Exports hold Python's cycle collector back while they convert a chunk; the rest of the
    process must find it running again, whatever happened to the export."""
    export = exports.REGISTRY["workers"]
    queryset = export.queryset(user=district_admin, params=QueryDict())
    assert len(list(exports.rows_of(export, queryset))) > 1 and gc.isenabled()

    def broken(*arguments):
        raise RuntimeError("a column that fails half-way")

    failing = exports.Export(
        key="broken", title="", permission="", rows=export.rows,
        columns=(*export.columns, exports.Column("x", str, ("name",), lambda: broken)),
    )  # fmt: skip
    with pytest.raises(RuntimeError):
        list(exports.rows_of(failing, queryset))
    assert gc.isenabled()
