from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Project
from tests.projects.factories import make_budget, make_call, make_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Project.Status


def test_an_organization_applies_and_the_district_takes_the_project_to_completion(
    live_server, page, log_in, screenshot, network, district_admin, org_staff
):
    # A transactional test starts after a flush: everything it needs is made here.
    call = make_call(title="2026年社区公益微创投")
    make_budget(year=call.year)
    organization = make_organization("阳光社工服务中心")
    org_staff.organization = organization
    org_staff.save()
    today = timezone.localdate()

    def click(selector):
        page.click(selector)
        page.wait_for_load_state()

    # The organization applies, with a budget line and its planning document, and submits.
    log_in("org")
    page.goto(f"{live_server.url}/projects/")
    click("#apply")
    assert page.locator("#id_organization").is_disabled()
    page.select_option("#id_call", label=call.title)
    page.fill("#id_title", "乐龄关爱行动")
    page.select_option("#id_service_area", value="elderly")
    page.fill("#id_community", "甲社区")
    page.fill("#id_beneficiaries", "空巢老人")
    page.fill("#id_beneficiary_count", "60")
    page.fill("#id_lines-0-item", "活动物资")
    page.fill("#id_lines-0-amount", "30000")
    page.fill("#id_lines-1-item", "专业督导")
    page.fill("#id_lines-1-amount", "10000")
    page.set_input_files(
        "#id_plan_document",
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
    )
    screenshot("1-application")
    click("#application-form button[type=submit]")
    project = Project.objects.get(title="乐龄关爱行动")
    assert page.url.endswith(project.get_absolute_url())
    assert page.locator("#requested").inner_text() == "¥40,000.00"
    expect(page.locator("#plan-document a")).to_be_visible()
    # The document comes from the checked download, as an attachment, not from /media/.
    link = page.locator("#plan-document a")
    assert link.get_attribute("href") == reverse("projects:project_document", args=["plan", project.pk])
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("plan")
    assert Path(download.value.path()).read_bytes() == b"%PDF-1.4"
    click("#move-submit button")
    screenshot("2-submitted")

    # The district reviews, approves with an amount, signs the contract and pays an instalment.
    log_in("district")
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    click("#move-start_review button")
    page.fill("#id_review-score", "88")
    page.fill("#id_review-comment", "方案可行")
    click("#review-form button[type=submit]")
    page.select_option("#id_decision-decision", value="approve")
    page.fill("#id_decision-amount", "35000")
    screenshot("3-decision")
    click("#decision-form button[type=submit]")
    assert page.locator("#approved").inner_text() == "¥35,000.00"
    page.fill("#id_contract-number", "YL-2026-001")
    page.fill("#id_contract-starts_on", today.isoformat())
    page.fill("#id_contract-ends_on", (today + timedelta(days=180)).isoformat())
    page.fill("#id_contract-milestone_1", "中期评估")
    page.fill("#id_contract-milestone_1_due", (today + timedelta(days=90)).isoformat())
    page.fill("#id_contract-milestone_1_amount", "15000")
    screenshot("4-contract")
    click("#contract-form button[type=submit]")
    assert page.locator("#contract-number").inner_text() == "YL-2026-001"
    # Each instalment waits for its milestone; the final 10% for acceptance.
    assert page.locator("#due").inner_text() == "¥0.00"
    click("#milestones form button[type=submit]")
    assert page.locator("#due").inner_text() == "¥15,000.00"
    page.fill("#id_payment-amount", "15000")
    click("#payment-form button[type=submit]")
    assert page.locator("#paid").inner_text() == "¥15,000.00"
    assert page.locator("#unpaid").inner_text() == "¥20,000.00"
    screenshot("5-paid")

    # The organization starts the work, reports and asks for acceptance.
    log_in("org")
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    click("#move-start button")
    page.fill("#id_progress-period", "第一季度")
    page.fill("#id_progress-content", "开展上门探访20次")
    click("#progress-form button[type=submit]")
    click("#move-request_acceptance button")
    screenshot("6-acceptance-requested")

    # The district records an acceptance that passes: the project is completed.
    log_in("district")
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    page.fill("#id_acceptance-evaluator", "第三方评估机构")
    page.fill("#id_acceptance-score", "92")
    page.select_option("#id_acceptance-conclusion", value="pass")
    click("#acceptance-form button[type=submit]")
    project.refresh_from_db()
    assert project.status == S.COMPLETED
    steps = [
        (S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.UNDER_REVIEW), (S.UNDER_REVIEW, S.APPROVED),
        (S.APPROVED, S.CONTRACTED), (S.CONTRACTED, S.IN_PROGRESS), (S.IN_PROGRESS, S.UNDER_ACCEPTANCE),
        (S.UNDER_ACCEPTANCE, S.COMPLETED),
    ]  # fmt: skip
    assert list(project.transitions.values_list("from_status", "to_status")) == steps
    # The timeline tells every step; its status moves are the transitions, in order.
    rows = page.locator('#timeline-list tbody tr[data-event="transition"]')
    assert rows.count() == len(steps)
    shown = [(row.get_attribute("data-from"), row.get_attribute("data-to")) for row in rows.all()]
    assert shown == steps
    assert all(len(row.locator("td").all_inner_texts()) == 4 for row in rows.all())
    expect(page.locator('#timeline-list tr[data-event="payment"]')).to_have_count(1)
    assert "district" in rows.nth(1).inner_text() and "org" in rows.nth(0).inner_text()
    assert "第一季度" in page.locator("#progress-list").inner_text()
    screenshot("7-completed")

    page.goto(f"{live_server.url}/projects/overview/?year={call.year}")
    assert page.locator("#committed").inner_text() == "¥35,000.00"
    assert page.locator("#spent").inner_text() == "¥15,000.00"
    screenshot("8-overview")
