"""Reads of conflicting edits: a person sees and chooses only the conflicts of their own edits."""

from django.db.models import QuerySet

from casework.models import FieldConflict


def conflicts_open_for(user, *, case=None) -> QuerySet[FieldConflict]:
    """The conflicts waiting for `user`'s choice (of one case, when given), newest first."""
    if not user.is_authenticated:
        return FieldConflict.objects.none()
    rows = FieldConflict.objects.filter(person=user, resolved_at__isnull=True)
    if case is not None:
        rows = rows.filter(case=case)
    return rows.select_related("case", "theirs_by", "client", "task", "follow_up").order_by(
        "-created_at", "pk"
    )


def conflict_for(user, pk: int) -> FieldConflict | None:
    """One conflict of `user`'s edits, with the record it belongs to; None for anyone else's."""
    return (
        FieldConflict.objects.filter(person=user, pk=pk)
        .select_related("case", "follow_up", "task__plan", "client", "theirs_by", "resolved_by")
        .first()
    )


def conflict_siblings(conflict: FieldConflict) -> list[FieldConflict]:
    """The conflicts chosen on one page with `conflict`: the same person's on the same record,
    still open (or the conflict alone once it is resolved), in the order the fields were kept."""
    if conflict.resolved_at is not None:
        return [conflict]
    rows = FieldConflict.objects.filter(
        person_id=conflict.person_id, resolved_at__isnull=True,
        follow_up_id=conflict.follow_up_id, task_id=conflict.task_id, client_id=conflict.client_id,
    )  # fmt: skip
    return list(rows.select_related("theirs_by", "client", "task", "follow_up").order_by("pk"))
