"""Uploads refuse what runs: workbooks and documents with macros, PDFs that are also another kind
of file, and PDFs with scripts, launch actions, embedded files or actions run on opening."""

import io
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.forms import validate_upload as project_upload
from socialwork.uploads import content_matches, validate_upload

EXTENSIONS = ["pdf", "doc", "docx", "xlsx"]
WORKBOOK_TYPES = (
    '<Types><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
MACRO_TYPES = (
    '<Types><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
)


def office(name: str, folder: str, *, types: str = WORKBOOK_TYPES, extra: dict | None = None):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(f"{folder}/document.xml", "<x/>")
        for part, content in (extra or {}).items():
            archive.writestr(part, content)
    return SimpleUploadedFile(name, output.getvalue())


def pdf(*objects: bytes, tail: bytes = b"") -> SimpleUploadedFile:
    body = b"%PDF-1.7\n" + b"\n".join(objects) + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n" + tail
    return SimpleUploadedFile("plan.pdf", body)


CATALOG = b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj"


def refused(upload, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_upload(upload, EXTENSIONS)
    assert error.value.code == code


# Macros


@pytest.mark.parametrize("name", ["budget.xlsm", "plan.docm", "report.XLSM", "book.xlsb"])
def test_a_macro_enabled_name_is_refused_as_a_file_with_macros(name):
    refused(office(name, "xl"), "macros")


@pytest.mark.parametrize(
    "upload",
    [
        office("budget.xlsx", "xl", extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        office("budget.xlsx", "xl", types=MACRO_TYPES),
        office("budget.xlsx", "xl", extra={"xl/macrosheets/sheet1.xml": "<xm/>"}),
        office("plan.docx", "word", extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        office("plan.docx", "word", extra={"word/activeX/activeX1.bin": b"\x00"}),
        SimpleUploadedFile(
            "plan.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "_VBA_PROJECT".encode("utf-16-le"),
        ),
    ],
    ids=["xlsx-vba", "xlsx-macro-content-type", "xlsx-macro-sheet", "docx-vba", "docx-activex", "doc-vba"],
)
def test_a_workbook_or_document_holding_macros_is_refused_whatever_its_name(upload):
    refused(upload, "macros")
    assert not content_matches(upload, upload.name.rsplit(".", 1)[-1])


def test_plain_office_files_are_taken():
    validate_upload(office("budget.xlsx", "xl"), EXTENSIONS)
    validate_upload(office("plan.docx", "word"), EXTENSIONS)
    validate_upload(
        SimpleUploadedFile("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64), EXTENSIONS
    )


# PDFs


def test_a_plain_pdf_is_taken_even_one_that_opens_at_a_page():
    validate_upload(SimpleUploadedFile("plan.pdf", b"%PDF-1.4"), EXTENSIONS)
    validate_upload(pdf(CATALOG), EXTENSIONS)
    validate_upload(pdf(b"1 0 obj\n<< /Type /Catalog /OpenAction [3 0 R /Fit] >>\nendobj"), EXTENSIONS)
    validate_upload(
        pdf(
            b"1 0 obj\n<< /Type /Catalog /OpenAction 4 0 R >>\nendobj",
            b"4 0 obj\n[3 0 R /XYZ 0 792 0]\nendobj",
        ),
        EXTENSIONS,
    )


def zip_bytes() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return output.getvalue()


@pytest.mark.parametrize(
    "upload",
    [
        pdf(CATALOG, tail=zip_bytes()),
        pdf(CATALOG, b"% <html><script>alert(document.domain)</script></html>"),
        SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n<!DOCTYPE html><html><body>hi</body></html>"),
    ],
    ids=["pdf-zip", "pdf-html", "pdf-doctype"],
)
def test_a_pdf_that_is_also_an_archive_or_a_web_page_is_refused(upload):
    refused(upload, "polyglot")


def test_a_file_that_only_contains_a_pdf_after_something_else_is_refused():
    refused(SimpleUploadedFile("plan.pdf", b"PK\x03\x04" + b"%PDF-1.4"), "content_mismatch")
    refused(SimpleUploadedFile("plan.pdf", b"<html>%PDF-1.4"), "content_mismatch")


def flate_stream(content: bytes) -> bytes:
    data = zlib.compress(content)
    return b"5 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj" % (
        len(data),
        data,
    )


@pytest.mark.parametrize(
    "objects",
    [
        (b"1 0 obj\n<< /Type /Catalog /Names << /JavaScript 3 0 R >> >>\nendobj",),
        (b"3 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj",),
        (b"3 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj",),
        (b"1 0 obj\n<< /Type /Catalog /Names << /EmbeddedFiles 4 0 R >> >>\nendobj",),
        (b"1 0 obj\n<< /Type /Catalog /OpenAction << /S /GoTo /D [3 0 R /Fit] >> >>\nendobj",),
        (b"1 0 obj\n<< /Type /Catalog /OpenAction 4 0 R >>\nendobj", b"4 0 obj\n<< /S /GoTo >>\nendobj"),
        (b"3 0 obj\n<< /S /J#61vaScript /J#53 (app.alert(1)) >>\nendobj",),
        (CATALOG, flate_stream(b"3 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj")),
    ],
    ids=["javascript", "js", "launch", "embedded", "open-action", "open-action-ref", "escaped", "compressed"],
)
def test_a_pdf_that_runs_something_or_carries_a_file_is_refused(objects):
    refused(pdf(*objects), "active_content")


def test_a_pdf_inflating_to_a_bomb_costs_little(settings):
    bomb = zlib.compress(b"\x00" * (200 * 1024 * 1024))  # 200 MB of zeros in 200 KB
    upload = pdf(CATALOG, b"5 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + bomb + b"\nendstream\nendobj")
    validate_upload(upload, EXTENSIONS)


# Every upload field


def test_a_project_document_with_macros_is_refused_with_its_reason():
    with pytest.raises(ValidationError) as error:
        project_upload(office("budget.xlsx", "xl", extra={"xl/vbaProject.bin": b"x"}))
    assert "macros" in error.value.messages[0]
    with pytest.raises(ValidationError):
        project_upload(pdf(b"3 0 obj\n<< /S /JavaScript /JS (x) >>\nendobj"))


def test_the_import_page_refuses_a_workbook_with_macros(as_user, district_admin):
    workbook = office("workers.xlsx", "xl", extra={"xl/vbaProject.bin": b"x"})
    response = as_user(district_admin).post(
        reverse("positions:import"), {"kind": "positions", "file": workbook}
    )
    assert "macros" in " ".join(response.context["form"].errors["file"])


def test_the_application_form_refuses_a_pdf_with_a_script(as_user, org_staff, network):
    from tests.projects.factories import make_call, make_organization

    org_staff.organization = make_organization()
    org_staff.save()
    call = make_call()
    data = {
        "call": call.pk, "title": "关爱空巢老人", "service_area": "elderly", "community": network.community_a.pk,
        "beneficiaries": "空巢老人", "beneficiary_count": 40, "summary": "",
        "lines-TOTAL_FORMS": 1, "lines-INITIAL_FORMS": 0, "lines-MIN_NUM_FORMS": 0, "lines-MAX_NUM_FORMS": 1000,
        "lines-0-item": "活动物资", "lines-0-amount": "12000",
        "plan_document": pdf(b"3 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj"),
    }  # fmt: skip
    response = as_user(org_staff).post(reverse("projects:application_create"), data)
    assert response.status_code == 400
    assert "scripts" in " ".join(response.context["form"].errors["plan_document"])
