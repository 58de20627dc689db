"""Writing the district's archive: one CSV per register under data/, the uploaded documents under
files/, and datapackage.json (Frictionless Data Data Package) describing every file and column,
all in one zip encrypted with AES-256 (WinZip AE-2, which 7-Zip, WinZip, WinRAR and Bandizip
open) under the passphrase the administrator chose.

Rows are read in chunks as database values (encrypted columns come decrypted) and written as they
come, each CSV through the zip, so memory stays flat however large the district is.
"""

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyzipper
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from socialwork.scoping import region_scope

from .columns import ROLES, archived_fields, cell, field_schema
from .tables import ALL, EXPORTED, USERS, Owned, Via

FORMAT_VERSION = 1
CHUNK_SIZE = 2000
DESCRIPTOR = "datapackage.json"
USER_MODEL = "socialwork.User"


def resource_name(label: str) -> str:
    return label.lower().replace(".", "_")


def resource_path(label: str) -> str:
    app, model = label.split(".")
    return f"data/{app}/{model.lower()}.csv"


def model_of(label: str):
    return apps.get_model(label)


def _ancestors(paths, steplen: int) -> set[str]:
    return {path[:end] for path in paths for end in range(steplen, len(path), steplen)}


@dataclass
class Selection:
    """The rows of each register in the archive of one administrator's region."""

    user: object
    _cache: dict = field(default_factory=dict)

    def rows(self, label: str) -> QuerySet:
        if label not in self._cache:
            self._cache[label] = self._rows(label)
        return self._cache[label]

    def _rows(self, label: str) -> QuerySet:
        model = model_of(label)
        every = model._base_manager.all()
        scope = EXPORTED[label]
        if scope == ALL:
            return every.order_by("pk")
        if isinstance(scope, Owned):
            return every.filter(scope.condition(self.user)).order_by("pk")
        if scope == USERS:
            return every.filter(pk__in=self._user_ids()).order_by("pk")
        if isinstance(scope, Via):
            condition = Q()
            for name in scope.fields:
                parent = model._meta.get_field(name).related_model._meta.label
                condition |= Q(**{f"{name}__in": self.rows(parent).values("pk")})
        else:
            condition = scope(self.user)
        inside = every.filter(pk__in=every.filter(condition).values("pk"))
        if hasattr(model, "steplen"):  # a tree: its ancestors too, so that it loads whole
            paths = _ancestors(inside.values_list("path", flat=True), model.steplen)
            inside = every.filter(Q(pk__in=inside.values("pk")) | Q(path__in=paths))
        return inside.order_by("pk")

    def _user_ids(self) -> set[int]:
        """The accounts placed in the region and every account a record in the archive points at."""
        User = model_of(USER_MODEL)
        placed = User.objects.filter(
            region_scope(self.user, via="region") | region_scope(self.user, via="unit__region")
        )
        ids = set(placed.values_list("pk", flat=True))
        for label in EXPORTED:
            if label == USER_MODEL:
                continue
            model = model_of(label)
            for fk in model._meta.concrete_fields:
                if fk.is_relation and fk.related_model is User:
                    ids |= set(
                        self.rows(label)
                        .exclude(**{f"{fk.attname}__isnull": True})
                        .values_list(fk.attname, flat=True)
                    )
        return ids


def _values(label: str, queryset: QuerySet, fields: list) -> Iterator[list[str]]:
    names = [f.attname for f in fields]
    if label == USER_MODEL:
        roles = {}
        for user_id, name in queryset.model.groups.through.objects.filter(
            user__in=queryset.values("pk")
        ).values_list("user_id", "group__name"):
            roles.setdefault(user_id, []).append(name)
        for values in queryset.values_list(*names).iterator(chunk_size=CHUNK_SIZE):
            yield [*map(cell, values), ",".join(sorted(roles.get(values[0], [])))]
        return
    for values in queryset.values_list(*names).iterator(chunk_size=CHUNK_SIZE):
        yield [cell(value) for value in values]


