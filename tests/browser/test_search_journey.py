"""The header's search box, in Chinese: a person typed by name is listed with their unit and a
masked ID number, a post by its code, grouped by kind."""

import pytest
from playwright.sync_api import expect

from positions.pickers import worker_label
from tests.positions.test_workforce import make_position, make_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_search_lists_people_with_their_unit_and_masked_id(
    live_server, page, log_in, screenshot, network, district_admin
):
    first, second = make_worker("钱多", unit=network.room_a), make_worker("钱多", unit=network.room_b)
    make_position(network.posts_a[0], code="GW-0001", title="网格社工")

    log_in("district")
    page.fill("#header-search", "钱多")
    page.press("#header-search", "Enter")
    page.wait_for_load_state()
    workers = page.locator("section[data-kind=worker] li")
    expect(workers).to_have_count(2)
    shown = workers.all_inner_texts()
    assert worker_label(first) in shown and worker_label(second) in shown
    assert all("********" in text for text in shown)  # the ID number is masked
    screenshot("1-people")

    page.fill("#header-search", "GW-0001")
    page.press("#header-search", "Enter")
    page.wait_for_load_state()
    assert "网格社工" in page.locator("section[data-kind=position]").inner_text()
