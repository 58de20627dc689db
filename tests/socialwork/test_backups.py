"""Backups that restore (socialwork.backups): made encrypted with a key of their own, checked by
restoring them into a scratch database, pruned, shown to the operator on /healthz/, and a
failure told to the system administrators. Runs on SQLite and on PostgreSQL (pg_dump, a scratch
database made and dropped by the check)."""

import base64
import io
import json
import os
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

from casework.models import Client
from socialwork.backups import crypto, dumps, services
from socialwork.models import BackupRun, Notification
from socialwork.notifications import BACKUP_FAILED
from socialwork.roles import Role
from tests.casework.factories import make_client
from tests.factories import make_user

KEY = crypto.key_generate()
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def backups(settings, tmp_path, monkeypatch):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "projects").mkdir(parents=True)
    (tmp_path / "media" / "projects" / "计划书.pdf").write_bytes(b"%PDF-1.4 plan")
    monkeypatch.setenv("BACKUP_ENCRYPTION_KEY", KEY)
    monkeypatch.delenv("BACKUP_ENCRYPTION_KEY_FILE", raising=False)
    return settings.BACKUP_DIR


@pytest.fixture
def sysadmin(db):
    return make_user("sysadmin", Role.SYSTEM_ADMIN, email="sys@example.com", is_staff=True)


@pytest.fixture
def clients(social_worker):
    return [
        make_client(social_worker, name="叶先生", id_number=ID_NUMBER, phone="13812345678", birth_date=None,
                    address="甲镇幸福路1号"),
        make_client(social_worker, phone="13900000000"),
    ]  # fmt: skip


def latest(directory: Path) -> Path:
    return services.backups_list(directory)[-1]


def scratch_databases() -> list[str]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", ["%restore_check%"])
        return [row[0] for row in cursor.fetchall()]


# The data must be committed for pg_dump, which reads in its own session.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_restores_and_its_check_passes(backups, clients, sysadmin):
    run = services.backup_create()
    assert run.ok, run.reason
    path = latest(backups)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["tables"]["casework_client"] == 2
    assert manifest["parts"]["media"]["files"] == 1
    assert manifest["engine"] == connection.vendor.replace("postgresql", "postgresql")
    assert manifest["app_version"] and manifest["migrations"]["socialwork"].startswith("00")
    assert manifest["cipher"] == "aes-256-gcm" and len(manifest["parts"]["database"]["sha256"]) == 64

    check = services.restore_check_run()
    assert check.ok, check.reason
    assert check.backup_name == path.name
    assert check.details["sampled_rows"] >= 2
    assert scratch_databases() == []
    assert not [p for p in backups.iterdir() if p.name.startswith(".")]
    assert not Notification.objects.filter(kind=BACKUP_FAILED).exists()


def test_the_backup_key_is_never_in_the_backup_and_nothing_is_plaintext(backups, clients):
    assert services.backup_create().ok
    raw_key = base64.urlsafe_b64decode(KEY)
    for part in latest(backups).iterdir():
        content = part.read_bytes()
        assert raw_key not in content and KEY.encode() not in content
        if part.name.endswith(".enc"):
            assert b"casework_client" not in content and b"%PDF" not in content


def test_sm4_gcm_when_configured(backups, clients, settings):
    settings.BACKUP_CIPHER = "sm4-gcm"
    assert services.backup_create().ok
    assert json.loads((latest(backups) / "manifest.json").read_text())["cipher"] == "sm4-gcm"
    check = services.restore_check_run()
    assert check.ok, check.reason


def test_the_restore_check_reads_encrypted_fields_through_the_orm_and_finds_a_changed_one(
    backups, clients, monkeypatch
):
    assert services.backup_create().ok
    # The live record and the backup disagree although the live row was not changed since: the
    # sample says which record and field (never the value).
    original = services.sample_compare

    def with_a_difference(*, alias=services.SCRATCH_ALIAS, tables=None):
        connections[alias].cursor().execute(
            "UPDATE casework_client SET phone = %s WHERE id = %s", ["not-a-ciphertext", clients[0].pk]
        )
        return original(alias=alias, tables=tables)

    monkeypatch.setattr(services, "sample_compare", with_a_difference)
    check = services.restore_check_run()
    assert not check.ok
    assert f"casework.Client #{clients[0].pk}: phone" in check.reason
    assert "13812345678" not in check.reason


