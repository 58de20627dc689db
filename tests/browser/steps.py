"""How long a journey's step may take before the journey fails: a click and the page it loads, a
wait for an element, or an `expect` until the page shows what it should. CI's machine (two cores)
runs two journeys at once beside the rest of the suite: a workbook's check that answers in half a
second alone once took more than ten seconds there."""

from playwright.sync_api import expect

STEP_TIMEOUT_MS = 30_000

expect.set_options(timeout=STEP_TIMEOUT_MS)


def paced(page):
    """The page, its steps given STEP_TIMEOUT_MS."""
    page.set_default_timeout(STEP_TIMEOUT_MS)
    return page
