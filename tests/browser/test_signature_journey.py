"""A client signs consent on a phone's screen (390×844): the worker opens the consent page of a
case in Chinese, the client draws a signature with a finger (here the mouse), the worker keeps
it, and the signature is on the case's timeline and in the printed case file."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from casework.models import ClientConsent
from socialwork.crypto.stored import file_read
from socialwork.roles import Role
from tests.browser.phone import log_in_on, phone_page
from tests.casework.factories import make_case
from tests.factories import make_region, make_unit, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/work/wt/shots/attachments"


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_a_client_signs_consent_on_a_phone_and_the_worker_keeps_it(browser, live_server, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    district = make_region("慈溪区", "district")
    street = make_region("坎墩街道", "street", district)
    community = make_region("清水湾社区", "community", street)
    centre = make_unit("区社工服务中心", "centre", None, district)
    station = make_unit("坎墩街道社工站", "station", centre, street)
    room = make_unit("清水湾社区服务室", "room", station, community)
    worker = make_user("hu", Role.SOCIAL_WORKER, unit=room, full_name="胡群泽")
    supervisor = make_user("chen", Role.SUPERVISOR, unit=centre, full_name="陈督导")
    case = make_case(worker, supervisor=supervisor)

    with phone_page(browser, device_scale_factor=2) as page:
        log_in_on(page, live_server.url, "hu", "pass-word-42")
        page.goto(f"{live_server.url}/casework/cases/{case.pk}/consent/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.fill("#id_signer_name", "叶先生")
        pad = page.locator("canvas[data-signature-pad]")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        assert box["width"] > 300  # the pad spans the phone's width

        # A blank pad is refused, with the reason under it.
        # (The page's script sends it first; refused, the form is sent as it is to show the reasons.)
        page.click("#consent-form button[type=submit]")
        page.locator(".signature-field .errors").wait_for()
        expect(page.locator(".signature-field .errors")).to_have_count(1)
        page.screenshot(path=f"{SHOTS}/consent-blank-refused.png", full_page=True)

        page.fill("#id_signer_name", "叶先生")
        pad = page.locator("canvas[data-signature-pad]")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        x, y, w, h = box["x"], box["y"], box["width"], box["height"]
        page.mouse.move(x + w * 0.1, y + h * 0.7)
        page.mouse.down()
        for step in range(1, 31):
            t = step / 30
            page.mouse.move(x + w * (0.1 + 0.8 * t), y + h * (0.7 - 0.4 * ((step % 10) / 10)), steps=2)
        page.mouse.up()
        page.mouse.move(x + w * 0.3, y + h * 0.3)
        page.mouse.down()
        page.mouse.move(x + w * 0.5, y + h * 0.8, steps=10)
        page.mouse.up()
        page.screenshot(path=f"{SHOTS}/consent-signed.png", full_page=True)
        page.click("#consent-form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/casework/cases/{case.pk}/")
        consent = ClientConsent.objects.get()
        assert consent.signer_name == "叶先生" and consent.taken_by == worker
        assert file_read(consent.signature).startswith(b"\x89PNG")
        expect(page.locator(".event-consent")).to_have_count(1)
        page.locator(".event-consent").scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/case-timeline-consent.png", full_page=False)
