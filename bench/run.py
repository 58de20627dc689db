"""`make bench`: seed a large region on PostgreSQL, measure, and write bench/results.md.

DATABASE_URL must point at PostgreSQL; without it the benchmark uses (and creates) the database
`socialwork_bench` on 127.0.0.1:5432. The database is dropped and made again on each run.
BENCH_SCALE (default 1) scales the issue's volumes; BENCH_REPEAT (default 30) is the number of
timed requests per page; BENCH_SECONDS (default 10) the length of each throughput run;
`--districts N` (or BENCH_DISTRICTS; default 2, the demo's Yiling and 点军区) the number of districts
under the demo city; `--cities N` (or BENCH_CITIES; default 1, the demo city) the number of cities
under the demo's province, each new one with BENCH_CITY_DISTRICTS districts (default 4); the
volumes spread over all of them.
"""

import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/socialwork_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("DJANGO_DEBUG", "1")

# The targets are ratios measured in the same run, so that they hold on any machine: a page's p50
# at most twice its own SQL time plus the floor (the bare view behind the app's middleware, logged
# in, in-process), its p95 at most 1.5 × its p50; exports at least half COPY's speed; the mixed
# workload under load at least a quarter of the floor's rate.
SQL_AND_FLOOR_TIMES = 2.0
SPREAD = 1.5
EXPORT_SHARE = 0.5
LOAD_SHARE = 0.25  # the mixed workload's rate, of the floor's under gunicorn
GROWTH = 1.5  # a page's p50 on more data (ten times, in the issue), of its p50 before, in floors
RESULTS_JSON = ROOT / "bench" / "results.json"


def fresh_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(
            f"The benchmark needs PostgreSQL: DATABASE_URL is {parsed.scheme}://… (unset it for the default)."
        )
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(
        host=parsed.hostname, port=parsed.port or 5432, user=parsed.username, password=parsed.password,
        dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
        # As docker-compose.yml configures production's PostgreSQL (SSD storage).
        cursor.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    admin.close()


def machine() -> dict:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration), open("/proc/cpuinfo") as info:
        cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "CPU": f"{cpu} × {os.cpu_count()}",
        "RAM": f"{memory:.1f} GiB",
        "PostgreSQL": postgres,
        "Python": platform.python_version(),
        "OS": platform.platform(),
    }


def verdict(ok: bool) -> str:
    return "pass" if ok else "**miss**"


def asked(option: str, variable: str, default: int) -> int:
    """A count given on the command line (`--districts N`), else in the environment, else the default."""
    if option in sys.argv:
        return int(sys.argv[sys.argv.index(option) + 1])
    return int(os.environ.get(variable, str(default)))


def previous_run() -> dict:
    """The previous run (bench/results.json): its scale and its measured rows by name; no scale
    and no rows before the first."""
    if not RESULTS_JSON.exists():
        return {"scale": None, "pages": {}}
    run = json.loads(RESULTS_JSON.read_text())
    return {"scale": run.get("scale"), "pages": {row["what"]: row for row in run["pages"] if "p50" in row}}


