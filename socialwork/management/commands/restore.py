"""`manage.py restore <backup> --into <database url>`: the real recovery (README, "Restoring a
backup"). Decrypts the backup, restores the database into the empty database the URL names (on
PostgreSQL made beforehand by the owner role, which should run this so that it owns the tables;
on SQLite a new file) and, with --media-into, the uploaded files into an empty directory; then
compares every table's rows with the manifest. Run `migrate` against the restored database
afterwards: it grants the runtime and backup roles their privileges again."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from socialwork.backups import services
from socialwork.backups.crypto import BackupError


class Command(BaseCommand):
    help = "Restore a backup into an empty database (and its files into an empty directory)."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup's name in BACKUP_DIR, or its directory.")
        parser.add_argument(
            "--into", required=True, help="The empty database, as a URL (postgres://… or sqlite:///…)."
        )
        parser.add_argument(
            "--media-into", type=Path, help="An empty directory for the uploaded files (MEDIA_ROOT)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Unpack the files into a directory that is not empty."
        )

    def handle(self, *args, backup, into, media_into=None, force=False, **options):
        try:
            result = services.backup_restore(backup=backup, into=into, media_into=media_into, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result['backup']} (version {result['app_version'] or '?'}): {result['tables']} tables, "
                f"{result['rows']} rows, as counted when it was made; {result['files']} files."
            )
        )
        self.stdout.write(
            "Next: run `manage.py migrate` against it as the owner role (it grants the roles again)."
        )
