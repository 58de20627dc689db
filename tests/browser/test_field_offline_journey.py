"""A social worker in a village without signal, on a phone (390×844, in Chinese), on the demo.

The network is cut with Playwright's `context.set_offline(True)`. In this Playwright (1.65) and
Chromium (156) that reaches the service worker's own fetches too (a page the phone does not keep
shows the offline page instead of the server's answer, checked below), so the pages really come
from the phone's cache and the entries really wait on the phone.

(a) The worker opens the field home, goes offline, opens a case's summary from the cache, records
a note and a home visit, sees them waiting, comes back online, sees them sent; the server has each
exactly once, and a replay of the same entry changes nothing.
(b) While the worker is offline, the station manager changes a client's phone from another login;
the worker changes it too; back online, the worker's send meets the change, is kept as a conflict
with both values, and the outbox leads to the page where the worker chooses.
(c) After the worker's case is transferred away and a sync happens, nothing of that case remains
on the phone (Cache Storage, IndexedDB); after logout nothing remains at all.
"""

import re
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from casework.field_selectors import field_cases
from casework.models import CaseClient, FieldConflict, FieldEntry, HomeVisit, ServiceNote
from socialwork.models import User
from socialwork.roles import Role
from tests.browser.phone import log_in_on, phone_page
from tests.browser.steps import paced
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/wt/shots/pwa")
PASSWORD = "demo-2026"

# What the phone keeps, read in the page: the cached addresses, and the IndexedDB entries.
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(request.url);
  }
  return urls;
}"""
ENTRIES = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("field", 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore("entries", {keyPath: "key"});
  opening.onsuccess = () => {
    const request = opening.result.transaction("entries").objectStore("entries").getAll();
    request.onsuccess = () => { opening.result.close(); resolve(request.result.map(
      (entry) => ({key: entry.key, status: entry.status, page: entry.page, action: entry.action,
                   label: entry.label, fields: entry.fields.length}))); };
  };
  opening.onerror = () => reject(opening.error);
})"""


def photo(folder: Path) -> Path:
    """A photo as a phone's camera takes it (a small JPEG)."""
    path = folder / "入户照片.jpg"
    if not path.exists():
        Image.new("RGB", (64, 48), (180, 120, 60)).save(path, "JPEG")
    return path


def notes_saying(case, text) -> int:
    """The case's notes saying `text` (the text is encrypted at rest: compared once read)."""
    return sum(note.content == text for note in ServiceNote.objects.filter(case=case))


def wait_until(page, expression: str, timeout: float = 30) -> None:
    """Poll `expression` in the page until it is true. (Playwright's wait_for_function evaluates
    its predicate with eval, which the site's CSP, script-src 'self', refuses; evaluate does not.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError:  # a navigation under way
            pass
        time.sleep(0.1)
    raise AssertionError(f"still false after {timeout} s: {expression}")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def phone(browser):
    with phone_page(browser, service_workers="allow") as page:
        page.on("console", lambda message: print("console:", message.text))
        yield page


def log_in_as(page, live_server, username):
    log_in_on(page, live_server.url, username, PASSWORD)


def open_field_home_and_wait_for_the_sync(page, live_server):
    """The field home, controlled by the service worker, with every page of the list kept."""
    page.goto(f"{live_server.url}/casework/field/")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    synced_before = page.evaluate("document.body.dataset.fieldSynced || ''")
    page.evaluate("sessionStorage.removeItem('field-synced')")
    page.goto(f"{live_server.url}/casework/field/")
    wait_until(page, f"(document.body.dataset.fieldSynced || '') !== {synced_before!r}")


def sync_now(page, live_server):
    """The outbox's "send now": sends what waits, then keeps exactly the pages of the new list."""
    page.goto(f"{live_server.url}/casework/field/outbox/")
    before = page.evaluate("document.body.dataset.fieldSynced || ''")
    page.click("[data-field-send]")
    wait_until(page, f"(document.body.dataset.fieldSynced || '') !== {before!r}")


