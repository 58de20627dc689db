"""`manage.py restore_check`: restore the latest backup (or one named) into a scratch database,
compare every table's rows with its manifest and a sample of decrypted fields with the live
records, drop the scratch database, and record the result (shown on /healthz/ to the operator; a
failure is told to the system administrators). Exits non-zero when the check fails."""

from django.core.management.base import BaseCommand, CommandError

from socialwork.backups import services


class Command(BaseCommand):
    help = "Check that the latest backup restores: scratch database, row counts, decrypted fields."

    def add_arguments(self, parser):
        parser.add_argument("backup", nargs="?", help="A backup's name in BACKUP_DIR (default: the latest).")

    def handle(self, *args, backup=None, **options):
        run = services.restore_check_run(backup=backup)
        if not run.ok:
            raise CommandError(f"Restore check of {run.backup_name or '-'} failed: {run.reason}")
        self.stdout.write(self.style.SUCCESS(f"Restore check of {run.backup_name} passed: {run.details}"))
