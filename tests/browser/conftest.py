"""Browser journeys in Debian's headless Chromium, driven by Playwright.

Without /usr/bin/chromium these tests are skipped, and the skip says why.
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

from tests.browser.phone import log_in_on
from tests.browser.steps import paced

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Playwright's sync API runs an event loop in this thread; the test's own database work is
# still synchronous, so Django's async-safety guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server on SQLite, whose tests' database in memory is one connection that every
    thread of the server shares (django.test.testcases.LiveServerThread, connections_override). A
    transaction belongs to the connection, not to the thread: a request whose atomic block ended
    while another ran left the other with autocommit off and outside any block, and its
    `on_commit` failed ("cannot be used in manual transaction management"). The browser still
    opens as many connections as it likes; the application answers them one at a time, each
    answer read to its end (a streamed export's rows are read from the database too)."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                answer = application(environ, start_response)
                try:
                    return [b"".join(answer)]
                finally:
                    if hasattr(answer, "close"):
                        answer.close()

        super().set_app(one_at_a_time)


if connection.vendor == "sqlite":
    LiveServerThread.server_class = _OneRequestAtATime


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"no browser at {CHROMIUM}: install Debian's chromium to run the browser journeys"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield _ServiceWorkersAsked(browser)
        browser.close()


class _ServiceWorkersAsked:
    """The browser, whose contexts run the field app's service worker only where a journey asks
    for it (`service_workers="allow"`, tests/browser/test_field_offline_journey.py). Left running,
    it keeps a social worker's pages in the background (each fetch audited), and the tests' SQLite
    database in memory takes one writer at a time: another page's write would fail as locked."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        options.setdefault("service_workers", "block")
        return self._browser.new_context(**options)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def page(browser, request):
    # An English-speaking browser: the application must still start in Chinese.
    context = browser.new_context(locale="en-US", viewport={"width": 1024, "height": 768})
    page = paced(context.new_page())
    yield page
    context.close()


@pytest.fixture
def log_in(page, live_server):
    """Log in through the login page, as a person does: `log_in("district", "demo-2026")`, then,
    for whoever uses a second factor, with the code of their authenticator app (a demo device). Whoever
    was logged in before is logged out first."""

    def as_person(username: str, password: str = "pass-word-42") -> None:
        log_in_on(page, live_server.url, username, password)

    return as_person


@pytest.fixture
def screenshot(page, request):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
