"""In Chinese, as the district administrator: a month's allowance roll is generated in the
background and its block on the page turns into the roll made, without a reload; closing the
month asks first, on a page of its own, and only the confirmation closes it."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from positions.models import AllowancePolicy, AllowanceRoll, AllowanceRollRun, CertificateLevel
from positions.tasks import allowance_roll_generate_task
from tests.positions.test_allowance import in_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MARCH = date(2025, 3, 1)


def test_the_generation_turns_into_the_roll_and_closing_asks_first(
    live_server, page, log_in, screenshot, network, district_admin, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    AllowancePolicy.objects.create(
        level=CertificateLevel.SOCIAL_WORKER, monthly_amount=Decimal(200), effective_from=date(2020, 1, 1)
    )
    in_post("甲社工", network.posts_a[0])
    in_post("乙社工", network.post_b)
    # A generation sent to the worker and not run yet: the page follows it from "running".
    run = AllowanceRollRun.objects.create(id=uuid4(), month=MARCH, requested_by=district_admin)
    log_in("district")
    page.goto(f"{live_server.url}/allowances/?task={run.id}")
    block = page.locator("#allowance-task")
    assert block.get_attribute("data-state") == "running"
    assert "2025年3月" in block.inner_text()
    screenshot("1-running")

    allowance_roll_generate_task.apply(args=[MARCH.isoformat(), district_admin.pk], task_id=str(run.id))
    page.wait_for_selector("#allowance-task[data-state=done]")  # no reload
    roll = AllowanceRoll.objects.get(month=MARCH)
    assert page.locator("#generated-roll a").get_attribute("href") == roll.get_absolute_url()
    assert page.locator("#allowance-rolls").inner_text().count("2025年3月") == 1  # the list, updated too
    screenshot("2-done")

    page.click("#generated-roll a")
    with page.expect_navigation():
        page.click("[data-action=close] button")
    page.locator("#confirm-page").wait_for(state="visible")  # the page that asks, once it is shown
    assert "关闭本月" in page.locator("#confirm-button").inner_text()
    roll.refresh_from_db()
    assert roll.status == AllowanceRoll.Status.DRAFT  # asked, not closed
    screenshot("3-confirm")
    with page.expect_navigation():
        page.click("#confirm-button")
    roll.refresh_from_db()
    assert roll.status == AllowanceRoll.Status.CLOSED
    expect(page.locator("[data-action=close]")).to_have_count(0)
    screenshot("4-closed")
