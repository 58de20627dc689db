"""Reads of the import runs: whose runs a person sees, where a record came from, and what stands
in the way of undoing a run."""

from collections import defaultdict

from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.models import ContentType
from django.db import router
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from socialwork.actions import Action
from socialwork.imports.cells import listing
from socialwork.imports.registry import CHUNK, registers_for
from socialwork.models import ImportedRecord, ImportRun
from socialwork.models.imports import WORKBOOK
from socialwork.roles import Role


def runs_visible_to(*, user) -> QuerySet[ImportRun]:
    """One's own runs; a district administrator's, every run of a person of their region."""
    runs = ImportRun.objects.select_related("started_by", "undone_by")
    if not user.is_authenticated:
        return runs.none()
    if user.is_superuser:
        return runs
    if user.has_role(Role.DISTRICT_ADMIN):
        from positions.selectors.network import regions_visible_to

        # Of the others' runs, those of registers the administrator may import: a station's clients
        # and cases (with their ID numbers in the problems) are the station's.
        theirs = [cls.key for cls in registers_for(user)]
        others = Q(started_by__region__in=regions_visible_to(user=user)) & (
            Q(register__in=theirs) | Q(register=WORKBOOK, started_by__region__depth__lte=user.region.depth)
        )
        return runs.filter(Q(started_by=user) | others)
    return runs.filter(started_by=user)


def actions_for(user, run: ImportRun) -> dict[str, Action]:
    """What this person may do to the run now: undo it, while it is open to undoing (the records
    depending on it are `undo_blockers`, asked when the person undoes)."""
    may = run.started_by_id == user.pk or user.is_superuser or user.has_role(Role.DISTRICT_ADMIN)
    if not (may and run.undo_open() and runs_visible_to(user=user).filter(pk=run.pk).exists()):
        return {}
    return {
        "undo": Action(
            label=_("Undo this import"),
            confirm=_(
                "Every record this import created is deleted, and every record it updated gets its earlier values back."
            ),
        )
    }


def import_sources(obj) -> list[ImportedRecord]:
    """Where `obj` came from: each import that created or updated it, with file, sheet and row,
    latest first (one query)."""
    if obj is None or obj.pk is None:
        return []
    return list(
        ImportedRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        )
        .exclude(run__status=ImportRun.Status.UNDONE)
        .exclude(row=0)  # a row a service wrote beside the run's records came from no line of the file
        .select_related("run", "run__started_by")
        .order_by("-run__created_at")
    )


def undo_blockers(run: ImportRun) -> list[str]:
    """Why the run cannot be undone now, each reason as the page says it ("社会工作者 张丽 已有
    2 条聘用记录"); empty when it can. Undoing deletes what the run created and gives back what it
    updated, so: the run must be done and within IMPORT_UNDO_DAYS; no record it created may have
    rows not from the run pointing at it (found as the admin's delete page finds them, with
    Django's collector); no record it created or updated may have changed since."""
    if run.status != ImportRun.Status.DONE:
        return [_("Only a finished import can be undone.")]
    if not run.undo_open():
        return [_("An import can be undone within %(days)d days only.") % {"days": run.undo_period().days}]
    blockers = []
    records = run.records.select_related("content_type").order_by("pk")
    created, changed, missing = defaultdict(list), defaultdict(list), 0
    for record in records.iterator(chunk_size=CHUNK):
        missing += record.action == ImportedRecord.Action.UPDATED and not record.before_text
        (created if record.action == ImportedRecord.Action.CREATED else changed)[record.content_type].append(
            record.object_id
        )
    ours = {(ct.model_class(), str(pk)) for ct, pks in created.items() for pk in pks}
    for content_type, pks in created.items():
        blockers += _dependents(run, content_type.model_class(), pks, ours)
    for content_type in {*created, *changed}:
        pks = created.get(content_type, []) + changed.get(content_type, [])
        blockers += _changed_since(run, content_type.model_class(), pks)
    if missing:
        blockers.append(
            _("%(count)d records this import updated kept no earlier values, so they cannot be put back.")
            % {"count": missing}
        )
    return blockers


