"""A station manager registers a client's request for a copy of their personal information, in
Chinese, takes it on, answers it with the copy attached, downloads the copy and closes it."""

import json
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from casework.models import SubjectRequest
from socialwork.models import AuditEntry
from socialwork.roles import Role
from tests.casework.factories import make_client
from tests.factories import make_region, make_unit, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_a_station_manager_registers_and_answers_a_copy_request(
    live_server, page, log_in, screenshot, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    district = make_region("慈溪区", "district")
    street = make_region("坎墩街道", "street", district)
    make_region("清水湾社区", "community", street)
    centre = make_unit("区社工服务中心", "centre", None, district)
    station = make_unit("坎墩街道社工站", "station", centre, street)
    room = make_unit("清水湾社区服务室", "room", station, street)
    worker = make_user("hu", Role.SOCIAL_WORKER, unit=room, full_name="胡群泽")
    manager = make_user("wang", Role.STATION_MANAGER, unit=station, full_name="王站长")
    make_user("district", Role.DISTRICT_ADMIN, unit=centre, region=district, full_name="区管理员")
    client = make_client(worker, name="叶先生", phone="13805741234")

    def submit(form):
        page.click(f"{form} button[type=submit]")
        page.wait_for_load_state()

    log_in("wang")
    page.goto(f"{live_server.url}{client.get_absolute_url()}")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("#register-request")
    assert "登记个人信息权利请求" in page.locator("h1").inner_text()
    page.select_option("#id_kind", value="copy")
    page.select_option("#id_channel", value="in_person")
    page.fill("#id_details", "本人到站申请复制其个人信息")
    screenshot("register")
    submit("#subject-request-form")

    subject = SubjectRequest.objects.get()
    assert subject.client == client and subject.kind == "copy" and subject.registered_by == manager
    assert page.url.endswith(subject.get_absolute_url())
    body = page.locator("main").inner_text()
    assert "复制" in body and "已登记" in body and "叶先生" in body
    assert subject.due_on.isoformat() in body

    page.select_option("#id_assignee", value=str(manager.pk))
    submit("form[data-action=request_assign]")
    assert "已分派" in page.locator("#status").inner_text()
    screenshot("assigned")

    page.click("#answer-request")
    assert (
        zh("Answering attaches a copy") in page.locator("#answer-effect").inner_text()
        or "副本" in page.locator("#answer-effect").inner_text()
    )
    page.fill("#id_answer", "已于今日当面向本人提供其个人信息副本。")
    screenshot("answer")
    submit("#subject-request-answer-form")
    assert "已答复" in page.locator("#status").inner_text()
    expect(page.locator("#download-copy")).to_be_visible()

    with page.expect_download() as download_info:
        page.click("#download-copy")
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["client"]["name"] == "叶先生" and data["client"]["phone"] == "13805741234"
    assert AuditEntry.objects.filter(action="subject_request.copy_download", actor=manager).exists()

    page.fill("#id_note", "本人已签收")
    submit("form[data-action=request_close]")
    assert "已办结" in page.locator("#status").inner_text()
    steps = page.locator("#timeline li").all_inner_texts()
    assert len(steps) == 4 and "本人已签收" in steps[-1]
    screenshot("closed")
    subject.refresh_from_db()
    assert subject.status == SubjectRequest.Status.CLOSED and subject.answered_on == timezone.localdate()
