"""What a phone keeps for a social worker with 50 open cases, and how long sending 100 entries
recorded offline takes, on this machine.

Run with pytest (not part of the suite, which collects tests/ only):

    .venv/bin/python -m pytest -q -p no:cacheprovider -s bench/field_cache.py

1. `test_bytes_kept_per_worker_with_50_open_cases`: the demo district, its worker given open cases
   up to 50 (each in intervention, with an approved plan and five notes), then every address of
   the worker's precache.json fetched as the worker: the sum of the bodies is what the phone's
   Cache Storage holds (besides the static shell, measured apart).
2. `test_time_to_send_100_entries_kept_offline`: Chromium on a phone viewport, the worker's field
   home kept, the network cut, 100 notes put in the phone's outbox (IndexedDB) as field.js keeps
   them, the network back: the time from the `online` event to the last one sent, and the notes
   on the server counted.
"""

import os
import time
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from casework import services
from casework.field_selectors import field_cases
from casework.models import ServiceNote
from socialwork import webapp
from socialwork.models import User
from tests.casework.factories import case_in_intervention

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CASES = 50
ENTRIES = 100


def _worker_with_open_cases(count: int) -> User:
    call_command("seed_demo", verbosity=0)
    worker = User.objects.get(username="worker")
    supervisor = User.objects.get(username="supervisor")
    while field_cases(worker).count() < count:
        case = case_in_intervention(worker, supervisor)
        for n in range(5):
            services.note_add(
                actor=worker, case=case, noted_on=case.intake_on, method="home_visit", minutes=30,
                content=f"第{n + 1}次服务：了解家庭近况，协助申请临时救助，约定下次入户时间。" * 3,
            )  # fmt: skip
    return worker


@pytest.mark.django_db(transaction=True)
def test_bytes_kept_per_worker_with_50_open_cases():
    worker = _worker_with_open_cases(CASES)
    browser = Client()
    browser.force_login(worker)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = "bench.force_login/0"  # as tests/conftest.py: past the 2nd factor
    session.save()
    started = time.perf_counter()
    precache = browser.get("/casework/field/precache.json").json()
    sizes = {}
    for url in precache["urls"]:
        response = browser.get(url)
        assert response.status_code == 200, url
        sizes[url] = len(response.content)
    seconds = time.perf_counter() - started
    shell = sum(Path(finders.find(name)).stat().st_size for name in webapp.SHELL)
    pages = sum(sizes.values())
    print(
        f"\n{len(precache['cases'])} open cases, {len(sizes)} pages kept: {pages / 1024:.0f} KiB "
        f"(largest {max(sizes.values()) / 1024:.1f} KiB, mean {pages / len(sizes) / 1024:.1f} KiB); "
        f"static shell {shell / 1024:.0f} KiB; fetched in {seconds:.1f} s by the test client"
    )
    assert len(precache["cases"]) == CASES


@pytest.mark.django_db(transaction=True)
def test_time_to_send_100_entries_kept_offline(live_server):
    from playwright.sync_api import sync_playwright

    from tests.browser.second_factor import enter_second_factor, with_device
    from tests.browser.test_field_offline_journey import wait_until

    call_command("seed_demo", verbosity=0)
    worker = User.objects.get(username="worker")
    case = field_cases(worker).first()
    before = ServiceNote.objects.filter(case=case).count()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.set_default_timeout(300_000)
        with_device("worker")
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "worker")
        page.fill("#id_password", "demo-2026")
        page.click("main button[type=submit]")
        if "two-factor" in page.url or page.locator("#id_code").count():
            enter_second_factor(page, "worker")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/casework/field/outbox/")
        wait_until(page, "navigator.serviceWorker.controller !== null")
        wait_until(page, "document.body.dataset.fieldSynced")
        context.set_offline(True)
        page.evaluate(
            """([user, action, count, day]) => new Promise((resolve, reject) => {
                 const opening = indexedDB.open("field", 1);
                 opening.onsuccess = () => {
                   const transaction = opening.result.transaction("entries", "readwrite");
                   const store = transaction.objectStore("entries");
                   for (let n = 0; n < count; n++) {
                     const key = crypto.randomUUID();
                     store.put({key, user, action, page: location.pathname, kind: "note", case: "",
                       label: "note " + n, status: "waiting", created: Date.now() + n,
                       fields: [["entry_key", key], ["noted_on", day], ["method", "home_visit"],
                                ["minutes", "30"], ["content", "离线记录第" + (n + 1) + "条：入户走访，了解近况。"]]});
                   }
                   transaction.oncomplete = () => resolve();
                   transaction.onerror = () => reject(transaction.error);
                 };
               })""",
            [str(worker.pk), f"{live_server.url}/casework/field/cases/{case.pk}/note/", ENTRIES,
             case.intake_on.isoformat()],
        )  # fmt: skip
        page.reload()
        wait_until(page, f"document.querySelectorAll('[data-field-list=waiting] li').length === {ENTRIES}")
        started = time.perf_counter()
        context.set_offline(False)
        wait_until(page, f"document.querySelectorAll('[data-field-list=sent] li').length === {ENTRIES}")
        seconds = time.perf_counter() - started
        chromium.close()
    sent = ServiceNote.objects.filter(case=case).count() - before
    print(
        f"\n{ENTRIES} entries sent in {seconds:.1f} s ({seconds / ENTRIES * 1000:.0f} ms each); {sent} notes saved"
    )
    assert sent == ENTRIES
