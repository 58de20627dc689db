"""The measurements: page latency in-process, export speed against COPY, throughput under gunicorn."""

import http.client
import io
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from bench.seed import PROVINCE_ACCOUNT
from casework.models import Case
from positions.models import Position, SocialWorker
from projects.models import Project
from reports import exports, services, tasks
from reports.models import DashboardSnapshot
from socialwork.models import User

ROOT = Path(__file__).resolve().parent.parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
DASHBOARD_COMPUTES = max(1, int(os.environ.get("BENCH_DASHBOARD_COMPUTES", "5")))


def _logged_in(user) -> Client:
    """A browser logged in as `user`, past the second factor (as tests/conftest.py and
    bench/field_cache.py do): without it every page answers with the second factor's form."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = "bench.force_login/0"
    session.save()
    return client


class _SQLClock:
    """The time a request spends in the database: the sum of its queries' durations, taken by a
    wrapper around every query of the connection (Django's execute_wrapper), from sending the
    query to having its rows."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _timed(client: Client, url: str, repeat: int = REPEAT) -> dict:
    """p50 and p95 of the page's time, and the p50 of its SQL time, over `repeat` requests."""
    for _ in range(3):  # warm up
        _once(client, url)
    return _summary([_once(client, url) for _ in range(repeat)])


FLOOR_URL = "/bench/bare/"


def floor(client: Client) -> dict:
    """The floor of an authenticated request for this person: the bare view's fixed JSON behind the
    app's middleware, logged in (bench/urls.py), in this process; what any page costs before its
    view does anything."""
    return _timed(client, FLOOR_URL, repeat=max(REPEAT, 50))


def latency() -> list[dict]:
    """p50/p95 of the list, detail and API pages for each role, and of the dashboard for the
    district's administrator and for the city's (`city`: every district under the demo city)."""
    year = time.localtime().tm_year
    admin = User.objects.get(username="district")
    city = User.objects.get(username="city")
    worker = User.objects.get(username="bench-worker-0001")
    station = User.objects.get(username="station")
    case = Case.objects.filter(worker=worker).order_by("pk").first()
    pages = [
        ("case list", "/casework/cases/"),
        ("client list", "/casework/clients/"),
        ("my cases", "/casework/"),
        ("case detail", f"/casework/cases/{case.pk}/"),
        ("position list", "/positions/"),
        ("position detail", f"/positions/{Position.objects.order_by('-pk').first().pk}/"),
        ("worker list", "/workers/"),
        ("worker detail", f"/workers/{SocialWorker.objects.order_by('-pk').first().pk}/"),
        ("project list", "/projects/"),
        ("project detail", f"/projects/{Project.objects.order_by('-pk').first().pk}/"),
        ("API cases", "/api/v1/cases/"),
        ("API clients", "/api/v1/clients/"),
        ("API workers", "/api/v1/workers/"),
        ("API positions", "/api/v1/positions/"),
        ("API projects", "/api/v1/projects/"),
    ]
    results = []
    province = User.objects.filter(username=PROVINCE_ACCOUNT).first()  # with --cities N (N > 1)
    province_role = (("province admin", province),) if province else ()
    roles = (
        *province_role,
        ("city admin", city),
        ("district admin", admin),
        ("station manager", station),
        ("social worker", worker),
    )
    for role, user in roles:
        client = _logged_in(user)
        base = floor(client)
        results.append({"what": f"floor ({role})", "url": FLOOR_URL, "kind": "floor", **base})
        for name, url in pages:
            if url.startswith(f"/casework/cases/{case.pk}") and user != worker:
                continue  # only the case's worker sees it
            response = client.get(url)
            if response.status_code != 200:
                results.append({"what": f"{name} ({role})", "url": url, "skipped": response.status_code})
                continue
            kind = "detail" if "detail" in name else "list"
            results.append(
                {
                    "what": f"{name} ({role})",
                    "url": url,
                    "kind": kind,
                    "floor": base["p50"],
                    **_timed(client, url),
                }
            )
    url = f"/reports/?year={year}"
    for role, user in (("district admin", admin), ("city admin", city), *province_role):
        client = _logged_in(user)
        results += _dashboard(client, url, role)
    return results


def _dashboard(client: Client, url: str, role: str) -> list[dict]:
    """The dashboard's page on a first look (its figures queued for the worker), when its figures
    are a minute old (shown while new ones are queued) and when they are fresh; and the worker's
    time to compute them. The queue is held in-process: the worker's part is timed here, on the
    first `BENCH_DASHBOARD_COMPUTES` looks (a province's figures take the worker tens of seconds);
    on the later ones the page is shown the figures computed last, written back as the worker
    writes them."""
    queued = []
    send = tasks.dashboard_refresh.delay
    tasks.dashboard_refresh.delay = lambda **arguments: queued.append(arguments)
    try:
        first, stale, computing = [], [], []
        for look in range(max(5, REPEAT // 3)):
            DashboardSnapshot.objects.all().delete()
            first.append(_once(client, url))
            refresh = queued.pop()
            if look < DASHBOARD_COMPUTES:
                started = time.perf_counter()
                services.dashboard_refresh_now(**refresh)
                computing.append((time.perf_counter() - started) * 1000)
                computed = DashboardSnapshot.objects.get(pk=refresh["snapshot_id"]).chapters
            else:
                DashboardSnapshot.objects.filter(pk=refresh["snapshot_id"]).update(
                    chapters=computed, computed_at=timezone.now()
                )
            two_minutes = timedelta(minutes=2)  # the figures' age when next looked at
            DashboardSnapshot.objects.update(
                computed_at=F("computed_at") - two_minutes, requested_at=F("requested_at") - two_minutes
            )
            stale.append(_once(client, url))
            queued.pop()  # the refresh the stale figures asked for: they are made fresh below
        DashboardSnapshot.objects.update(computed_at=timezone.now())
    finally:
        tasks.dashboard_refresh.delay = send
    base = floor(client)["p50"]
    rows = [
        (f"dashboard, first look: figures queued ({role})", first),
        (f"dashboard, figures a minute old: shown, new ones queued ({role})", stale),
    ]
    results = [
        {"what": what, "url": url, "kind": "dashboard", "floor": base, **_summary(measured)}
        for what, measured in rows
    ]
    results.append({"what": f"dashboard, figures fresh ({role})", "url": url, "kind": "dashboard", "floor": base,
                    **_timed(client, url)})  # fmt: skip
    results.append({"what": f"dashboard figures computed by the worker ({role})", "url": url,
                    "kind": "background", **_percentiles(computing)})  # fmt: skip
    return results


def _once(client: Client, url: str) -> tuple[float, float]:
    """One request's time, its whole answer read, and its SQL time, in ms."""
    clock = _SQLClock()
    with connection.execute_wrapper(clock):
        started = time.perf_counter()
        response = client.get(url)
        b"".join(response.streaming_content) if response.streaming else response.content
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000, clock.seconds * 1000


def _summary(measured: list[tuple[float, float]]) -> dict:
    """p50 and p95 of the requests' times, and the p50 of their SQL times."""
    times, sql = zip(*measured, strict=True)
    return {**_percentiles(list(times)), "sql": statistics.median(sql)}


def _percentiles(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50": statistics.median(times), "p95": times[max(0, round(len(times) * 0.95) - 1)]}


EXPORT_PASSES = 5


def export_speed(passes: int = EXPORT_PASSES) -> dict:
    """Rows per second of the workers CSV export (the page's own selector, filterset and columns,
    for the district administrator) against PostgreSQL's COPY of the same rows to STDOUT: the
    export's own SELECT (its scope, columns and order) inside `COPY (…) TO STDOUT`. One pass of
    each to warm up, then `passes` of each in turn, and the median of each. A single pass varied
    from 36% to 54% of COPY's speed on a shared two-CPU machine."""
    _export_pass()
    _copy_pass()
    exported, copied = [], []
    for _ in range(passes):
        exported.append(_export_pass())
        copied.append(_copy_pass())
    rows, copy_rows = exported[0][0], copied[0][0]
    return {
        "rows": rows,
        "export_rows_per_s": statistics.median(rows / seconds for _rows, seconds in exported),
        "copy_rows": copy_rows,
        "copy_rows_per_s": statistics.median(copy_rows / seconds for _rows, seconds in copied),
        "passes": passes,
    }


def _exported():
    admin = User.objects.get(username="district")
    export = exports.get("workers")
    return export, export.rows(user=admin, params=QueryDict())


def _export_pass() -> tuple[int, float]:
    export, queryset = _exported()
    started = time.perf_counter()
    rows = -1  # the header
    for chunk in exports.csv_chunks(exports.rows_of(export, queryset)):
        rows += chunk.count("\n")
    return rows, time.perf_counter() - started


def _copy_pass() -> tuple[int, float]:
    """COPY of the rows and columns the export reads, in its order. (Until issue 24's third run
    the baseline was a COPY of every worker of the province, without the administrator's scope:
    154,319 rows against the export's 79,138, by a cheaper query.)"""
    export, queryset = _exported()
    fields = [name for column in export.columns for name in column.fields]
    sql, params = queryset.prefetch_related(None).values_list(*fields).query.sql_with_params()
    sink = io.StringIO()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.copy_expert(cursor.mogrify(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params).decode(), sink)
    return sink.getvalue().count("\n"), time.perf_counter() - started


def _load(port: int, path: str, cookie: str, threads: int, seconds: float) -> float:
    done = []
    stop = time.monotonic() + seconds

    def hammer():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        count = 0
        headers = {"Cookie": cookie, "Host": "127.0.0.1"}
        while time.monotonic() < stop:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            count += 1
        done.append(count)

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    started = time.monotonic()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def _serve(app: str, port: int):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(os.cpu_count() or 1), "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz/" if "socialwork" in app else "/")
            conn.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"gunicorn {app} did not start")


def throughput(seconds: float = 10, threads: int = 8) -> dict:
    """Requests per second of one authenticated list page and of the bare view, both under gunicorn
    with one worker per CPU, hit by `threads` keep-alive connections for `seconds`; and of the bare
    view behind the app's middleware, logged in, which tells the stack's share from the page's."""
    client = _logged_in(User.objects.get(username="bench-worker-0001"))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    path = "/casework/"
    results = {"threads": threads, "seconds": seconds, "workers": os.cpu_count(), "path": path}
    for key, app, port, url in (
        ("app", "socialwork.wsgi:application", 8761, path),
        ("bare", "bench.bare:application", 8762, "/"),
        ("bare_app", "socialwork.wsgi:application", 8763, "/bench/bare/"),
    ):
        process = _serve(app, port)
        try:
            _load(port, url, cookie, threads, 1)  # warm up
            results[key] = _load(port, url, cookie, threads, seconds)
        finally:
            process.terminate()
            process.wait(10)
    return results
