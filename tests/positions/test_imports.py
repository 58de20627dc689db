import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from positions import imports as position_imports
from positions.models import HostInstitution, Position, SocialWorker
from positions.services import workforce
from socialwork.idnumbers import check_character
from socialwork.imports import reading as importing
from socialwork.imports import services
from socialwork.imports.registry import get
from socialwork.models import AuditEntry

POSITION_HEADERS = ["编码", "名称", "服务单位编码", "依托单位", "类别", "设岗方式", "定编人数", "设立日期"]
WORKER_HEADERS = ["姓名", "性别", "身份证号", "出生日期", "工作单位编码", "证书等级", "证书编号"]


def id_number(born: str = "19900101", sequence: str = "124") -> str:
    """A valid ID number; an even last sequence digit is a woman, odd a man."""
    first17 = f"420506{born}{sequence}"
    return first17 + check_character(first17)


def xlsx(headers, rows, name="import.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def csv_file(headers, rows, *, encoding="utf-8-sig", name="import.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding))


def position_row(code, unit, **overrides):
    row = {"编码": code, "名称": f"岗位{code}", "服务单位编码": unit.code, "依托单位": "民政",
           "类别": "grid", "设岗方式": "contract", "定编人数": 1, "设立日期": "2024-03-01"}  # fmt: skip
    row.update(overrides)
    return [row[header] for header in POSITION_HEADERS]


def rows_of(upload, kind):
    upload.seek(0)
    return importing.read_rows(upload, kind=kind)


def reasons_by_row(preview) -> dict[int, str]:
    return {problem.row: " | ".join(problem.reasons) for problem in preview.problems}


def test_preview_lists_every_bad_row_with_reasons_and_writes_nothing(district_admin, network):
    Position.objects.create(
        code="P-OLD", title="旧岗位", unit=network.posts_a[0], host=HostInstitution.objects.first(),
        category="grid", setup_mode="contract",
    )  # fmt: skip
    upload = xlsx(
        POSITION_HEADERS,
        [
            position_row("P-1", network.posts_a[0]),  # row 2: good
            position_row("P-2", network.posts_a[0], 服务单位编码="NOPE"),  # 3
            position_row("P-3", network.posts_a[0], 依托单位="外星局", 类别="月球岗位"),  # 4
            position_row("P-4", network.posts_a[0], 名称="", 设立日期="2024-02-30"),  # 5
            position_row("P-5", network.posts_a[0], 定编人数=0),  # 6
            position_row("P-1", network.posts_a[1]),  # 7: repeats row 2
            position_row("P-OLD", network.posts_a[1]),  # 8: already on record
        ],
    )
    preview = services.import_preview(
        actor=district_admin, kind="positions", rows=rows_of(upload, "positions")
    )

    assert preview.total == 7 and preview.good == 2 and not preview.ok
    reasons = reasons_by_row(preview)
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "NOPE" in reasons[3]
    assert "外星局" in reasons[4] and "月球岗位" in reasons[4]
    assert "title" in reasons[5] and "established_on" in reasons[5]
    assert "quota" in reasons[6]
    assert "row 2" in reasons[7]
    # A record already on file is not a bad row: the person chooses to update, skip or stop.
    assert [(d.row, d.identity) for d in preview.duplicates] == [(8, "P-OLD")]
    assert Position.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_worker_preview_reports_id_numbers_and_duplicates_inside_the_file(district_admin, network):
    SocialWorker.objects.create(name="在册", gender="female", id_number=id_number("19800101", "002"))
    good = id_number("19900101", "124")
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    unit = network.room_a.code
    upload = csv_file(
        WORKER_HEADERS,
        [
            ["张丽", "女", good, "1990-01-01", unit, "助理社会工作师", "C-1"],  # 2: good
            ["李四", "男", wrong_check, "", unit, "", ""],  # 3: check digit
            ["王五", "女", good, "", unit, "", "C-1"],  # 4: ID and certificate repeat row 2
            ["赵六", "女", id_number("19800101", "002"), "", unit, "", ""],  # 5: on record
            ["钱七", "男", id_number("19850505", "135"), "1985-05-06", unit, "", ""],  # 6: birth date
            ["孙八", "女", id_number("19850505", "135"), "", unit, "", ""],  # 7: the ID says male
            ["", "", "", "", unit, "", ""],  # 8: required fields
        ],
    )
    preview = services.import_preview(actor=district_admin, kind="workers", rows=rows_of(upload, "workers"))

    reasons = reasons_by_row(preview)
    assert sorted(reasons) == [3, 4, 6, 7, 8]
    assert "check digit" in reasons[3]
    assert "id_number" in reasons[4] and "certificate_number" in reasons[4] and "row 2" in reasons[4]
    assert [(d.row, d.record) for d in preview.duplicates] == [(5, "在册")]
    assert "1985-05-05" in reasons[6]
    assert "Male" in reasons[7]
    assert "name" in reasons[8] and "gender" in reasons[8] and "id_number" in reasons[8]
    assert SocialWorker.objects.count() == 1


