import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from casework.demo_imports_volunteers import volunteer_legacy_rows
from casework.models import Volunteer, VolunteerHours
from socialwork.imports import services
from socialwork.imports.registry import get
from socialwork.models import AuditEntry
from tests.positions.test_imports import reasons_by_row, rows_of, xlsx

VOLUNTEER_HEADERS = ["姓名", "联系电话", "技能特长", "注册日期", "状态"]
HOURS_HEADERS = ["姓名", "联系电话", "服务日期", "服务时长（小时）", "服务内容"]


def volunteer(station, name="刘阿姨", phone="13907170099", **fields):
    return Volunteer.objects.create(
        name=name, phone=phone, station=station, registered_on=date(2015, 1, 1), **fields
    )


def test_volunteers_and_their_hours_import_at_the_persons_station(station_manager, network):
    rows = rows_of(
        xlsx(
            VOLUNTEER_HEADERS,
            [
                ["王秀英", "13872601234", "照料老人", "2015.3.1", "在册"],
                ["孙建华 ", 13607205678, "法律咨询", 42430, "退出"],
            ],
        ),
        "volunteers",
    )
    assert services.import_preview(actor=station_manager, kind="volunteers", rows=rows).ok
    services.import_commit(actor=station_manager, kind="volunteers", rows=rows)
    wang, sun = Volunteer.objects.get(name="王秀英"), Volunteer.objects.get(name="孙建华")
    assert (wang.station, wang.phone, wang.registered_on, wang.active) == (
        network.station_a, "13872601234", date(2015, 3, 1), True,
    )  # fmt: skip
    assert (sun.phone, sun.registered_on, sun.active) == ("13607205678", date(2016, 3, 1), False)
    assert AuditEntry.objects.filter(action="volunteer.create").count() == 2

    hours = rows_of(
        xlsx(
            HOURS_HEADERS,
            [
                ["王秀英", "", "2015.6.1", "2.5小时", "陪老人聊天"],
                ["孙建华", 13607205678, "2017-03-05", "４", "法律咨询进社区"],
            ],
        ),
        "volunteer_hours",
    )
    recorder = services.import_commit(actor=station_manager, kind="volunteer_hours", rows=hours)
    assert [(e.volunteer.name, e.served_on, e.hours) for _row, e in recorder.created] == [
        ("王秀英", date(2015, 6, 1), Decimal("2.5")),
        ("孙建华", date(2017, 3, 5), Decimal("4.0")),
    ]
    assert AuditEntry.objects.filter(action="volunteer.hours_add").count() == 2


def test_every_bad_volunteer_row_is_explained(station_manager, network):
    rows = rows_of(
        xlsx(
            [*VOLUNTEER_HEADERS, "所属服务站"],
            [
                ["王秀英", "13872601234", "", "2015-03-01", "在册", network.station_a.name],  # 2: good
                ["周丽", "电话待补", "", "2017-03-01", "在册", ""],  # 3: phone
                [
                    "吴刚",
                    "13607209999",
                    "",
                    "2017-04-01",
                    "在册",
                    network.station_b.name,
                ],  # 4: another station
                ["郑红", "13607208888", "", "2015.2.30", "在册", ""],  # 5: date
                ["王秀英", "138-7260-1234", "", "2018-01-01", "在册", ""],  # 6: repeats row 2
                ["钱多多", "", "", "2030-01-01", "也许", ""],  # 7: future, status
            ],
        ),
        "volunteers",
    )
    reasons = reasons_by_row(services.import_preview(actor=station_manager, kind="volunteers", rows=rows))
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "phone" in reasons[3]
    assert network.station_b.name in reasons[4]
    assert "2015.2.30" in reasons[5]
    assert "row 2" in reasons[6]
    assert "future" in reasons[7] and "也许" in reasons[7]


@pytest.mark.parametrize("choice", ["update", "skip", "stop"])
def test_a_volunteer_on_record_is_found_by_name_and_phone(station_manager, network, choice):
    aunt = volunteer(network.station_a, skills="")
    volunteer(network.station_a, name="刘阿姨", phone="13900000000")  # same name, another phone
    rows = rows_of(
        xlsx(VOLUNTEER_HEADERS, [["刘阿姨", "139-0717-0099", "辅导功课", "2015-01-01", ""]]), "volunteers"
    )
    preview = services.import_preview(actor=station_manager, kind="volunteers", rows=rows)
    assert [(d.row, d.identity) for d in preview.duplicates] == [(2, "刘阿姨 · 13907170099")]
    if choice == "stop":
        with pytest.raises(ValidationError):
            services.import_commit(actor=station_manager, kind="volunteers", rows=rows, on_duplicate=choice)
    else:
        services.import_commit(actor=station_manager, kind="volunteers", rows=rows, on_duplicate=choice)
    aunt.refresh_from_db()
    assert Volunteer.objects.count() == 2
    assert aunt.skills == ("辅导功课" if choice == "update" else "")


