"""The replica's half of tests/socialwork/test_replicas.py, run by it in a process of its own whose
DATABASE_URL is a private PostgreSQL primary and DATABASE_REPLICA_URL that primary's streaming
replica (the replica reads the test database as the primary's mirror). Not collected by `make
test` (its name is not test_*.py): without a replica every check here would pass on the primary.

Each test commits (transaction=True): a replica replays only what the primary has committed."""

import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from positions.models import SocialWorker
from reports import services
from reports.models import AnnualReport
from socialwork import replicas
from tests.positions.test_workforce import make_worker, valid_id

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

EXPORT = reverse("reports:export", kwargs={"key": "workers", "fmt": "csv"})


@pytest.fixture(autouse=True)
def a_replica_streams_from_the_primary(settings):
    assert replicas.configured(), "DATABASE_REPLICA_URL names no database"
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
        in_recovery, port = cursor.fetchone()
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT current_setting('port')")
        assert cursor.fetchone()[0] != port, "the replica is another server"
    assert in_recovery, "the replica replays the primary's log"
    settings.DATABASE_REPLICA_MAX_WAIT = 5


def _tables_read(queries) -> str:
    return " ".join(query["sql"] for query in queries)


def _caught_up():
    deadline = time.monotonic() + 10
    while replicas.read_alias() != replicas.REPLICA:
        assert time.monotonic() < deadline, "the replica did not catch up in 10 s"


def test_an_export_reads_from_the_replica_and_the_list_page_from_the_primary(network, district_admin, client):
    make_worker("马晓丽", unit=network.room_a)
    client.force_login(district_admin)
    _caught_up()

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(EXPORT)
        exported = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200 and "马晓丽" in exported
    assert "positions_socialworker" in _tables_read(on_replica)

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(reverse("positions:worker_list"))
    assert response.status_code == 200 and "马晓丽" in response.text
    assert len(on_replica) == 0, _tables_read(on_replica)


def test_a_lagging_replica_never_hides_what_was_just_written(network, district_admin, client, settings):
    client.force_login(district_admin)
    _caught_up()
    settings.DATABASE_REPLICA_MAX_WAIT = 0.3
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        response = client.post(
            reverse("positions:worker_create"),
            {"name": "刚登记的社工", "gender": "", "birth_date": "", "id_number": valid_id(),
             "employer_unit": network.room_a.pk, "certificate_level": "none", "status": "active"},
        )  # fmt: skip
        assert SocialWorker.objects.filter(name="刚登记的社工").exists(), response.content[:2000]

        with CaptureQueriesContext(connections["replica"]) as on_replica:
            exported = b"".join(client.get(EXPORT).streaming_content).decode("utf-8-sig")
        assert "刚登记的社工" in exported, "read from the primary while the replica is behind"
        assert "positions_socialworker" not in _tables_read(on_replica)
    finally:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")

    _caught_up()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        exported = b"".join(client.get(EXPORT).streaming_content).decode("utf-8-sig")
    assert "刚登记的社工" in exported
    assert "positions_socialworker" in _tables_read(on_replica)


def test_the_dashboard_figures_and_the_annual_report_are_computed_on_the_replica(
    network, district_admin, client
):
    make_worker("马晓丽", unit=network.room_a)
    client.force_login(district_admin)
    _caught_up()

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        page = client.get(reverse("reports:dashboard"))  # the figures are computed (eagerly) at once
    assert page.status_code == 200
    assert "positions_socialworker" in _tables_read(on_replica)
    assert "reports_dashboardsnapshot" not in _tables_read(on_replica)  # its own row: the primary's

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        report = services.report_request(actor=district_admin, year=timezone.localdate().year)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE, report.error
    assert "positions_socialworker" in _tables_read(on_replica)
    assert "reports_annualreport" not in _tables_read(on_replica)
