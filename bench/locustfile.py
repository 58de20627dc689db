"""The mixed workload of bench/load.py, for locust: social workers at their cases and district
staff at their lists, each logging in through the login page as a person does (the staff with
the code of their authenticator app), then working without pause.

Read from the environment: BENCH_LOAD_ACCOUNTS (the JSON file bench/load.py writes: the accounts,
their passwords, the staff's second-factor secrets, each worker's open case) and
BENCH_LOAD_OFFSET (where in the staff's list this run starts: a second-factor code is taken once
only, so no two runs log the same staff account in within its half minute); BENCH_LOAD_USERS and
BENCH_LOAD_SECONDS (the run is measured from the moment that many users have logged in, for that
long) and BENCH_LOAD_DUMP (where its response times are written)."""

import hashlib
import hmac
import itertools
import json
import os
import re
import struct
import time
from datetime import date
from pathlib import Path

import gevent
from locust import HttpUser, constant, events, task

ACCOUNTS = json.loads(Path(os.environ["BENCH_LOAD_ACCOUNTS"]).read_text())
OFFSET = int(os.environ.get("BENCH_LOAD_OFFSET", "0"))
_caseworkers = itertools.cycle(ACCOUNTS["caseworkers"][OFFSET % len(ACCOUNTS["caseworkers"]) :])
_staff = iter(ACCOUNTS["staff"][OFFSET:])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
USERS = int(os.environ.get("BENCH_LOAD_USERS", "1"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
DUMP = os.environ.get("BENCH_LOAD_DUMP", "")
_logged_in = []
_measured = {}


def _all_logged_in(environment) -> None:
    """Once every user has logged in: the figures start from nothing (the logins are not the
    workload), bench/load.py is told (it reads the web workers' CPU then), and the run ends
    SECONDS later."""
    environment.runner.stats.reset_all()
    _measured["from"] = time.time()
    if DUMP:
        Path(f"{DUMP}.started").write_text(str(_measured["from"]))
    gevent.spawn_later(SECONDS, environment.runner.quit)


@events.quitting.add_listener
def _keep_the_times(environment, **_kwargs):
    """Every response time of the run (ms, as locust rounds them: count), the requests, and the
    seconds they were sent in, for bench/load.py."""
    if DUMP and "from" in _measured:
        total = environment.stats.total
        Path(DUMP).write_text(json.dumps({
            "times": total.response_times, "requests": total.num_requests, "failures": total.num_failures,
            "seconds": time.time() - _measured["from"],
            "pages": {name: {"p50": entry.get_response_time_percentile(0.5), "count": entry.num_requests}
                      for (name, _method), entry in environment.stats.entries.items() if entry.num_requests},
        }))  # fmt: skip


def totp(key_hex: str) -> str:
    """The code an authenticator app shows now (RFC 6238: SHA-1, 30 s, 6 digits), as django-otp's
    TOTPDevice checks it."""
    counter = int(time.time() // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Person(HttpUser):
    abstract = True
    wait_time = constant(0)

    def _post(self, url: str, data: dict, *, name: str, page_url: str | None = None, **options):
        """The form's page, then the form sent with its CSRF token, as a browser sends it."""
        page = self.client.get(page_url or url, name=f"{name} (form)")
        token = CSRF.search(page.text).group(1)
        return self.client.post(url, {"csrfmiddlewaretoken": token, **data}, name=name,
                                headers={"Referer": self.host + (page_url or url)}, **options)  # fmt: skip

    def log_in(self, account: dict) -> None:
        answer = self._post(
            "/accounts/login/",
            {"username": account["username"], "password": account["password"]},
            name="log in",
        )
        if "/two-factor/verify/" in answer.url:
            page_url = answer.url.removeprefix(self.host)
            answer = self._post(page_url, {"code": totp(account["otp_key"])}, name="second factor")
        if answer.url.rstrip("/") != self.host.rstrip("/"):
            raise RuntimeError(f"{account['username']} was not logged in: {answer.url}")
        _logged_in.append(account["username"])
        if len(_logged_in) == USERS:
            _all_logged_in(self.environment)


class Caseworker(Person):
    """A social worker: my cases, a case page, a note added, the client list, the search."""

    weight = 3

    def on_start(self):
        self.account = next(_caseworkers)
        self.log_in(self.account)
        self.case = f"/casework/cases/{self.account['case']}/"

    @task(4)
    def my_cases(self):
        self.client.get("/casework/", name="my cases")

    @task(4)
    def case_page(self):
        self.client.get(self.case, name="case page")

    @task(1)
    def add_a_note(self):
        data = {"note-noted_on": f"{date.today():%Y-%m-%d}", "note-method": "home_visit", "note-minutes": "30",
                "note-content": "入户走访，了解近况，约定下次服务时间。"}  # fmt: skip
        with self._post(
            f"{self.case}notes/new/", data, name="add a note", page_url=self.case, catch_response=True
        ) as answer:
            if not answer.url.endswith(self.case):  # saved: back on the case's page
                answer.failure(f"the note was not saved ({answer.status_code})")

    @task(2)
    def client_list(self):
        self.client.get("/casework/clients/", name="client list")

    @task(1)
    def search(self):
        self.client.get("/search/?q=王", name="search")


class DistrictStaff(Person):
    """A district's staff: the lists, the dashboard, an export."""

    weight = 1

    def on_start(self):
        self.log_in(next(_staff))

    @task(2)
    def case_list(self):
        self.client.get("/casework/cases/", name="case list (district)")

    @task(2)
    def worker_list(self):
        self.client.get("/workers/", name="worker list (district)")

    @task(1)
    def position_list(self):
        self.client.get("/positions/", name="position list (district)")

    @task(1)
    def project_list(self):
        self.client.get("/projects/", name="project list (district)")

    @task(2)
    def dashboard(self):
        self.client.get("/reports/", name="dashboard (district)")

    @task(1)
    def export(self):
        self.client.get("/reports/export/workers.csv?name=王", name="export: workers named 王 (district)")
