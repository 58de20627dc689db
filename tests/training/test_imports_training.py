"""The training register (培训记录): past series, sessions and attendance brought in from a bureau's
sheet, one row per person per session, through training's own services."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from positions.models import SocialWorker
from reports import figures
from socialwork.imports import services
from socialwork.imports.reading import rows_from_records
from socialwork.imports.services import _chunks
from socialwork.models import AuditEntry
from tests.positions.test_imports import csv_file, id_number, reasons_by_row, rows_of, xlsx
from training import selectors
from training.demo_imports import legacy_rows
from training.imports import TrainingRegister
from training.models import Enrolment, TrainingSeries, TrainingSession

HEADERS = ["培训名称", "举办单位", "开始日期", "结束日期", "学时", "姓名", "身份证号", "工作单位", "考核结果"]
SERIES = "2016年实务能力提升培训"


def row(name, *, series=SERIES, unit="区社工服务中心", starts="2016-04-12", ends="", hours=6, id_number="",
        workplace="", result="合格"):  # fmt: skip
    return [series, unit, starts, ends, hours, name, id_number, workplace, result]


@pytest.fixture
def workers(network):
    return {
        "zhang": SocialWorker.objects.create(
            name="张敏",
            gender="female",
            id_number=id_number("19900101", "124"),
            employer_unit=network.station_a,
        ),
        "li": SocialWorker.objects.create(
            name="李强", gender="male", id_number=id_number("19850505", "135"), employer_unit=network.room_a
        ),
        "wang": SocialWorker.objects.create(
            name="王芳",
            gender="female",
            id_number=id_number("19880808", "246"),
            employer_unit=network.station_b,
        ),
    }


def preview_of(actor, upload):
    return services.import_preview(actor=actor, kind="training", rows=rows_of(upload, "training"))


def commit(actor, upload, on_duplicate=services.STOP):
    return services.import_commit(
        actor=actor, kind="training", rows=rows_of(upload, "training"), on_duplicate=on_duplicate
    )


def test_a_good_file_imports_series_sessions_and_attendance_and_credits_hours(
    district_admin, network, workers
):
    upload = xlsx(
        HEADERS,
        [
            row("张敏", id_number=workers["zhang"].id_number),  # by the ID number
            row("李强", workplace="甲社区服务室"),  # by name and unit
            row("赵小红", workplace="甲社区居委会"),  # an outside participant
            row("王芳", id_number=workers["wang"].id_number, result="不合格"),  # absent: no hours
            row(
                "张敏", id_number=workers["zhang"].id_number, starts="2016.5.10", hours="６"
            ),  # second session
            row(
                "张敏",
                series="2017年督导培训",
                starts=date(2017, 3, 1),
                ends="2017-03-02",
                hours=12,
                id_number=workers["zhang"].id_number,
            ),  # fmt: skip
        ],
    )
    preview = preview_of(district_admin, upload)
    assert preview.ok and preview.good == 6 and not preview.duplicates

    recorder = commit(district_admin, upload)

    series = TrainingSeries.objects.get(title=SERIES)
    assert (series.year, series.unit, series.category) == (2016, network.centre, "continuing_education")
    sessions = list(series.sessions.order_by("starts_at"))
    assert [timezone.localdate(s.starts_at) for s in sessions] == [date(2016, 4, 12), date(2016, 5, 10)]
    first = sessions[0]
    assert first.credit_hours == Decimal(6) and first.host_unit == network.centre and first.capacity == 4
    assert {(e.worker_id, e.outside_name, e.outside_unit, e.attended, e.hours_credited) for e in first.enrolments.all()} == {
        (workers["zhang"].pk, "", "", True, Decimal(6)),
        (workers["li"].pk, "", "", True, Decimal(6)),
        (None, "赵小红", "甲社区居委会", True, Decimal(6)),
        (workers["wang"].pk, "", "", False, Decimal(0)),
    }  # fmt: skip
    block = TrainingSession.objects.get(series__title="2017年督导培训")
    assert timezone.localtime(block.ends_at).date() == date(2017, 3, 2)
    # The hours count where attended sessions count: the worker's year, the figures, the report.
    assert selectors.worker_hours(worker=workers["zhang"], year=2016) == Decimal(12)
    assert selectors.worker_hours(worker=workers["zhang"], year=2017) == Decimal(12)
    assert selectors.worker_hours(worker=workers["wang"], year=2016) == 0
    by_series = {f.label: f for f in selectors.training_figures(user=district_admin, group_by="series")}
    assert (by_series[SERIES].sessions, by_series[SERIES].participants, by_series[SERIES].person_times) == (
        2,
        3,
        4,
    )
    chapter = figures._training(figures._Place(user=district_admin, year=2016, town=None), 2016)
    assert dict(chapter.headline)["Person-times"] == 4

    kinds = [type(obj).__name__ for _row, obj in recorder.created]
    assert kinds.count("TrainingSeries") == 2 and kinds.count("TrainingSession") == 3
    assert kinds.count("Enrolment") == 6
    assert AuditEntry.objects.filter(action="attendance.enter", actor=district_admin).count() == 6
    assert AuditEntry.objects.filter(action="series.create").count() == 2
    assert AuditEntry.objects.filter(action="session.create").count() == 3


def test_every_bad_row_is_explained_and_nothing_is_written(district_admin, network, workers):
    today = timezone.localdate()
    upload = xlsx(
        HEADERS,
        [
            row("张敏", id_number=workers["zhang"].id_number),  # 2: good
            row("张敏", id_number=workers["zhang"].id_number),  # 3: repeats row 2
            row("甲", unit="外星局", workplace="某单位"),  # 4: unknown unit
            row("乙", unit="甲社区岗位0", workplace="某单位"),  # 5: a post
            row("丙", starts=str(today + timedelta(days=3)), workplace="某单位"),  # 6: not held yet
            row("丁", starts="2016-04-12", ends="2016-04-01", workplace="某单位"),  # 7: ends first
            row("戊", hours=0, workplace="某单位"),  # 8: no hours
            row("己", hours=8, workplace="某单位"),  # 9: row 2 said 6 for this session
            row("李强", id_number=420506198505051350),  # 10: an ID number Excel made a number
            row(
                "庚", id_number=id_number()[:17] + "0" if id_number()[17] != "0" else id_number()[:17] + "1"
            ),  # 11
            row("张三", id_number=workers["zhang"].id_number),  # 12: the ID is 张敏's
            row("辛"),  # 13: neither ID number nor unit
            row(
                "李强", id_number=id_number("19700101", "011"), workplace="甲社区服务室"
            ),  # 14: namesake's ID
            row("壬", starts="2016-02-30", workplace="某单位"),  # 15: no such date
        ],
    )
    preview = preview_of(district_admin, upload)
    reasons = reasons_by_row(preview)
    assert sorted(reasons) == list(range(3, 16))
    assert "row 2" in reasons[3]
    assert "外星局" in reasons[4]
    assert "service post" in reasons[5]
    assert "not taken place" in reasons[6]
    assert "end before" in reasons[7]
    assert "more than 0" in reasons[8]
    assert "credits 6 hours (row 2)" in reasons[9]
    assert "as a number" in reasons[10]
    assert "check digit" in reasons[11]
    assert "named 张敏" in reasons[12]
    assert "ID number or the unit" in reasons[13]
    assert "another ID number" in reasons[14]
    assert "not a date" in reasons[15]
    with pytest.raises(ValidationError):
        commit(district_admin, upload)
    assert not TrainingSeries.objects.exists() and not Enrolment.objects.exists()
    assert not AuditEntry.objects.exists()


def test_reasons_read_in_chinese(district_admin, network, workers, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        upload = xlsx(HEADERS, [row("甲", unit="外星局", workplace="某单位")])
        reasons = reasons_by_row(preview_of(district_admin, upload))
    assert reasons[2].startswith("举办单位")


def test_several_namesakes_at_one_unit_need_the_id_number(district_admin, network, workers):
    SocialWorker.objects.create(
        name="李强", gender="male", id_number=id_number("19700101", "011"), employer_unit=network.room_a
    )
    reasons = reasons_by_row(
        preview_of(district_admin, xlsx(HEADERS, [row("李强", workplace="甲社区服务室")]))
    )
    assert "Several registered social workers" in reasons[2]


def test_a_row_on_record_is_offered_as_update_skip_or_stop(district_admin, network, workers):
    zhang = workers["zhang"].id_number
    commit(district_admin, xlsx(HEADERS, [row("张敏", id_number=zhang), row("赵小红", workplace="居委会")]))
    again = xlsx(
        HEADERS,
        [row("张敏", id_number=zhang, result="未完成"), row("赵小红", workplace="居委会"), row("李强", workplace="甲社区服务室")],
    )  # fmt: skip
    preview = preview_of(district_admin, again)
    assert preview.ok
    assert [(d.row, d.identity) for d in preview.duplicates] == [
        (2, f"{SERIES} 2016-04-12 张敏（{zhang[:6]}********{zhang[-4:]}）"),
        (3, f"{SERIES} 2016-04-12 赵小红（居委会）"),
    ]

    with pytest.raises(ValidationError) as stopped:
        commit(district_admin, again)
    assert "already on record" in " ".join(stopped.value.messages)
    assert Enrolment.objects.count() == 2

    commit(district_admin, again, on_duplicate=services.SKIP)
    assert Enrolment.objects.count() == 3
    assert selectors.worker_hours(worker=workers["zhang"], year=2016) == Decimal(6)

    assert len(preview_of(district_admin, again).duplicates) == 3
    recorder = commit(district_admin, again, on_duplicate=services.UPDATE)
    assert len(recorder.updated) == 3 and not recorder.created
    assert Enrolment.objects.count() == 3
    # 张敏 did not complete it after all: absent, no hours.
    assert selectors.worker_hours(worker=workers["zhang"], year=2016) == 0


def test_a_session_on_record_keeps_its_hours(district_admin, network, workers):
    series = TrainingSeries.objects.create(
        title=SERIES, category="practical_skills", year=2016, unit=network.centre
    )
    starts = timezone.make_aware(datetime.combine(date(2016, 4, 12), time(14)))
    session = TrainingSession.objects.create(
        series=series, topic="会谈", starts_at=starts, ends_at=starts + timedelta(hours=3), venue="中心",
        host_unit=network.centre, capacity=1, credit_hours=Decimal(3),
    )  # fmt: skip
    upload = xlsx(HEADERS, [row("张敏", id_number=workers["zhang"].id_number, hours=3), row("李强", hours=6,
                                                                                          workplace="甲社区服务室")])  # fmt: skip
    reasons = reasons_by_row(preview_of(district_admin, upload))
    assert list(reasons) == [3] and "credits 3 hours (the session on record)" in reasons[3]

    commit(district_admin, xlsx(HEADERS, [row("张敏", id_number=workers["zhang"].id_number, hours=3)]))
    assert TrainingSession.objects.count() == 1 and TrainingSeries.objects.count() == 1
    enrolment = session.enrolments.get()
    assert enrolment.worker == workers["zhang"] and enrolment.hours_credited == Decimal(3)


def test_a_station_manager_imports_only_into_their_own_place(station_manager, network, workers):
    from django.contrib.auth.models import Permission

    assert not TrainingRegister.allowed(station_manager)  # series are set up by the district
    station_manager.user_permissions.add(Permission.objects.get(codename="add_trainingseries"))
    station_manager = type(station_manager).objects.get(pk=station_manager.pk)
    upload = xlsx(
        HEADERS,
        [
            row(
                "张敏", unit="甲镇服务站", id_number=workers["zhang"].id_number
            ),  # 2: own station, own worker
            row(
                "王芳", unit="甲镇服务站", id_number=workers["wang"].id_number
            ),  # 3: another station's worker
            row("赵小红", unit="乙街道服务站", workplace="居委会"),  # 4: another station
        ],
    )
    reasons = reasons_by_row(preview_of(station_manager, upload))
    assert sorted(reasons) == [3, 4]
    assert "outside your place" in reasons[3] and "outside your place" in reasons[4]


def test_a_worker_the_same_workbook_brings_in_is_credited(district_admin, network):
    """The 社工 sheet above is saved first: its ID numbers are pending, and the row is theirs."""
    pending_id = id_number("19920202", "124")
    rows = rows_from_records([HEADERS, row("新人", id_number=pending_id)], TrainingRegister.columns)
    register = TrainingRegister(actor=district_admin, pending={"workers": {pending_id}})
    [(_rows, problems, _duplicates, good)] = _chunks(register=register, rows=rows)
    assert not problems and good[0][1]["pending_id"] == pending_id and good[0][1]["outside_name"] == ""


def test_csv_with_english_headers(district_admin, network, workers):
    upload = csv_file(
        ["training", "organizing_unit", "start_date", "hours", "name", "id_number", "completed"],
        [[SERIES, "区社工服务中心", "2016/4/12", "3.5", "张敏", workers["zhang"].id_number, "Completed"]],
        encoding="gb18030",
    )
    commit(district_admin, upload)
    assert selectors.worker_hours(worker=workers["zhang"], year=2016) == Decimal("3.5")


def test_preview_queries_do_not_grow_with_rows(
    district_admin, network, workers, django_assert_max_num_queries
):
    def rows(count):
        return [row(f"学员{i}", workplace="居委会", starts=f"2016-04-{1 + i % 20:02d}") for i in range(count)] + [
            row("张敏", id_number=workers["zhang"].id_number), row("李强", workplace="甲社区服务室")
        ]  # fmt: skip

    small, large = rows_of(xlsx(HEADERS, rows(5)), "training"), rows_of(xlsx(HEADERS, rows(300)), "training")
    with django_assert_max_num_queries(12):
        services.import_preview(actor=district_admin, kind="training", rows=small)
    with django_assert_max_num_queries(12):
        preview = services.import_preview(actor=district_admin, kind="training", rows=large)
    assert preview.ok


def test_the_template_downloads_with_chinese_headers(as_user, district_admin, network, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = as_user(district_admin).get(reverse("positions:import_template", args=["training"]))
    assert response.status_code == 200
    sheet = load_workbook(__import__("io").BytesIO(response.content)).active
    assert sheet.title == "培训记录"
    assert [c.value for c in sheet[1]][:3] == ["培训名称", "培训类别", "举办单位"]


def test_the_import_page_offers_training_to_the_district(as_user, district_admin, station_manager, network):
    page = as_user(district_admin).get(reverse("positions:import"))
    assert ("training", "Training records") in [(k, str(label)) for k, label in page.context["kinds"]]


def test_the_demo_legacy_sheet_has_every_column_it_names():
    sheet = legacy_rows()["培训记录"]
    rows = rows_from_records(sheet, TrainingRegister.columns)
    assert len(rows) == len(sheet) - 1 and 8 <= len(rows) <= 15


def test_the_demo_legacy_sheet_is_wrong_where_its_docstring_says(db):
    """On the demo district, the sheet's rows are good, wrong or already on record as listed in
    training/demo_imports.py (the lead's workbook adds title rows above: row numbers shift alike)."""
    from positions.demo import seed_network
    from positions.demo_workforce import seed_workforce
    from positions.models import Region, ServiceUnit
    from socialwork.roles import Role
    from tests.factories import make_user
    from training.demo import seed_training

    seed_network(), seed_workforce(), seed_training()
    actor = make_user("district", Role.DISTRICT_ADMIN, unit=ServiceUnit.objects.get(code="CT-01"),
                      region=Region.objects.get(code="420506"))  # fmt: skip
    rows = rows_from_records(legacy_rows()["培训记录"], TrainingRegister.columns)
    preview = services.import_preview(actor=actor, kind="training", rows=rows)
    assert sorted(reasons_by_row(preview)) == [3, 6, 10, 11, 12, 13, 14]
    assert [d.row for d in preview.duplicates] == [9]
    good = [r for r in rows if r["_row"] in (2, 4, 5, 7, 8, 9)]
    recorder = services.import_commit(actor=actor, kind="training", rows=good, on_duplicate=services.SKIP)
    assert [type(obj).__name__ for _row, obj in recorder.created].count("Enrolment") == 5


def test_the_import_page_previews_and_imports_a_training_file(as_user, district_admin, network, workers):
    client = as_user(district_admin)
    upload = xlsx(
        HEADERS, [row("张敏", id_number=workers["zhang"].id_number), row("赵小红", workplace="居委会")]
    )
    response = client.post(reverse("positions:import"), {"kind": "training", "file": upload})
    assert response.context["preview"].good == 2 and b'id="confirm-import"' in response.content
    token = response.context["confirm"].initial["token"]
    client.post(reverse("positions:import"), {"token": token}, follow=True)
    assert Enrolment.objects.filter(attended=True).count() == 2
    assert selectors.worker_hours(worker=workers["zhang"], year=2016) == Decimal(6)