def growth_lines(pages: list[dict], previous: dict, scale: float) -> list[str]:
    """On more data than the previous run's, each page's p50 against its p50 then. Both are taken
    in floors (the p50 over the same person's floor in the same run), so that the two machines'
    speeds cancel out."""
    before_scale = previous["scale"]
    if not before_scale or scale <= before_scale:
        return []
    lines = [
        f"## Growth: {scale / before_scale:g} times the data (BENCH_SCALE={before_scale:g} before)",
        "",
        "Each page's p50 in floors (its p50 over the floor of the same person in the same run), now",
        "and in the previous run, so that the machines' speeds cancel out. Target: growth (now over",
        f"before) at most {GROWTH:g}.",
        "",
        "| page | p50 before | floor before | p50 now | floor now | growth | result |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    met = missed = 0
    for row in pages:
        before = previous["pages"].get(row["what"])
        if row.get("kind") not in ("list", "detail", "dashboard") or not before or "floor" not in before:
            continue
        growth = (row["p50"] / row["floor"]) / (before["p50"] / before["floor"])
        ok = growth <= GROWTH
        met, missed = met + ok, missed + (not ok)
        lines.append(
            f"| {row['what']} | {before['p50']:.1f} | {before['floor']:.1f} | {row['p50']:.1f} | "
            f"{row['floor']:.1f} | {growth:.2f} | {verdict(ok)} |"
        )
    return [*lines, "", f"{met} pages grow within the target, {missed} beyond it.", ""]


def mixed_lines(mixed: dict) -> list[str]:
    """The mixed workload's section: each step's users and figures, and what the machine held."""
    held = mixed["held"]
    lines = [
        "## The mixed workload under load (locust, gunicorn on loopback)",
        "",
        "Social workers (my cases, a case page, a note added, the client list, the search) and district",
        "staff (the case, worker, position and project lists, the dashboard, an export), three to one,",
        f"each logged in through the login page, none pausing; {mixed['workers']} gunicorn workers;",
        f"{mixed['seconds']:g} s a step. One user of each kind alone: p50 {mixed['single_p50']:.0f} ms, so",
        f"the users are doubled until the p95 passes 4 × that, {mixed['bound']:.0f} ms.",
        "",
        "| users | requests | failures | req/s | p50 (ms) | p95 (ms) | web CPU per request (ms) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [(f"1 ({kind}, alone)", run) for kind, run in mixed["alone"].items()]
    rows += [(str(step["users"]), step) for step in mixed["steps"]]
    for name, step in rows:
        cpu = step["cpu_ms_per_request"]
        lines.append(
            f"| {name} | {step['requests']:,} | {step['failures']:,} | {step['rate']:,.1f} | {step['p50']:.0f} | "
            f"{step['p95']:.0f} | {'–' if cpu is None else f'{cpu:.1f}'} |"
        )
    if held is None:
        return [*lines, "", "No step kept its p95 within the bound: **miss**.", ""]
    share = mixed["share_of_floor"]
    return [
        *lines,
        "",
        f"Held: {held['users']} users at {held['rate']:,.1f} req/s, {share:.1%} of the floor's rate "
        f"({mixed['floor_rate']:,.1f} req/s); target at least {LOAD_SHARE:.0%}: {verdict(share >= LOAD_SHARE)}.",
        "",
        "Each page's p50 in the held step (ms): "
        + ", ".join(f"{name} {page['p50']:.0f}" for name, page in sorted(held["pages"].items())),
        "",
    ]


def _number(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def write_results(*, scale, info, seeded, pages, export, load, mixed) -> Path:
    previous_results = previous_run()
    previous = {what: row["p50"] for what, row in previous_results["pages"].items()}
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `make bench` on {datetime.now():%Y-%m-%d %H:%M} at BENCH_SCALE={scale:g}.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        f"- How fast it is: the floor (the bare view behind the app's middleware, logged in) served "
        f"{load['bare_app']:,.1f} req/s under gunicorn, the bare view alone {load['bare']:,.1f} req/s",
        "",
        "## Volumes and seeding",
        "",
        "| table | rows |",
        "|---|---:|",
        *(f"| {name} | {count:,} |" for name, count in seeded["counts"].items()),
        "",
        *(
            [
                "| step | seconds |",
                "|---|---:|",
                *(f"| {step} | {seconds:.1f} |" for step, seconds in seeded["timings"].items()),
                f"| **total** | **{sum(seeded['timings'].values()):.1f}** |",
            ]
            if seeded["timings"]
            else ["Seeded by an earlier run (`--seed-only`); its timings are in that run's output."]
        ),
        "",
        "## Page latency (in-process Django test client, ms)",
        "",
        f"{os.environ.get('BENCH_REPEAT', '30')} timed requests per page after 3 warm-up requests. **SQL** is",
        "the p50 of the time the page's queries took (sent to rows read, summed over the request);",
        "**floor** the p50 of the bare view behind the app's middleware for the same person, logged in.",
        f"Target: p50 ≤ {SQL_AND_FLOOR_TIMES:g} × (SQL + floor), and p95 ≤ {SPREAD:g} × p50. **previous** is",
        "the p50 of the run before this one (its machine in its own results).",
        "",
        "| page | URL | p50 | p95 | SQL | floor | p50 / (SQL + floor) | p95 / p50 | previous p50 | result |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    met = missed = 0
    for row in pages:
        before = _number(previous.get(row["what"]))
        if "skipped" in row:
            lines.append(
                f"| {row['what']} | `{row['url']}` | – | – | – | – | – | – | – | not visible ({row['skipped']}) |"
            )
            continue
        if row["kind"] == "floor":
            lines.append(
                f"| {row['what']} | `{row['url']}` | {row['p50']:.1f} | {row['p95']:.1f} | {row['sql']:.1f} | – "
                f"| – | – | {before} | the floor |"
            )
            continue
        if row["kind"] == "background":
            lines.append(
                f"| {row['what']} | – | {row['p50']:.1f} | {row['p95']:.1f} | – | – | – | – | {before} "
                "| in the worker, no request waits |"
            )
            continue
        ratio = row["p50"] / (row["sql"] + row["floor"])
        spread = row["p95"] / row["p50"]
        ok = ratio <= SQL_AND_FLOOR_TIMES and spread <= SPREAD
        met, missed = met + ok, missed + (not ok)
        lines.append(
            f"| {row['what']} | `{row['url']}` | {row['p50']:.1f} | {row['p95']:.1f} | {row['sql']:.1f} | "
            f"{row['floor']:.1f} | {ratio:.2f} | {spread:.2f} | {before} | {verdict(ok)} |"
        )
    lines += ["", f"{met} pages meet the target, {missed} miss it.", ""]
    lines += growth_lines(pages, previous_results, scale)
    share = export["export_rows_per_s"] / export["copy_rows_per_s"]
    ratio = load["app"] / load["bare"]
    lines += [
        "## Export speed (workers CSV, district administrator)",
        "",
        "| what | rows | rows/s |",
        "|---|---:|---:|",
        f"| reports.exports CSV | {export['rows']:,} | {export['export_rows_per_s']:,.0f} |",
        f"| `COPY (SELECT …) TO STDOUT` | {export['copy_rows']:,} | {export['copy_rows_per_s']:,.0f} |",
        "",
        f"The median of {export.get('passes', 1)} passes of each, in turn, after one of each to warm up.",
        "",
        f"Export at {share:.1%} of COPY's speed; target at least {EXPORT_SHARE:.0%}: "
        f"{verdict(share >= EXPORT_SHARE)}.",
        "",
        "## Throughput (gunicorn on loopback)",
        "",
        f"{load['workers']} sync workers, {load['threads']} client threads for {load['seconds']:g} s each.",
        "",
        "| what | req/s |",
        "|---|---:|",
        f"| `{load['path']}` as a social worker (session cookie) | {load['app']:,.1f} |",
        f"| bare Django view, fixed JSON (`bench/bare.py`) | {load['bare']:,.1f} |",
        f"| the same view behind the app's middleware, logged in (`bench/urls.py`) | {load['bare_app']:,.1f} |",
        "",
        f"`{load['path']}` alone at {load['app'] / load['bare_app']:.1%} of the floor's rate (the bare view",
        f"behind the app's middleware) and {ratio:.1%} of the bare view's, for context.",
        "",
        *mixed_lines(mixed),
    ]
    path = ROOT / "bench" / "results.md"
    notes = ROOT / "bench" / "results_notes.md"
    if notes.exists():
        lines += [notes.read_text()]
    path.write_text("\n".join(lines))
    RESULTS_JSON.write_text(
        json.dumps(
            {
                "scale": scale,
                "machine": info,
                "seeded": seeded,
                "pages": pages,
                "export": export,
                "load": load,
                "mixed": mixed,
            },
            indent=1,
            ensure_ascii=False,
        )
    )
    return path


def main() -> None:
    """`--seed-only` stops after seeding; `--measure-only` measures the database a previous run
    seeded (its seeding figures are then read from the database and given no timings)."""
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    measure_only = "--measure-only" in sys.argv
    if not measure_only:
        fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    from bench import load as bench_load
    from bench import measure, seed

    if measure_only:
        timings = json.loads(os.environ.get("BENCH_SEED_TIMINGS", "{}"))  # from the run that seeded
        seeded = {"counts": seed.counts(), "timings": timings}
    else:
        print(f"migrating and loading the demo district into {os.environ['DATABASE_URL']} …", flush=True)
        call_command("migrate", verbosity=0)
        started = time.monotonic()
        call_command("seed_demo", verbosity=0)
        demo_seconds = time.monotonic() - started
        started = time.monotonic()
        seed.add_districts(asked("--districts", "BENCH_DISTRICTS", 2))
        districts_seconds = time.monotonic() - started
        started = time.monotonic()
        seed.add_cities(
            asked("--cities", "BENCH_CITIES", 1), districts=int(os.environ.get("BENCH_CITY_DISTRICTS", "4"))
        )
        cities_seconds = time.monotonic() - started
        print(f"seeding at scale {scale:g} …", flush=True)
        seeded = seed.seed(scale)
        seeded["timings"] = {
            "demo city (ORM)": demo_seconds,
            "more districts (ORM)": districts_seconds,
            "more cities (ORM)": cities_seconds,
            **seeded["timings"],
        }
        print(", ".join(f"{step} {seconds:.1f} s" for step, seconds in seeded["timings"].items()), flush=True)
        if "--seed-only" in sys.argv:
            return
        # Measured by a new process, as a web worker serves pages: one that has not just written
        # millions of rows (in the seeding process, a station's client list took 50-57 ms against
        # 31-34 ms in a new one).
        environment = {**os.environ, "BENCH_SEED_TIMINGS": json.dumps(seeded["timings"])}
        sys.exit(subprocess.run([sys.executable, __file__, "--measure-only"], env=environment).returncode)
    # The pages are measured in this process as a web worker runs them: loaded as gunicorn loads
    # the app (its views imported, what is loaded frozen out of full collections).
    import socialwork.wsgi  # noqa: F401

    print("measuring pages …", flush=True)
    pages = measure.latency()
    print("measuring export …", flush=True)
    export = measure.export_speed()
    print("measuring throughput …", flush=True)
    load = measure.throughput(seconds=float(os.environ.get("BENCH_SECONDS", "10")))
    print("measuring the mixed workload under load …", flush=True)
    mixed = bench_load.mixed(floor_rate=load["bare_app"])
    path = write_results(
        scale=scale, info=machine(), seeded=seeded, pages=pages, export=export, load=load, mixed=mixed
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
