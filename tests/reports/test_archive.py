"""The district archive: everything of one district out (encrypted, audited, the auditors told)
and back into an empty installation with the same figures."""

import csv
import io
import json
from datetime import date

import pytest
import pyzipper
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from casework.models import Client
from positions.models import Region, ServiceUnit
from projects.models import Contract, SocialOrganization
from reports.archive import services
from reports.archive.reader import ArchiveError, archive_import
from reports.archive.tables import ALL, APPS, EXPORTED, LEFT_OUT
from reports.archive.writer import DESCRIPTOR, archive_write, model_of, resource_path
from reports.figures import chapters
from reports.models import ExportRequest
from socialwork import demo
from socialwork.models import AuditEntry, Notification, User
from tests.casework.factories import make_client
from tests.factories import make_region, make_unit

PASSPHRASE = "长江三峡-archive-2026"
L, U = Region.Level, ServiceUnit.Level


def _write(user, passphrase=PASSPHRASE) -> bytes:
    target = io.BytesIO()
    archive_write(user=user, target=target, passphrase=passphrase)
    return target.getvalue()


def _table(data: bytes, label: str, passphrase=PASSPHRASE) -> list[dict]:
    with pyzipper.AESZipFile(io.BytesIO(data)) as archive:
        archive.setpassword(passphrase.encode())
        text = archive.read(resource_path(label)).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_every_model_is_archived_or_left_out_with_a_reason():
    """A new model of the domain apps fails here until it is added to the archive's table or named
    as left out, with why."""
    labels = {
        model._meta.label
        for app in APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if not model._meta.proxy
    }
    neither = labels - set(EXPORTED) - set(LEFT_OUT)
    assert not neither, f"Add these to reports/archive/tables.py (EXPORTED or LEFT_OUT): {sorted(neither)}"
    assert not set(EXPORTED) & set(LEFT_OUT)
    assert set(EXPORTED) | set(LEFT_OUT) <= labels, "a name in the table that is no model"
    assert all(reason.strip() for reason in LEFT_OUT.values())


