"""Verify the audit log's chain (socialwork.audit_chain), or an archive file of it.

    manage.py audit_verify                  the live log; the auditors are told of a break
    manage.py audit_verify --archive FILE   an archive written by audit_archive, and its link to
                                            the live log

Exits with status 1 when the chain is broken, naming the first broken row, its time and the kind
of break.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from socialwork.audit_chain import BREAK_KINDS, archive_verify, chain_verify


def _when(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S") if at else "—"


class Command(BaseCommand):
    help = "Verify the audit log's chain of seals (or an archive file's) and report where it breaks."

    def add_arguments(self, parser):
        parser.add_argument("--archive", type=Path, help="An archive file written by audit_archive.")
        parser.add_argument("--quiet-auditors", action="store_true", help="Do not notify the auditors.")

    def handle(self, *args, archive=None, quiet_auditors=False, **options):
        if archive is not None:
            return self.verify_archive(archive)
        check = chain_verify(notify=not quiet_auditors)
        self.stdout.write(
            f"{check.rows} audit rows verified in {check.seconds:.1f} s"
            + (f" ({check.unchained} older than the chain, not sealed)" if check.unchained else "")
            + "."
        )
        if check.ok:
            self.stdout.write(self.style.SUCCESS(f"The chain is intact up to row {check.head_id}."))
            return
        for problem in check.problems:
            self.stdout.write(
                f"  row {problem['id']} {problem['at'] or ''}: {BREAK_KINDS.get(problem['kind'])}"
            )
        raise CommandError(
            f"The audit chain is broken: {check.breaks} break(s); the first at row {check.first_break_id} "
            f"({_when(check.first_break_at)}): {BREAK_KINDS.get(check.first_break_kind)}."
        )

    def verify_archive(self, path: Path):
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        checked = archive_verify(path)
        result = checked.result
        self.stdout.write(
            f"{result.rows} archived rows verified (ids {checked.manifest.get('first_id')}"
            f"–{checked.manifest.get('last_id')})."
        )
        for problem in checked.problems:
            self.stdout.write(f"  {problem}")
        for found in result.breaks:
            self.stdout.write(f"  row {found.id} {_when(found.at)}: {found.kind_label}")
        if not checked.ok:
            raise CommandError(f"The archive {path.name} does not verify.")
        self.stdout.write(self.style.SUCCESS(f"The archive {path.name} is intact and links to the live log."))
