"""Hostile import files answer the form's error and cannot take the site down (issue 16, finding
8): each is built here, small, and sent through the import page as a person would."""

import io
import random
import re
import struct
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from positions.models import Position
from socialwork import uploaded_sheets
from socialwork.imports import reading as importing
from tests.positions.test_imports import POSITION_HEADERS, csv_file, position_row, rows_of

SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'


def workbook_bytes(rows=()) -> bytes:
    workbook = Workbook()
    workbook.active.append(POSITION_HEADERS)
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def rebuilt(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict | None = None) -> bytes:
    """The workbook with some parts replaced (bytes, or a callable writing into the open part)."""
    replace, add = replace or {}, add or {}
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in add.items():
            if callable(content):
                with target.open(name, "w", force_zip64=True) as part:
                    content(part)
            else:
                target.writestr(name, content)
    return output.getvalue()


def with_sheet_xml(edit) -> bytes:
    data = workbook_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET).decode()
    return rebuilt(data, replace={SHEET: edit(sheet).encode()})


def post(client, name: str, content: bytes, kind: str = "positions"):
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("positions:import"), {"kind": kind, "file": upload})


def file_error(response) -> str:
    assert response.status_code == 200
    assert response.context["preview"] is None
    errors = response.context["form"].errors.get("file")
    assert errors, "the form shows no error on the file"
    return " ".join(errors)