def test_id_number_excel_stored_as_a_number_is_a_bad_row(district_admin, network):
    rows = [{"name": "张丽", "gender": "female", "id_number": 4.20506199001011e17, importing.ROW: 2}]
    preview = services.import_preview(actor=district_admin, kind="workers", rows=rows)
    assert "as a number" in preview.problems[0].reasons[0]


def test_file_with_one_bad_row_imports_nothing(district_admin, network):
    upload = xlsx(
        POSITION_HEADERS,
        [position_row("P-1", network.posts_a[0]), position_row("P-2", network.posts_a[1], 类别="?")],
    )
    with pytest.raises(ValidationError) as raised:
        services.import_commit(actor=district_admin, kind="positions", rows=rows_of(upload, "positions"))
    assert "Row 3" in raised.value.messages[0]
    assert not Position.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_row_failing_while_writing_rolls_back_every_row(district_admin, network, monkeypatch):
    real_save = workforce.position_save

    def save_then_fail(*, actor, **fields):
        if fields["code"] == "P-3":
            raise ValidationError({"code": "taken meanwhile"})
        return real_save(actor=actor, **fields)

    monkeypatch.setattr(position_imports, "position_save", save_then_fail)
    rows = rows_of(
        xlsx(POSITION_HEADERS, [position_row(f"P-{i}", network.posts_a[0]) for i in range(1, 5)]), "positions"
    )
    with pytest.raises(ValidationError) as raised:
        services.import_commit(actor=district_admin, kind="positions", rows=rows)
    assert raised.value.messages == ["Row 4: code: taken meanwhile"]
    assert not Position.objects.exists()
    assert not AuditEntry.objects.exists()


def test_clean_file_is_previewed_then_imported_with_audit_rows(as_user, district_admin, network):
    client = as_user(district_admin)
    # Dates as Excel stores them (date cells) and as text.
    rows = [position_row(f"P-{i}", network.posts_a[i % 3], 设立日期=date(2024, 3, 1)) for i in range(5)]
    rows[0] = position_row("P-0", network.posts_a[0], 设立日期="2024/3/1")
    upload = xlsx(POSITION_HEADERS, rows)
    response = client.post(reverse("positions:import"), {"kind": "positions", "file": upload})
    assert response.status_code == 200
    assert response.context["preview"].good == 5
    assert b'id="confirm-import"' in response.content
    assert not Position.objects.exists()

    token = response.context["confirm"].initial["token"]
    assert default_storage.exists(f"imports/{token}.xlsx")
    response = client.post(reverse("positions:import"), {"token": token}, follow=True)
    assert response.status_code == 200
    assert sorted(Position.objects.values_list("code", flat=True)) == [f"P-{i}" for i in range(5)]
    position = Position.objects.get(code="P-1")
    assert position.unit == network.posts_a[1] and position.host.name == "民政"
    assert position.established_on == date(2024, 3, 1)
    assert AuditEntry.objects.filter(action="position.create", actor=district_admin).count() == 5
    assert not default_storage.exists(f"imports/{token}.xlsx")
    # The same token cannot be used twice.
    client.post(reverse("positions:import"), {"token": token})
    assert Position.objects.count() == 5


def test_preview_with_bad_rows_shows_them_and_offers_no_confirm(as_user, district_admin, network):
    upload = xlsx(POSITION_HEADERS, [position_row("P-1", network.posts_a[0], 服务单位编码="NOPE")])
    response = as_user(district_admin).post(
        reverse("positions:import"), {"kind": "positions", "file": upload}
    )
    page = response.content.decode()
    assert 'id="bad-rows-table"' in page and "NOPE" in page
    assert 'id="confirm-import"' not in page
    assert response.context["confirm"] is None


