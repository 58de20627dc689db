"""The audit log's chain: each row sealed with a keyed hash over its content and the previous row's
seal, so that a row changed, removed or slipped in is found, and where.

- **The seal.** HMAC (settings.AUDIT_CHAIN_ALGORITHM: SHA-256, or SM3 for a commercial-cryptography
  assessment) over the row's canonical content — its time as stored, the actor's id and snapshot,
  the action, the record, the summary, the changes as canonical JSON, the address — and the
  previous seal. The key is its own (AUDIT_CHAIN_KEYS, never the secret key and never in the
  database), so whoever can only read and write the database cannot reseal a row they changed.
  Each row names its algorithm and key id: a new key seals new rows and the old ones stay
  verifiable while their key is still listed.
- **One chain however many processes write.** `chain_append` takes a lock for the chain in the
  writer's transaction (PostgreSQL: a transaction-level advisory lock; SQLite writes one at a time
  anyway), reads the last seal and inserts the row; the lock is released at the commit, so the
  next writer reads a seal that is committed. The ids follow the chain's order. The price: audited
  writes commit one after another from their audit row on.
- **The time stays the database's.** PostgreSQL's insert trigger (migration 0006) still stamps
  `at` with now(), the transaction's start; the seal is made over `SELECT now()` read in the same
  transaction, which is that same instant. A row whose time differs from what was sealed does not
  verify.
- **Where it starts.** Rows written before the chain existed (before migration 0013) have no seal:
  verification counts them as older than the chain and cannot vouch for them. The first sealed row
  follows GENESIS (an empty previous seal); after an archive whose rows the database
  administrator removed, the first live row follows the archive's last seal.
- **Verification** (`chain_verify`: `manage.py audit_verify`, a daily task) walks the rows in id
  order in chunks, never holding them all, and names each break: a row *changed* (its seal no
  longer matches its content), a row *inserted* (no seal, or a forged one the next row skips), rows
  *removed* (a row whose seal is good follows a seal that is not the one before it, or the last row
  the previous verification saw is gone), a row sealed with a key no longer listed (*unknown key*).
"""

import gzip
import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit_actions import AUDIT_ARCHIVED, AUDIT_POLICY_SET
from .models import AuditArchive, AuditChainCheck, AuditEntry

GENESIS = ""
VERSION = 1
# PostgreSQL's advisory lock key for the chain (any constant the application uses for nothing else).
LOCK_KEY = 0x5A0D17_A0D17
CHUNK = 5000
KEPT_BREAKS = 50

CHANGED, REMOVED, INSERTED, UNKNOWN_KEY = "changed", "removed", "inserted", "unknown_key"
BREAK_KINDS = {
    CHANGED: gettext_lazy("row changed"),
    REMOVED: gettext_lazy("rows removed before this row"),
    INSERTED: gettext_lazy("row inserted"),
    UNKNOWN_KEY: gettext_lazy("sealed with a key no longer configured"),
}

# The columns a seal covers, in the order read for verification (then the chain's own).
SEALED = (
    "at", "actor_id", "actor_username", "actor_name", "action", "target_type", "target_id",
    "summary", "changes", "address",
)  # fmt: skip
READ = ("id", *SEALED, "chain_previous", "chain_hash", "chain_algorithm", "chain_key")


# Keys and seals.


def chain_keys() -> tuple[str, dict[str, bytes]]:
    """(the id of the key that seals new rows, every configured key by id)."""
    keys: dict[str, bytes] = {}
    for entry in settings.AUDIT_CHAIN_KEYS:
        key_id, _colon, key = entry.partition(":")
        if not key_id or not key:
            raise ImproperlyConfigured("AUDIT_CHAIN_KEYS entries are id:key pairs.")
        keys.setdefault(key_id, key.encode())
    if not keys:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEYS names no key: the audit log cannot be sealed.")
    return next(iter(keys)), keys


def seal(algorithm: str, key: bytes, message: bytes) -> str:
    """HMAC-SHA256 or HMAC-SM3 of the message, as 64 hex digits."""
    if algorithm == "sha256":
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    if algorithm == "sm3":
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(message)
        return mac.finalize().hex()
    raise ImproperlyConfigured(f"Unknown audit chain algorithm {algorithm!r}: sha256 or sm3.")


