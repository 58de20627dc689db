"""Paper from the browser: printing a page gives the content, not the screen's furniture.

Printed (Chromium's PDF, in Chinese) the allowance roll has no menu bar, no buttons, its table
header on every page and the signature lines at the end; a case page's timeline is whole, not
cut off at its scroll box."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework import services as casework_services
from positions.services.allowance import allowance_roll_generate
from tests.browser.conftest import ARTIFACTS
from tests.casework.factories import make_case
from tests.pdfs import pdf_text
from tests.positions.test_allowance import MARCH, in_post
from tests.positions.test_allowance_pdf import AllowancePolicy, C, Decimal, date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def printed(page, name: str) -> bytes:
    """The page as Chromium prints it to PDF (print media, A4), kept beside the screenshots."""
    document = page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(document)
    if subprocess.run(["which", "pdftoppm"], capture_output=True).returncode == 0:
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(path.with_suffix(""))], check=True)
    return document


def hidden_when_printed(page, selector: str) -> bool:
    return page.eval_on_selector_all(
        selector,
        "nodes => nodes.every(node => getComputedStyle(node).display === 'none' || !node.offsetParent)",
    )


def test_the_allowance_roll_prints_without_menus_or_buttons_and_with_signature_lines(
    settings, live_server, page, log_in, network, district_admin
):
    settings.LANGUAGE_CODE = "zh-hans"
    AllowancePolicy.objects.create(
        level=C.SOCIAL_WORKER, monthly_amount=Decimal(200), effective_from=date(2020, 1, 1)
    )
    for n in range(90):
        in_post(f"社工{n:02d}", network.posts_a[n % 3])
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    log_in("district")
    page.goto(f"{live_server.url}{roll.get_absolute_url()}")
    assert page.locator(".topbar").is_visible() and page.locator("#roll-pdf").is_visible()
    expect(page.locator(".signatures")).to_be_hidden()  # paper only

    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    assert hidden_when_printed(page, "button, .button, form, nav")
    expect(page.locator(".signatures")).to_be_visible()
    expect(page.locator(".print-meta")).to_be_visible()

    pages = pdf_text(printed(page, "print-allowance-roll")).split("\f")[:-1]
    assert 2 <= len(pages) <= 6, len(pages)
    for text in pages:  # the header row on every page; no menu on any
        assert "证书编号" in text
        assert "退出" not in text and "消息" not in text
    assert "社工00" in pages[0] and "社工89" in pages[-1]
    assert "制表人" in pages[-1] and "审核人" in pages[-1] and "负责人" in pages[-1]


def test_a_case_page_prints_its_whole_timeline(
    settings, live_server, page, log_in, social_worker, supervisor
):
    settings.LANGUAGE_CODE = "zh-hans"
    case = make_case(social_worker, supervisor=supervisor)
    today = timezone.localdate()
    assert (today - case.intake_on).days >= 30
    for n in range(40):
        casework_services.note_add(
            actor=social_worker, case=case, noted_on=min(case.intake_on + timedelta(days=n), today), method="home_visit",
            minutes=30, content=f"第{n + 1}次家访记录：了解家庭情况，商定下一步安排。",
        )  # fmt: skip
    log_in("worker_a")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    timeline = page.locator(".timeline")
    on_screen = timeline.evaluate("node => [node.scrollHeight, node.clientHeight]")
    assert on_screen[0] > on_screen[1], "on screen the long timeline scrolls in its box"

    page.emulate_media(media="print")
    scroll_height, client_height = timeline.evaluate("node => [node.scrollHeight, node.clientHeight]")
    assert scroll_height <= client_height + 1, "printed, the timeline is not cut off"
    expect(page.locator(".topbar")).to_be_hidden()
    assert hidden_when_printed(page, "button, form, .jump")

    text = pdf_text(printed(page, "print-case-page"))
    assert "第1次家访记录" in text and "第40次家访记录" in text
    assert "退出" not in text