def test_every_bad_hours_row_is_explained(station_manager, network):
    volunteer(network.station_a)
    volunteer(network.station_a, name="王秀英", phone="13872601234")
    volunteer(network.station_a, name="王秀英", phone="13872605555")
    volunteer(network.station_b, name="吴刚", phone="13607209999")  # another station's
    rows = rows_of(
        xlsx(
            HOURS_HEADERS,
            [
                ["刘阿姨", "13907170099", "2015-05-01", "3小时", ""],  # 2: good
                ["刘阿姨", "", "2015-05-01", 3, ""],  # 3: the same as row 2
                ["李四", "", "2015-05-02", 2, ""],  # 4: nobody
                ["王秀英", "", "2015-05-02", 2, ""],  # 5: two of that name
                ["吴刚", "13607209999", "2015-05-02", 2, ""],  # 6: another station's
                ["刘阿姨", "", "2015-06-02", 25, ""],  # 7: hours
                ["刘阿姨", "", "2015-06-31", "半天", ""],  # 8: date and hours
                ["刘阿姨", "", "2099-01-01", "1.25", ""],  # 9: future, decimals
            ],
        ),
        "volunteer_hours",
    )
    reasons = reasons_by_row(
        services.import_preview(actor=station_manager, kind="volunteer_hours", rows=rows)
    )
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert "row 2" in reasons[3]
    assert "李四" in reasons[4]
    assert "2 volunteers" in reasons[5]
    assert "吴刚" in reasons[6]
    assert "at most 24" in reasons[7]
    assert "2015-06-31" in reasons[8] and "半天" in reasons[8]
    assert "future" in reasons[9] and "one decimal" in reasons[9]


def test_hours_on_record_are_offered_and_never_doubled(station_manager, network):
    aunt = volunteer(network.station_a)
    VolunteerHours.objects.create(volunteer=aunt, served_on=date(2015, 5, 1), hours=Decimal(3))
    rows = rows_of(xlsx(HOURS_HEADERS, [["刘阿姨", "", "2015-05-01", 3, ""]]), "volunteer_hours")
    preview = services.import_preview(actor=station_manager, kind="volunteer_hours", rows=rows)
    assert [d.row for d in preview.duplicates] == [2]
    services.import_commit(actor=station_manager, kind="volunteer_hours", rows=rows, on_duplicate="update")
    assert VolunteerHours.objects.count() == 1


def test_hours_may_name_a_volunteer_the_workbook_brings_in(station_manager, network):
    pending = {"volunteers": {"王秀英 · 13872601234"}}
    rows = rows_of(xlsx(HOURS_HEADERS, [["王秀英", "", "2015-06-01", 2, ""]]), "volunteer_hours")
    preview = services.import_preview(
        actor=station_manager, kind="volunteer_hours", rows=rows, pending=pending
    )
    assert preview.ok and preview.good == 1


def test_only_people_of_a_station_import_volunteers(district_admin, station_manager, social_worker, network):
    assert get("volunteers").allowed(station_manager) and get("volunteer_hours").allowed(social_worker)
    assert not get("volunteers").allowed(district_admin)  # the district has no station


def test_reasons_read_in_chinese(station_manager, network):
    rows = rows_of(xlsx(HOURS_HEADERS, [["李四", "", "2015-05-02", 2, ""]]), "volunteer_hours")
    with translation.override("zh-hans"):
        reasons = reasons_by_row(
            services.import_preview(actor=station_manager, kind="volunteer_hours", rows=rows)
        )
    assert reasons[2].startswith("姓名")


