"""The figures' tallies (casework.services.tallies): service notes per station and year and the
clients each station served in each year, kept by every service that changes them and equal to
what the records give; the dashboard's figures read them."""

import io
from datetime import date, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from casework import services
from casework.models import Case, ClientServed, ServiceNote, StationTally
from casework.selectors import clients_served
from casework.services.tallies import served_extend, tallies_rebuild
from reports.figures import chapters
from socialwork.imports import runs
from tests.casework.factories import make_case, make_client
from tests.casework.test_imports_cases import id_number
from tests.socialwork.test_import_runs import run_of, workbook

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def tallies() -> dict[tuple[str, int], tuple[int, int]]:
    """Each station's year: (notes, clients served)."""
    rows = StationTally.objects.values_list("station__name", "year", "notes", "clients")
    return {(station, year): (n, clients) for station, year, n, clients in rows if n or clients}


def notes() -> dict[tuple[str, int], int]:
    return {key: n for key, (n, _clients) in tallies().items() if n}


def served() -> set[tuple[str, str, int]]:
    return set(ClientServed.objects.values_list("client__name", "station__name", "year"))


def assert_kept():
    """What the services kept (the stations' years, each client served and whether several
    stations served them) is what a rebuild from the records gives. Returns the notes and the
    clients served, as names."""
    kept = tallies(), set(ClientServed.objects.values_list("client__name", "station__name", "year", "shared"))
    tallies_rebuild()
    assert (
        tallies(),
        set(ClientServed.objects.values_list("client__name", "station__name", "year", "shared")),
    ) == kept
    return notes(), served()


def note(actor, case, day=None):
    services.note_add(
        actor=actor,
        case=case,
        noted_on=day or timezone.localdate(),
        method="office",
        minutes=30,
        content="面谈",
    )


def casework_headline(user, year=THIS_YEAR) -> dict:
    [casework] = [chapter for chapter in chapters(user=user, year=year) if chapter.key == "casework"]
    return {str(label): value for label, value in casework.headline}


def test_every_write_that_moves_a_note_or_a_client_keeps_the_tallies(
    network, social_worker, supervisor, other_worker, station_manager
):
    a, b = network.station_a.name, network.station_b.name
    last_year = date(THIS_YEAR - 1, 11, 1)
    client = make_client(social_worker, name="甲")
    assert assert_kept() == ({}, set()), "registered, no case yet: served by nobody"

    case = make_case(social_worker, client=client, supervisor=supervisor, intake_on=last_year)
    assert assert_kept() == ({}, {("甲", a, THIS_YEAR - 1), ("甲", a, THIS_YEAR)}), "open since last year"

    note(social_worker, case, last_year + timedelta(days=3))
    note(social_worker, case)
    note(social_worker, case)
    assert assert_kept()[0] == {(a, THIS_YEAR - 1): 1, (a, THIS_YEAR): 2}

    transfer = services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, to_worker=other_worker, reason="搬家"
    )
    services.transfer_decide(actor=other_worker, transfer=transfer, accept=True)
    assert assert_kept() == (
        {(b, THIS_YEAR - 1): 1, (b, THIS_YEAR): 2},
        {("甲", b, THIS_YEAR - 1), ("甲", b, THIS_YEAR)},
    ), "the case's notes and client move with it"

    # Closed last year, as last year's records were, then reopened now: served this year again.
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=date(THIS_YEAR - 1, 12, 20))
    tallies_rebuild()
    assert served() == {("甲", b, THIS_YEAR - 1)}
    services.case_move(actor=other_worker, case=case, move="reopen", reason="又有困难")
    assert assert_kept()[1] == {("甲", b, THIS_YEAR - 1), ("甲", b, THIS_YEAR)}

    Case.objects.filter(pk=case.pk).update(status=Case.Status.EVALUATION)  # the steps between
    closing = services.closing_request(
        actor=other_worker, case=case, reason="goals_reached", summary="目标达成"
    )
    services.closing_decide(actor=supervisor, closing=closing, approve=True)
    assert assert_kept()[1] == {("甲", b, THIS_YEAR - 1), ("甲", b, THIS_YEAR)}, (
        "closed this year: served in it"
    )

    services.client_remove(actor=station_manager, client=client, reason="重复登记")
    assert assert_kept() == ({}, set()), "removed with the cases only theirs: counted nowhere"


