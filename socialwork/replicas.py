"""Reads that scale out: the long reads (exports, the dashboard's figures, the annual report) go
to a PostgreSQL streaming replica when one is configured (DATABASE_REPLICA_URL), everything else
to the primary.

A replica runs a little behind its primary. A long read goes to it only once it has replayed all
that the primary had committed when the read began, so a person never misses in an export what
they have just written: the replica is asked how far it has replayed (`pg_last_wal_replay_lsn()`)
against the primary's position (`pg_current_wal_lsn()`), for up to DATABASE_REPLICA_MAX_WAIT
seconds, and the primary serves the read when the replica is further behind, or down. Inside a
transaction on the primary every read stays there (it must see the transaction's own writes).

Two ways to read from a replica, both deciding through `read_alias()`:

- `queryset.using(read_alias())`, for a queryset that is read later (a streamed export);
- `with replica_reads():`, for a computation running many queries (the dashboard's figures): the
  router sends this thread's reads to the replica until the block ends.
"""

import contextlib
import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
POLL_SECONDS = 0.05

_reading: ContextVar[str | None] = ContextVar("replica_reads", default=None)


def configured() -> bool:
    return REPLICA in connections.databases


def read_alias() -> str:
    """The database a long read should use now: the replica once it holds everything the primary
    had committed, else the primary."""
    if not configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (position,) = cursor.fetchone()
        deadline = time.monotonic() + settings.DATABASE_REPLICA_MAX_WAIT
        while True:
            if _replayed(position):
                return REPLICA
            if time.monotonic() >= deadline:
                logger.info("The replica is behind the primary's %s: the primary reads", position)
                return DEFAULT_DB_ALIAS
            time.sleep(POLL_SECONDS)
    except DatabaseError as error:
        logger.warning("The replica cannot be asked (%s): the primary reads", error)
        connections[REPLICA].close()
        return DEFAULT_DB_ALIAS


def _replayed(position: str) -> bool:
    """Whether the replica has replayed the primary's log up to `position` (NULL on a server that
    is not replaying: a primary given as the replica by mistake never counts as caught up)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [position])
        return cursor.fetchone()[0]


@contextlib.contextmanager
def replica_reads():
    """This thread's reads go to `read_alias()` until the block ends; writes go to the primary."""
    token = _reading.set(read_alias())
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """Writes and migrations on the primary; reads where `replica_reads()` sends them, else where
    Django sends them (the primary, or the database an instance was read from)."""

    def db_for_read(self, model, **hints):
        alias = _reading.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS  # a record read from the replica is saved on the primary

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
