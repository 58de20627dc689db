"""A conflicting edit resolved on a phone (390×844, Chinese): the supervisor changed a client's
phone while the worker's phone was offline with an older page; the worker's entry arrives, the
phone field waits; the worker sees the banner on the case page, opens the conflict, sees the value
before, the supervisor's and their own, keeps their own, and the timeline records the choice."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework import services
from casework.models import FieldConflict
from casework.services.conflicts import edit_checked
from socialwork.models import Notification
from tests.browser.phone import phone_page
from tests.browser.second_factor import enter_second_factor, with_device
from tests.casework.factories import case_in_intervention, make_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/wt/shots/conflicts")


@pytest.fixture
def phone(browser):
    with phone_page(browser) as page:
        yield page


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_worker_resolves_a_conflicting_phone_on_a_phone(
    live_server, phone, social_worker, supervisor, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    client = make_client(social_worker, phone="13800000001", address="甲街道1号")
    case = case_in_intervention(social_worker, supervisor, client=client)
    client.refresh_from_db()
    services.client_update(actor=supervisor, client=client, phone="13900000002")
    # The entry the worker's phone kept offline, made on version 1 of the record.
    edit_checked(
        actor=social_worker, record=client, version=1, base={"phone": "13800000001", "address": "甲街道1号"},
        mine={"phone": "13700000003", "address": "甲街道1号"},
    )  # fmt: skip
    conflict = FieldConflict.objects.get()

    with_device(social_worker.username)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", social_worker.username)
    phone.fill("#id_password", "pass-word-42")
    phone.click("main button[type=submit]")
    if "two-factor" in phone.url or phone.locator("#id_code").count():
        enter_second_factor(phone, social_worker.username)
    phone.goto(f"{live_server.url}{case.get_absolute_url()}")
    banner = phone.locator("#conflict-banner")
    expect(banner).to_be_visible()
    shot(phone, "1-case-banner")
    banner.locator("a").click()
    phone.locator(".conflict-list a").first.click()
    phone.wait_for_url(f"**{conflict.get_absolute_url()}")
    field = phone.locator(f"#conflict-{conflict.pk}")
    assert "13800000001" in field.locator(".conflict-base").inner_text()
    assert "13900000002" in field.locator(".conflict-theirs").inner_text()
    assert supervisor.full_name in field.locator(".conflict-theirs").inner_text()
    assert "13700000003" in field.locator(".conflict-mine").inner_text()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone
    shot(phone, "2-conflict")
    field.locator("input[value=mine]").check()
    phone.locator("#field-conflict-form button[type=submit]").click()
    phone.wait_for_url(f"**{case.get_absolute_url()}")
    expect(phone.locator("#conflict-banner")).to_have_count(0)
    shot(phone, "3-after-choice")
    client.refresh_from_db()
    conflict.refresh_from_db()
    assert client.phone == "13700000003" and conflict.choice == "mine"
    assert conflict.resolved_at <= timezone.now()
    expect(phone.locator(f"#event-conflict-{conflict.pk}")).to_be_visible()
    assert Notification.objects.filter(user=supervisor, kind="casework_field_conflict").exists()
