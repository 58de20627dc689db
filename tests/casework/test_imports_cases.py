"""The registers of open cases and of closed cases of past years (casework.imports): a case landed
where it stands through `case_import`, with a truthful timeline, seen by whoever would see it had it
been opened by hand, and a closed one counted wherever closed cases count."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.models import Case, Client, Closing
from casework.selectors import case_quiet, cases_visible_to
from casework.timeline import closing_events, transition_events
from reports.figures import chapters
from socialwork.idnumbers import check_character
from socialwork.imports import reading
from socialwork.imports import services as importing
from socialwork.imports.cells import ROW
from socialwork.models import AuditEntry
from socialwork.roles import Role
from tests.casework.factories import make_case, make_client
from tests.factories import make_user
from tests.socialwork.test_import_runs import workbook

S = Case.Status


def id_number(born: str = "19500101", sequence: str = "124") -> str:
    first17 = f"420506{born}{sequence}"
    return first17 + check_character(first17)


@pytest.fixture
def people(network, station_manager, social_worker, supervisor):
    social_worker.full_name = "胡群泽（社工）"
    social_worker.save()
    supervisor.full_name = "陈敏（督导）"
    supervisor.save()
    return {"manager": station_manager, "worker": social_worker, "supervisor": supervisor}


@pytest.fixture
def wang(people):
    return make_client(people["manager"], name="王秀兰", id_number=id_number("19480512", "126"))


def case_row(number, client, **cells):
    values = {"client_id_number": client.id_number if isinstance(client, Client) else client,
              "intake_on": "2024-03-01", "status": "介入", "worker": "胡群泽", "supervisor": "陈敏"}  # fmt: skip
    values.update(cells)
    return {**values, ROW: number}


def closed_row(number, client, **cells):
    values = {"client_id_number": client.id_number, "intake_on": "2019-04-01", "closed_on": "2019-12-20",
              "category": "独居老人", "reason": "目标达成", "summary": "链接居家养老服务"}  # fmt: skip
    values.update(cells)
    return {**values, ROW: number}


def test_an_open_case_lands_in_its_status_with_an_imported_transition(people, wang, other_station_manager):
    last_note = timezone.localdate() - timedelta(days=3)
    rows = [case_row(2, wang, category="独居老人", last_note_on=last_note.isoformat(), risk_level="高",
                     source="主动发现", presenting_problem="独居高龄，行动不便")]  # fmt: skip
    saved = importing.import_commit(actor=people["manager"], kind="cases", rows=rows)

    case = Case.objects.get()
    assert [obj for _row, obj in saved.created] == [case]
    assert case.status == S.INTERVENTION and case.intake_on == date(2024, 3, 1)
    assert case.worker == people["worker"] and case.supervisor == people["supervisor"]
    assert case.station == people["manager"].unit and case.category.code == "elderly_alone"
    assert case.last_note_on == last_note and case.risk_level == "high" and case.source == "outreach"
    assert case.number.endswith("-2024-0001")
    assert case.presenting_problem == "独居高龄，行动不便"
    # One transition, marked imported, naming its row: no step is pretended.
    [transition] = case.transitions.all()
    assert transition.imported and transition.from_status == "" and transition.to_status == S.INTERVENTION
    assert "row 2" in transition.reason and "个案" in transition.reason
    [event] = transition_events(case)
    assert "Imported" in event.title and "row 2" in event.text
    assert not case.notes.exists()  # no note is invented for the last note date
    assert AuditEntry.objects.filter(action="case.import", target_id=str(case.pk)).exists()
    # Seen by whoever would see it had it been opened by hand.
    for person in people.values():
        assert cases_visible_to(user=person).filter(pk=case.pk).exists()
    assert not cases_visible_to(user=other_station_manager).filter(pk=case.pk).exists()
    colleague = make_user("worker_a2", Role.SOCIAL_WORKER, unit=people["worker"].unit)
    assert not cases_visible_to(user=colleague).filter(pk=case.pk).exists()
    # A recent last note date from the register keeps the case off the quiet list.
    assert not Case.objects.filter(case_quiet(on=timezone.localdate(), days=30), pk=case.pk).exists()


def test_an_imported_case_with_an_old_last_note_is_quiet(people, wang):
    rows = [case_row(2, wang, last_note_on="2024-04-01")]
    importing.import_commit(actor=people["manager"], kind="cases", rows=rows)
    assert Case.objects.filter(case_quiet(on=timezone.localdate(), days=30)).count() == 1


def test_every_bad_case_row_is_explained(people, wang, network):
    rows = [
        case_row(2, wang),  # good
        case_row(3, wang, intake_on="2022-01-10", status="结案"),  # closed: the other sheet
        case_row(4, wang, intake_on="2023-01-01", worker="李雷"),  # nobody
        case_row(5, id_number("19990909", "999")),  # no such client
        case_row(6, wang, intake_on="2024-05-01", last_note_on="2024-04-01"),  # note before intake
        case_row(7, wang),  # repeats row 2
        case_row(8, wang, intake_on="2024-06-01", supervisor="胡群泽"),  # not a supervisor
        case_row(9, wang, intake_on="2024-07-01", category="外星人"),
        case_row(10, wang, intake_on=(timezone.localdate() + timedelta(days=2)).isoformat()),
        case_row(11, wang, intake_on="2024-08-01", client_name="王秀英"),  # not the name on record
    ]
    preview = importing.import_preview(actor=people["manager"], kind="cases", rows=rows)
    reasons = {problem.row: " | ".join(problem.reasons) for problem in preview.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "历年结案" in reasons[3]
    assert "李雷" in reasons[4]
    assert "No client you can see" in reasons[5]
    assert "before the intake" in reasons[6]
    assert "row 2" in reasons[7]
    assert "No supervisor" in reasons[8]
    assert "外星人" in reasons[9]
    assert "future" in reasons[10]
    assert "王秀兰" in reasons[11]


def test_a_case_on_record_is_a_duplicate_that_can_be_skipped_but_not_rewritten(people, wang):
    on_record = make_case(people["manager"], client=wang, intake_on=date(2024, 3, 1))
    rows = [case_row(2, wang)]
    preview = importing.import_preview(actor=people["manager"], kind="cases", rows=rows)
    assert [(d.row, d.record) for d in preview.duplicates] == [(2, on_record.number)]
    saved = importing.import_commit(actor=people["manager"], kind="cases", rows=rows, on_duplicate="skip")
    assert saved.skipped == [2] and Case.objects.count() == 1
    with pytest.raises(ValidationError) as raised:
        importing.import_commit(actor=people["manager"], kind="cases", rows=rows, on_duplicate="update")
    assert "skip" in raised.value.messages[0]


def test_a_client_of_another_station_cannot_be_named(people, other_station_manager, network):
    elsewhere = make_client(other_station_manager, id_number=id_number("19700101", "111"))
    preview = importing.import_preview(actor=people["manager"], kind="cases", rows=[case_row(2, elsewhere)])
    assert "No client you can see" in preview.problems[0].reasons[0]


def test_worker_by_id_number(people, wang):
    from positions.models import SocialWorker

    SocialWorker.objects.create(name="胡群泽", gender="male", id_number=id_number("19900101", "131"),
                                user=people["worker"])  # fmt: skip
    rows = [case_row(2, wang, worker=id_number("19900101", "131"), supervisor="")]
    importing.import_commit(actor=people["manager"], kind="cases", rows=rows)
    assert Case.objects.get().worker == people["worker"]


def test_a_closed_case_of_a_past_year_counts_where_closed_cases_count(people, wang, district_admin):
    rows = [
        closed_row(2, wang),
        closed_row(3, wang, intake_on=43500, closed_on=43800, reason="迁出", summary=""),
    ]
    saved = importing.import_commit(actor=people["manager"], kind="closed_cases", rows=rows)
    first = Case.objects.get(intake_on=date(2019, 4, 1))
    assert first.status == S.CLOSED and first.closed_on == date(2019, 12, 20)
    assert first.category.code == "elderly_alone"
    closing = first.closings.get()
    assert closing.status == "approved" and closing.reason == Closing.Reason.GOALS_REACHED
    assert closing.summary == "链接居家养老服务" and closing.decided_at is None
    titles = [str(event.title) for event in closing_events(first)]
    assert titles == ["Closed before it was imported: Goals reached"]
    assert {type(obj) for _row, obj in saved.created} == {Case, Closing}
    [transition] = first.transitions.all()
    assert transition.imported and transition.to_status == S.CLOSED
    # The figures and the dashboard count it: cases closed in 2019.
    [casework] = [c for c in chapters(user=district_admin, year=2019) if c.key == "casework"]
    headline = {str(label): value for label, value in casework.headline}
    assert headline["Cases closed"] == 2 and headline["Cases opened"] == 2
    # Seen by the station manager, as a case closed by hand is.
    assert cases_visible_to(user=people["manager"]).filter(pk=first.pk).exists()


def test_closed_case_rows_are_checked(people, wang):
    rows = [
        closed_row(2, wang, closed_on="2019-03-01"),  # before it opened
        closed_row(3, wang, intake_on="2018-01-01", reason="完成"),
        closed_row(4, wang, intake_on="2017-01-01", closed_on=""),
    ]
    preview = importing.import_preview(actor=people["manager"], kind="closed_cases", rows=rows)
    reasons = {problem.row: " | ".join(problem.reasons) for problem in preview.problems}
    assert "before its intake" in reasons[2]
    assert "完成" in reasons[3]
    assert "closed_on" in reasons[4]


def test_a_workbook_brings_clients_then_their_cases(people):
    """The 个案 sheet names clients the 服务对象 sheet of the same workbook brings in: accepted in the
    preview (the mechanism's `pending`), found again when saving."""
    number = id_number("19480512", "126")
    book = workbook({
        "个案": [["服务对象身份证号", "开案日期", "个案状态", "负责社工"], [number, "2024.3.1", "预估", "胡群泽 "]],
        "服务对象": [["姓名", "身份证号", "所在社区（村）", "知情同意日期"], ["王秀兰", number, "甲社区", "2024-03-01"]],
    })  # fmt: skip
    sheets = reading.read_workbook(book)
    assert [kind for kind, _title, _rows in sheets] == ["clients", "cases"]
    (_c, _t, client_rows), (_k, _s, case_rows) = sheets
    manager = people["manager"]
    assert importing.import_preview(actor=manager, kind="clients", rows=client_rows).ok
    # Without the clients sheet's identities, the case's client is unknown; with them, accepted.
    alone = importing.import_preview(actor=manager, kind="cases", rows=case_rows)
    assert "No client" in alone.problems[0].reasons[0]
    with_clients = importing.import_preview(
        actor=manager, kind="cases", rows=case_rows, pending={"clients": {number}}
    )
    assert with_clients.problems == []
    importing.import_commit(actor=manager, kind="clients", rows=client_rows)
    importing.import_commit(actor=manager, kind="cases", rows=case_rows)
    case = Case.objects.get()
    assert case.status == S.ASSESSMENT and case.clients.get().name == "王秀兰"


def test_preview_queries_do_not_grow_with_rows(people, wang, django_assert_max_num_queries):
    few = [case_row(n, wang, intake_on=f"2020-01-{n:02d}") for n in range(2, 5)]
    many = [
        case_row(n, wang, intake_on=(date(2020, 1, 1) + timedelta(days=n)).isoformat()) for n in range(2, 202)
    ]
    with django_assert_max_num_queries(20) as captured:
        importing.import_preview(actor=people["manager"], kind="cases", rows=few)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        preview = importing.import_preview(actor=people["manager"], kind="cases", rows=many)
    assert preview.ok
