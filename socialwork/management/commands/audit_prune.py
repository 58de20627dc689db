"""Audit rows past their retention: counted here, removed only by the database administrator.

The audit log is kept at least AUDIT_RETENTION_DAYS (180: MLPS 2.0 level 3 asks for six months)
and the database refuses deletes from the application (its runtime role has no DELETE on the log,
and a trigger refuses it to anyone: migrations socialwork/0004 and 0006). This command
refuses a cut-off inside the retention period and, for an older one, says how many rows precede it
and how the database administrator removes them.
"""

from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from socialwork.models import AuditEntry

AUDIT_RETENTION_DAYS = 180

DBA_STEPS = """\
Removing audit rows is the database administrator's job, outside the application: as the owner
role (never the application's runtime role, which cannot), e.g. in psql:
  BEGIN;
  ALTER TABLE socialwork_auditentry DISABLE TRIGGER socialwork_audit_append_only;
  DELETE FROM socialwork_auditentry WHERE at < '{before}';
  ALTER TABLE socialwork_auditentry ENABLE TRIGGER socialwork_audit_append_only;
  COMMIT;
Archive the rows first if the bureau's rules ask for it."""


def earliest_allowed_cutoff(today: date | None = None) -> date:
    """The latest cut-off date that keeps every row of the retention period."""
    return (today or timezone.localdate()) - timedelta(days=AUDIT_RETENTION_DAYS)


class Command(BaseCommand):
    help = "Count audit entries older than a date and explain how they are removed (never within 180 days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--before", required=True, type=date.fromisoformat, help="Cut-off date, YYYY-MM-DD."
        )

    def handle(self, *args, before: date, **options):
        limit = earliest_allowed_cutoff()
        if before > limit:
            raise CommandError(
                f"Audit entries are kept at least {AUDIT_RETENTION_DAYS} days: the cut-off must be "
                f"{limit.isoformat()} or earlier."
            )
        cutoff = timezone.make_aware(datetime.combine(before, time.min))
        count = AuditEntry.objects.filter(at__lt=cutoff).count()
        self.stdout.write(f"{count} audit entries are older than {before.isoformat()}.")
        self.stdout.write(DBA_STEPS.format(before=cutoff.isoformat()))
