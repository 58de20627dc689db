"""Duplicate people, merged safely, in the browser and in Chinese: `district` compares two records
of the same person and proposes the merge, `district2` approves on the comparison page, the merged
record leaves the worker's client list and its address says where it went; `district` undoes it."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from casework.models import Client, ClientMerge
from tests.casework.conftest import colleague, other_worker, pair  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/wt/shots/merges")


@pytest.fixture
def shot(screenshot):
    def take(name: str) -> None:
        path = screenshot(name)
        if SHOTS.parent.exists():
            SHOTS.mkdir(exist_ok=True)
            shutil.copy(path, SHOTS / f"{name}.png")

    return take


def test_district_merges_two_records_a_second_administrator_approves_and_undoes(
    live_server, page, log_in, shot, settings, request, district_admin, district_admin2
):
    settings.LANGUAGE_CODE = "zh-hans"
    kept, merged, *_ = request.getfixturevalue("pair")
    base = live_server.url

    log_in("district")
    page.goto(f"{base}/casework/merges/")
    shot("1-duplicates")
    page.click("#suspects a.button")
    expect(page.locator("#comparison")).to_have_count(1)
    page.check("input[name=choice-phone][value=merged]")
    page.check("input[name=choice-address][value=merged]")
    page.fill("#id_reason", "身份证号相同，两站各登记一次")
    shot("2-comparison")
    page.click("#propose")
    merge = ClientMerge.objects.get()
    page.wait_for_url(f"{base}{merge.get_absolute_url()}")
    expect(page.locator("#approve")).to_have_count(0)
    assert sorted(merge.take_from_merged) == ["address", "phone"]

    log_in("district2")
    page.goto(f"{base}{merge.get_absolute_url()}")
    assert "13812345678" not in page.content()
    shot("3-approver-compares")
    page.click("#approve")
    page.wait_for_url(f"{base}{merge.get_absolute_url()}")
    merge.refresh_from_db()
    assert merge.status == ClientMerge.Status.MERGED
    shot("4-merged")

    log_in("worker_b")
    page.goto(f"{base}/casework/clients/")
    expect(page.locator(f"a[href='{merged.get_absolute_url()}']")).to_have_count(0)
    expect(page.locator(f"a[href='{kept.get_absolute_url()}']")).to_have_count(1)
    shot("5-list-without-merged")
    page.goto(f"{base}{merged.get_absolute_url()}")
    expect(page.locator("#merged-notice")).to_have_count(1)
    shot("6-merged-into")
    page.click("#kept-link")
    assert "13812345678" in page.locator("#phone").inner_text()

    log_in("district")
    page.goto(f"{base}{merge.get_absolute_url()}")
    page.fill("#id_reason", "经核实为两人，撤销合并")
    page.click("#undo-merge")
    page.wait_for_url(f"{base}{merge.get_absolute_url()}")
    shot("7-undone")
    assert Client.objects.get(pk=merged.pk).merged_into_id is None

    log_in("worker_b")
    page.goto(f"{base}/casework/clients/")
    expect(page.locator(f"a[href='{merged.get_absolute_url()}']")).to_have_count(1)