@pytest.fixture
def no_parser(monkeypatch):
    """Fails the test if the workbook loader or the reading child is ever started."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(uploaded_sheets, "load_workbook", forbidden)
    monkeypatch.setattr(uploaded_sheets, "read_isolated", forbidden)


# Refused before any parser runs


def test_a_tiny_workbook_declaring_a_huge_sheet_is_refused_before_parsing(
    as_user, district_admin, network, no_parser
):
    def huge(xml):
        far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        xml = xml.replace("</sheetData>", far + "</sheetData>")
        return re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', xml)

    hostile = with_sheet_xml(huge)
    assert len(hostile) < 10_000
    error = file_error(post(as_user(district_admin), "huge.xlsx", hostile))
    assert "declares 1048576 rows and 16384 columns" in error


def test_a_sheet_declaring_too_many_columns_is_refused(as_user, district_admin, network, no_parser):
    hostile = with_sheet_xml(lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:ZZ2"', xml))
    assert "columns" in file_error(post(as_user(district_admin), "wide.xlsx", hostile))


def test_shared_strings_packed_a_thousand_to_one_are_refused_without_unpacking(
    as_user, district_admin, network, no_parser
):
    """50 MB of one character packs to about 50 KB: the ratio check refuses it from the ZIP's
    directory, and the request never holds more than a few megabytes."""

    def fifty_megabytes(part):
        part.write((SST + "<si><t>").encode())
        chunk = b"a" * (1024 * 1024)
        for _ in range(50):
            part.write(chunk)
        part.write(b"</t></si></sst>")

    hostile = rebuilt(workbook_bytes(), add={SHARED: fifty_megabytes})
    assert len(hostile) < 200_000
    client = as_user(district_admin)
    tracemalloc.start()
    try:
        response = post(client, "bomb.xlsx", hostile)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "packed far more tightly" in file_error(response)
    assert peak < 20 * 1024 * 1024


def test_parts_declaring_more_than_the_caps_are_refused():
    def part(name, size, packed):
        info = zipfile.ZipInfo(name)
        info.file_size, info.compress_size = size, packed
        return info

    mb = 1024 * 1024
    with pytest.raises(ValidationError, match="more than 64 MB") as refused:
        uploaded_sheets._check_parts([part(SHARED, 65 * mb, 2 * mb)])
    assert refused.value.code == "too_large_unpacked"
    with pytest.raises(ValidationError, match="more than 128 MB"):
        uploaded_sheets._check_parts([part(f"xl/p{i}.xml", 60 * mb, 2 * mb) for i in range(3)])
    with pytest.raises(ValidationError, match="parts"):
        uploaded_sheets._check_parts([part(f"p{i}", 10, 10) for i in range(uploaded_sheets.MAX_PARTS + 1)])
    uploaded_sheets._check_parts([part(SHEET, 18 * mb, 1300 * 1024)])  # 20,000 rows as openpyxl writes them


# Refused while parsing, in the reading child


def test_an_external_entity_is_refused_and_nothing_is_read_from_the_server(as_user, district_admin, network):
    def xxe(xml):
        xml = xml.replace(
            "<worksheet", '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><worksheet', 1
        )
        return xml.replace("<v>", "<v>&xxe;", 1) if "<v>" in xml else xml.replace("<t>", "<t>&xxe;", 1)

    response = post(as_user(district_admin), "xxe.xlsx", with_sheet_xml(xxe))
    assert "could not be read as an Excel workbook" in file_error(response)
    assert "root:" not in response.content.decode()


def test_a_billion_laughs_is_refused(as_user, district_admin, network):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )

    def laughs(xml):
        xml = xml.replace("<worksheet", f"<!DOCTYPE worksheet [{entities}]><worksheet", 1)
        cell = '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        return xml.replace("</sheetData>", cell + "</sheetData>")

    response = post(as_user(district_admin), "lol.xlsx", with_sheet_xml(laughs))
    assert "could not be read as an Excel workbook" in file_error(response)


def test_openpyxl_parses_workbook_xml_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML


def test_a_workbook_whose_xml_is_broken_is_the_forms_error(as_user, district_admin, network):
    hostile = with_sheet_xml(lambda xml: xml.replace("</sheetData>", "<row><c></sheetData>"))
    assert "could not be read" in file_error(post(as_user(district_admin), "broken.xlsx", hostile))


def test_rows_far_below_a_small_declared_dimension_are_not_dropped_but_refused(network):
    """A dimension that lies small does not make openpyxl stop early and drop rows silently."""

    def far_row(xml):
        far = '<row r="30000"><c r="A30000" t="inlineStr"><is><t>P-far</t></is></c></row>'
        return xml.replace("</sheetData>", far + "</sheetData>")

    hostile = with_sheet_xml(far_row)
    with pytest.raises(ValidationError, match="more than 20000 rows"):
        rows_of(SimpleUploadedFile("far.xlsx", hostile), "positions")


def test_a_200_kb_csv_field_is_the_forms_error(as_user, district_admin, network):
    hostile = csv_file(POSITION_HEADERS, [["P-1", "x" * 200_000, "U", "民政", "grid", "contract", 1, ""]])
    error = file_error(post(as_user(district_admin), "long.csv", hostile.read()))
    assert "more than 2000 characters" in error


def test_a_long_cell_in_a_workbook_is_the_forms_error(as_user, district_admin, network):
    hostile = workbook_bytes([["P-1", "x" * 5000, "U", "民政", "grid", "contract", 1, ""]])
    assert "Row 2: a cell holds more than 2000 characters" in file_error(
        post(as_user(district_admin), "long.xlsx", hostile)
    )


def test_gb18030_garbage_is_the_forms_error(as_user, district_admin, network):
    noise = random.Random(16)
    garbage = bytes(noise.randrange(1, 256) for _ in range(20_000)).replace(b"\n", b"")
    error = file_error(post(as_user(district_admin), "garbage.csv", garbage))
    assert "Unknown columns" in error or "could not be read" in error
    assert len(error) < 2000  # the garbled header is cut short in the message


def test_too_many_columns_in_a_csv_is_the_forms_error(as_user, district_admin, network):
    hostile = csv_file([*POSITION_HEADERS, *(f"x{i}" for i in range(60))], [])
    assert "more than 30 columns" in file_error(post(as_user(district_admin), "wide.csv", hostile.read()))


# The reading child's limits


def _allocate():
    return len(bytearray(8 * 1024 * 1024 * 1024))


def _spin():
    while True:
        pass


def test_a_parse_that_needs_too_much_memory_ends_in_the_child_not_the_server():
    with pytest.raises(ValidationError, match="too large to read"):
        uploaded_sheets.read_isolated(_allocate)


def test_a_parse_that_runs_too_long_is_stopped(monkeypatch):
    monkeypatch.setattr(uploaded_sheets, "PARSE_CPU_SECONDS", 1)
    with pytest.raises(ValidationError, match="took too long") as slow:
        uploaded_sheets.read_isolated(_spin)
    assert slow.value.error_list[0].code == "too_slow"
    monkeypatch.setattr(uploaded_sheets, "PARSE_CPU_SECONDS", 60)
    monkeypatch.setattr(uploaded_sheets, "PARSE_WALL_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(ValidationError, match="took too long"):
        uploaded_sheets.read_isolated(_spin)
    assert time.monotonic() - started < 10


def test_the_legitimate_import_still_previews_and_imports(as_user, district_admin, network):
    """The checks and the child leave a good file as it was: read, previewed, confirmed."""
    client = as_user(district_admin)
    content = workbook_bytes([position_row(f"P-{i}", network.posts_a[0]) for i in range(3)])
    response = post(client, "good.xlsx", content)
    assert response.context["preview"].good == 3
    client.post(reverse("positions:import"), {"token": response.context["confirm"].initial["token"]})
    assert Position.objects.count() == 3
    assert importing.MAX_ROWS == uploaded_sheets.MAX_ROWS == 20_000


def test_without_fork_the_caps_and_errors_still_hold(monkeypatch, network):
    def no_fork(method):
        raise ValueError(method)

    monkeypatch.setattr(uploaded_sheets.multiprocessing, "get_context", no_fork)
    with pytest.raises(ValidationError, match="more than 2000 characters"):
        rows_of(
            csv_file(POSITION_HEADERS, [["P-1", "x" * 200_000, "U", "民政", "grid", "contract"]]), "positions"
        )
    laughs = with_sheet_xml(
        lambda xml: xml.replace("<worksheet", '<!DOCTYPE w [<!ENTITY a "a">]><worksheet', 1)
    )
    with pytest.raises(ValidationError, match="could not be read"):
        rows_of(SimpleUploadedFile("entity.xlsx", laughs), "positions")


def test_a_part_lying_about_its_unpacked_size_is_never_unpacked_past_it(as_user, district_admin, network):
    """zipfile stops at the declared size and fails the CRC check: the declared sizes bound the
    work, and the lie is the form's error."""

    def lie_about(data: bytes, name: str, size: int) -> bytes:
        data = bytearray(data)
        central = data.find(b"PK\x01\x02")
        while central != -1:
            length = struct.unpack_from("<H", data, central + 28)[0]
            if data[central + 46 : central + 46 + length] == name.encode():
                struct.pack_into("<I", data, central + 24, size)
                local = struct.unpack_from("<I", data, central + 42)[0]
                struct.pack_into("<I", data, local + 22, size)
            central = data.find(b"PK\x01\x02", central + 4)
        return bytes(data)

    hostile = lie_about(
        rebuilt(workbook_bytes(), add={"xl/filler.xml": b"a" * 5_000_000}), "xl/filler.xml", 10
    )
    hostile = lie_about(hostile, SHEET, 10)
    assert "could not be read" in file_error(post(as_user(district_admin), "liar.xlsx", hostile))