def test_a_note_and_a_home_visit_recorded_offline_are_sent_once_when_back_online(
    live_server, phone, settings, tmp_path
):
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("seed_demo", verbosity=0)
    worker = User.objects.get(username="worker")
    case = field_cases(worker).first()
    assert case is not None, "the demo worker holds open cases"

    log_in_as(phone, live_server, "worker")
    open_field_home_and_wait_for_the_sync(phone, live_server)
    cached = phone.evaluate(CACHED_URLS)
    for page_of_case in (f"/casework/field/cases/{case.pk}/", f"/casework/field/cases/{case.pk}/note/"):
        assert f"{live_server.url}{page_of_case}" in cached
    expect(phone.locator("link[rel=manifest]")).to_have_count(1)
    shot(phone, "a1-field-home-online")

    # In the village: no network. The case's summary opens from the phone.
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/casework/field/")
    phone.click(f"#field-case-{case.pk} a")
    phone.wait_for_url(f"**/casework/field/cases/{case.pk}/")
    assert case.number in phone.content()
    assert phone.evaluate("navigator.onLine") is False
    shot(phone, "a2-case-summary-offline")
    # A page the phone does not keep: the service worker's own fetch fails too (the network is
    # really cut for it), and it shows the offline page in Chinese.
    phone.goto(f"{live_server.url}/casework/")
    expect(phone.locator("#field-offline")).to_have_count(1)
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    shot(phone, "a2b-offline-page")

    # A note and a home visit, kept on the phone.
    note_text = "入户了解到老人近期血压偏高，已提醒按时服药并联系村医随访。"
    phone.goto(f"{live_server.url}/casework/field/cases/{case.pk}/note/")
    phone.fill("#id_minutes", "40")
    phone.select_option("#id_method", index=1)
    phone.fill("#id_content", note_text)
    phone.click("#field-note-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/casework/field/outbox/#"))
    phone.wait_for_selector("[data-field-list=waiting] li")

    observations = "居住环境整洁，冬季取暖设备老旧，存在安全隐患。"
    phone.goto(f"{live_server.url}/casework/field/cases/{case.pk}/visit/")
    phone.fill("#id_people_present", "服务对象本人、其女儿、村委会干部")
    phone.fill("#id_observations", observations)
    phone.fill("#id_needs_found", "更换取暖设备")
    phone.fill("#id_next_step", "联系民政所申请临时救助")
    phone.set_input_files("#id_attachments", str(photo(tmp_path)))
    phone.click("#field-visit-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/casework/field/outbox/#"))
    wait_until(phone, "document.querySelectorAll('[data-field-list=waiting] li').length === 2")
    assert phone.locator("[data-field-outbox-count]").inner_text() == "2"
    shot(phone, "a3-outbox-two-waiting-offline")
    assert notes_saying(case, note_text) == 0

    # Back in signal: both are sent, in order, without the worker doing anything.
    phone.context.set_offline(False)
    wait_until(phone, "document.querySelectorAll('[data-field-list=sent] li').length === 2")
    expect(phone.locator("[data-field-list=waiting] li")).to_have_count(0)
    expect(phone.locator("[data-field-outbox-count]")).to_be_hidden()
    shot(phone, "a4-outbox-sent-online")

    assert notes_saying(case, note_text) == 1
    visits = [visit for visit in HomeVisit.objects.filter(case=case) if visit.observations == observations]
    assert len(visits) == 1
    assert [item.original_name for item in visits[0].attachments.all()] == ["入户照片.jpg"]
    assert visits[0].attachments.get().size == photo(tmp_path).stat().st_size
    entries = phone.evaluate(ENTRIES)
    assert {entry["status"] for entry in entries} == {"sent"}
    assert all(entry["fields"] == 0 for entry in entries), "a sent entry keeps only its title"
    keys = {entry["key"] for entry in entries}
    assert set(FieldEntry.objects.filter(user=worker).values_list("key", flat=True).iterator()) == {
        uuid.UUID(key) for key in keys
    }

    # The same note sent again (its answer lost, say): saved once all the same.
    note_entry = next(entry for entry in entries if entry["action"].endswith("/note/"))
    replay = phone.evaluate(
        """async ([action, key, text, method]) => {
             const precache = await (await fetch("/casework/field/precache.json")).json();
             const form = new FormData();
             form.append("entry_key", key);
             form.append("noted_on", new Date().toISOString().slice(0, 10));
             form.append("method", method);
             form.append("minutes", "40");
             form.append("content", text);
             const answer = await fetch(action, {method: "POST", body: form,
               headers: {"X-Field-Sync": "1", "X-CSRFToken": precache.csrf}});
             return [answer.status, await answer.json()];
           }""",
        [
            note_entry["action"],
            note_entry["key"],
            note_text,
            next(n.method for n in ServiceNote.objects.filter(case=case) if n.content == note_text),
        ],
    )
    assert replay[0] == 200 and replay[1]["repeat"] is True, replay
    assert notes_saying(case, note_text) == 1
    assert FieldEntry.objects.filter(user=worker).count() == 2


