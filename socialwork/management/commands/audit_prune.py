"""Audit rows past their retention: archived by the application, removed only by the database
administrator.

The audit log is kept at least as long as the retention policy says (socialwork.models.AuditPolicy,
set by the audit administrator: 180 days by default and never less, as MLPS 2.0 level 3 asks for
six months), and the database refuses deletes from the application (its runtime role has no
DELETE on the log, and a trigger refuses it to anyone: migrations socialwork/0004 and 0006).

- `--before DATE` refuses a cut-off inside the retention period and, for an older one, says how
  many rows precede it and how they are archived and removed.
- `--archive FILE` (an archive `audit_archive` wrote) verifies the file and its link to the live
  chain, then prints the database administrator's steps that remove exactly its rows, by id. After
  that the live chain is verified from the archive's last seal.
"""

from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from socialwork.audit_chain import archive_verify
from socialwork.models import AuditEntry, AuditPolicy
from socialwork.models.audit import MIN_RETENTION_DAYS

AUDIT_RETENTION_DAYS = MIN_RETENTION_DAYS

DBA_STEPS = """\
Removing audit rows is the database administrator's job, outside the application: as the owner
role (never the application's runtime role, which cannot), e.g. in psql:
  BEGIN;
  ALTER TABLE socialwork_auditentry DISABLE TRIGGER socialwork_audit_append_only;
  DELETE FROM socialwork_auditentry WHERE {where};
  ALTER TABLE socialwork_auditentry ENABLE TRIGGER socialwork_audit_append_only;
  COMMIT;
{archive}"""

ARCHIVE_FIRST = """Archive the rows first (manage.py audit_archive --before DATE), verify the file
(manage.py audit_verify --archive FILE) and remove the rows by the ids it holds
(manage.py audit_prune --archive FILE): the live chain then follows the archive's last seal."""

ARCHIVED = """The archive verified: keep it (and its manifest) where the bureau keeps audit records. After
the removal, manage.py audit_verify verifies the live log from the archive's last seal."""


def retention_days() -> int:
    return max(AuditPolicy.current().retention_days, MIN_RETENTION_DAYS)


def earliest_allowed_cutoff(today: date | None = None) -> date:
    """The latest cut-off date that keeps every row of the retention period."""
    return (today or timezone.localdate()) - timedelta(days=retention_days())


class Command(BaseCommand):
    help = (
        "Count audit entries older than a date, or verify an archive of them, and explain how the "
        "database administrator removes them (never within the retention period)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--before", type=date.fromisoformat, help="Cut-off date, YYYY-MM-DD.")
        which.add_argument("--archive", type=Path, help="An archive file written by audit_archive.")

    def handle(self, *args, before: date | None = None, archive: Path | None = None, **options):
        if archive is not None:
            return self.after_archive(archive)
        limit = earliest_allowed_cutoff()
        if before > limit:
            raise CommandError(
                f"Audit entries are kept at least {retention_days()} days: the cut-off must be "
                f"{limit.isoformat()} or earlier."
            )
        cutoff = timezone.make_aware(datetime.combine(before, time.min))
        count = AuditEntry.objects.filter(at__lt=cutoff).count()
        self.stdout.write(f"{count} audit entries are older than {before.isoformat()}.")
        self.stdout.write(DBA_STEPS.format(where=f"at < '{cutoff.isoformat()}'", archive=ARCHIVE_FIRST))

    def after_archive(self, path: Path):
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        checked = archive_verify(path)
        if not checked.ok:
            raise CommandError(
                f"The archive {path.name} does not verify (manage.py audit_verify --archive {path}): "
                "its rows must not be removed."
            )
        manifest = checked.manifest
        self.stdout.write(
            f"The archive holds {manifest['rows']} audit rows, ids {manifest['first_id']} to {manifest['last_id']}."
        )
        where = f"id BETWEEN {int(manifest['first_id'])} AND {int(manifest['last_id'])}"
        self.stdout.write(DBA_STEPS.format(where=where, archive=ARCHIVED))
