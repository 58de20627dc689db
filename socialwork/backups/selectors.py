"""What the operator reads of the backups: the latest backup and the latest restore check."""

from datetime import timedelta

from django.utils import timezone

from socialwork.models import BackupRun

# The nightly backup and its check are late when the last good check is older than this.
STALE_AFTER = timedelta(hours=36)


def _describe(run: BackupRun | None) -> dict | None:
    if run is None:
        return None
    return {
        "at": run.finished_at.isoformat(),
        "backup": run.backup_name,
        "status": "ok" if run.ok else "failed",
        "reason": run.reason,
    }


def backup_status(*, now=None) -> dict:
    """{"status": ok | failed | stale | missing, "last_backup": …, "last_restore_check": …}: failed
    when the latest backup or restore check failed, stale when the latest check that passed is
    older than STALE_AFTER, missing when no check ever ran. Two indexed queries."""
    now = now or timezone.now()
    latest = BackupRun.objects.order_by("-finished_at", "-pk")
    backup = latest.filter(kind=BackupRun.Kind.BACKUP).first()
    check = latest.filter(kind=BackupRun.Kind.RESTORE_CHECK).first()
    if check is None:
        status = "failed" if backup is not None and not backup.ok else "missing"
    elif not check.ok or (backup is not None and not backup.ok):
        status = "failed"
    elif now - check.finished_at > STALE_AFTER:
        status = "stale"
    else:
        status = "ok"
    return {"status": status, "last_backup": _describe(backup), "last_restore_check": _describe(check)}
