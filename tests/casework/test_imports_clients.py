"""The register of clients (casework.imports.ClientRegister): a station's people served, with their
categories, household and the day they signed the consent form, brought in through
`client_register` and `client_update`."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from casework import services
from casework.models import Client, HouseholdMember
from casework.selectors import clients_visible_to
from socialwork.idnumbers import check_character
from socialwork.imports import reading
from socialwork.imports import services as importing
from socialwork.imports.cells import ROW
from socialwork.imports.registry import registers_for
from socialwork.models import AuditEntry
from tests.casework.factories import make_client
from tests.socialwork.test_import_runs import workbook as xlsx  # several sheets

HEADERS = ["姓名", "身份证号", "性别", "出生日期", "联系电话", "住址", "所在社区（村）", "对象类别", "家庭成员", "知情同意日期"]  # fmt: skip


def id_number(born: str = "19500101", sequence: str = "124") -> str:
    first17 = f"420506{born}{sequence}"
    return first17 + check_character(first17)


def row(number: int, **cells) -> dict:
    values = {
        "name": f"案主{number}", "id_number": id_number(sequence=f"{100 + number:03d}"), "community": "甲社区",
        "consent_on": "2024-03-01",
    }  # fmt: skip
    values.update(cells)
    return {**values, ROW: number}


def reasons_by_row(preview) -> dict[int, str]:
    return {problem.row: " | ".join(problem.reasons) for problem in preview.problems}


def test_a_good_workbook_sheet_imports_clients_with_categories_household_and_paper_consent(
    station_manager, network
):
    upload = xlsx(
        {
            "服务对象": [
                HEADERS,
                ["王秀兰", id_number("19480512", "126"), "女", "1948-05-12", "13907171201", "甲社区12号", "甲社区 ",
                 "独居老人、低保", "王建国(儿子，在外务工)、李四（其他）", "2015.3.1"],
                # Full-width digits, an Excel serial birth date, a village by name, a trailing space.
                ["刘德明 ", "４２０５０６" + id_number("19650708", "133")[6:], "男", 23931, "", "", "甲一村",
                 "People with disabilities、残疾", "陈玉兰(配偶)", 45000],
            ]
        }
    )  # fmt: skip
    [(kind, title, rows)] = reading.read_workbook(upload)
    assert (kind, title) == ("clients", "服务对象")

    preview = importing.import_preview(actor=station_manager, kind="clients", rows=rows)
    assert preview.problems == [] and preview.good == 2

    saved = importing.import_commit(actor=station_manager, kind="clients", rows=rows)
    wang = Client.objects.get(name="王秀兰")
    assert wang.station == network.station_a and wang.community == network.community_a
    assert wang.consents_to_data_processing and wang.consents_to_services
    assert wang.consent_recorded_on == date(2015, 3, 1)
    assert sorted(c.code for c in wang.categories.all()) == ["elderly_alone", "low_income"]
    household = {(m.name, m.relation, m.situation) for m in wang.household.all()}
    assert household == {("王建国", "child", "在外务工"), ("李四", "other", "")}
    liu = Client.objects.get(name="刘德明")
    assert liu.id_number == id_number("19650708", "133") and liu.birth_date == date(1965, 7, 8)
    assert liu.community == network.village_a and liu.consent_recorded_on == date(2023, 3, 15)
    assert [c.code for c in liu.categories.all()] == ["disabled"]
    # Every record written is told to the recorder: the clients and their household members.
    assert {type(obj) for _row, obj in saved.created} == {Client, HouseholdMember}
    assert len(saved.created) == 5
    assert AuditEntry.objects.filter(action="client.create", actor=station_manager).count() == 2
    # Looked up as intake would, marked as an import.
    checks = AuditEntry.objects.filter(action="client.duplicate_check", actor=station_manager)
    assert checks.count() == 2 and all(entry.changes["purpose"] == "import" for entry in checks)


def test_every_bad_row_is_explained(station_manager, network):
    make_client(station_manager, name="在册", id_number=id_number("19700101", "111"))
    good = id_number("19800101", "122")
    rows = [
        row(2, id_number=good),  # good
        row(3, id_number=4.20506195603031e17),  # Excel lost digits
        row(4, id_number=good),  # repeats row 2
        row(5, community="幸福村"),  # unknown community
        row(6, community="乙社区"),  # another town's
        row(7, categories="低保户口"),  # no such category
        row(8, household="马丽 刘强"),  # no relations
        row(9, household="马丽(表哥)"),  # unknown relation
        row(10, consent_on=""),  # no consent
        row(11, consent_on=(timezone.localdate() + timedelta(days=3)).isoformat()),  # consent to come
        row(12, id_number=good[:17] + ("1" if good[17] != "1" else "2")),  # check digit
        row(13, id_number=id_number("19850505", "135"), birth_date="1985-05-06"),  # not the ID's birth date
        row(14, id_number=id_number("19850505", "135"), gender="女"),  # the ID says male
        row(15, id_number=id_number("19700101", "111")),  # on record: a duplicate, not a bad row
        row(16, name=""),
    ]
    preview = importing.import_preview(actor=station_manager, kind="clients", rows=rows)
    reasons = reasons_by_row(preview)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16]
    assert "as a number" in reasons[3]
    assert "row 2" in reasons[4]
    assert "幸福村" in reasons[5] and "No community" in reasons[5]
    assert "not in your station's town" in reasons[6]
    assert "低保户口" in reasons[7] and "categories" in reasons[7]
    assert "name(relation)" in reasons[8]
    assert "表哥" in reasons[9]
    assert "consent_on" in reasons[10] and "required" in reasons[10]
    assert "consent_on" in reasons[11] and "to come" in reasons[11]
    assert "check" in reasons[12]
    assert "1985-05-05" in reasons[13]
    assert "Male" in reasons[14]
    assert "name" in reasons[16]
    assert [(d.row, d.record) for d in preview.duplicates] == [(15, "在册")]
    with pytest.raises(ValidationError):
        importing.import_commit(actor=station_manager, kind="clients", rows=rows)
    assert Client.objects.count() == 1


def test_a_client_on_record_is_offered_as_update_skip_or_stop(station_manager, network):
    on_record = make_client(station_manager, name="在册", id_number=id_number("19700101", "111"))
    rows = [row(2, name="在册", id_number=on_record.id_number, categories="独居老人", household="张三(儿子)"),
            row(3)]  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        importing.import_commit(actor=station_manager, kind="clients", rows=rows, on_duplicate="stop")
    assert "already on record" in raised.value.messages[0]
    assert Client.objects.count() == 1

    saved = importing.import_commit(actor=station_manager, kind="clients", rows=rows, on_duplicate="skip")
    assert saved.skipped == [2] and Client.objects.count() == 2
    on_record.refresh_from_db()
    assert not on_record.categories.exists()

    saved = importing.import_commit(
        actor=station_manager, kind="clients", rows=rows[:1], on_duplicate="update"
    )
    assert [obj for _row, obj in saved.updated] == [on_record]
    on_record.refresh_from_db()
    assert [c.code for c in on_record.categories.all()] == ["elderly_alone"]
    assert [m.name for m in on_record.household.all()] == ["张三"]
    assert on_record.consent_recorded_on == date(2024, 3, 1)
    assert AuditEntry.objects.filter(action="client.update", target_id=str(on_record.pk)).exists()


def test_a_number_known_at_another_station_is_not_shown_and_is_flagged_as_at_intake(
    station_manager, other_station_manager, network
):
    elsewhere = make_client(other_station_manager, name="别站的人", id_number=id_number("19700101", "111"))
    rows = [row(2, name="别站的人", id_number=elsewhere.id_number)]
    preview = importing.import_preview(actor=station_manager, kind="clients", rows=rows)
    assert preview.ok and preview.duplicates == []  # nothing of the other station's record shows
    importing.import_commit(actor=station_manager, kind="clients", rows=rows)
    mine = Client.objects.exclude(pk=elsewhere.pk).get()
    assert mine.station == network.station_a and mine.known_elsewhere
    # Seen by those who would see it had it been registered by hand: the station, not the other.
    assert clients_visible_to(user=station_manager).filter(pk=mine.pk).exists()
    assert not clients_visible_to(user=other_station_manager).filter(pk=mine.pk).exists()


def test_a_worker_imports_clients_they_then_see_as_registered_by_hand(social_worker, colleague, network):
    importing.import_commit(actor=social_worker, kind="clients", rows=[row(2)])
    client = Client.objects.get()
    assert client.created_by == social_worker
    assert clients_visible_to(user=social_worker).filter(pk=client.pk).exists()
    assert not clients_visible_to(user=colleague).filter(pk=client.pk).exists()


def test_only_people_at_a_station_may_import_clients(district_admin, supervisor, station_manager, network):
    assert "clients" not in [cls.key for cls in registers_for(district_admin)]
    assert "clients" not in [cls.key for cls in registers_for(supervisor)]
    assert {"clients", "cases", "closed_cases"} <= {cls.key for cls in registers_for(station_manager)}
    with pytest.raises(ValidationError):
        importing.import_commit(actor=district_admin, kind="clients", rows=[row(2)])
    assert not Client.objects.exists()


def test_a_consent_recorded_on_a_day_to_come_is_refused_on_the_page_too(social_worker, network):
    with pytest.raises(ValidationError) as raised:
        make_client(social_worker, consent_recorded_on=timezone.localdate() + timedelta(days=1))
    assert "consent_recorded_on" in raised.value.message_dict


def test_preview_queries_do_not_grow_with_rows(station_manager, network, django_assert_max_num_queries):
    few = [row(n) for n in range(2, 5)]
    many = [row(n, categories="低保、残疾", household="张三(父亲)") for n in range(2, 202)]
    with django_assert_max_num_queries(12) as captured:
        importing.import_preview(actor=station_manager, kind="clients", rows=few)
    baseline = len(captured.captured_queries)
    with django_assert_max_num_queries(baseline):
        preview = importing.import_preview(actor=station_manager, kind="clients", rows=many)
    assert preview.ok


def test_template_downloads_with_chinese_headers(as_user, station_manager, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = as_user(station_manager).get(
        reverse("positions:import_template", args=["clients"]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.worksheets[0].title == "服务对象"
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert "知情同意日期" in headers and "家庭成员" in headers
    assert services  # the register writes through casework.services


def test_a_worker_imports_clients_on_the_import_page_in_chinese(as_user, social_worker, network, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = as_user(social_worker)
    bad = xlsx(
        {
            "服务对象": [
                HEADERS,
                ["王秀兰", id_number("19480512", "126"), "", "", "", "", "幸福村", "", "", ""],
            ]
        }
    )
    response = page.post(
        reverse("positions:import"), {"kind": "clients", "file": bad}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.context["confirm"] is None
    assert "幸福村" in response.content.decode() and "知情同意日期" in response.content.decode()

    good = xlsx({"服务对象": [HEADERS, ["王秀兰", id_number("19480512", "126"), "", "", "", "", "甲社区", "低保", "", "2024-03-01"]]})  # fmt: skip
    response = page.post(
        reverse("positions:import"), {"kind": "clients", "file": good}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    token = response.context["confirm"].initial["token"]
    page.post(reverse("positions:import"), {"token": token})
    client = Client.objects.get()
    assert client.created_by == social_worker and client.consent_recorded_on == date(2024, 3, 1)


def test_a_number_typed_with_spaces_and_full_width_digits_is_found_on_record(station_manager, network):
    on_record = make_client(station_manager, name="在册", id_number=id_number("19700101", "111"))
    spaced = "４２０５０６ " + on_record.id_number[6:14] + " " + on_record.id_number[14:].lower()
    [(_kind, _title, rows)] = reading.read_workbook(xlsx({"服务对象": [HEADERS, ["在册", spaced, "", "", "", "", "甲社区", "", "", "2024-03-01"]]}))  # fmt: skip
    preview = importing.import_preview(actor=station_manager, kind="clients", rows=rows)
    assert preview.problems == [] and [d.record for d in preview.duplicates] == ["在册"]
