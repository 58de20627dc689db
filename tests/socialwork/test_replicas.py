"""Reads that scale out (socialwork.replicas): exports, the dashboard's figures and the annual
report read from a PostgreSQL streaming replica once it has caught up, everything else from the
primary.

The routing is checked against a real replica: a private PostgreSQL cluster on a port of its own,
a streaming replica of it made with `pg_basebackup` on another, and tests/socialwork/replica_checks.py
run in a process whose DATABASE_URL and DATABASE_REPLICA_URL name the two."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, router

from positions.models import SocialWorker
from socialwork import replicas
from socialwork.models import User

ROOT = Path(__file__).resolve().parents[2]


# Without a replica (the quick start, the suite): everything on the primary


def test_without_a_replica_every_read_and_write_is_the_primarys(db):
    assert not replicas.configured()
    assert replicas.read_alias() == DEFAULT_DB_ALIAS
    with replicas.replica_reads():
        assert SocialWorker.objects.all().db == DEFAULT_DB_ALIAS
        assert router.db_for_write(User) == DEFAULT_DB_ALIAS


def test_a_record_read_from_the_replica_is_saved_on_the_primary():
    worker = SocialWorker(name="马晓丽")
    worker._state.db = replicas.REPLICA
    assert router.db_for_write(SocialWorker, instance=worker) == DEFAULT_DB_ALIAS
    assert router.allow_relation(worker, User())
    assert not router.allow_migrate(replicas.REPLICA, "positions")


# Against a real streaming replica


def _postgres_bin() -> Path | None:
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    bindir = Path(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip())
    return bindir if (bindir / "pg_basebackup").exists() and (bindir / "initdb").exists() else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A private PostgreSQL server in a folder of its own, run as the postgres account when the
    tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self, bindir: Path, folder: Path, port: int):
        self.bindir, self.data, self.port = bindir, folder / f"data-{port}", port
        self.socket_dir = folder

    def run(self, program: str, *arguments: str) -> None:
        command = [str(self.bindir / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.socket_dir}"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", f"{self.data}.log", "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture(scope="module")
def primary_and_replica():
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_basebackup) are not installed")
    folder = Path(tempfile.mkdtemp(prefix="socialwork-replica-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    primary = Cluster(bindir, folder, _free_port())
    replica = Cluster(bindir, folder, _free_port())
    started = []
    try:
        primary.run("initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                    "--locale=C.UTF-8")  # fmt: skip
        primary.start()
        started.append(primary)
        # -R writes the replica's primary_conninfo and standby.signal: it starts streaming.
        replica.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                    "-D", str(replica.data), "-R", "-X", "stream", "-c", "fast")  # fmt: skip
        replica.start()
        started.append(replica)
        yield primary, replica
    finally:
        for cluster in reversed(started):
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the replica is checked with the suite on PostgreSQL (CI's first run)",
)
def test_long_reads_go_to_a_real_streaming_replica_and_never_miss_a_fresh_write(primary_and_replica):
    primary, replica = primary_and_replica
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_"))
    }
    environment.update(
        DATABASE_URL=primary.url,
        DATABASE_REPLICA_URL=replica.url,
        DJANGO_SETTINGS_MODULE="socialwork.settings.test",
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "--create-db",
         "tests/socialwork/replica_checks.py"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "3 passed" in run.stdout, run.stdout[-3000:]