def test_preview_queries_do_not_grow_with_rows(station_manager, network, django_assert_max_num_queries):
    for i in range(50):
        volunteer(network.station_a, name=f"志愿者{i}", phone=f"139{i:08d}")
    people = rows_of(
        xlsx(VOLUNTEER_HEADERS, [[f"志愿者{i}", f"139{i:08d}", "", "2015-01-01", ""] for i in range(100)]),
        "volunteers",
    )
    hours = rows_of(
        xlsx(HOURS_HEADERS, [[f"志愿者{i}", "", f"2015-01-{1 + i % 28:02d}", 2, ""] for i in range(50)] * 2),
        "volunteer_hours",
    )
    with django_assert_max_num_queries(6):
        assert services.import_preview(actor=station_manager, kind="volunteers", rows=people).good == 100
    with django_assert_max_num_queries(6):
        preview = services.import_preview(actor=station_manager, kind="volunteer_hours", rows=hours)
    assert preview.total == 100 and len(preview.problems) == 50  # the second half repeats the first


@pytest.mark.parametrize("kind", ["volunteers", "volunteer_hours"])
def test_template_download_has_the_chinese_headers(as_user, station_manager, network, settings, kind):
    settings.LANGUAGE_CODE = "zh-hans"
    response = as_user(station_manager).get(reverse("positions:import_template", args=[kind]))
    assert response.status_code == 200
    headers = next(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert list(headers) == [column.zh for column in get(kind).columns]


def test_legacy_sheets_read_and_their_wrong_rows_are_explained(station_manager, network):
    network.station_a.name = "三斗坪镇社会工作服务站"
    network.station_a.save()
    network.station_b.name = "龙泉镇社会工作服务站"
    network.station_b.save()
    volunteer(network.station_a)
    sheets = volunteer_legacy_rows()

    def rows(title, kind):
        workbook = Workbook()
        for line in sheets[title]:
            workbook.active.append(line)
        output = io.BytesIO()
        workbook.save(output)
        return rows_of(SimpleUploadedFile("legacy.xlsx", output.getvalue()), kind)

    people = rows("志愿者", "volunteers")
    preview = services.import_preview(actor=station_manager, kind="volunteers", rows=people)
    assert sorted(reasons_by_row(preview)) == [7, 8, 9, 10, 11, 12], preview.problems
    assert [d.row for d in preview.duplicates] == [2]
    good = {2, 3, 4, 5, 6}
    services.import_commit(
        actor=station_manager,
        kind="volunteers",
        rows=[r for r in people if r["_row"] in good],
        on_duplicate="skip",
    )
    preview = services.import_preview(
        actor=station_manager, kind="volunteer_hours", rows=rows("志愿服务时长", "volunteer_hours")
    )
    assert sorted(reasons_by_row(preview)) == [6, 7, 8, 9, 10], preview.problems


def test_a_social_worker_imports_volunteers_on_the_import_page_in_chinese(
    as_user, social_worker, network, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    client = as_user(social_worker)
    page = client.get(reverse("positions:import"))
    # A social worker brings in the station's volunteers and their clients and cases, nothing else.
    assert [key for key, _label in page.context["kinds"]] == [
        "volunteers", "volunteer_hours", "clients", "cases", "closed_cases",
    ]  # fmt: skip
    upload = xlsx(
        VOLUNTEER_HEADERS,
        [["王秀英", "13872601234", "", "2015.3.1", "在册"], ["周丽", "电话待补", "", "2015-03-01", ""]],
    )
    response = client.post(reverse("positions:import"), {"kind": "volunteers", "file": upload})
    assert "联系电话" in response.content.decode() and response.context["confirm"] is None
    upload = xlsx(VOLUNTEER_HEADERS, [["王秀英", "13872601234", "", "2015.3.1", "在册"]])
    response = client.post(reverse("positions:import"), {"kind": "volunteers", "file": upload})
    client.post(reverse("positions:import"), {"token": response.context["confirm"].initial["token"]})
    assert Volunteer.objects.get().station == network.station_a


def test_a_row_without_phone_names_the_one_volunteer_of_that_name_and_keeps_the_phone(
    station_manager, network
):
    aunt = volunteer(network.station_a, skills="")
    rows = rows_of(xlsx(VOLUNTEER_HEADERS, [["刘阿姨", "", "辅导功课", "2015-01-01", ""]]), "volunteers")
    assert [
        d.record
        for d in services.import_preview(actor=station_manager, kind="volunteers", rows=rows).duplicates
    ] == ["刘阿姨"]
    services.import_commit(actor=station_manager, kind="volunteers", rows=rows, on_duplicate="update")
    aunt.refresh_from_db()
    assert (aunt.skills, aunt.phone) == ("辅导功课", "13907170099")