def test_a_phone_changed_offline_and_meanwhile_by_the_station_manager_asks_the_worker_to_choose(
    live_server, phone, browser, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("seed_demo", verbosity=0)
    worker = User.objects.get(username="worker")
    link = (
        CaseClient.objects.filter(case__in=field_cases(worker))
        .select_related("client")
        .order_by("pk")
        .first()
    )
    client = link.client
    contact = f"/casework/field/clients/{client.pk}/contact/"

    log_in_as(phone, live_server, "worker")
    open_field_home_and_wait_for_the_sync(phone, live_server)
    assert f"{live_server.url}{contact}" in phone.evaluate(CACHED_URLS)

    # Offline, the worker writes down the client's new phone.
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}{contact}")
    phone.fill("#id_phone", "13911112222")
    phone.click("#field-client-contact-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/casework/field/outbox/#"))
    wait_until(phone, "document.querySelectorAll('[data-field-list=waiting] li').length === 1")

    # Meanwhile the station manager, in the office, changes it too.
    office = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 768})
    desk = paced(office.new_page())
    log_in_as(desk, live_server, "station")
    desk.goto(f"{live_server.url}{contact}")
    desk.fill("#id_phone", "13833334444")
    desk.click("#field-client-contact-form button[type=submit]")
    desk.wait_for_url(lambda url: "/contact/" not in url)  # saved, on to the client's page
    office.close()
    client.refresh_from_db()
    assert client.phone == "13833334444"

    # Back online: the worker's send meets the change; nothing is overwritten.
    phone.context.set_offline(False)
    wait_until(phone, "document.querySelectorAll('[data-field-list=conflict] li').length === 1")
    client.refresh_from_db()
    assert client.phone == "13833334444"
    conflict = FieldConflict.objects.get(field="phone")
    assert (conflict.theirs_value, conflict.mine_value) == ("13833334444", "13911112222")
    shot(phone, "b1-outbox-conflict")

    phone.click("[data-field-list=conflict] li a.button")
    phone.wait_for_url(f"**{conflict.get_absolute_url()}")
    assert "13833334444" in phone.inner_text(".conflict-theirs")
    assert "13911112222" in phone.inner_text(".conflict-mine")
    shot(phone, "b2-choose-the-value")
    phone.check(f"input[name=choice_{conflict.pk}][value=mine]")
    phone.click("#field-conflict-form button[type=submit]")
    phone.wait_for_load_state()
    client.refresh_from_db()
    conflict.refresh_from_db()
    assert client.phone == "13911112222"
    assert conflict.resolved_by == worker and conflict.choice == FieldConflict.Choice.MINE
    assert (conflict.theirs_value, conflict.mine_value) == ("13833334444", "13911112222")


def test_nothing_of_a_case_transferred_away_stays_on_the_phone_and_nothing_at_all_after_logout(
    live_server, phone, settings
):
    from casework import services

    settings.LANGUAGE_CODE = "zh-hans"
    call_command("seed_demo", verbosity=0)
    worker = User.objects.get(username="worker")
    cases = list(field_cases(worker)[:2])
    assert len(cases) == 2, "the demo worker holds two open cases or more"
    leaving, staying = cases

    log_in_as(phone, live_server, "worker")
    open_field_home_and_wait_for_the_sync(phone, live_server)
    # An entry of the case about to leave, sent: its title stays on the phone for a while.
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/casework/field/cases/{leaving.pk}/note/")
    phone.fill("#id_minutes", "20")
    phone.select_option("#id_method", index=1)
    phone.fill("#id_content", "电话联系，约定下周入户。")
    phone.click("#field-note-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/casework/field/outbox/#"))
    phone.context.set_offline(False)
    wait_until(phone, "document.querySelectorAll('[data-field-list=sent] li').length === 1")
    leaving_path = f"/casework/field/cases/{leaving.pk}/"
    assert any(leaving_path in url for url in phone.evaluate(CACHED_URLS))
    assert any(leaving_path in entry["page"] for entry in phone.evaluate(ENTRIES))

    # The station manager transfers the case to a colleague.
    manager = User.objects.get(username="station")
    colleague = make_user("colleague", Role.SOCIAL_WORKER, unit=worker.unit, full_name="黄社工")
    services.case_assign(actor=manager, case=leaving, worker=colleague, supervisor=leaving.supervisor)

    sync_now(phone, live_server)
    cached = phone.evaluate(CACHED_URLS)
    assert not [url for url in cached if leaving_path in url], cached
    assert any(f"/casework/field/cases/{staying.pk}/" in url for url in cached)
    assert not [entry for entry in phone.evaluate(ENTRIES) if leaving_path in entry["page"]]
    shot(phone, "c1-outbox-after-transfer")

    # Past the district's offline limit (the phone last reached the server 100 hours ago, more
    # than the demo's limit): the next page served from the copy deletes the case pages instead.
    phone.evaluate(
        """async () => {
             const meta = await caches.open("field-meta");
             const key = new URL("/__field-meta__", location.origin).href;
             const kept = await (await meta.match(key)).json();
             kept.reachedAt = Date.now() - 100 * 3600 * 1000;
             await meta.put(key, new Response(JSON.stringify(kept)));
           }"""
    )
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/casework/field/cases/{staying.pk}/")
    expect(phone.locator("#field-offline")).to_have_count(1)
    assert "已超过本区规定的时限" in phone.inner_text("#field-offline")
    assert not [url for url in phone.evaluate(CACHED_URLS) if "/casework/field/cases/" in url]
    shot(phone, "c2-offline-limit-passed")
    phone.context.set_offline(False)
    phone.goto(f"{live_server.url}/casework/field/outbox/")

    # Logging out leaves nothing.
    phone.click("form[data-field-logout] button[type=submit]")
    phone.wait_for_url("**/accounts/login/**")
    assert phone.evaluate("caches.keys()") == []
    assert phone.evaluate("indexedDB.databases().then((all) => all.map((d) => d.name))") == []
    assert phone.evaluate("navigator.serviceWorker.getRegistrations().then((all) => all.length)") == 0
    shot(phone, "c3-logged-out")
