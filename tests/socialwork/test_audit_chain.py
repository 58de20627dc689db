"""The audit log's chain of seals (socialwork.audit_chain): every row sealed over its content and
the previous seal with a key of its own; verification finds a row changed, removed or inserted,
and where; the command, the daily task, archives and the auditor's notification.

Tampering is done as the database's owner would: on PostgreSQL with the append-only trigger
disabled inside the test's transaction, on SQLite by a plain UPDATE or DELETE."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from socialwork import audit_chain
from socialwork.audit_chain import CHANGED, GENESIS, INSERTED, REMOVED, UNKNOWN_KEY, chain_verify
from socialwork.models import AuditChainCheck, AuditEntry, Notification
from socialwork.services import audit_record

pytestmark = pytest.mark.django_db


def _owner_sql(sql: str, params=None):
    """Run SQL as the database's owner bypassing the append-only trigger (PostgreSQL), or plainly."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE socialwork_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE socialwork_auditentry ENABLE TRIGGER USER")


def _rows(actor, count=5):
    return [
        audit_record(
            actor=actor, action="account.unlock", target=actor, summary=f"第{n}行",
            changes={"n": n, "名字": ["张三", None], "nested": {"b": 1, "a": [1, 2]}},
        )
        for n in range(count)
    ]  # fmt: skip


def test_each_row_is_sealed_over_its_content_and_the_previous_seal(district_admin):
    first, second = _rows(district_admin, 2)
    first.refresh_from_db()
    assert first.chain_algorithm == "sha256" and first.chain_key == "dev" and len(first.chain_hash) == 64
    assert second.chain_previous == first.chain_hash
    assert chain_verify().ok


def test_sm3_seals_and_verifies(district_admin, settings):
    settings.AUDIT_CHAIN_ALGORITHM = "sm3"
    rows = _rows(district_admin, 3)
    assert {AuditEntry.objects.get(pk=row.pk).chain_algorithm for row in rows} == {"sm3"}
    expected = audit_chain.seal("sm3", b"k", b"abc")
    assert len(expected) == 64 and expected != audit_chain.seal("sha256", b"k", b"abc")
    assert chain_verify().ok


def test_a_new_key_seals_new_rows_and_the_old_rows_verify_while_their_key_is_listed(district_admin, settings):
    old = _rows(district_admin, 2)
    settings.AUDIT_CHAIN_KEYS = ["new:" + "n" * 40, *settings.AUDIT_CHAIN_KEYS]
    new = _rows(district_admin, 2)
    assert AuditEntry.objects.get(pk=new[0].pk).chain_key == "new"
    assert new[0].chain_previous == AuditEntry.objects.get(pk=old[-1].pk).chain_hash
    assert chain_verify().ok
    settings.AUDIT_CHAIN_KEYS = ["new:" + "n" * 40]
    check = chain_verify(notify=False)
    assert (check.first_break_id, check.first_break_kind) == (old[0].pk, UNKNOWN_KEY)


def test_the_seal_needs_the_key_a_row_resealed_without_it_is_found(district_admin, settings):
    rows = _rows(district_admin, 3)
    target = AuditEntry.objects.get(pk=rows[1].pk)
    values = {name: getattr(target, name) for name in audit_chain.SEALED}
    values["summary"] = "forged"
    forged = audit_chain.seal("sha256", b"a-guess-at-the-key", audit_chain.content(
        values, previous=target.chain_previous, algorithm="sha256", key_id="dev"
    ))  # fmt: skip
    _owner_sql(
        "UPDATE socialwork_auditentry SET summary = 'forged', chain_hash = %s WHERE id = %s",
        [forged, target.pk],
    )
    check = chain_verify(notify=False)
    assert (check.first_break_id, check.first_break_kind, check.breaks) == (target.pk, CHANGED, 1)


@pytest.mark.parametrize("column", ["summary", "changes", "actor_name", "at"])
def test_a_changed_row_is_found_at_that_row(district_admin, column):
    rows = _rows(district_admin, 5)
    value = {
        "summary": "'nothing happened'",
        "changes": "'{}'",
        "actor_name": "'someone else'",
        "at": "at - interval '1 hour'" if connection.vendor == "postgresql" else "'2020-01-01 00:00:00'",
    }[column]
    _owner_sql(f"UPDATE socialwork_auditentry SET {column} = {value} WHERE id = %s", [rows[2].pk])
    check = chain_verify(notify=False)
    assert not check.ok
    assert (check.first_break_id, check.first_break_kind, check.breaks) == (rows[2].pk, CHANGED, 1)


def test_a_removed_row_is_found_at_the_row_after_it(district_admin):
    rows = _rows(district_admin, 5)
    _owner_sql("DELETE FROM socialwork_auditentry WHERE id = %s", [rows[2].pk])
    check = chain_verify(notify=False)
    assert (check.first_break_id, check.first_break_kind, check.breaks) == (rows[3].pk, REMOVED, 1)


