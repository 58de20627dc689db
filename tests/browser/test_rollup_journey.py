"""The city's administrator opens the dashboard of the demo city: its districts side by side,
the city's own row and the totals, each chart beside its table."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/wt/shots/rollup")


def _number(text: str) -> float:
    return float(text.replace(",", "") or 0)


def test_the_city_admin_sees_both_districts_side_by_side_and_the_city_s_totals(
    live_server, page, log_in, screenshot, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    call_command("seed_demo", verbosity=0)  # a transactional test starts after a flush

    log_in("city", "demo-2026")
    page.goto(f"{live_server.url}/reports/?year=2015")

    table = page.locator("table#parts_side_by_side")
    table.wait_for()
    names = table.locator("tbody th").all_inner_texts()
    assert names[:2] == ["夷陵区", "点军区"]
    # Each column's total is the sum of the rows above it: the districts and the city's own.
    rows = [
        [_number(cell) for cell in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]
    totals = [_number(cell) for cell in table.locator("tfoot td").all_inner_texts()]
    assert totals == [sum(column) for column in zip(*rows, strict=True)]
    assert totals[0] > 0  # the city's service stations
    # Charted like the others, and the place filter offers the districts.
    expect(page.locator("svg[aria-labelledby='chart-parts_side_by_side-title']")).to_have_count(1)
    options = page.locator("select[name=part] option").all_inner_texts()
    assert "夷陵区" in options and "点军区" in options
    assert "全市" in page.locator(
        "#network .dashboard-narrative"
    ).inner_text() or "宜昌市" in page.inner_text("h1")
    screenshot("city-dashboard")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("section#side_by_side").screenshot(path=str(SHOTS / "browser-city-side-by-side.png"))
    page.screenshot(path=str(SHOTS / "browser-city-dashboard.png"), full_page=True)

    # One district chosen: its towns, no districts side by side.
    page.select_option("select[name=part]", label="点军区")
    page.click("form.filters button[type=submit]")
    page.locator("table#network_by_town").wait_for()
    expect(page.locator("table#parts_side_by_side")).to_have_count(0)
    assert "点军区" in page.inner_text("h1")