def _describe(label: str, fields: list, count: int) -> dict:
    model = model_of(label)
    resources = {name: resource_name(name) for name in EXPORTED}
    with translation.override("zh-hans"):
        title = str(model._meta.verbose_name_plural)
    with translation.override("en"):
        title_en = str(model._meta.verbose_name_plural)
    schema_fields = [field_schema(f, resources) for f in fields]
    if label == USER_MODEL:
        schema_fields.append(
            {
                "name": ROLES,
                "type": "string",
                "title": "角色",
                "title_en": "roles",
                "description": "角色代码，逗号分隔 / role codes, comma-separated",
            }
        )
    foreign_keys = [
        {
            "fields": f.attname,
            "reference": {
                "resource": resources[f.related_model._meta.label],
                "fields": f.target_field.attname,
            },
        }
        for f in fields
        if f.is_relation and f.related_model._meta.label in resources
    ]
    schema = {"fields": schema_fields, "primaryKey": [model._meta.pk.attname]}
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "name": resource_name(label),
        "path": resource_path(label),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": "UTF-8，带 BOM，Excel 可直接打开 / UTF-8 with a byte-order mark, for Excel",
        "title": title,
        "title_en": title_en,
        "model": label,
        "rows": count,
        "schema": schema,
    }


def _file_fields(fields: list) -> list:
    return [f for f in fields if isinstance(f, models.FileField)]


def archive_write(
    *, user, target, passphrase: str, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Write the archive of `user`'s region into the open binary file `target`; the rows written
    per register. `progress(done, total)` is told after each register."""
    selection = Selection(user)
    labels = [label for label in EXPORTED if label != USER_MODEL] + [USER_MODEL]
    counts: dict[str, int] = {}
    resources = []
    files: set[str] = set()
    with pyzipper.AESZipFile(
        target, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(passphrase.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for done, label in enumerate(labels):
            model = model_of(label)
            fields = archived_fields(model)
            queryset = selection.rows(label)
            count = 0
            with archive.open(resource_path(label), "w") as raw:
                # With a byte-order mark, as the list exports: Excel then reads the Chinese right.
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                writer = csv.writer(text)
                header = [f.attname for f in fields] + ([ROLES] if label == USER_MODEL else [])
                writer.writerow(header)
                for row in _values(label, queryset, fields):
                    writer.writerow(row)
                    count += 1
                text.flush()
                text.detach()
            for file_field in _file_fields(fields):
                files.update(
                    queryset.exclude(**{file_field.attname: ""})
                    .exclude(**{f"{file_field.attname}__isnull": True})
                    .values_list(file_field.attname, flat=True)
                )
            counts[label] = count
            resources.append(_describe(label, fields, count))
            if progress:
                progress(done + 1, len(labels) + 1)
        missing = []
        for name in sorted(files):
            try:
                with default_storage.open(name, "rb") as source, archive.open(f"files/{name}", "w") as sink:
                    while chunk := source.read(1 << 20):
                        sink.write(chunk)
            except FileNotFoundError:
                missing.append(name)
        archive.writestr(
            DESCRIPTOR, json.dumps(_package(user, resources, missing), ensure_ascii=False, indent=2)
        )
    if progress:
        progress(len(labels) + 1, len(labels) + 1)
    return counts


def _package(user, resources: list[dict], missing: list[str]) -> dict:
    region = user.region
    migrations = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        if app in {"socialwork", "positions", "training", "projects", "casework"}:
            migrations[app] = max(migrations.get(app, ""), name)
    return {
        "profile": "tabular-data-package",
        "name": f"socialwork-archive-{region.code}".lower(),
        "title": f"{region.name} 社会工作数据档案",
        "title_en": f"Social work archive of {region.name}",
        "created": timezone.now().isoformat(),
        "licenses": [],
        "socialwork_archive": {
            "format_version": FORMAT_VERSION,
            "region": {"id": region.pk, "code": region.code, "name": region.name, "path": region.path},
            "requested_by": user.username,
            "migrations": migrations,
            "files_missing": missing,
        },
        "resources": resources,
    }