def test_rows_removed_from_the_end_are_found_by_the_next_verification(district_admin):
    rows = _rows(district_admin, 5)
    assert chain_verify().ok
    _owner_sql("DELETE FROM socialwork_auditentry WHERE id >= %s", [rows[3].pk])
    check = chain_verify(notify=False)
    assert (check.first_break_id, check.first_break_kind) == (rows[4].pk, REMOVED)


def test_an_inserted_row_is_found_sealed_or_not(district_admin):
    rows = _rows(district_admin, 3)
    unsealed = AuditEntry.objects.create(action="account.unlock", target_type="x", target_id="1")
    last = AuditEntry.objects.get(pk=rows[-1].pk)
    forged = AuditEntry.objects.create(
        action="account.unlock", target_type="x", target_id="2",
        chain_previous=last.chain_hash, chain_hash="f" * 64, chain_algorithm="sha256", chain_key="dev",
    )  # fmt: skip
    after = audit_record(actor=district_admin, action="account.unlock", target=district_admin)
    assert after.chain_previous == "f" * 64  # the writer trusts the last seal; verification does not
    check = chain_verify(notify=False)
    kinds = [(problem["id"], problem["kind"]) for problem in check.problems]
    assert kinds == [(unsealed.pk, INSERTED), (forged.pk, CHANGED)]


def test_a_forged_row_the_chain_skips_is_an_inserted_one(district_admin):
    rows = _rows(district_admin, 3)
    # A row slipped in between two sealed rows: the next row's previous seal skips it.
    _owner_sql("UPDATE socialwork_auditentry SET id = %s WHERE id = %s", [rows[2].pk + 100, rows[2].pk])
    first = AuditEntry.objects.get(pk=rows[1].pk)
    AuditEntry.objects.create(
        id=rows[2].pk, action="account.unlock", target_type="x", target_id="2",
        chain_previous=first.chain_hash, chain_hash="e" * 64, chain_algorithm="sha256", chain_key="dev",
    )  # fmt: skip
    check = chain_verify(notify=False)
    assert [(p["id"], p["kind"]) for p in check.problems] == [(rows[2].pk, INSERTED)]


def test_rows_older_than_the_chain_are_counted_apart(district_admin):
    AuditEntry.objects.create(action="account.unlock", target_type="x", target_id="old")
    _rows(district_admin, 2)
    check = chain_verify()
    assert check.ok and (check.rows, check.unchained) == (3, 1)


def test_verification_reads_in_chunks(district_admin, django_assert_max_num_queries):
    _rows(district_admin, 25)
    with django_assert_max_num_queries(14):  # 6 chunks of 5, the anchor, the last check, the record
        check = chain_verify(chunk=5)
    assert check.ok and check.rows == 25


