"""Re-encryption of the protected columns under the current key, cipher and digest key.

Safe while the application serves: each batch is its own short transaction that locks its rows
(``select_for_update(skip_locked=True)`` on PostgreSQL: a row a person is saving right now is
left for the next pass, never overwritten with an older value) and rewrites only rows still
stale. Resumable: what is left is derived from the rows themselves (a value whose prefix is not
the current ``<cipher>:<key id>:``, a digest not under the current digest key), so a run that
stops anywhere starts again where the work is, and a finished run finds nothing to do.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction

import socialwork.crypto as crypto
from socialwork.crypto import keyring as kr

from .columns import Protected, protected_columns

BATCH = 500


@dataclass
class Progress:
    label: str
    done: int
    total: int
    busy: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


def stale_count(column: Protected) -> int:
    return column.raw().filter(column.stale_q()).count()


def stale_by_key(column: Protected) -> Counter:
    """What each stale value is under: ``{"<model>.<field>: <cipher>/<key id>": count}``."""
    counts: Counter = Counter()
    names = [f"raw_{name}" for name in column.encrypted] + [f.attname for f in column.digests]
    prefix, digest_prefix = crypto.current_prefix(), crypto.digest_prefix()
    for row in column.raw().filter(column.stale_q()).values_list(*names).iterator(chunk_size=2000):
        for name, value in zip(names, row, strict=True):
            if not value:
                continue
            if name.startswith("raw_"):
                if not value.startswith(prefix):
                    cipher, key_id = kr.header(value)
                    counts[
                        f"{column.label}.{name[4:]}: {cipher}/{key_id}"
                        if key_id
                        else f"{column.label}.{name[4:]}: {cipher}"
                    ] += 1
            elif not value.startswith(digest_prefix):
                key_id, _, rest = value.partition(":")
                under = f"{key_id}/{rest.partition(':')[0]}" if rest else "legacy"
                counts[f"{column.label}.{name}: digest {under}"] += 1
    return counts


def reencrypt_batch(column: Protected, pks: list) -> tuple[int, int]:
    """Rewrite the stale rows among ``pks`` under the current keys, in one transaction. Returns
    (rows rewritten, rows skipped because someone else holds their lock)."""
    sources = {f.source for f in column.digests} - set(column.encrypted)
    names = [f"raw_{name}" for name in column.encrypted]
    with transaction.atomic():
        rows = column.raw().filter(pk__in=pks).filter(column.stale_q())
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        rows = list(rows.values("pk", *names, *sources))
        meta = column.model._meta
        fields = [meta.get_field(name) for name in column.encrypted]
        updates = []
        for row in rows:
            plain = {
                name: crypto.decrypt(row[f"raw_{name}"]) if row[f"raw_{name}"] else row[f"raw_{name}"]
                for name in column.encrypted
            }
            values = [field.get_db_prep_save(plain[field.attname], connection) for field in fields]
            for field in column.digests:
                values.append(
                    field.compute(plain[field.source] if field.source in plain else row[field.source])
                )
            updates.append([*values, row["pk"]])
        if updates:
            # One statement per row, sent together (executemany): a CASE over the batch, as
            # bulk_update writes it, costs the database the batch's square.
            _write(meta, [*(f.column for f in fields), *(f.column for f in column.digests)], updates)
    return len(updates), len(pks) - len(updates)


def _write(meta, columns: list[str], updates: list[list]) -> None:
    """Each row's new values (the primary key last). On PostgreSQL one UPDATE ... FROM (VALUES
    ...) for the batch; elsewhere one statement per row, sent together (executemany). A CASE over
    the batch, as bulk_update writes it, costs the database the batch's square."""
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = [f"c{i}" for i in range(len(columns))]
            row = "(" + ", ".join(["%s::text"] * len(columns) + ["%s"]) + ")"
            assignments = ", ".join(
                f"{quote(column)} = v.{name}" for column, name in zip(columns, names, strict=True)
            )
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(updates))}) "  # noqa: S608
                f"AS v({', '.join(names)}, pk) WHERE {table}.{pk} = v.pk",
                [value for values in updates for value in values],
            )
        else:
            assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", updates)  # noqa: S608


def reencrypt_column(
    column: Protected, *, batch: int = BATCH, max_batches: int | None = None
) -> Iterator[Progress]:
    """Walk the stale rows by primary key, a batch at a time, yielding progress after each."""
    total = stale_count(column)
    started, done, busy, cursor, batches = time.monotonic(), 0, 0, None, 0
    stale = column.stale_q()
    while total and (max_batches is None or batches < max_batches):
        pending = column.raw().filter(stale)
        if cursor is not None:
            pending = pending.filter(pk__gt=cursor)
        pks = list(pending.order_by("pk").values_list("pk", flat=True)[:batch])
        if not pks:
            break
        cursor = pks[-1]
        rewritten, skipped = reencrypt_batch(column, pks)
        done, busy, batches = done + rewritten, busy + skipped, batches + 1
        yield Progress(column.label, done, total, busy, time.monotonic() - started)


def reencrypt_all(
    *, batch: int = BATCH, max_batches: int | None = None, only: set[str] | None = None,
    report: Callable[[Progress], None] = lambda progress: None,
) -> dict[str, int]:  # fmt: skip
    """Every protected column; returns the rows rewritten per model."""
    rewritten = {}
    for column in protected_columns():
        if only and column.label not in only:
            continue
        last = None
        for last in reencrypt_column(column, batch=batch, max_batches=max_batches):
            report(last)
        rewritten[column.label] = last.done if last else 0
    return rewritten
