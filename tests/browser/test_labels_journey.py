"""Security labels and break-glass, in Chinese: a worker labels a domestic-violence case; the
station manager no longer finds it in the case list, meets the 'restricted case' notice at its
address, opens it in an emergency giving the reason, and sees it; the worker is told."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from casework.models import BreakGlass, LabelReason
from socialwork.models import Notification
from socialwork.roles import Role
from tests.casework.factories import make_case, make_client
from tests.factories import make_region, make_unit, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_a_worker_labels_a_case_and_the_station_manager_breaks_glass(
    live_server, page, log_in, screenshot, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    district = make_region("慈溪区", "district")
    street = make_region("坎墩街道", "street", district)
    community = make_region("清水湾社区", "community", street)
    centre = make_unit("区社工服务中心", "centre", None, district)
    station = make_unit("坎墩街道社工站", "station", centre, street)
    room = make_unit("清水湾社区服务室", "room", station, community)
    worker = make_user("hu", Role.SOCIAL_WORKER, unit=room, full_name="胡群泽")
    supervisor = make_user("chen", Role.SUPERVISOR, unit=centre, full_name="陈督导")
    manager = make_user("zhan", Role.STATION_MANAGER, unit=station, full_name="詹站长")
    auditor = make_user("shen", Role.AUDITOR, region=district, full_name="沈审计")
    client = make_client(worker, name="林女士", community=community)
    case = make_case(
        worker, client=client, supervisor=supervisor, presenting_problem="遭受配偶家庭暴力，需紧急庇护"
    )
    other = make_case(worker, supervisor=supervisor)

    # The worker labels the case: domestic violence.
    log_in("hu")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("details:has(#label-form) > summary")
    page.select_option("#id_label-reason", value=LabelReason.DOMESTIC_VIOLENCE)
    screenshot("1-label-form")
    page.click("#label-form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("#sensitive")).to_be_visible()
    assert zh(LabelReason.DOMESTIC_VIOLENCE.label) in page.locator("#label-state").inner_text()
    screenshot("2-labelled")

    # The station manager: the list shows the station's other case, not this one.
    log_in("zhan")
    page.goto(f"{live_server.url}/casework/cases/")
    listed = page.locator("main table").inner_text()
    assert other.number in listed and case.number not in listed
    screenshot("3-manager-list")
    # At the case's address: the notice, not the case.
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.locator("#restricted-case")).to_be_visible()
    assert "林女士" not in page.content() and "家庭暴力，需紧急庇护" not in page.content()
    screenshot("4-restricted")
    page.click("#break-glass-link")
    page.wait_for_load_state()
    assert page.locator("#id_case_number").input_value() == case.number
    page.click("#break-glass-form button[type=submit]")  # no reason: refused on the field
    page.wait_for_load_state()
    expect(page.locator("#break-glass-form .errorlist, #break-glass-form [class*=error]")).not_to_have_count(
        0
    )
    page.fill("#id_reason", "夜间接到报警，需立即协调临时庇护")
    screenshot("5-break-glass")
    page.click("#break-glass-form button[type=submit]")
    page.wait_for_url(f"**{case.get_absolute_url()}")
    assert "遭受配偶家庭暴力" in page.locator("#case-record").inner_text()
    screenshot("6-opened")
    assert BreakGlass.objects.get().user == manager

    # The worker (and the supervisor and the auditor) are told, with the manager's name.
    log_in("hu")
    page.goto(f"{live_server.url}/inbox/")
    inbox = page.locator("main").inner_text()
    assert case.number in inbox and "詹站长" in inbox
    screenshot("7-worker-told")
    told = {n.user for n in Notification.objects.filter(kind="casework_break_glass")}
    assert told == {worker, supervisor, auditor}
