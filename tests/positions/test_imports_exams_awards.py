import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from positions.demo_imports import legacy_rows
from positions.models import Award, Exam, SocialWorker
from socialwork.imports import services
from socialwork.imports.cells import ROW
from socialwork.imports.registry import get
from socialwork.models import AuditEntry
from tests.positions.test_imports import id_number, reasons_by_row, rows_of, xlsx

EXAM_HEADERS = ["姓名", "身份证号", "考试年份", "考试级别", "考试结果", "成绩"]
AWARD_HEADERS = ["姓名", "身份证号", "荣誉名称", "表彰级别", "年份", "颁发单位"]


@pytest.fixture
def workers(network):
    return {
        "zhang": SocialWorker.objects.create(
            name="张丽", gender="female", id_number=id_number("19900101", "124"), employer_unit=network.room_a
        ),
        "li": SocialWorker.objects.create(
            name="李强", gender="male", id_number=id_number("19850505", "135"), employer_unit=network.room_b,
            certificate_level="assistant", certificate_year=2015,
        ),
    }  # fmt: skip


def test_exam_results_import_and_a_pass_raises_the_certificate(district_admin, workers):
    rows = rows_of(
        xlsx(
            EXAM_HEADERS,
            [
                ["张丽", id_number("19900101", "124"), 2016, "助理社会工作师", "合格", "65.5"],
                ["李强 ", id_number("19850505", "135"), "２０１８", "社工师", "通过", 72],
                ["", id_number("19850505", "135"), 2017, "中级", "未通过", ""],
            ],
        ),
        "exams",
    )
    assert services.import_preview(actor=district_admin, kind="exams", rows=rows).ok
    recorder = services.import_commit(actor=district_admin, kind="exams", rows=rows)

    assert Exam.objects.count() == 3
    assert Exam.objects.get(worker=workers["zhang"]).score == Decimal("65.5")
    assert not Exam.objects.get(worker=workers["li"], year=2017).passed
    workers["li"].refresh_from_db()
    assert (workers["li"].certificate_level, workers["li"].certificate_year) == ("social_worker", 2018)
    assert AuditEntry.objects.filter(action="exam.record").count() == 3
    # The workers whose certificate the pass raised are recorded as changed.
    assert {obj.pk for _row, obj in recorder.updated} == {workers["zhang"].pk, workers["li"].pk}


def test_every_bad_exam_row_is_explained(district_admin, workers):
    good = id_number("19900101", "124")
    rows = rows_of(
        xlsx(
            EXAM_HEADERS,
            [
                ["张丽", good, 2016, "助理社会工作师", "合格", 65],  # 2: good
                [
                    "张丽",
                    good[:17] + ("0" if good[17] != "0" else "1"),
                    2016,
                    "初级",
                    "合格",
                    65,
                ],  # 3: check digit
                ["王五", id_number("19700101", "011"), 2016, "初级", "合格", 65],  # 4: nobody
                ["王五", good, 2017, "初级", "合格", 65],  # 5: the number is 张丽's
                ["张丽", good, 2005, "无", "也许", "-1"],  # 6: year, level, result, score
                ["张丽", good, 2016, "助理社会工作师", "不合格", 50],  # 7: repeats row 2
            ],
        ),
        "exams",
    )
    reasons = reasons_by_row(services.import_preview(actor=district_admin, kind="exams", rows=rows))
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "check digit" in reasons[3]
    assert "No social worker" in reasons[4]
    assert "张丽" in reasons[5] and "王五" in reasons[5]
    assert "2005" in reasons[6] and "level" in reasons[6] and "也许" in reasons[6] and "score" in reasons[6]
    assert "row 2" in reasons[7]


def test_an_id_number_excel_turned_into_a_number_is_explained(district_admin, workers):
    rows = [{"id_number": 4.20506199001011e17, "year": 2016, "level": "初级", "result": "合格", ROW: 2}]
    preview = services.import_preview(actor=district_admin, kind="exams", rows=rows)
    assert "as a number" in preview.problems[0].reasons[0]


@pytest.mark.parametrize("choice", ["update", "skip", "stop"])
def test_an_exam_on_record_is_offered(district_admin, workers, choice):
    Exam.objects.create(worker=workers["zhang"], year=2016, level="assistant", passed=False, score=50)
    rows = rows_of(
        xlsx(EXAM_HEADERS, [["张丽", id_number("19900101", "124"), 2016, "助理社会工作师", "合格", 61]]),
        "exams",
    )
    preview = services.import_preview(actor=district_admin, kind="exams", rows=rows)
    assert [d.row for d in preview.duplicates] == [2]
    if choice == "stop":
        with pytest.raises(ValidationError):
            services.import_commit(actor=district_admin, kind="exams", rows=rows, on_duplicate=choice)
    else:
        services.import_commit(actor=district_admin, kind="exams", rows=rows, on_duplicate=choice)
    exam = Exam.objects.get()
    assert (exam.passed, exam.score) == ((True, 61) if choice == "update" else (False, 50))


def test_a_station_manager_records_exams_only_of_their_own_people(station_manager, workers):
    rows = rows_of(
        xlsx(
            EXAM_HEADERS,
            [
                ["张丽", id_number("19900101", "124"), 2016, "初级", "合格", ""],
                ["李强", id_number("19850505", "135"), 2016, "中级", "合格", ""],  # another station's
            ],
        ),
        "exams",
    )
    preview = services.import_preview(actor=station_manager, kind="exams", rows=rows)
    assert [problem.row for problem in preview.problems] == [3]
    assert "No social worker you can see" in preview.problems[0].reasons[0]


