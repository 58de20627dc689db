"""The caseloads (`casework.models.CaseloadEntry`): each client's entries rewritten from what they
derive from, by every service that changes it: a client registered, renamed or removed, a case
opened, assigned, transferred or removed."""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Exists, OuterRef

from casework.models import CaseClient, CaseloadEntry, Client


def caseload_refresh(client_ids: Iterable[int]) -> None:
    """Rewrite the caseload entries of these clients. Call it inside the write's transaction."""
    ids = set(client_ids)
    if not ids:
        return
    CaseloadEntry.objects.filter(client_id__in=ids).delete()
    live = Client.objects.filter(pk__in=ids, removed_at__isnull=True, merged_into__isnull=True)
    entries = {}
    holders = CaseClient.objects.filter(client__in=live, case__removed_at__isnull=True).values_list(
        "client_id", "client__name", "case__worker_id", "case__supervisor_id"
    )
    for client, name, *people in holders:
        entries.update({(person, client): name for person in people if person})
    registered = live.exclude(Exists(CaseClient.objects.filter(client=OuterRef("pk"))))
    for client, name, person in registered.values_list("pk", "name", "created_by_id"):
        entries[(person, client)] = name
    CaseloadEntry.objects.bulk_create(
        CaseloadEntry(person_id=person, client_id=client, name=name)
        for (person, client), name in entries.items()
    )


# The whole table in one statement: for the migration that creates it, the benchmark's seed and
# `manage.py tallies_rebuild`, which rebuilds the caseloads with the tallies (a repair that
# should never be needed).
REBUILD = """
INSERT INTO casework_caseloadentry (person_id, client_id, name)
SELECT person_id, client_id, name FROM (
    SELECT k.worker_id AS person_id, c.id AS client_id, c.name AS name
    FROM casework_caseclient l
    JOIN casework_case k ON k.id = l.case_id AND k.removed_at IS NULL AND k.worker_id IS NOT NULL
    JOIN casework_client c ON c.id = l.client_id AND c.removed_at IS NULL
    UNION
    SELECT k.supervisor_id, c.id, c.name
    FROM casework_caseclient l
    JOIN casework_case k ON k.id = l.case_id AND k.removed_at IS NULL AND k.supervisor_id IS NOT NULL
    JOIN casework_client c ON c.id = l.client_id AND c.removed_at IS NULL
    UNION
    SELECT c.created_by_id, c.id, c.name
    FROM casework_client c
    WHERE c.removed_at IS NULL AND c.merged_into_id IS NULL AND NOT EXISTS (SELECT 1 FROM casework_caseclient l WHERE l.client_id = c.id)
) AS entries
"""


def caseload_rebuild() -> int:
    """Rewrite every caseload from the cases and registrations; the number of entries."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM casework_caseloadentry")
        cursor.execute(REBUILD)
        return cursor.rowcount