def _empty_the_installation() -> None:
    """What `migrate` leaves: no register, no account; the reference lists it is born with stay."""
    kept = {
        label for label in EXPORTED if EXPORTED[label] == ALL and model_of(label)._base_manager.exists()
    } & {"positions.HostInstitution", "casework.VulnerabilityCategory"}
    tables = {model_of(label)._meta.db_table for label in EXPORTED if label not in kept}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the seed's deferred checks, done now
            cursor.execute("TRUNCATE " + ", ".join(f'"{table}"' for table in sorted(tables)) + " CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:  # SQLite has no TRUNCATE ... CASCADE: every table pointing at an emptied one goes too
            for table in sorted(_cascade(tables)):
                cursor.execute(f'DELETE FROM "{table}"')


def _cascade(tables: set[str]) -> set[str]:
    """The tables and, as TRUNCATE ... CASCADE finds them, every table that points at one of them."""
    from django.apps import apps

    models = apps.get_models(include_auto_created=True)
    tables = set(tables)
    while True:
        more = {
            model._meta.db_table
            for model in models
            if model._meta.db_table not in tables
            and any(
                field.is_relation and field.related_model and field.related_model._meta.db_table in tables
                for field in model._meta.concrete_fields
            )
        }
        if not more:
            return tables
        tables |= more


def _figures(year: int):
    """The dashboard's figures of every year the demo holds (its records start in 2015)."""
    district = User.objects.get(username="district")
    return [chapters(user=district, year=each) for each in range(2014, year + 1)]


def _counts() -> dict[str, int]:
    return {label: model_of(label)._base_manager.count() for label in EXPORTED}


@pytest.mark.django_db
def test_the_demo_district_comes_back_from_its_archive_with_the_same_figures_and_rows(tmp_path, settings):
    """Done when (issue 20): the demo district exported, imported into an empty database, gives
    back the dashboard's figures and the row counts of every register, and its documents."""
    demo.seed(with_accounts=True)
    contract = Contract.objects.order_by("pk").first()
    contract.signed_file.save("contract.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    document = contract.signed_file.name
    client = Client.objects.exclude(id_number_digest="").order_by("pk").first()
    year = timezone.localdate().year
    figures, counts = _figures(year), _counts()
    assert sum(counts.values()) > 10_000
    assert any(table.rows for table in figures[1][0].tables), "2015's figures are not empty"

    # The district's archive holds Yiling's registers, not 点军区's nor the city's own (issue 23).
    yiling = Region.objects.get(code="420506")
    units_inside = ServiceUnit.objects.filter(region__path__startswith=yiling.path).count()
    path = tmp_path / "archive.zip"
    target = io.BytesIO()
    written = archive_write(user=User.objects.get(username="district"), target=target, passphrase=PASSPHRASE)
    path.write_bytes(target.getvalue())
    assert written["positions.ServiceUnit"] == units_inside < counts["positions.ServiceUnit"]
    assert written["socialwork.User"] < counts["socialwork.User"]
    # Its local rules are its own and the city's defaults it follows, never 点军区's own.
    owners = {row["region_id"] for row in _table(target.getvalue(), "casework.CaseworkPolicy")}
    assert owners == {"", str(Region.objects.get(code="420500").pk)}  # the installation's, the city's
    default_storage.delete(document)
    _empty_the_installation()
    assert not Contract.objects.exists() and not User.objects.exists()

    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_text(PASSPHRASE + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_archive", str(path), passphrase_file=str(passphrase_file), stdout=out)

    assert "Loaded" in out.getvalue()
    assert _counts() == {label: written[label] for label in counts}
    assert _figures(year) == figures
    restored = Client.objects.get(pk=client.pk)
    assert restored.id_number == client.id_number, "decrypted out, encrypted again in"
    assert Client.objects.filter(id_number_digest=client.id_number_digest).exists(), "digest recomputed"
    assert (
        default_storage.open(Contract.objects.get(pk=contract.pk).signed_file.name).read()
        == b"%PDF-1.4 signed"
    )
    district = User.objects.get(username="district")
    assert not district.has_usable_password() and district.has_role(demo.Role.DISTRICT_ADMIN)
    assert AuditEntry.objects.filter(action="archive.import").exists()
    # New records go on after the highest archived id.
    highest = SocialOrganization.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert SocialOrganization.objects.create(name="新机构").pk > highest


@pytest.mark.django_db
def test_the_archive_describes_every_file_and_column_in_a_data_package(district_admin):
    data = _write(district_admin)
    with pyzipper.AESZipFile(io.BytesIO(data)) as archive:
        archive.setpassword(PASSPHRASE.encode())
        package = json.loads(archive.read(DESCRIPTOR))
        names = set(archive.namelist())
    assert package["profile"] == "tabular-data-package"
    clients = next(r for r in package["resources"] if r["model"] == "casework.Client")
    assert clients["path"] in names and clients["title"] == "服务对象"
    id_number = next(f for f in clients["schema"]["fields"] if f["name"] == "id_number")
    assert id_number["personal"] is True and id_number["title"] and id_number["title_en"] == "ID number"
    assert not any(f["name"] == "id_number_digest" for f in clients["schema"]["fields"])
    users = next(r for r in package["resources"] if r["model"] == "socialwork.User")
    assert "password" not in {f["name"] for f in users["schema"]["fields"]}
    assert {
        "fields": "station_id",
        "reference": {"resource": "positions_serviceunit", "fields": "id"},
    } in clients["schema"]["foreignKeys"]


@pytest.mark.django_db
def test_another_districts_rows_are_not_in_the_archive(network, district_admin, station_manager):
    other = make_region("别区", L.DISTRICT)
    other_town = make_region("别镇", L.TOWN, other)
    other_station = make_unit("别镇服务站", U.STATION, None, other_town)
    from tests.factories import make_user

    other_manager = make_user("other-district-station", demo.Role.STATION_MANAGER, unit=other_station)
    theirs = make_client(other_manager, name="别区案主", id_number="")
    ours = make_client(station_manager, name="本区案主", id_number="")
    SocialOrganization.objects.create(name="别区机构", region=other)
    SocialOrganization.objects.create(name="本区机构", region=network.district)

    data = _write(district_admin)

    def column(label, name):
        return {row[name] for row in _table(data, label)}

    assert str(ours.pk) in column("casework.Client", "id") and str(theirs.pk) not in column(
        "casework.Client", "id"
    )
    assert "本区机构" in column("projects.SocialOrganization", "name")
    assert "别区机构" not in column("projects.SocialOrganization", "name")
    assert str(other_station.pk) not in column("positions.ServiceUnit", "id")
    assert "别镇" not in column("positions.Region", "name")
    assert "other-district-station" not in column("socialwork.User", "username")
    assert "本区案主" in column("casework.Client", "name"), "names in full, not masked"


@pytest.mark.django_db
def test_a_wrong_passphrase_is_a_clear_error_and_loads_nothing(district_admin, tmp_path):
    path = tmp_path / "archive.zip"
    path.write_bytes(_write(district_admin))
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not-the-passphrase", encoding="utf-8")
    with pytest.raises(CommandError, match="passphrase does not open this archive"):
        call_command("import_archive", str(path), passphrase_file=str(wrong))
    with pytest.raises(ArchiveError, match="not empty"):  # the right one, into this full database
        archive_import(path=path, passphrase=PASSPHRASE)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["station_manager", "auditor", "social_worker", "supervisor"])
def test_only_a_district_administrator_may_ask_for_the_archive(who, request, as_user):
    user = request.getfixturevalue(who)
    client = as_user(user)
    assert client.get(reverse("reports:archive")).status_code == 403
    response = client.post(
        reverse("reports:archive"), {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionError):
        services.archive_request(user=user, passphrase=PASSPHRASE)
    assert not ExportRequest.objects.exists()


@pytest.mark.django_db
def test_the_passphrase_is_asked_twice_and_long_enough(as_user, district_admin):
    client = as_user(district_admin)
    page = client.get(reverse("reports:archive")).content.decode()
    assert 'name="passphrase"' in page and 'name="passphrase_again"' in page
    assert reverse("reports:archive") in page, "in the Reports menu"
    short = client.post(reverse("reports:archive"), {"passphrase": "short", "passphrase_again": "short"})
    differ = client.post(
        reverse("reports:archive"), {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE + "x"}
    )
    assert short.status_code == differ.status_code == 200
    assert "12" in short.content.decode()
    assert not ExportRequest.objects.exists()


@pytest.mark.django_db
def test_the_archive_is_written_in_the_background_audited_told_and_downloaded_by_its_requester_only(
    as_user,
    district_admin,
    district_admin2,
    auditor,
    station_manager,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    make_client(station_manager, name="本区案主", id_number="")
    sent = []
    from reports.archive import tasks

    original = tasks.archive_build.apply_async

    def spy(args=None, kwargs=None, **options):
        sent.append((args, kwargs))
        return original(args, kwargs, **options)

    monkeypatch.setattr(tasks.archive_build, "apply_async", spy)
    client = as_user(district_admin)
    response = client.post(
        reverse("reports:archive"), {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE}
    )
    assert response.status_code == 302

    archive = ExportRequest.objects.get(key="archive")
    assert sent == [((str(archive.pk),), None)], "the task gets the id and nothing else"
    assert archive.status == ExportRequest.Status.DONE and archive.row_count
    assert archive.passphrase is None, "wiped once written"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT passphrase FROM reports_exportrequest WHERE id = %s",
            [ExportRequest._meta.pk.get_db_prep_value(archive.pk, connection)],
        )
        assert cursor.fetchone()[0] is None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"archive.request", "archive.write"} <= actions
    told = Notification.objects.get(user=auditor)
    assert (
        district_admin.username in told.title
        or district_admin.full_name in told.title
        or "archive" in told.title
    )
    assert Notification.objects.filter(user=district_admin, url__contains=str(archive.pk)).exists()

    page = client.get(reverse("reports:archive"))
    assert reverse("reports:archive_download", args=[archive.pk]) in page.content.decode()
    download = client.get(reverse("reports:archive_download", args=[archive.pk]))
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    assert any(row["name"] == "本区案主" for row in _table(data, "casework.Client"))
    assert AuditEntry.objects.filter(action="archive.download", actor=district_admin).count() == 1

    assert (
        as_user(district_admin2).get(reverse("reports:archive_download", args=[archive.pk])).status_code
        == 404
    )
    assert as_user(auditor).get(reverse("reports:archive_download", args=[archive.pk])).status_code == 404
    # The list exports' download does not serve it (no archive.download audit row there).
    assert client.get(reverse("reports:export_download", args=[archive.pk])).status_code == 404


@pytest.mark.django_db
def test_an_expired_archive_is_refused_then_deleted(as_user, district_admin):
    archive = ExportRequest.objects.create(
        requested_by=district_admin, key="archive", format="zip", status=ExportRequest.Status.DONE
    )
    archive.file.save("", ContentFile(b"zip"), save=False)
    archive.finished_at = archive.expires_at = timezone.now()
    archive.save()
    assert (
        as_user(district_admin).get(reverse("reports:archive_download", args=[archive.pk])).status_code == 410
    )
    from reports.export_tasks import exports_expire

    assert exports_expire() == 1
    assert not ExportRequest.objects.exists()


def test_a_date_cell_is_iso():
    from reports.archive.columns import cell

    assert cell(date(2015, 3, 1)) == "2015-03-01" and cell(None) == "" and cell(True) == "true"


@pytest.mark.django_db
def test_building_twice_writes_once_and_the_page_lists_archives_in_few_queries(
    as_user, district_admin, django_assert_max_num_queries
):
    archive = services.archive_request(user=district_admin, passphrase=PASSPHRASE)
    assert services.archive_build(request_id=archive.pk) == 0, "already written: left alone"
    for _ in range(3):
        ExportRequest.objects.create(requested_by=district_admin, key="archive", format="zip")
    client = as_user(district_admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:archive")).status_code == 200


@pytest.mark.django_db
def test_with_the_broker_down_nothing_is_started_and_the_passphrase_is_wiped(
    as_user, district_admin, monkeypatch
):
    from kombu.exceptions import OperationalError

    from reports.archive import tasks

    def down(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(tasks.archive_build, "apply_async", down)
    response = as_user(district_admin).post(
        reverse("reports:archive"), {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE}
    )
    assert response.status_code == 503 and response["Retry-After"]
    archive = ExportRequest.objects.get()
    assert archive.status == ExportRequest.Status.FAILED and archive.passphrase is None


@pytest.mark.django_db
def test_a_failed_build_wipes_the_passphrase_too(district_admin, monkeypatch):
    from reports.archive import services as archive_services

    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(archive_services, "archive_write", broken)
    with pytest.raises(OSError):
        archive_services.archive_request(user=district_admin, passphrase=PASSPHRASE)
    archive = ExportRequest.objects.get()
    assert archive.status == ExportRequest.Status.FAILED and archive.passphrase is None
    assert not Notification.objects.exists()