def test_a_worker_the_workbook_brings_in_is_accepted_in_the_preview(district_admin, workers):
    newcomer = id_number("19950303", "246")
    rows = [{"id_number": newcomer, "year": 2020, "level": "初级", "result": "合格", ROW: 2}]
    preview = services.import_preview(
        actor=district_admin, kind="exams", rows=rows, pending={"workers": {newcomer}}
    )
    assert preview.ok and preview.good == 1


def test_awards_import_with_the_awarding_body(district_admin, workers):
    rows = rows_of(
        xlsx(
            AWARD_HEADERS,
            [
                ["张丽", id_number("19900101", "124"), "优秀社会工作者", "市级", 2019, "宜昌市民政局"],
                ["李强", id_number("19850505", "135"), "最美社工", "省级", "2021", ""],
            ],
        ),
        "awards",
    )
    services.import_commit(actor=district_admin, kind="awards", rows=rows)
    award = Award.objects.get(worker=workers["zhang"])
    assert (award.name, award.level, award.year, award.awarded_by) == (
        "优秀社会工作者",
        "city",
        2019,
        "宜昌市民政局",
    )
    assert Award.objects.get(worker=workers["li"]).level == "provincial"
    assert AuditEntry.objects.filter(action="award.create").count() == 2


def test_every_bad_award_row_is_explained_and_one_on_record_offered(district_admin, workers):
    Award.objects.create(worker=workers["zhang"], name="优秀社会工作者", level="city", year=2019)
    good = id_number("19900101", "124")
    rows = rows_of(
        xlsx(
            AWARD_HEADERS,
            [
                ["张丽", good, "优秀社会工作者", "市级", 2019, "宜昌市民政局"],  # 2: on record
                ["张丽", good, "", "乡级", 2030, ""],  # 3: name, level, year
                ["张丽", "", "最美社工", "省级", 2021, ""],  # 4: no ID number
            ],
        ),
        "awards",
    )
    preview = services.import_preview(actor=district_admin, kind="awards", rows=rows)
    reasons = reasons_by_row(preview)
    assert sorted(reasons) == [3, 4]
    assert "award" in reasons[3] and "乡级" in reasons[3] and "2030" in reasons[3]
    assert "id_number" in reasons[4]
    assert [d.row for d in preview.duplicates] == [2]
    services.import_commit(actor=district_admin, kind="awards", rows=rows[:1], on_duplicate="update")
    assert Award.objects.get().awarded_by == "宜昌市民政局"


def test_reasons_read_in_chinese(district_admin, workers):
    rows = [
        {"id_number": id_number("19700101", "011"), "year": 2016, "level": "初级", "result": "合格", ROW: 2}
    ]
    with translation.override("zh-hans"):
        preview = services.import_preview(actor=district_admin, kind="exams", rows=rows)
    assert preview.problems[0].reasons[0].startswith("身份证号")


def test_preview_queries_do_not_grow_with_rows(district_admin, network, django_assert_max_num_queries):
    people = [
        SocialWorker.objects.create(
            name=f"社工{i}",
            gender="female",
            id_number=id_number("19900101", f"{i * 2:03d}"),
            employer_unit=network.room_a,
        )  # fmt: skip
        for i in range(60)
    ]
    exam_rows = [[p.name, p.id_number, 2016, "初级", "合格", 60] for p in people]
    award_rows = [[p.name, p.id_number, "优秀社工", "区级", 2020, "民政局"] for p in people]
    for kind, headers, lines in (("exams", EXAM_HEADERS, exam_rows), ("awards", AWARD_HEADERS, award_rows)):
        rows = rows_of(xlsx(headers, lines), kind)
        with django_assert_max_num_queries(6):
            preview = services.import_preview(actor=district_admin, kind=kind, rows=rows)
        assert preview.good == 60


@pytest.mark.parametrize("kind", ["exams", "awards"])
def test_template_download_has_the_chinese_headers(as_user, district_admin, network, settings, kind):
    settings.LANGUAGE_CODE = "zh-hans"
    response = as_user(district_admin).get(reverse("positions:import_template", args=[kind]))
    headers = next(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert list(headers) == [column.zh for column in get(kind).columns]


def test_legacy_sheets_read_and_their_wrong_rows_are_explained(district_admin, network):
    from positions.demo_imports import DEMO_WORKERS

    for name, number in DEMO_WORKERS:
        SocialWorker.objects.create(name=name, id_number=number, employer_unit=network.room_a)
    sheets = legacy_rows()
    expected = {"考试成绩": ("exams", [6, 7, 8, 9, 10]), "表彰奖励": ("awards", [6, 7, 8, 9])}
    for title, (kind, bad_rows) in expected.items():
        workbook = Workbook()
        for line in sheets[title]:
            workbook.active.append(line)
        output = io.BytesIO()
        workbook.save(output)
        rows = rows_of(SimpleUploadedFile("legacy.xlsx", output.getvalue()), kind)
        preview = services.import_preview(actor=district_admin, kind=kind, rows=rows)
        assert sorted(reasons_by_row(preview)) == bad_rows, (title, preview.problems)