def test_a_tampered_backup_fails_with_its_reason_and_tells_the_system_administrators(
    backups, clients, sysadmin
):
    assert services.backup_create().ok
    part = next(latest(backups).glob("database.*.enc"))
    content = bytearray(part.read_bytes())
    content[len(content) // 2] ^= 0x01
    part.write_bytes(bytes(content))

    check = services.restore_check_run()
    assert not check.ok
    assert "fails its authentication" in check.reason
    notice = Notification.objects.get(kind=BACKUP_FAILED, user=sysadmin)
    assert latest(backups).name in notice.body and "authentication" in notice.body
    assert scratch_databases() == []


def test_a_backup_cut_short_fails(backups, clients, settings):
    assert services.backup_create(chunk_size=4096).ok
    part = next(latest(backups).glob("database.*.enc"))
    content = part.read_bytes()
    part.write_bytes(content[: len(content) - 4096 - 16])  # the last whole chunk dropped
    check = services.restore_check_run()
    assert not check.ok and "cut short" in check.reason


def test_a_changed_manifest_fails(backups, clients):
    assert services.backup_create().ok
    manifest_path = latest(backups) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["casework_client"] = 1
    manifest_path.write_text(json.dumps(manifest))
    check = services.restore_check_run()
    assert not check.ok and "manifest was changed" in check.reason


def test_a_missing_part_fails(backups, clients):
    assert services.backup_create().ok
    (latest(backups) / "media.tar.enc").unlink()
    check = services.restore_check_run()
    assert not check.ok and "media part is missing" in check.reason


def test_the_wrong_key_fails_and_says_so(backups, clients, sysadmin, monkeypatch):
    assert services.backup_create().ok
    monkeypatch.setenv("BACKUP_ENCRYPTION_KEY", crypto.key_generate())
    check = services.restore_check_run()
    assert not check.ok and "encrypted with another key" in check.reason
    assert Notification.objects.filter(kind=BACKUP_FAILED, user=sysadmin).exists()


def test_a_rotated_key_still_reads_the_old_backups(backups, clients, monkeypatch):
    assert services.backup_create().ok
    monkeypatch.setenv("BACKUP_ENCRYPTION_KEY", f"{crypto.key_generate()},{KEY}")
    check = services.restore_check_run()
    assert check.ok, check.reason


def test_no_key_no_backup_and_the_system_administrators_are_told(backups, clients, sysadmin, monkeypatch):
    monkeypatch.delenv("BACKUP_ENCRYPTION_KEY")
    run = services.backup_create()
    assert not run.ok and "BACKUP_ENCRYPTION_KEY" in run.reason
    assert services.backups_list(backups) == []
    assert Notification.objects.filter(kind=BACKUP_FAILED, user=sysadmin).exists()


def test_the_nightly_task_backs_up_then_checks_the_backup(backups, clients):
    from socialwork.backups.tasks import backup_nightly

    assert backup_nightly.delay().get() is True
    runs = list(BackupRun.objects.order_by("pk").values_list("kind", "ok", "backup_name"))
    name = latest(backups).name
    assert runs == [(BackupRun.Kind.BACKUP, True, name), (BackupRun.Kind.RESTORE_CHECK, True, name)]


def test_the_nightly_backup_is_a_periodic_task_in_the_database_schedule():
    from django_celery_beat.models import PeriodicTask

    from socialwork.schedules import BACKUP_TASK_NAME

    task = PeriodicTask.objects.get(name=BACKUP_TASK_NAME)
    assert task.task == "socialwork.backups.tasks.backup_nightly"
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")


def test_restore_into_a_new_database_gives_back_every_row_and_file(backups, clients, tmp_path):
    from django.core.management import call_command

    assert services.backup_create().ok
    name = latest(backups).name
    media = tmp_path / "restored-media"
    out = io.StringIO()
    if connection.vendor == "postgresql":
        config = dumps.backup_database_config()
        target = f"{config['NAME']}_restored"
        dumps.postgres_create(config, target, replace=True)
        url = f"postgres://{config['USER']}@{config['HOST']}:{config['PORT']}/{target}"
        try:
            call_command("restore", name, "--into", url, "--media-into", str(media), stdout=out)
            counts = dumps.postgres_counts(config, target)
        finally:
            dumps.postgres_drop(config, target)
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        call_command("restore", name, "--into", url, "--media-into", str(media), stdout=out)
        counts = dumps.sqlite_counts(tmp_path / "restored.sqlite3")
    assert counts["casework_client"] == 2
    assert (media / "projects" / "计划书.pdf").read_bytes() == b"%PDF-1.4 plan"
    assert "Restored" in out.getvalue()


def test_the_commands_say_what_they_did(backups, clients):
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("backup", "--check", stdout=out)
    assert "Restore check of socialwork-" in out.getvalue()
    call_command("restore_check", stdout=out)
    (latest(backups) / "media.tar.enc").unlink()
    with pytest.raises(CommandError, match="media part is missing"):
        call_command("restore_check")
    key = io.StringIO()
    call_command("backup", "--generate-key", stdout=key)
    assert len(base64.urlsafe_b64decode(key.getvalue().strip())) == 32


def test_old_backups_are_pruned_beyond_the_count_and_the_days(backups, settings):
    settings.BACKUP_RETENTION_COUNT = 2
    settings.BACKUP_RETENTION_DAYS = 7
    now = timezone.now()
    backups.mkdir(parents=True)
    names = []
    for days_ago in (30, 20, 10, 5, 1):
        created = now - timedelta(days=days_ago)
        name = "socialwork-" + created.strftime("%Y%m%dT%H%M%SZ")
        (backups / name).mkdir()
        (backups / name / "manifest.json").write_text(json.dumps({"created_at": created.isoformat()}))
        os.utime(backups / name, (created.timestamp(), created.timestamp()))
        names.append(name)
    # The backup that last passed its restore check stays, however old.
    BackupRun.objects.create(
        kind=BackupRun.Kind.RESTORE_CHECK, started_at=now, finished_at=now, backup_name=names[1], ok=True
    )
    deleted = services.backup_prune(now=now)
    assert sorted(deleted) == sorted([names[0], names[2]])
    assert [p.name for p in services.backups_list(backups)] == [names[1], names[3], names[4]]


def test_memory_stays_flat_however_large_the_part(tmp_path):
    """A 64 MB part through 64 KB chunks: memory is a few chunks, not the part."""
    big = tmp_path / "big.bin"
    with open(big, "wb") as out:
        for _ in range(64):
            out.write(os.urandom(1024 * 1024))
    key = base64.urlsafe_b64decode(KEY)
    encrypted = tmp_path / "big.enc"
    tracemalloc.start()
    try:
        with open(big, "rb") as source, open(encrypted, "wb") as out:
            writer = crypto.EncryptingWriter(
                out, key=key, suite=crypto.AES_256_GCM, context="x/media", chunk_size=65536
            )
            while piece := source.read(256 * 1024):
                writer.write(piece)
            writer.close()
        _current, encrypt_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with open(encrypted, "rb") as source, open(tmp_path / "back.bin", "wb") as out:
            digest, size = crypto.decrypt_stream(source, out, keys=[key], context="x/media")
        _current, decrypt_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size == 64 * 1024 * 1024 and digest == writer.sha256.hexdigest()
    assert encrypt_peak < 2 * 1024 * 1024, encrypt_peak
    assert decrypt_peak < 2 * 1024 * 1024, decrypt_peak


def test_a_whole_backup_with_a_large_file_keeps_memory_flat(backups, clients):
    with open(Path(backups).parent / "media" / "large.bin", "wb") as out:
        out.truncate(48 * 1024 * 1024)  # sparse: costs no disk
    tracemalloc.start()
    try:
        run = services.backup_create(chunk_size=65536)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.ok, run.reason
    assert run.details["media_size"] > 48 * 1024 * 1024
    assert peak < 8 * 1024 * 1024, peak


def test_healthz_shows_the_backups_to_the_system_administrator_only(
    backups, clients, sysadmin, as_user, client, settings
):
    assert services.backup_create().ok
    assert services.restore_check_run().ok
    public = client.get("/healthz/").json()
    assert "backups" not in public and set(public) == {"status", "checks", "down"}
    shown = as_user(sysadmin).get("/healthz/").json()["backups"]
    assert shown["status"] == "ok"
    assert shown["last_restore_check"]["backup"] == latest(backups).name
    assert shown["last_restore_check"]["status"] == "ok" and shown["last_backup"]["status"] == "ok"
    district = make_user("district_x", Role.DISTRICT_ADMIN, is_staff=True)
    assert "backups" not in as_user(district).get("/healthz/").json()


def test_healthz_shows_a_failed_check_with_its_reason_and_keeps_answering_200(
    backups, clients, sysadmin, as_user, monkeypatch
):
    from socialwork import health

    monkeypatch.setitem(health.CHECKS, "broker", lambda: None)  # the broker's state is not this test's
    assert services.backup_create().ok
    (latest(backups) / "media.tar.enc").unlink()
    assert not services.restore_check_run().ok
    response = as_user(sysadmin).get("/healthz/")
    assert response.status_code == 200
    shown = response.json()["backups"]
    assert shown["status"] == "failed" and "media part is missing" in shown["last_restore_check"]["reason"]


def test_healthz_token_opens_the_detail_to_a_probe(backups, client, settings):
    settings.HEALTHZ_TOKEN = "probe-token-" + "z" * 30
    assert client.get("/healthz/", headers={"X-Healthz-Token": settings.HEALTHZ_TOKEN}).json()["backups"] == {
        "status": "missing", "last_backup": None, "last_restore_check": None,
    }  # fmt: skip
    assert "backups" not in client.get("/healthz/", headers={"X-Healthz-Token": "wrong"}).json()
    settings.HEALTHZ_TOKEN = ""
    assert "backups" not in client.get("/healthz/", headers={"X-Healthz-Token": ""}).json()


def test_a_stale_check_is_reported(sysadmin):
    from socialwork.backups.selectors import backup_status

    old = timezone.now() - timedelta(days=3)
    BackupRun.objects.create(
        kind=BackupRun.Kind.RESTORE_CHECK, started_at=old, finished_at=old, backup_name="b", ok=True
    )
    assert backup_status()["status"] == "stale"


def test_client_ids_read_back_equal_the_live_ones(backups, clients):
    """The sample is read through the ORM on a second alias: what it compares is decrypted."""
    assert services.backup_create().ok
    seen = {}
    original = services.sample_compare

    def spy(*, alias=services.SCRATCH_ALIAS, tables=None):
        seen.update(
            {
                pk: (id_number, phone)
                for pk, id_number, phone in Client._base_manager.using(alias).values_list(
                    "pk", "id_number", "phone"
                )
            }
        )
        return original(alias=alias, tables=tables)

    services.sample_compare = spy
    try:
        assert services.restore_check_run().ok
    finally:
        services.sample_compare = original
    assert seen[clients[0].pk] == (ID_NUMBER, "13812345678")


@pytest.fixture
def backup_role(settings):
    """A role like production's backup role: SELECT on every table (dbroles, as `migrate` grants
    it) and CREATEDB for the scratch database; nothing else."""
    from socialwork.dbroles import grant_backup_privileges

    role = "sw_backups_test_reader"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER CREATEDB NOCREATEROLE INHERIT")
    grant_backup_privileges(connection, role)
    config = connection.settings_dict
    settings.BACKUP_DATABASE_URL = f"postgres://{role}@{config['HOST']}:{config['PORT']}/{config['NAME']}"
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


@pytest.mark.skipif(
    "os.environ.get('DATABASE_URL', '').startswith('sqlite') or not os.environ.get('DATABASE_URL')"
)
def test_the_backup_role_reads_with_select_alone_and_the_check_passes(backups, clients, backup_role):
    run = services.backup_create()
    assert run.ok, run.reason
    with connection.cursor() as cursor:  # it may read, never write
        cursor.execute(
            "SELECT has_table_privilege(%s, 'casework_client', 'SELECT'), "
            "has_table_privilege(%s, 'casework_client', 'INSERT')",
            [backup_role, backup_role],
        )
        assert cursor.fetchone() == (True, False)
    check = services.restore_check_run()
    assert check.ok, check.reason
    assert scratch_databases() == []