def test_station_manager_cannot_import_into_another_station(station_manager, network):
    rows = rows_of(
        xlsx(
            POSITION_HEADERS,
            [position_row("P-1", network.posts_a[0]), position_row("P-2", network.post_b)],
        ),
        "positions",
    )
    preview = services.import_preview(actor=station_manager, kind="positions", rows=rows)
    assert [problem.row for problem in preview.problems] == [3]
    assert "outside your place" in preview.problems[0].reasons[0]
    with pytest.raises(ValidationError):
        services.import_commit(actor=station_manager, kind="positions", rows=rows)
    assert not Position.objects.exists()


def test_station_manager_must_give_an_employer_unit_for_workers(station_manager, network):
    rows = [{"name": "张丽", "gender": "女", "id_number": id_number(), importing.ROW: 2}]
    preview = services.import_preview(actor=station_manager, kind="workers", rows=rows)
    assert "employer_unit_code" in preview.problems[0].reasons[0]


def test_station_manager_imports_workers_into_own_station(as_user, station_manager, network):
    client = as_user(station_manager)
    upload = csv_file(WORKER_HEADERS, [["张丽", "女", id_number(), "", network.room_a.code, "社工师", "C-9"]])
    response = client.post(reverse("positions:import"), {"kind": "workers", "file": upload})
    token = response.context["confirm"].initial["token"]
    client.post(reverse("positions:import"), {"token": token})
    worker = SocialWorker.objects.get()
    assert worker.employer_unit == network.room_a
    assert worker.certificate_level == "social_worker"
    assert worker.birth_date == date(1990, 1, 1)  # taken from the ID number
    assert AuditEntry.objects.filter(action="worker.create", target_id=str(worker.pk)).exists()


def test_choice_labels_in_chinese_and_english_are_accepted(district_admin, network):
    rows = rows_of(
        xlsx(
            [*POSITION_HEADERS, "持证要求"],
            [
                [
                    *position_row("P-1", network.posts_a[0], 类别="网格岗位", 设岗方式="合同聘用"),
                    "助理社会工作师",
                ],
                [
                    *position_row(
                        "P-2",
                        network.posts_a[0],
                        类别="Grid post in a village or community",
                        设岗方式="government purchase of posts",
                    ),  # fmt: skip
                    "Senior social worker",
                ],
            ],
        ),
        "positions",
    )
    saved = services.import_commit(actor=district_admin, kind="positions", rows=rows).created
    assert [(p.category, p.setup_mode, p.required_level) for _row, p in saved] == [
        ("grid", "contract", "assistant"),
        ("grid", "purchased", "senior"),
    ]


def test_gb18030_csv_with_chinese_headers_is_read(as_user, district_admin, network):
    upload = csv_file(
        WORKER_HEADERS,
        [["张丽", "女", id_number(), "1990年1月1日", network.room_a.code, "无", ""]],
        encoding="gb18030",
    )
    client = as_user(district_admin)
    response = client.post(reverse("positions:import"), {"kind": "workers", "file": upload})
    assert response.context["preview"].good == 1, response.context["preview"].problems
    client.post(reverse("positions:import"), {"token": response.context["confirm"].initial["token"]})
    assert SocialWorker.objects.get().name == "张丽"


def test_english_headers_and_plain_utf8_csv(district_admin, network):
    upload = csv_file(
        ["code", "title", "unit_code", "host", "category", "setup_mode"],
        [["P-1", "Grid post", network.posts_a[0].code, "卫生", "grid", "direct"]],
        encoding="utf-8",
    )
    rows = rows_of(upload, "positions")
    assert rows == [
        {"code": "P-1", "title": "Grid post", "unit_code": network.posts_a[0].code, "host": "卫生",
         "category": "grid", "setup_mode": "direct", importing.ROW: 2},
    ]  # fmt: skip
    assert services.import_preview(actor=district_admin, kind="positions", rows=rows).ok


def test_unknown_and_missing_columns_are_clear_errors(network):
    with pytest.raises(ValidationError, match="Unknown columns: 颜色"):
        rows_of(csv_file([*POSITION_HEADERS, "颜色"], []), "positions")
    with pytest.raises(ValidationError, match="Required columns are missing"):
        rows_of(csv_file(["编码", "名称"], [["P-1", "x"]]), "positions")


