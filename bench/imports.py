"""The import of a large file, measured: 100,000 social workers in one CSV, checked (the preview)
and written (the commit) as the Celery worker does it (`socialwork.imports.runs`, background
limits), through `worker_save` with its audit row per worker, each record kept as the run's
`ImportedRecord`. Prints rows per second of each step and the peak memory: the process's
maximum resident size (`getrusage`), the reading child's, and with `BENCH_TRACEMALLOC=1` the
peak of Python's allocations (slower: the rows per second are then not comparable).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socialwork_bench_imports .venv/bin/python bench/imports.py

The database named by DATABASE_URL is dropped and made again, migrated and given the demo
district (its network and accounts); `BENCH_IMPORT_ROWS` sets the number of rows (100000)."""

import csv
import io
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/socialwork_bench_imports")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("DJANGO_DEBUG", "1")

HEADERS = ["姓名", "性别", "身份证号", "工作单位编码", "证书等级", "电话"]


def worker_csv(rows: int, unit_codes: list[str]) -> bytes:
    """`rows` social workers with valid, distinct ID numbers, in the district's rooms, as a
    bureau's CSV (UTF-8 with its byte order mark, as Excel saves it)."""
    from datetime import date, timedelta

    from socialwork.idnumbers import check_character

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    born = date(1950, 1, 1)  # before any demo worker's birth: no ID number already on record
    for number in range(rows):
        day = born + timedelta(days=number // 999)
        first17 = f"420506{day:%Y%m%d}{number % 999 + 1:03d}"
        gender = "男" if int(first17[-1]) % 2 else "女"
        unit = unit_codes[number % len(unit_codes)]
        writer.writerow(
            [
                f"社工{number:06d}",
                gender,
                first17 + check_character(first17),
                unit,
                "社工师",
                f"139{number:08d}",
            ]
        )
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def maxrss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    from bench.run import fresh_database

    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
    fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from positions.models import ServiceUnit, SocialWorker
    from socialwork.imports import runs
    from socialwork.models import AuditEntry, ImportedRecord, ImportRun, User

    print(f"migrating and loading the demo district into {os.environ['DATABASE_URL']} …", flush=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    admin = User.objects.get(username="district")
    units = list(ServiceUnit.objects.filter(level="room").values_list("code", flat=True)[:50])
    data = worker_csv(rows, units)
    print(
        f"{rows:,} rows, {len(data) / 1024 / 1024:.1f} MB of CSV; rss before {maxrss_mb():.0f} MB", flush=True
    )
    traced = os.environ.get("BENCH_TRACEMALLOC") == "1"
    if traced:
        tracemalloc.start()

    run = runs.import_run_create(actor=admin, register="workers", upload=SimpleUploadedFile("社工.csv", data))
    del data
    started = time.monotonic()
    preview = runs.import_run_preview(run=run, background=True)
    checked = time.monotonic() - started
    sheet = preview["sheets"][0] if preview["sheets"] else {}
    assert not preview["errors"] and not sheet.get("problems"), (
        preview["errors"],
        sheet.get("problems", [])[:3],
    )
    print(
        f"preview: {sheet['total']:,} rows in {checked:.1f} s, {sheet['total'] / checked:,.0f} rows/s",
        flush=True,
    )

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED, on_duplicate="stop")
    started = time.monotonic()
    run = runs.import_run_execute(run_id=run.pk, background=True)
    written = time.monotonic() - started
    assert run.status == ImportRun.Status.DONE, run.problems[:3]
    print(
        f"commit: {run.created_count:,} workers in {written:.1f} s, {run.created_count / written:,.0f} rows/s",
        flush=True,
    )
    print(
        f"in the database: {SocialWorker.objects.count():,} workers, "
        f"{ImportedRecord.objects.filter(run=run).count():,} imported records, "
        f"{AuditEntry.objects.filter(action='worker.create').count():,} audit rows",
        flush=True,
    )
    if traced:
        _current, peak = tracemalloc.get_traced_memory()
        print(f"peak of Python's allocations (tracemalloc): {peak / 1024 / 1024:.0f} MB")
    print(
        f"peak resident memory: this process {maxrss_mb():.0f} MB, the reading child {maxrss_mb(resource.RUSAGE_CHILDREN):.0f} MB"
    )


if __name__ == "__main__":
    main()
