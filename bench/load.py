"""The mixed workload under load: locust, headless, against gunicorn on loopback (one worker per
CPU), with real logins (bench/locustfile.py). Three social workers to one district staff member,
none pausing between requests, so that the users are the requests in flight.

First one user alone: the workload's single-request p50. Then the users are doubled each step
(BENCH_LOAD_SECONDS each, 20 by default) until the step's p95 passes 4 × that p50; the last step
within it is what the machine holds: its users, its requests per second, the CPU the web workers
spent per request, and the rate as a share of the floor's (the bare view behind the app's
middleware, logged in, measured by `measure.throughput` in the same run)."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench import measure
from bench.seed import BENCH_PASSWORD
from casework.models import Case
from socialwork.models import User
from socialwork.roles import Role

ROOT = Path(__file__).resolve().parent.parent
PORT = 8764
STAFF_ACCOUNTS = 64
MAX_USERS = 64
P95_BOUND = 4  # × the single user's p50


def accounts() -> dict:
    """The social workers with an open case each, and district staff accounts made for the run
    (bench-staff-01 …: district administrators of the demo district, each with an authenticator
    app whose secret the locust users compute their codes from). The password is hashed once, as
    bench/seed.py does for the workers."""
    first_open_case = (
        Case.objects.filter(worker__username__startswith="bench-worker-", sensitive=False)
        .exclude(status="closed")
        .order_by("worker__username", "pk")
        .distinct("worker__username")
        .values_list("worker__username", "pk")
    )
    caseworkers = [
        {"username": username, "password": BENCH_PASSWORD, "case": case} for username, case in first_open_case
    ]
    district = User.objects.get(username="district")
    group = Group.objects.get(name=Role.DISTRICT_ADMIN)
    password = make_password(BENCH_PASSWORD)
    staff = []
    for number in range(1, STAFF_ACCOUNTS + 1):
        user, _made = User.objects.update_or_create(
            username=f"bench-staff-{number:02d}",
            defaults={"region": district.region, "unit": district.unit, "is_staff": district.is_staff,
                      "password": password, "password_changed_at": timezone.now()},
        )  # fmt: skip
        user.groups.add(group)
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True, key=secrets.token_hex(20))
        staff.append({"username": user.username, "password": BENCH_PASSWORD, "otp_key": device.key})
    return {"caseworkers": caseworkers, "staff": staff}


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _workers_of(process) -> list[int]:
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True)
    return [process.pid, *(int(pid) for pid in found.stdout.split())]


def _percentile(times: dict[float, float], share: float) -> float:
    """The response time below which `share` of the requests fall, from (time: count)."""
    ordered = sorted(times.items())
    wanted, seen = share * sum(times.values()), 0.0
    for time_ms, count in ordered:
        seen += count
        if seen >= wanted:
            return time_ms
    return ordered[-1][0]


def _run(
    users: int, *, offset: int, accounts_file: Path, seconds: float, folder: Path, pids, only: str = ""
) -> dict:
    """One locust run of `users` (of one kind only, with `only`), measured from the moment all have
    logged in: its figures, and its response times as (ms: count)."""
    dump = folder / f"users-{users}{only}.json"
    environment = {**os.environ, "BENCH_LOAD_ACCOUNTS": str(accounts_file), "BENCH_LOAD_OFFSET": str(offset),
                   "BENCH_LOAD_DUMP": str(dump), "BENCH_LOAD_USERS": str(users), "BENCH_LOAD_SECONDS": f"{seconds:g}"}  # fmt: skip
    locust = subprocess.Popen(
        [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds + 120:g}s",
         "--host", f"http://127.0.0.1:{PORT}", "--only-summary", "--loglevel", "ERROR", *([only] if only else [])],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    started = Path(f"{dump}.started")
    while not started.exists() and locust.poll() is None:
        time.sleep(0.05)
    before = _cpu_seconds(pids)
    locust.wait(seconds + 180)
    cpu = _cpu_seconds(pids) - before
    if not dump.exists():
        raise RuntimeError(f"locust with {users} users ended before they had all logged in")
    result = json.loads(dump.read_text())
    times = {float(time_ms): count for time_ms, count in result["times"].items()}
    requests = result["requests"]
    return {
        "users": users,
        "requests": requests,
        "failures": result["failures"],
        "rate": requests / result["seconds"],
        "p50": _percentile(times, 0.5),
        "p95": _percentile(times, 0.95),
        "cpu_ms_per_request": cpu * 1000 / requests if requests else None,
        "times": times,
        "pages": result["pages"],
    }


def _single_p50(runs: dict[str, dict]) -> float:
    """The mix's p50 without contention: one user of each kind run alone, their response times
    merged in the workload's proportion (three social workers to one staff member, each sending
    its own rate of requests)."""
    merged: dict[float, float] = {}
    for kind, weight in (("Caseworker", 3), ("DistrictStaff", 1)):
        run = runs[kind]
        for time_ms, count in run["times"].items():
            merged[time_ms] = merged.get(time_ms, 0) + weight * count * run["rate"] / max(run["requests"], 1)
    return _percentile(merged, 0.5)


def mixed(*, floor_rate: float, seconds: float | None = None) -> dict:
    seconds = seconds or float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    accounts_file = folder / "accounts.json"
    accounts_file.write_text(json.dumps(accounts()))
    process = measure._serve("socialwork.wsgi:application", PORT)
    steps = []
    try:
        pids = _workers_of(process)
        run = {"accounts_file": accounts_file, "seconds": seconds, "folder": folder, "pids": pids}
        alone = {
            kind: _run(1, offset=number, only=kind, **run)
            for number, kind in enumerate(("Caseworker", "DistrictStaff"))
        }
        single = _single_p50(alone)
        offset, users = 2, 4
        while users <= MAX_USERS:
            step = _run(users, offset=offset, **run)
            steps.append(step)
            offset += users // 4  # the staff among them, one in four
            if step["p95"] > P95_BOUND * single:
                break
            users *= 2
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)  # the staff's second-factor secrets with it
    within = [step for step in steps if step["p95"] <= P95_BOUND * single]
    held = within[-1] if within else None
    for step in [*steps, *alone.values()]:
        del step["times"]
    return {
        "seconds": seconds,
        "workers": os.cpu_count(),
        "alone": alone,
        "single_p50": single,
        "bound": P95_BOUND * single,
        "steps": steps,
        "held": held,
        "floor_rate": floor_rate,
        "share_of_floor": held["rate"] / floor_rate if held else 0.0,
    }
