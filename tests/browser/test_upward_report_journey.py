"""Issue 23: a statistical report submitted upward, end to end in the Chinese interface. The
district's administrator fills the 2015 return from the records, corrects a figure with its
reason and submits; the city's administrator returns it with a comment; the district corrects and
submits again; the city approves, which locks the period; a certificate of 2015 recorded since is
flagged on the return, to the district and to the city."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from positions.models import ServiceUnit
from reports.models import StatisticalReturn
from reports.upward.services import flags_check
from tests.positions.test_workforce import make_worker
from tests.reports.test_upward import YEAR, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/wt/shots/upward")


def test_a_return_goes_up_comes_back_is_approved_locked_and_then_flagged(live_server, page, log_in, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    c = build_city()
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def step(button: str) -> None:
        with page.expect_navigation():
            page.click(button)

    # The district opens its 2015 return from the menu's page, filled from its records.
    log_in("district")
    page.goto(f"{live_server.url}/")
    expect(page.locator("a[href='/reports/statistics/']")).to_have_count(1)  # in the menu under Reports
    page.goto(f"{live_server.url}/reports/statistics/")
    page.fill(f"form.upward-start[data-form='{c.form.pk}'] input[name=year]", str(YEAR))
    shot("1-district-list")
    step(f"form.upward-start[data-form='{c.form.pk}'] button")
    r = StatisticalReturn.objects.get(region=c.yiling)
    assert page.url.endswith(r.get_absolute_url())
    assert page.locator("tr[data-figure=certified] input[name=value-certified]").input_value() == "2"

    # A corrected figure needs its reason: refused without one, kept with one.
    page.fill("input[name=value-certified]", "3")
    step("#upward-save")
    expect(page.locator("tr[data-figure=certified] .errorlist")).to_have_count(1)
    shot("2-reason-needed")
    page.fill("input[name=value-certified]", "3")
    page.fill("input[name=reason-certified]", "一名社工证书尚未录入系统")
    step("#upward-save")
    step("#upward-submit")
    assert page.locator("#upward-status").get_attribute("data-status") == "submitted"
    shot("3-submitted")

    # The city returns it with a comment.
    log_in("city")
    page.goto(f"{live_server.url}/reports/statistics/")
    page.click(f"a[href='{r.get_absolute_url()}']")
    page.fill("#upward-comment", "持证人数应以系统记录为准，请补录证书后再报")
    step("#upward-return")
    assert page.locator("#upward-status").get_attribute("data-status") == "returned"
    shot("4-returned")

    # The district reads why, records the certificate instead, reads the records again and resubmits.
    log_in("district")
    page.goto(f"{live_server.url}{r.get_absolute_url()}")
    assert "持证人数应以系统记录为准" in page.locator("#timeline").inner_text()
    make_worker("补录社工", unit=ServiceUnit.objects.get(name="甲区社工服务中心"), certificate_year=2015)
    step("#upward-fill")
    page.fill("input[name=value-certified]", "3")
    page.fill("input[name=reason-certified]", "")
    step("#upward-save")
    shot("5-corrected")
    step("#upward-submit")

    # The city approves: the period is locked; the board shows both districts side by side.
    log_in("city")
    page.goto(f"{live_server.url}{r.get_absolute_url()}")
    step("#upward-approve")
    assert page.locator("#upward-status").get_attribute("data-status") == "approved"
    expect(page.locator("input[name=value-certified]")).to_have_count(0)
    shot("6-approved-locked")
    page.goto(f"{live_server.url}/reports/statistics/forms/{c.form.pk}/board/?year={YEAR}")
    assert (
        page.locator(f"#upward-board tr[data-district='{c.yiling.code}'] .tag").get_attribute("data-status")
        == "approved"
    )
    shot("7-board")

    # A certificate of 2015 recorded after the approval: the return shows the flag, to both.
    make_worker("迟录社工", unit=ServiceUnit.objects.get(name="甲区社工服务中心"), certificate_year=2015)
    assert flags_check() == 1
    page.goto(f"{live_server.url}{r.get_absolute_url()}")
    flags = page.locator("#upward-flags li[data-figure=certified]")
    assert "3" in flags.inner_text() and "4" in flags.inner_text()
    expect(page.locator("#upward-reopen")).to_have_count(1)  # resubmission needs the city to reopen
    shot("8-flagged-city")
    log_in("district")
    page.goto(f"{live_server.url}{r.get_absolute_url()}")
    assert page.locator("#upward-flags").count() == 1 and page.locator("#upward-submit").count() == 0
    shot("9-flagged-district")
