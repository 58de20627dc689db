"""The casework calendar, in Chinese (issue 18): a worker's month, Monday first, to the case."""

from datetime import timedelta

import pytest

from casework import services
from tests.casework.factories import case_in_intervention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_reads_their_month_and_opens_a_case_from_it(
    live_server, page, log_in, screenshot, settings, network, social_worker, supervisor, station_manager
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    case = case_in_intervention(social_worker, supervisor)
    day = case.plans.get().tasks.get().due_on
    services.follow_up_schedule(
        actor=social_worker, case=case, due_on=day + timedelta(days=1), purpose="家访回访"
    )
    log_in("worker_a")
    page.goto(f"{live_server.url}/casework/calendar/?month={day:%Y-%m}")
    assert page.locator("#calendar thead th").all_inner_texts() == list("一二三四五六日")
    assert page.locator("h1").inner_text().endswith(f"{day.year}年{day.month}月")
    cell = page.locator(f"#calendar td[data-day='{day:%Y-%m-%d}']")
    assert case.number in cell.inner_text() and "联系工会" in cell.inner_text()
    screenshot("1-month")

    page.click("#next-month")
    page.wait_for_load_state()
    following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    assert page.locator("h1").inner_text().endswith(f"{following.year}年{following.month}月")
    page.click("#previous-month")
    page.wait_for_load_state()
    page.locator(f"#calendar td[data-day='{day:%Y-%m-%d}'] a.calendar-item").first.click()
    page.wait_for_load_state()
    assert case.number in page.locator("h1").inner_text()

    # The station manager sees their people's dates, with whose case each is.
    log_in("manager_a")
    page.goto(f"{live_server.url}/casework/calendar/?month={day:%Y-%m}")
    assert page.locator("select[name=whose]").input_value() == "team"
    cell = page.locator(f"#calendar td[data-day='{day:%Y-%m-%d}']")
    assert case.number in cell.inner_text() and "胡社工" in cell.inner_text()
    screenshot("2-station")
