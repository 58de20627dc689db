"""`manage.py backup`: write an encrypted backup of the database and the uploaded files now.

The same as the nightly task (socialwork.backups.services.backup_create), without a time limit,
then the old backups pruned; `--check` restores it into a scratch database at once. Run it where
the backup key is (docker compose: `docker compose run --rm backup python manage.py backup`).
"""

from django.core.management.base import BaseCommand, CommandError

from socialwork.backups import crypto, services


class Command(BaseCommand):
    help = "Write an encrypted backup of the database and MEDIA_ROOT to BACKUP_DIR, then prune old ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Restore it into a scratch database afterwards."
        )
        parser.add_argument("--no-prune", action="store_true", help="Keep every older backup.")
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="Print a new backup key for BACKUP_ENCRYPTION_KEY and stop.",
        )

    def handle(self, *args, check=False, no_prune=False, generate_key=False, **options):
        if generate_key:
            self.stdout.write(crypto.key_generate())
            return
        run = services.backup_create()
        if not run.ok:
            raise CommandError(f"Backup failed: {run.reason}")
        self.stdout.write(self.style.SUCCESS(f"Backup {run.backup_name} written: {run.details}"))
        if not no_prune:
            for name in services.backup_prune():
                self.stdout.write(f"Pruned {name}")
        if check:
            checked = services.restore_check_run(backup=run.backup_name)
            if not checked.ok:
                raise CommandError(f"Restore check of {checked.backup_name} failed: {checked.reason}")
            self.stdout.write(
                self.style.SUCCESS(f"Restore check of {checked.backup_name} passed: {checked.details}")
            )
