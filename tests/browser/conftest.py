"""Browser journeys in Debian's headless Chromium, driven by Playwright.

Without /usr/bin/chromium these tests are skipped, and the skip says why.
"""

import os
from pathlib import Path

import pytest

from tests.browser.second_factor import enter_second_factor, with_device

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Playwright's sync API runs an event loop in this thread; the test's own database work is
# still synchronous, so Django's async-safety guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    # An English-speaking browser: the application must still start in Chinese.
    context = browser.new_context(locale="en-US", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def log_in(page, live_server):
    """Log in through the login page, as a person does: `log_in("district", "demo-2026")`, then,
    for whoever uses a second factor, with the code of their authenticator app (a demo device). Whoever
    was logged in before is logged out first."""

    def as_person(username: str, password: str = "pass-word-42") -> None:
        from socialwork.accounts.twofactor import totp_device_of
        from socialwork.models import User

        with_device(username)
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        user = User.objects.filter(username=username).first()
        if user is not None and totp_device_of(user) is not None:
            enter_second_factor(page, username)
        page.wait_for_url(f"{live_server.url}/")

    return as_person


@pytest.fixture
def screenshot(page, request):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