def test_a_merge_and_its_undo_keep_the_clients_served(pair, district_admin, district_admin2):
    kept, merged, _kept_case, _merged_case = pair
    a, b = kept.station.name, merged.station.name
    before = {("王秀英", a, THIS_YEAR), ("王秀英", b, THIS_YEAR)}
    assert assert_kept()[1] == before
    merge = services.merge_propose(
        actor=district_admin, kept_id=kept.pk, merged_id=merged.pk, reason="同一人", take_from_merged=[]
    )
    assert clients_served(Q(), THIS_YEAR) == 2, "two records, two people"
    services.merge_decide(actor=district_admin2, merge=merge, approve=True)
    assert ClientServed.objects.filter(client=merged).count() == 0
    assert set(ClientServed.objects.filter(client=kept).values_list("station__name", "shared")) == {
        (a, True),
        (b, True),
    }
    assert assert_kept()[1] == before
    assert clients_served(Q(), THIS_YEAR) == 1, "one person served by both stations"
    services.merge_undo(actor=district_admin, merge=merge, reason="经核实为两人")
    assert ClientServed.objects.filter(client=merged).values_list("station__name", flat=True).get() == b
    assert assert_kept()[1] == before
    assert clients_served(Q(), THIS_YEAR) == 2


def test_an_import_undone_takes_its_cases_clients_out_of_the_figures(network, station_manager, social_worker):
    wang = make_client(station_manager, name="王秀兰", id_number=id_number("19480512", "126"))
    book = workbook(
        {"个案": [["服务对象身份证号", "开案日期", "个案状态"], [wang.id_number, "2024.3.1", "预估"]]}
    )
    run = run_of(station_manager, "cases", book)
    assert run.created_count == 1
    assert ("王秀兰", network.station_a.name, 2024) in assert_kept()[1]

    runs.import_undo(actor=station_manager, run=run)

    assert not Case.objects.exists()
    assert assert_kept() == ({}, set())


def test_the_nightly_task_carries_the_open_cases_into_the_new_year(network, social_worker):
    make_case(
        social_worker, client=make_client(social_worker, name="开"), intake_on=date(THIS_YEAR - 1, 5, 1)
    )
    closed = make_case(
        social_worker, client=make_client(social_worker, name="结"), intake_on=date(THIS_YEAR - 1, 5, 1)
    )
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED, closed_on=date(THIS_YEAR - 1, 12, 1))
    tallies_rebuild()
    # As written on the last day of last year, before this year was anybody's.
    ClientServed.objects.filter(year=THIS_YEAR).delete()

    assert served_extend() == 1
    assert served_extend() == 0, "running it twice adds nothing"
    assert ("开", network.station_a.name, THIS_YEAR) in served()
    assert assert_kept()[1] == {
        ("开", network.station_a.name, THIS_YEAR - 1), ("开", network.station_a.name, THIS_YEAR),
        ("结", network.station_a.name, THIS_YEAR - 1),
    }  # fmt: skip


def test_the_dashboard_counts_a_client_served_by_two_stations_once_in_the_district(
    network, district_admin, social_worker, other_worker, station_manager
):
    """The district's clients served are people, not the stations' counts added up; each station
    counts its own. The notes are the stations' added up."""
    both = make_client(social_worker, name="两站")
    at_a = make_case(social_worker, client=both)
    at_b = make_case(other_worker, client=make_client(other_worker, name="乙站"))
    transferred = make_case(social_worker, client=both)
    transfer = services.transfer_request(
        actor=social_worker,
        case=transferred,
        to_station=network.station_b,
        to_worker=other_worker,
        reason="搬家",
    )
    services.transfer_decide(actor=other_worker, transfer=transfer, accept=True)
    note(social_worker, at_a)
    note(other_worker, at_b)
    note(other_worker, at_b)
    note(other_worker, transferred)

    district = casework_headline(district_admin)
    assert (district["Clients served"], district["Service notes"]) == (2, 4)
    station = casework_headline(station_manager)  # station A's
    assert (station["Clients served"], station["Service notes"]) == (1, 1)
    last_year = casework_headline(district_admin, THIS_YEAR - 1)
    assert (last_year["Clients served"], last_year["Service notes"]) == (0, 0)
    # A year to come has no tallies: its clients are those of the cases still open.
    assert casework_headline(district_admin, THIS_YEAR + 1)["Clients served"] == 2


def test_the_casework_figures_read_the_tallies_not_the_notes(network, district_admin, social_worker):
    case = make_case(social_worker)
    note(social_worker, case)
    ServiceNote.objects.filter(case=case).delete()  # not through a service: the tally still counts it

    assert casework_headline(district_admin)["Service notes"] == 1


def test_the_repair_command_and_the_nightly_schedule(network, social_worker):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    case = make_case(social_worker, client=make_client(social_worker, name="修"))
    note(social_worker, case)
    StationTally.objects.update(notes=7, clients=3)  # gone wrong somehow
    output = io.StringIO()
    call_command("tallies_rebuild", stdout=output)

    assert tallies() == {(network.station_a.name, THIS_YEAR): (1, 1)}
    assert "clients served, by station and year: 1" in output.getvalue()
    task = PeriodicTask.objects.get(task="casework.tasks.extend_clients_served")
    assert (task.crontab.hour, task.crontab.minute) == ("0", "5")