def test_blank_rows_are_skipped_and_rows_keep_their_numbers_in_the_file(network):
    rows = rows_of(xlsx(["编码", *POSITION_HEADERS[1:]], [["P-1"], [], [None, None], ["P-2"]]), "positions")
    assert [(row["code"], row[importing.ROW]) for row in rows] == [("P-1", 2), ("P-2", 5)]


def test_preview_queries_do_not_grow_with_rows(district_admin, network, django_assert_max_num_queries):
    rows = rows_of(
        xlsx(POSITION_HEADERS, [position_row(f"P-{i}", network.posts_a[i % 3]) for i in range(200)]),
        "positions",
    )
    with django_assert_max_num_queries(8):
        preview = services.import_preview(actor=district_admin, kind="positions", rows=rows)
    assert preview.good == 200


def test_a_workers_preview_costs_the_same_queries_for_many_rows(
    district_admin, network, django_assert_max_num_queries
):
    people = [
        ["张丽", "", id_number(sequence=f"{n:03d}"), "", network.room_a.code, "", ""] for n in range(100, 300)
    ]
    rows = rows_of(xlsx(WORKER_HEADERS, people), "workers")
    with django_assert_max_num_queries(8):
        preview = services.import_preview(actor=district_admin, kind="workers", rows=rows)
    assert preview.good == 200


def test_template_download_opens_and_has_the_headers(as_user, district_admin, network, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the bureau's default: a template with Chinese headers
    client = as_user(district_admin)
    response = client.get(reverse("positions:import_template", args=["workers"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    headers = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(headers) == [column.zh for column in get("workers").columns]
    # The template is a valid, empty import file.
    assert rows_of(SimpleUploadedFile("t.xlsx", response.content), "workers") == []
    assert client.get(reverse("positions:import_template", args=["nothing"])).status_code == 404


def test_template_headers_follow_the_language(district_admin, network):
    with translation.override("en"):
        content = importing.template_workbook(kind="positions")
    headers = next(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert list(headers) == [column.en for column in get("positions").columns]


def test_file_over_the_size_limit_is_refused(as_user, district_admin, network):
    huge = SimpleUploadedFile("huge.csv", b"x" * (importing.BACKGROUND_MAX_BYTES + 1))
    response = as_user(district_admin).post(reverse("positions:import"), {"kind": "positions", "file": huge})
    assert "larger than 40 MB" in response.content.decode()
    assert response.context["preview"] is None
    big = SimpleUploadedFile("big.csv", b"x" * (importing.MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="larger than 5 MB"):
        importing.read_rows(big, kind="positions")


def test_file_over_the_row_limit_is_refused(network):
    rows = [["P", "t", "U", "民政", "grid", "contract"]] * (importing.MAX_ROWS + 1)
    with pytest.raises(ValidationError, match="more than 20000 rows"):
        rows_of(csv_file(POSITION_HEADERS[:6], rows), "positions")


def test_other_formats_are_refused(as_user, district_admin, network):
    response = as_user(district_admin).post(
        reverse("positions:import"), {"kind": "positions", "file": SimpleUploadedFile("old.xls", b"\xd0\xcf")}
    )
    assert ".xlsx" in response.content.decode() and not Position.objects.exists()
    with pytest.raises(ValidationError, match="Excel workbook"):
        rows_of(SimpleUploadedFile("broken.xlsx", b"not a zip"), "positions")


@pytest.mark.parametrize("who", ["auditor", "org_staff"])
def test_people_without_add_permission_cannot_import(request, as_user, network, who):
    client = as_user(request.getfixturevalue(who))
    if who == "social_worker":
        # A station's worker imports the registers of case records (casework.imports), no other.
        response = client.get(reverse("positions:import"))
        assert [key for key, _label in response.context["kinds"]] == ["clients", "cases", "closed_cases"]
    else:
        assert client.get(reverse("positions:import")).status_code == 403
    assert client.get(reverse("positions:import_template", args=["positions"])).status_code == 403


def test_a_token_not_kept_for_this_session_imports_nothing(as_user, district_admin, station_manager, network):
    upload = xlsx(POSITION_HEADERS, [position_row("P-1", network.posts_a[0])])
    response = as_user(district_admin).post(
        reverse("positions:import"), {"kind": "positions", "file": upload}
    )
    token = response.context["confirm"].initial["token"]
    # Another person's session does not hold the token.
    response = as_user(station_manager).post(reverse("positions:import"), {"token": token})
    assert response.status_code == 302
    assert not Position.objects.exists()
