"""Archive the audit rows older than a date to a file the auditor can verify.

The file (JSON lines, gzip) holds every column of each row with its seal, and a manifest beside it
(`FILE.manifest.json`) gives the rows' ids, the seal before the first and after the last, the
content's SHA-256, sealed with the chain's key. The rows stay in the database: removing them is
the database administrator's step (`audit_prune` prints it), after which the live chain is
verified from the archive's last seal. A cut-off inside the retention policy (at least 180 days)
is refused.
"""

from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from socialwork.audit_chain import ArchiveRefused, archive_write


class Command(BaseCommand):
    help = "Write the audit rows older than a date to a verifiable archive file (rows are not deleted)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--before", required=True, type=date.fromisoformat, help="Cut-off date, YYYY-MM-DD."
        )
        parser.add_argument("--directory", type=Path, default=None, help="Default: AUDIT_ARCHIVE_DIR.")

    def handle(self, *args, before: date, directory=None, **options):
        cutoff = timezone.make_aware(datetime.combine(before, time.min))
        directory = directory or Path(settings.AUDIT_ARCHIVE_DIR)
        try:
            archive = archive_write(before=cutoff, directory=directory)
        except ArchiveRefused as refused:
            raise CommandError(str(refused)) from refused
        path = directory / archive.file_name
        self.stdout.write(
            f"{archive.rows} audit rows (ids {archive.first_id}–{archive.last_id}) archived to {path} "
            f"with {path.name}.manifest.json."
        )
        self.stdout.write(f"Verify it: manage.py audit_verify --archive {path}")
        self.stdout.write(
            f"Then the database administrator may remove them: manage.py audit_prune --archive {path}"
        )