def test_the_command_reports_the_first_break_and_tells_the_auditors(district_admin, auditor):
    rows = _rows(district_admin, 4)
    output = io.StringIO()
    call_command("audit_verify", stdout=output)
    assert "intact" in output.getvalue()
    _owner_sql("UPDATE socialwork_auditentry SET summary = 'x' WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"first at row {rows[1].pk} .*row changed"):
        call_command("audit_verify", stdout=io.StringIO())
    notification = Notification.objects.get(user=auditor, kind="audit_chain_broken")
    assert str(rows[1].pk) in notification.title
    assert not Notification.objects.filter(kind="audit_chain_broken").exclude(user=auditor).exists()


def test_the_daily_task_verifies_and_is_in_the_beat_schedule(district_admin):
    from django_celery_beat.models import PeriodicTask

    from socialwork import tasks
    from socialwork.schedules import AUDIT_VERIFY_TASK_NAME, schedule_audit_verify

    _rows(district_admin, 2)
    assert tasks.audit_chain_verify.delay().get() is True
    assert AuditChainCheck.objects.latest("at").ok
    schedule_audit_verify()
    task = PeriodicTask.objects.get(name=AUDIT_VERIFY_TASK_NAME)
    assert (task.task, task.crontab.hour, task.crontab.minute) == (
        "socialwork.tasks.audit_chain_verify",
        "3",
        "30",
    )


def test_the_first_sealed_row_follows_genesis(district_admin):
    AuditEntry.objects.exclude(chain_hash="").exists() and _owner_sql("DELETE FROM socialwork_auditentry")
    row = audit_record(actor=district_admin, action="account.unlock", target=district_admin)
    assert row.chain_previous == GENESIS
    assert chain_verify().ok


# Retention and archives.


@pytest.fixture
def any_cutoff(monkeypatch):
    """Archive rows written now: the retention period is tested on its own below."""
    monkeypatch.setattr(
        audit_chain, "archive_cutoff_allowed", lambda before: timezone.now() + timedelta(days=1)
    )


def _archive(tmp_path, actor, count=4):
    rows = _rows(actor, count)
    archive = audit_chain.archive_write(before=timezone.now() + timedelta(seconds=1), directory=tmp_path)
    return rows, archive, tmp_path / archive.file_name


def test_archiving_inside_the_retention_period_is_refused(district_admin, tmp_path):
    from socialwork.models import AuditPolicy

    _rows(district_admin, 2)
    AuditPolicy.objects.create(pk=1, retention_days=365)
    with pytest.raises(CommandError, match="kept 365 days"):
        before = (timezone.localdate() - timedelta(days=200)).isoformat()
        call_command("audit_archive", "--before", before, "--directory", str(tmp_path))
    with pytest.raises(CommandError, match="at least 365 days"):
        call_command("audit_prune", "--before", before)
    assert not list(tmp_path.iterdir())


def test_the_retention_policy_is_never_under_180_days(db):
    from django.core.exceptions import ValidationError

    from socialwork.models import AuditPolicy

    with pytest.raises(ValidationError, match="180"):
        AuditPolicy(pk=1, retention_days=179).full_clean()


def test_an_archive_verifies_and_the_live_chain_follows_it_once_its_rows_are_removed(
    district_admin, tmp_path, any_cutoff
):
    rows, archive, path = _archive(tmp_path, district_admin)
    manifest = json.loads((tmp_path / (archive.file_name + ".manifest.json")).read_text())
    assert manifest["last_id"] >= rows[-1].pk and manifest["last_hash"] == archive.last_hash
    assert AuditEntry.objects.filter(action="audit.archive", target_id=str(archive.pk)).exists()
    assert AuditEntry.objects.filter(pk=rows[0].pk).exists(), "the application never deletes"
    output = io.StringIO()
    call_command("audit_verify", "--archive", str(path), stdout=output)
    assert "intact" in output.getvalue()
    # The database administrator's step, as audit_prune prints it.
    output = io.StringIO()
    call_command("audit_prune", "--archive", str(path), stdout=output)
    assert f"id BETWEEN {archive.first_id} AND {archive.last_id}" in output.getvalue()
    _owner_sql(f"DELETE FROM socialwork_auditentry WHERE id BETWEEN {archive.first_id} AND {archive.last_id}")
    later = _rows(district_admin, 2)
    assert chain_verify().ok
    assert (
        AuditEntry.objects.exclude(chain_hash="").order_by("pk").first().pk == later[0].pk - 1
    )  # the audit.archive row
    call_command("audit_verify", "--archive", str(path), stdout=io.StringIO())


def test_a_changed_archive_or_manifest_does_not_verify(district_admin, tmp_path, any_cutoff):
    import gzip

    rows, archive, path = _archive(tmp_path, district_admin)
    with gzip.open(path, "rt", encoding="utf-8") as archived:
        lines = archived.read().splitlines()
    changed = json.loads(lines[1])
    changed["summary"] = "nothing happened"
    lines[1] = json.dumps(changed, ensure_ascii=False)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    output = io.StringIO()
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit_verify", "--archive", str(path), stdout=output)
    assert f"row {changed['id']}" in output.getvalue() and "row changed" in output.getvalue()
    with pytest.raises(CommandError, match="must not be removed"):
        call_command("audit_prune", "--archive", str(path), stdout=io.StringIO())


def test_a_forged_manifest_does_not_verify(district_admin, tmp_path, any_cutoff):
    rows, archive, path = _archive(tmp_path, district_admin)
    manifest_path = tmp_path / (archive.file_name + ".manifest.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["rows"] -= 1
    manifest_path.write_text(json.dumps(manifest))
    output = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", "--archive", str(path), stdout=output)
    assert "manifest's seal" in output.getvalue()


def test_rows_removed_from_the_start_without_an_archive_are_found(district_admin):
    AuditEntry.objects.exclude(chain_hash="").exists() and _owner_sql("DELETE FROM socialwork_auditentry")
    rows = _rows(district_admin, 4)
    _owner_sql("DELETE FROM socialwork_auditentry WHERE id <= %s", [rows[1].pk])
    check = chain_verify(notify=False)
    assert (check.first_break_id, check.first_break_kind) == (rows[2].pk, REMOVED)


@pytest.mark.django_db(transaction=True)
def test_writers_in_parallel_make_one_unbroken_chain(network):
    """Four connections writing at once, each row in a transaction of its own (PostgreSQL: SQLite
    writes one at a time anyway)."""
    if connection.vendor != "postgresql":
        pytest.skip("parallel connections: PostgreSQL")
    import threading

    from django.db import connections, transaction

    errors = []

    def write(n):
        try:
            for i in range(25):
                with transaction.atomic():
                    audit_record(actor=None, action="account.unlock", target_type="x", target_id=f"{n}-{i}")
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    check = chain_verify(notify=False)
    assert check.ok and check.rows - check.unchained >= 100
    hashes = list(AuditEntry.objects.exclude(chain_hash="").values_list("chain_previous", flat=True))
    assert len(hashes) == len(set(hashes)), "no two rows follow the same seal"
