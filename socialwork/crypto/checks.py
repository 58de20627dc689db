"""The start-up check: a sample of every encrypted column must decrypt with the keys configured.

Registered as a database check, so ``migrate`` (run before the application in
docker-compose.yml) and ``manage.py check --database default`` fail loudly when the keys cannot
read what is stored; the WSGI entry point (gunicorn) runs it too before serving. A database
that cannot be reached, or has no tables yet, is not this check's failure.
"""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

import socialwork.crypto as crypto
from socialwork.crypto import keyring as kr

from .columns import protected_columns

SAMPLE = 20


def undecryptable(sample: int = SAMPLE) -> list[str]:
    """One line per column whose sample does not decrypt: the column, how many of the sample
    failed and the key ids or ciphers they ask for. Never a value."""
    problems = []
    for column in protected_columns():
        for name in column.encrypted:
            raws = (
                column.raw()
                .filter(**{f"raw_{name}__gt": ""})
                .order_by("-pk")
                .values_list(f"raw_{name}", flat=True)[:sample]
            )
            failed: dict[str, int] = {}
            for raw in raws:
                try:
                    crypto.decrypt(raw)
                except crypto.DecryptionError:
                    cipher, key_id = kr.header(raw)
                    wanted = f"{cipher}/{key_id}" if key_id else cipher
                    failed[wanted] = failed.get(wanted, 0) + 1
            if failed:
                asks = ", ".join(f"{count} under {wanted}" for wanted, count in sorted(failed.items()))
                problems.append(
                    f"{column.label}.{name}: {sum(failed.values())} of the latest values ({asks})"
                )
    return problems


@register(Tags.database)
def check_encrypted_columns(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    try:
        crypto.decrypt(crypto.encrypt("check"))
        crypto.digest("check", "check")
    except Exception as error:  # a configuration error: say which setting
        return [Error(f"The field encryption keys do not work: {error}", id="socialwork.E901")]
    try:
        if _migrations_pending():  # `migrate` itself: the columns it encrypts are still plain
            return []
        problems = undecryptable()
    except DatabaseError:
        return []
    return [
        Error(
            f"Encrypted values do not decrypt with FIELD_ENCRYPTION_KEYS: {problem}.",
            hint="Put back the key (or FIELD_ENCRYPTION_SALTS for values of the former encryption) "
            "they were made with; `manage.py reencrypt --check` counts what each key still holds.",
            id="socialwork.E902",
        )
        for problem in problems
    ]


def _migrations_pending() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def startup_check() -> None:
    """Refuse to serve (ImproperlyConfigured) when stored values do not decrypt. Tests import
    the WSGI module without a database (FIELD_ENCRYPTION_STARTUP_CHECK off in their settings)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if not getattr(settings, "FIELD_ENCRYPTION_STARTUP_CHECK", True):
        return
    errors = check_encrypted_columns(databases=["default"])
    if errors:
        raise ImproperlyConfigured("\n".join(error.msg for error in errors))
