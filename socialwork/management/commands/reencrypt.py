"""Re-encrypt every protected column under the current key and cipher, and recompute digests
under the current digest key (socialwork.crypto.services). Rotating a key, switching Fernet to
SM4 and finishing the upgrade from the former encryption are all this one command.

    manage.py reencrypt --new-key 2027a   # print a new key to put first in the setting
    manage.py reencrypt                   # rewrite what is not under the current keys
    manage.py reencrypt --check           # count what is left, by key; exit 1 if anything is
"""

from django.core.management.base import BaseCommand, CommandError

import socialwork.crypto as crypto
from socialwork.crypto import keyring as kr
from socialwork.crypto.columns import protected_columns
from socialwork.crypto.services import BATCH, reencrypt_all, stale_by_key, stale_count
from socialwork.crypto.stored import files_reencrypt, files_stale_count
from socialwork.services import audit_record


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column under the first key of FIELD_ENCRYPTION_KEYS with "
        "FIELD_CIPHER, and recompute digests under the first key of FIELD_DIGEST_KEYS; in batches, "
        "resumable, safe while the application serves."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=BATCH, help=f"Rows per transaction (default {BATCH})."
        )
        parser.add_argument(
            "--max-batches", type=int, help="Stop after this many batches per model (resume later)."
        )
        parser.add_argument("--model", action="append", help="Only this model (app_label.Model); repeatable.")
        parser.add_argument(
            "--check", action="store_true", help="Change nothing: count what is left, by key."
        )
        parser.add_argument("--new-key", metavar="ID", help="Print a new random key with this id and stop.")

    def handle(self, *args, batch_size, max_batches, model, check, new_key, **options):
        if new_key:
            try:
                self.stdout.write(kr.make_key(new_key))
            except ValueError as error:
                raise CommandError(str(error)) from None
            return
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        target = (
            f"{crypto.cipher()} under key {crypto.encryption_keyring().current_id}, digests "
            f"{crypto.digest_algorithm()} under key {crypto.digest_keyring().current_id}"
        )
        if check:
            return self.check_left(target, model)
        self.stdout.write(f"Re-encrypting to {target}.")

        def report(progress):
            busy = f", {progress.busy} busy (left for the next run)" if progress.busy else ""
            self.stdout.write(
                f"  {progress.label}: {progress.done}/{progress.total} rows, {progress.rate:,.0f} rows/s{busy}"
            )

        try:
            rewritten = reencrypt_all(
                batch=batch_size, max_batches=max_batches, only=set(model) if model else None, report=report
            )
            if not model:
                # Stored files (attachments, signatures): each rewritten into a new file.
                for label, done in files_reencrypt():
                    rewritten[label] = done
                    self.stdout.write(f"  {label}: {done} files")
        except crypto.DecryptionError as error:
            raise CommandError(
                f"Stopped: {error}. Nothing after the last batch reported was changed."
            ) from None
        total = sum(rewritten.values())
        audit_record(
            actor=None, action="fields.reencrypt", target_type="fields", target_id=crypto.current_prefix().rstrip(":"),
            summary=f"{total}", changes={"rows": rewritten, "digest": crypto.digest_prefix().rstrip(":")},
        )  # fmt: skip
        left = sum(
            stale_count(column) for column in protected_columns() if not model or column.label in model
        ) + (0 if model else sum(files_stale_count().values()))
        if left:
            self.stdout.write(f"{total} rows rewritten; {left} left (busy, or --max-batches): run it again.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{total} rows rewritten; every value is now under the current keys.")
            )

    def check_left(self, target, model):
        counts = {}
        for column in protected_columns():
            if not model or column.label in model:
                counts.update(stale_by_key(column))
        if not model:
            counts.update({f"{label} (files)": count for label, count in files_stale_count().items()})
        if not counts:
            self.stdout.write(f"Every value is under {target}: older keys may be removed.")
            return
        for what, count in sorted(counts.items()):
            self.stdout.write(f"  {what}: {count}")
        raise CommandError(f"{sum(counts.values())} values are not yet under {target}.")
