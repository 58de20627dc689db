from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from positions.pickers import worker_label
from tests.positions.test_workforce import make_worker
from training.models import Enrolment, TrainingSeries, TrainingSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_fills_a_session_takes_attendance_and_sees_hours_and_the_waiting_list_move(
    live_server, page, log_in, screenshot, network, district_admin
):
    # A transactional test starts after a flush: everything it needs is made here.
    series = TrainingSeries.objects.create(
        title="实务技能培训", category=TrainingSeries.Category.PRACTICAL_SKILLS,
        year=timezone.localdate().year, unit=network.centre,
    )  # fmt: skip
    first, second = make_worker("叶明", unit=network.room_a), make_worker("周红", unit=network.room_a)
    starts = timezone.localtime() + timedelta(days=3)

    log_in("district")

    page.goto(f"{live_server.url}{series.get_absolute_url()}")
    page.click(f"a[href='/training/series/{series.pk}/sessions/new/']")
    page.fill("#id_topic", "会谈技巧")
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT09:00"))
    page.fill("#id_ends_at", starts.strftime("%Y-%m-%dT12:00"))
    page.fill("#id_venue", "区社工中心三楼")
    page.fill("#id_host_unit", "甲镇服务站")
    page.fill("#id_capacity", "1")
    page.fill("#id_credit_hours", "3.0")
    screenshot("1-new-session")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "会谈技巧"
    assert page.locator("#capacity").inner_text() == "1"

    # Two people past a capacity of one: the second waits.
    # Workers are typed: the suggestions (htmx) offer each with their unit and masked ID number.
    for worker in (first, second):
        picker = page.locator("#enrol-form input[name=worker]")
        picker.press_sequentially(worker.name[0], delay=50)
        suggestion = page.locator(f"#enrol-form datalist option[value='{worker_label(worker)}']")
        suggestion.wait_for(state="attached")
        assert "甲社区服务室" in suggestion.get_attribute("value") and "********" in suggestion.get_attribute(
            "value"
        )
        if worker is first:
            screenshot("2a-typed-worker-suggestions")
        picker.fill(worker_label(worker))
        page.click("#enrol-form button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("#confirmed-count").inner_text() == "1"
    assert page.locator("#waiting-count").inner_text() == "1"
    expect(page.locator("#confirmed").get_by_role("link", name="叶明")).to_be_visible()
    assert page.locator("#waiting tbody tr").first.inner_text().startswith("1")
    assert "周红" in page.locator("#waiting").inner_text()
    screenshot("2-waiting-list")

    # 叶明 cannot come after all: the place frees and the first on the waiting list moves up,
    # once the organizer confirms (the cancellation cannot be undone).
    page.locator("#confirmed form button").first.click()
    page.click("#confirm-button")  # cancelling cannot be undone: it asks first
    page.wait_for_load_state()
    assert page.locator("#waiting-count").inner_text() == "0"
    expect(page.locator("#confirmed").get_by_role("link", name="周红")).to_be_visible()
    screenshot("3-waiting-list-moved")
    assert Enrolment.objects.get(worker=second).status == Enrolment.Status.CONFIRMED

    # Attendance is not offered before the session starts; the day comes and it has begun.
    expect(page.locator("#take-attendance")).to_have_count(0)
    starts = timezone.localtime() - timedelta(minutes=10)
    TrainingSession.objects.filter(series=series).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    page.reload()

    # Attendance on a phone: one big checkbox per confirmed participant.
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#take-attendance")
    rows = page.locator(".checkin-row")
    assert rows.count() == 1 and "周红" in rows.first.inner_text()
    box = rows.first.bounding_box()
    assert box["width"] <= 390 and box["height"] >= 44  # a comfortable tap target
    rows.first.click()  # the whole row ticks the box
    assert rows.first.locator("input").is_checked()
    screenshot("4-attendance-phone")
    page.click("#attendance-form button[type=submit]")
    page.wait_for_load_state()
    page.set_viewport_size({"width": 1024, "height": 768})

    # The worker's hours rise on their profile.
    page.goto(f"{live_server.url}{second.get_absolute_url()}")
    hours = page.locator(f"#training-hours dd[data-year='{starts.year}']")
    assert hours.inner_text() == "3.0"
    assert "会谈技巧" in page.locator("#training-enrolments").inner_text()
    screenshot("5-worker-hours")