def canonical_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _time(at: datetime) -> str:
    """The time in UTC to the microsecond: 2026-12-06T03:45:28.123456Z."""
    if at.utcoffset():
        at = at.astimezone(UTC)
    return at.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def content(values: dict, *, previous: str, algorithm: str, key_id: str) -> bytes:
    """The bytes a row's seal is made over: its sealed columns, the chain's fields, canonical."""
    return canonical_json(
        [
            VERSION,
            _time(values["at"]),
            values["actor_id"],
            values["actor_username"],
            values["actor_name"],
            values["action"],
            values["target_type"],
            values["target_id"],
            values["summary"],
            values["changes"],
            values["address"],
            algorithm,
            key_id,
            previous,
        ]
    ).encode()


# Writing.


def _database_now() -> datetime:
    """The time the database stamps on a row inserted in this transaction (PostgreSQL's trigger
    sets now(), the transaction's start); elsewhere the application's clock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s), now()", [LOCK_KEY])
            return cursor.fetchone()[1]
    return timezone.now()


def chain_head() -> str:
    """The seal the next row follows: the last sealed row's, else the last archive's, else GENESIS."""
    last = AuditEntry.objects.exclude(chain_hash="").order_by("-id").values_list("chain_hash", flat=True)
    if (found := last.first()) is not None:
        return found
    archive = AuditArchive.objects.order_by("-last_id").values_list("last_hash", flat=True).first()
    return archive or GENESIS


def chain_append(**values) -> AuditEntry:
    """Insert one audit row, sealed and chained (socialwork.services.audit_record calls it), in
    the caller's transaction: the chain's lock is held until it commits."""
    algorithm = settings.AUDIT_CHAIN_ALGORITHM
    key_id, keys = chain_keys()
    # What the database will give back: JSON as JSON reads it (tuples become lists).
    values["changes"] = json.loads(json.dumps(values.get("changes") or {}))
    # Inside the caller's transaction no savepoint is needed: a failure here fails the caller's
    # write too, as it must (an audited change without its row is not made).
    with transaction.atomic(savepoint=False):
        values["at"] = _database_now()  # on PostgreSQL, with the chain's lock
        previous = chain_head()
        digest = seal(
            algorithm, keys[key_id], content(values, previous=previous, algorithm=algorithm, key_id=key_id)
        )
        return AuditEntry.objects.create(
            **values, chain_previous=previous, chain_hash=digest, chain_algorithm=algorithm, chain_key=key_id
        )


# Verifying.


@dataclass
class Break:
    id: int
    at: datetime | None
    kind: str

    def as_json(self) -> dict:
        return {"id": self.id, "at": self.at.isoformat() if self.at else None, "kind": self.kind}

    @property
    def kind_label(self) -> str:
        return str(BREAK_KINDS.get(self.kind, self.kind))


@dataclass
class ChainResult:
    rows: int = 0
    unchained: int = 0
    break_count: int = 0
    breaks: list[Break] = field(default_factory=list)
    head_id: int | None = None
    head_hash: str = GENESIS
    head_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.break_count == 0

    @property
    def first_break(self) -> Break | None:
        return self.breaks[0] if self.breaks else None

    def add(self, row_id, at, kind) -> Break:
        self.break_count += 1
        found = Break(id=row_id, at=at, kind=kind)
        if len(self.breaks) < KEPT_BREAKS:
            self.breaks.append(found)
        return found


def chain_walk(rows: Iterable[dict], *, expected: str, result: ChainResult, started: bool) -> str:
    """Verify rows (dicts of READ, in id order) following the seal `expected`; record each break in
    `result`; return the seal the next row must follow. `started`: rows without a seal are
    inserted ones (otherwise, until the first sealed row, they are older than the chain)."""
    _current, keys = chain_keys()
    suspect: tuple[Break, str] | None = None  # a row whose seal failed, and the seal before it
    for row in rows:
        result.rows += 1
        if not row["chain_hash"]:
            if started:
                result.add(row["id"], row["at"], INSERTED)
            else:
                result.unchained += 1
            continue
        started = True
        key = keys.get(row["chain_key"])
        if key is None or row["chain_algorithm"] not in ("sha256", "sm3"):
            result.add(row["id"], row["at"], UNKNOWN_KEY)
            suspect = None
        else:
            message = content(
                row, previous=row["chain_previous"], algorithm=row["chain_algorithm"], key_id=row["chain_key"]
            )
            if hmac.compare_digest(seal(row["chain_algorithm"], key, message), row["chain_hash"]):
                if row["chain_previous"] != expected:
                    if suspect is None:
                        result.add(row["id"], row["at"], REMOVED)
                    elif row["chain_previous"] == suspect[1]:
                        suspect[0].kind = INSERTED  # the chain skips the row that failed
                    # else the row before was changed seal and all: it is already reported.
                suspect = None
            else:
                suspect = (result.add(row["id"], row["at"], CHANGED), expected)
        expected = row["chain_hash"]
        result.head_id, result.head_hash, result.head_at = row["id"], row["chain_hash"], row["at"]
    return expected


def live_rows(*, after: int = 0, chunk: int = CHUNK) -> Iterator[dict]:
    """The audit rows with an id above `after`, in id order, read a chunk at a time (keyset: no
    transaction or cursor is held between chunks, so a walk over millions of rows holds nothing)."""
    while True:
        batch = list(AuditEntry.objects.filter(pk__gt=after).order_by("pk").values_list(*READ)[:chunk])
        for row in batch:
            yield dict(zip(READ, row, strict=True))
        if len(batch) < chunk:
            return
        after = batch[-1][0]


def _live_anchor() -> str:
    """The seal the first live sealed row must follow: GENESIS, or an archive's last seal when it
    follows one (the archive's own record verifies); a first row that follows neither is reported
    as rows removed."""
    first = AuditEntry.objects.exclude(chain_hash="").order_by("pk").values_list("chain_previous", flat=True)
    previous = first.first()
    if not previous:
        return GENESIS
    for archive in AuditArchive.objects.filter(last_hash=previous):
        if archive_record_valid(archive):
            return previous
    return GENESIS


def chain_verify(*, notify: bool = True, chunk: int = CHUNK) -> AuditChainCheck:
    """Verify the live audit chain, record the result, and tell the auditors where it breaks."""
    started_at = time.monotonic()
    result = ChainResult()
    chain_walk(live_rows(chunk=chunk), expected=_live_anchor(), result=result, started=False)
    # The last row the previous verification saw must still be there, unless archived and removed.
    previous = AuditChainCheck.objects.exclude(head_id=None).order_by("-at", "-id").first()
    if (
        previous is not None
        and not AuditEntry.objects.filter(pk=previous.head_id, chain_hash=previous.head_hash).exists()
        and not AuditArchive.objects.filter(last_id__gte=previous.head_id).exists()
        and not any(b.id == previous.head_id for b in result.breaks)
    ):
        result.add(previous.head_id, None, REMOVED)
        result.breaks.sort(key=lambda b: b.id)
    check = AuditChainCheck.objects.create(
        ok=result.ok,
        rows=result.rows,
        unchained=result.unchained,
        breaks=result.break_count,
        first_break_id=result.first_break.id if result.first_break else None,
        first_break_at=result.first_break.at if result.first_break else None,
        first_break_kind=result.first_break.kind if result.first_break else "",
        problems=[b.as_json() for b in result.breaks],
        head_id=result.head_id if result.head_id is not None else (previous.head_id if previous else None),
        head_hash=result.head_hash
        if result.head_id is not None
        else (previous.head_hash if previous else ""),
        seconds=round(time.monotonic() - started_at, 3),
    )
    if notify and not result.ok:
        _tell_auditors(check)
    return check


class _BrokenTitle:
    def __init__(self, check):
        self.check = check

    def __str__(self):
        return _("The audit log's chain is broken at row %(id)s") % {"id": self.check.first_break_id}


class _BrokenBody:
    def __init__(self, check):
        self.check = check

    def __str__(self):
        check = self.check
        at = (
            timezone.localtime(check.first_break_at).strftime("%Y-%m-%d %H:%M:%S")
            if check.first_break_at
            else "—"
        )
        return _(
            "Verification found %(count)s break(s) in the audit log. The first: row %(id)s, written "
            "at %(at)s: %(kind)s. The audit log shows the verification."
        ) % {
            "count": check.breaks,
            "id": check.first_break_id,
            "at": at,
            "kind": BREAK_KINDS.get(check.first_break_kind, check.first_break_kind),
        }


def _tell_auditors(check: AuditChainCheck) -> None:
    from .models import User
    from .notifications import AUDIT_CHAIN_BROKEN
    from .roles import Role
    from .services import notification_send

    for auditor in User.objects.filter(is_active=True, groups__name=Role.AUDITOR).distinct():
        notification_send(
            user=auditor,
            kind=AUDIT_CHAIN_BROKEN,
            key=f"{AUDIT_CHAIN_BROKEN}:{check.pk}:{auditor.pk}",
            title=_BrokenTitle(check),
            body=_BrokenBody(check),
            url="/admin/socialwork/auditentry/",
        )


# Archives.


def _manifest_message(manifest: dict) -> bytes:
    fields = ("version", "file", "first_id", "last_id", "rows", "before", "previous_hash", "last_hash",
              "algorithm", "key_id", "content_sha256")  # fmt: skip
    return canonical_json([manifest.get(name) for name in fields]).encode()


def manifest_seal(manifest: dict, keys: dict[str, bytes] | None = None) -> str:
    if keys is None:
        _current, keys = chain_keys()
    key = keys.get(manifest["key_id"])
    if key is None:
        raise ImproperlyConfigured(
            f"The key {manifest['key_id']!r} of this archive is not in AUDIT_CHAIN_KEYS."
        )
    return seal(manifest["algorithm"], key, _manifest_message(manifest))


def archive_record_valid(archive: AuditArchive) -> bool:
    """Whether the database's record of an archive is the one the application wrote (its seal)."""
    try:
        return hmac.compare_digest(manifest_seal(archive.manifest), archive.manifest_seal)
    except (ImproperlyConfigured, KeyError):
        return False


def _row_json(row: dict) -> str:
    return canonical_json({**row, "at": _time(row["at"])})


def _row_from_json(line: str) -> dict:
    row = json.loads(line)
    row["at"] = datetime.strptime(row["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return row


class ArchiveRefused(Exception):
    pass


def archive_cutoff_allowed(before: datetime) -> datetime:
    """The latest cut-off the retention policy allows; `before` must not be later."""
    from .models import AuditPolicy

    return timezone.now() - timezone.timedelta(days=AuditPolicy.current().retention_days)


def archive_write(*, before: datetime, directory: Path, actor=None) -> AuditArchive:
    """Write the audit rows older than `before` (and not archived yet) to a gzip JSON-lines file
    with a sealed manifest beside it, and record the archive. The rows stay in the database: their
    removal is the database administrator's step (`audit_prune`). The rows archived are a run of
    ids (the chain's order): those below the first row at or after `before`."""
    from .services import audit_record

    latest = archive_cutoff_allowed(before)
    if before > latest:
        raise ArchiveRefused(
            _("Audit rows are kept %(days)s days: the cut-off must be %(date)s or earlier.")
            % {"days": (timezone.now() - latest).days, "date": timezone.localtime(latest).date().isoformat()}
        )
    last_archive = AuditArchive.objects.order_by("-last_id").first()
    after = last_archive.last_id if last_archive else 0
    young = (
        AuditEntry.objects.filter(pk__gt=after, at__gte=before).order_by("pk").values_list("pk", flat=True)
    )
    if (first_young := young.first()) is not None:
        last_id = first_young - 1
    else:
        last_id = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if not AuditEntry.objects.filter(pk__gt=after, pk__lte=last_id).exists():
        raise ArchiveRefused(_("No audit rows older than the cut-off are left to archive."))
    algorithm = settings.AUDIT_CHAIN_ALGORITHM
    key_id, keys = chain_keys()
    previous_hash = last_archive.last_hash if last_archive else GENESIS
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    directory.mkdir(parents=True, exist_ok=True)
    rows = _rows_between(after, last_id)
    result = ChainResult()
    digest = hashlib.sha256()
    first_id = None
    name = f"audit-{stamp}.jsonl.gz"
    path = directory / name
    with gzip.open(path, "wt", encoding="utf-8") as out:

        def written():
            nonlocal first_id
            for row in rows:
                first_id = row["id"] if first_id is None else first_id
                line = _row_json(row) + "\n"
                digest.update(line.encode())
                out.write(line)
                yield row

        last_hash = chain_walk(written(), expected=previous_hash, result=result, started=bool(last_archive))
    manifest = {
        "version": VERSION,
        "file": name,
        "first_id": first_id,
        "last_id": last_id,
        "rows": result.rows,
        "before": before.astimezone(UTC).isoformat(),
        "previous_hash": previous_hash,
        "last_hash": last_hash,
        "algorithm": algorithm,
        "key_id": key_id,
        "content_sha256": digest.hexdigest(),
        "breaks": [b.as_json() for b in result.breaks],
    }
    manifest["seal"] = manifest_seal(manifest, keys)
    manifest_path = directory / (name + ".manifest.json")
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with transaction.atomic():
        archive = AuditArchive.objects.create(
            file_name=name,
            first_id=first_id,
            last_id=last_id,
            rows=result.rows,
            previous_hash=previous_hash,
            last_hash=last_hash,
            manifest={k: v for k, v in manifest.items() if k != "seal"},
            manifest_seal=manifest["seal"],
        )
        audit_record(
            actor=actor,
            action=AUDIT_ARCHIVED,
            target=archive,
            summary=name,
            changes={
                "first_id": first_id,
                "last_id": last_id,
                "rows": result.rows,
                "breaks": result.break_count,
            },
        )
    return archive


def _rows_between(after: int, last_id: int) -> Iterator[dict]:
    for row in live_rows(after=after):
        if row["id"] > last_id:
            return
        yield row


@dataclass
class ArchiveCheck:
    manifest: dict
    result: ChainResult
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems and self.result.ok


def archive_verify(path: Path) -> ArchiveCheck:
    """Verify an archive file against its manifest (sealed with the chain's key), its rows' chain
    from the manifest's previous seal to its last, and its link to the live chain: the first live
    row after it follows its last seal (or, while its rows are still live, they are the same)."""
    manifest_path = Path(str(path) + ".manifest.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems = []
    try:
        if not hmac.compare_digest(manifest_seal(manifest), manifest.get("seal", "")):
            problems.append(_("The manifest's seal does not match: the manifest was changed."))
    except (ImproperlyConfigured, KeyError) as error:
        problems.append(str(error))
    result = ChainResult()
    digest = hashlib.sha256()

    def read():
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                digest.update(line.encode())
                yield _row_from_json(line)

    last_hash = chain_walk(
        read(), expected=manifest.get("previous_hash", GENESIS), result=result,
        started=manifest.get("previous_hash", GENESIS) != GENESIS,
    )  # fmt: skip
    if digest.hexdigest() != manifest.get("content_sha256"):
        problems.append(_("The file's content does not match its manifest."))
    if result.rows != manifest.get("rows") or last_hash != manifest.get("last_hash"):
        problems.append(_("The file's rows or last seal are not those of its manifest."))
    # The link to the live chain.
    live = AuditEntry.objects.filter(pk__lte=manifest.get("last_id", 0))
    still_live = live.filter(pk=manifest.get("last_id", 0)).values_list("chain_hash", flat=True).first()
    if still_live is not None:
        if still_live != manifest.get("last_hash"):
            problems.append(_("The archive's last row differs from the same row in the database."))
    else:
        following = (
            AuditEntry.objects.filter(pk__gt=manifest.get("last_id", 0))
            .exclude(chain_hash="")
            .order_by("pk")
            .values_list("chain_previous", flat=True)
            .first()
        )
        if (
            following is not None
            and following != manifest.get("last_hash")
            and not AuditArchive.objects.filter(previous_hash=manifest.get("last_hash")).exists()
        ):
            problems.append(
                _("The first live row after the archive does not follow the archive's last seal.")
            )
    return ArchiveCheck(manifest=manifest, result=result, problems=problems)


# The retention policy.


def audit_policy_set(*, actor, retention_days: int):
    """Set how long the audit log is kept live (the audit administrator's): never under 180
    days; audited with the value before and after."""
    from .models import AuditPolicy
    from .services import audit_record

    with transaction.atomic():
        policy, _created = AuditPolicy.objects.select_for_update().get_or_create(pk=1)
        before = policy.retention_days
        policy.retention_days = retention_days
        policy.full_clean()
        policy.save()
        audit_record(
            actor=actor,
            action=AUDIT_POLICY_SET,
            target=policy,
            summary=f"{retention_days}",
            changes={"retention_days": [before, retention_days]},
        )
    return policy
