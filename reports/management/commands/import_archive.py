"""manage.py import_archive <archive.zip> [--passphrase-file FILE]

Load a district's archive (written by the district archive page) into this installation, which
must be empty of registers: the way to restore a district or move it to a new server. The
passphrase is asked for (not echoed), or read from the first line of a file; never given on the
command line, where the shell's history and the process list would keep it.
"""

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.archive.reader import ArchiveError, archive_import


class Command(BaseCommand):
    help = "Load a district's archive (zip) into this empty installation."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive's zip file.")
        parser.add_argument("--passphrase-file", help="A file whose first line is the passphrase.")

    def handle(self, *args, archive, passphrase_file=None, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if passphrase_file:
            lines = Path(passphrase_file).read_text(encoding="utf-8").splitlines()
            passphrase = lines[0] if lines else ""
        else:
            passphrase = getpass.getpass("Passphrase: ")
        try:
            counts = archive_import(path=path, passphrase=passphrase)
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        for label, count in counts.items():
            if count:
                self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Loaded {sum(counts.values())} rows."))
