"""The version of a record a phone or a second browser may edit at once (a follow-up, a plan
task, a client): raised by one at every change, by every service that changes one, so that an edit
made on an older version is checked field by field (casework.services.conflicts)."""

from django.db import models


def version_raise(record: models.Model) -> list[str]:
    """Raise `record`'s version by one (before it is saved) and return the field to add to the
    save's `update_fields`; nothing for a record that keeps no version (a case labelled with its
    clients)."""
    if not hasattr(record, "version"):
        return []
    record.version = (record.version or 0) + 1
    return ["version"]