def rows_beside(model, pks, ours):
    """The rows pointing at the records `pks` of `model` (found as the admin's delete page finds
    them), other than records in `ours`, link tables' rows and rows derived from the records
    (a model marked `DERIVED`: a caseload, a tally), each with the parent it hangs from (None for a
    protected row)."""
    for start in range(0, len(pks), CHUNK):
        objs = list(model._base_manager.filter(pk__in=pks[start : start + CHUNK]))
        collector = NestedObjects(using=router.db_for_write(model))
        collector.collect(objs)
        parent = {}
        for source, targets in collector.edges.items():
            for target in targets:
                parent.setdefault(target, source)
        for obj in [obj for found in collector.model_objs.values() for obj in found] + list(
            collector.protected
        ):
            model = obj._meta.model
            if (
                (model, str(obj.pk)) not in ours
                and not model._meta.auto_created
                and not getattr(model, "DERIVED", False)
            ):
                yield obj, parent


def created_by(run: ImportRun) -> dict:
    """The records the run created, by content type: {content type: [pk, ...]}."""
    created = defaultdict(list)
    records = run.records.filter(action=ImportedRecord.Action.CREATED).select_related("content_type")
    for record in records.order_by("pk").iterator(chunk_size=CHUNK):
        created[record.content_type].append(record.object_id)
    return created


def _dependents(run, model, pks, ours) -> list[str]:
    """Rows not from the run that point at the records it created: by the record they point at,
    "<kind> <record> has <n> <their kind>"."""
    counts = defaultdict(int)
    for obj, parent in rows_beside(model, pks, ours):
        if _from_run(run, obj, ours):
            continue
        counts[(_root(obj, parent, ours), obj._meta.model)] += 1
    return [
        _("%(kind)s %(record)s has %(count)d %(related)s")
        % {
            "kind": root._meta.verbose_name if root is not None else "",
            "record": root if root is not None else "",
            "count": count,
            "related": related._meta.verbose_name if count == 1 else related._meta.verbose_name_plural,
        }
        for (root, related), count in counts.items()
    ]


def _from_run(run, obj, ours) -> bool:
    """Whether `obj` is the run's: a record it created, a row its services wrote while it ran (the
    run's records were seen by nobody else until it ended), or a link table's row."""
    model = obj._meta.model
    if (model, str(obj.pk)) in ours or model._meta.auto_created:
        return True
    created_at = getattr(obj, "created_at", None)
    return created_at is not None and run.created_at <= created_at <= run.finished_at


def _root(obj, parent, ours):
    """The record of the run that `obj` hangs from (following the collector's edges, or for a
    protected row, its foreign keys)."""
    seen = set()
    while obj is not None and obj not in seen:
        seen.add(obj)
        if (obj._meta.model, str(obj.pk)) in ours:
            return obj
        if obj in parent and parent[obj] is not None:
            obj = parent[obj]
            continue
        for field in obj._meta.concrete_fields:
            if field.is_relation and field.many_to_one:
                related = field.related_model
                value = getattr(obj, field.attname)
                if value is not None and (related, str(value)) in ours:
                    return field.related_model._base_manager.filter(pk=value).first()
        return None
    return None


def _changed_since(run, model, pks) -> list[str]:
    """Records of the run changed by someone after it ended."""
    if not any(field.name == "updated_at" for field in model._meta.concrete_fields):
        return []
    names = []
    for start in range(0, len(pks), CHUNK):
        names += [
            str(obj)
            for obj in model._base_manager.filter(
                pk__in=pks[start : start + CHUNK], updated_at__gt=run.finished_at
            )
        ]
    if not names:
        return []
    return [
        _("%(kind)s changed since the import: %(records)s")
        % {
            "kind": model._meta.verbose_name_plural,
            "records": listing(names[:10]) + ("…" if len(names) > 10 else ""),
        }
    ]
