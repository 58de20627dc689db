"""Issue 17 at the user's door, in Chinese: a returned service plan stays on the case's record,
the money rules of a purchase show on the project's page, the new notices can be chosen on
"What I receive", and the audit administrator reads the log, refusals included, in Chinese and
local time."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from casework import services as casework
from casework.models import Approval, Assessment
from projects import services as projects
from projects.models import Procurement, Project
from socialwork.audit_actions import ACCESS_NOT_FOUND
from socialwork.models import AuditEntry
from socialwork.notifications import KINDS
from socialwork.roles import Role
from tests.casework.factories import make_case
from tests.factories import make_user
from tests.projects.factories import (
    make_budget,
    make_call,
    make_contract,
    make_milestone,
    make_organization,
    make_project,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Project.Status


def zh(text, **words) -> str:
    with translation.override("zh-hans"):
        said = translation.gettext(text) if isinstance(text, str) else str(text)
    return said % words if words else said


def actions(page) -> set[str]:
    return set(page.eval_on_selector_all("[data-action]", "nodes => nodes.map(n => n.dataset.action)"))


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_returned_plan_and_every_round_stay_on_the_case_timeline(
    live_server, page, log_in, screenshot, settings, network, social_worker, supervisor
):
    settings.LANGUAGE_CODE = "zh-hans"
    supervisor.full_name = "陈督导"
    supervisor.save()
    case = make_case(social_worker, supervisor=supervisor)
    day = case.intake_on + timedelta(days=1)
    casework.case_move(actor=social_worker, case=case, move="assess")
    casework.assessment_record(
        actor=social_worker, case=case, assessed_on=day, risk_level="medium",
        domains={Assessment.Domain.ECONOMIC: {"needs": "收入中断", "strengths": "亲属支持", "risk": "high"}},
    )  # fmt: skip
    casework.case_move(actor=social_worker, case=case, move="plan")
    plan = casework.plan_save(
        actor=social_worker, case=case,
        goals=[{"description": "保障基本生活", "indicator": "获得救助"}],
        tasks=[{"description": "联系工会", "owner": "社工", "due_on": day + timedelta(days=7), "goal": 0}],
    )  # fmt: skip
    casework.plan_submit(actor=social_worker, plan=plan)
    url = f"{live_server.url}{case.get_absolute_url()}"

    # The worker who sent it waits: no decision of hers to take.
    log_in("worker_a")
    page.goto(url)
    assert zh(Approval.SUBMITTED.label) in page.locator("#plan-status").inner_text()
    assert not {"plan_approve", "plan_return", "plan_submit"} & actions(page)
    expect(page.locator("#plan-decision-form")).to_have_count(0)
    screenshot("1-worker-waits")

    # The supervisor sees approve and return, and returns it with a comment.
    log_in("supervisor")
    page.goto(url)
    assert {"plan_approve", "plan_return"} <= actions(page)
    form = page.locator("#plan-decision-form")
    assert form.locator("[data-action=plan_approve]").inner_text() == zh("Approve the plan")
    assert form.locator("[data-action=plan_return]").inner_text() == zh("Return with comment")
    page.fill("#id_plan-decision-comment", "目标二缺少可衡量的指标，请补充")
    screenshot("2-supervisor-decides")
    form.locator("[data-action=plan_return]").click()
    page.wait_for_load_state()
    assert zh(Approval.RETURNED.label) in page.locator("#plan-status").inner_text()
    expect(page.locator("#plan-decision-form")).to_have_count(0)

    # The worker sees the return and the comment, on the plan and on the timeline; sends it again.
    log_in("worker_a")
    page.goto(url)
    assert "目标二缺少可衡量的指标" in page.locator("#plan-comment").inner_text()
    assert "plan_submit" in actions(page) and "plan_approve" not in actions(page)
    timeline = page.locator("#timeline").inner_text()
    assert zh("Service plan v%(version)s returned", version=1) in timeline
    assert "目标二缺少可衡量的指标" in timeline and "陈督导" in timeline
    page.click("#plan-submit button")
    page.wait_for_load_state()
    timeline = page.locator("#timeline").inner_text()
    assert zh("Service plan v%(version)s submitted", version=1) in timeline
    assert zh("Service plan v%(version)s submitted again (round %(round)s)", version=1, round=2) in timeline
    assert "目标二缺少可衡量的指标" in timeline  # the first round's return is still told
    assert "陈督导" not in page.locator("#plan > p").first.inner_text()  # pending: decided by no one yet
    screenshot("3-worker-timeline")

    # On a phone the case page fits the screen's width.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    screenshot("4-phone")
    assert fits_the_screen(page), page.evaluate("document.documentElement.scrollWidth")


def test_the_district_awards_within_the_approved_amount_rescinds_and_amends_a_contract(
    live_server, page, log_in, screenshot, settings, network, district_admin, org_staff
):
    settings.LANGUAGE_CODE = "zh-hans"
    district_admin.full_name = "张科长"
    district_admin.save()
    call = make_call(title="2026年社区公益微创投")
    make_budget(year=call.year)
    sunshine = make_organization("阳光社工服务中心")
    harbour = make_organization("港湾社工事务所")
    project = make_project(
        call=call, community=network.community_a, created_by=org_staff, status=S.APPROVED,
        requested="20000", approved="18000", organization=sunshine, title="乐龄关爱行动",
    )  # fmt: skip
    procurement = projects.procurement_open(
        actor=district_admin, project=project, method=Procurement.Method.PUBLIC_SELECTION
    )
    above = projects.bid_record(
        actor=district_admin, procurement=procurement, organization=harbour, price="25000"
    )
    within = projects.bid_record(
        actor=district_admin, procurement=procurement, organization=sunshine, price="17500"
    )

    log_in("district")
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    bids = page.locator("#bids tbody tr")
    above_row, within_row = bids.filter(has_text="港湾社工事务所"), bids.filter(has_text="阳光社工服务中心")
    assert zh("Above the approved amount: cannot be awarded") in above_row.inner_text()
    expect(above_row.locator("[data-action=bid_award]")).to_have_count(0)
    assert "¥18,000.00" in page.locator("#award-limit").inner_text()
    screenshot("1-bids")
    within_row.locator("[data-action=bid_award] button").click()
    page.wait_for_load_state()
    assert zh("Awarded") in within_row.inner_text()
    assert "rescind_award" in actions(page)
    page.fill("#id_rescind-reason", "中标单位资质证书过期，重新评审")
    screenshot("2-awarded")
    page.click("#rescind-form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("#bids [data-action=bid_award]")).to_have_count(
        1
    )  # the bid within may be awarded again
    award = page.locator('#timeline-list tr[data-event="award"]')
    rescinded = page.locator('#timeline-list tr[data-event="award_rescinded"]')
    assert "张科长" in award.inner_text() and "¥17,500.00" in award.inner_text()
    assert "张科长" in rescinded.inner_text() and "资质证书过期" in rescinded.inner_text()
    assert "资质证书过期" in page.locator("#awards").inner_text()
    screenshot("3-rescinded")
    above.refresh_from_db(), within.refresh_from_db()
    assert not above.awarded and not within.awarded

    # A running project's contract: a supplementary agreement, and what is paid, due and held back.
    running = make_project(
        call=call, community=network.community_a, created_by=org_staff, status=S.IN_PROGRESS,
        requested="40000", approved="40000", organization=sunshine, provider=sunshine, title="邻里守望",
    )  # fmt: skip
    today = timezone.localdate()
    contract = make_contract(running, sunshine, amount="36000", number="LS-2026-007")
    make_milestone(
        contract,
        today - timedelta(days=5),
        title="中期评估",
        amount=15000,
        completed_on=today - timedelta(days=5),
    )
    projects.payment_record(actor=district_admin, contract=contract, amount="10000", paid_on=today)
    page.goto(f"{live_server.url}{running.get_absolute_url()}")
    assert page.locator("#amendments").inner_text().count(zh("The contract stands as signed.")) == 1
    page.fill("#id_amendment-amount", "40000")
    page.fill("#id_amendment-reason", "服务对象增加20人，增加活动经费")
    page.click("#amendment-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#contract-amount").inner_text() == "¥40,000.00"
    assert "¥36,000.00 → ¥40,000.00" in page.locator("#amendments").inner_text()
    assert "服务对象增加20人" in page.locator('#timeline-list tr[data-event="amendment"]').inner_text()
    assert page.locator("#paid").inner_text() == "¥10,000.00"
    assert page.locator("#due").inner_text() == "¥5,000.00"
    # Whatever no milestone releases waits for acceptance: the final 10% and the 21,000 unscheduled.
    assert "10% (¥4,000.00)" in page.locator("#final-share").inner_text()
    assert page.locator("#held-back").inner_text() == "¥25,000.00"
    assert zh("Held back until acceptance (yuan)") in page.locator("#payments").inner_text()
    # The signing keeps the amount it was signed for; the agreement tells the new one.
    assert "¥36,000.00" in page.locator('#timeline-list tr[data-event="contract"]').inner_text()
    names = page.locator("#timeline-list tbody td:nth-child(2)").all()
    lines = "c => { const r = document.createRange(); r.selectNodeContents(c); return r.getClientRects().length; }"
    assert [cell.evaluate(lines) for cell in names] == [1] * len(names)  # 张科长 on one line
    screenshot("4-amended")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot("5-phone")
    assert fits_the_screen(page)
    # The agreements table scrolls within the contract's card rather than spilling out of it.
    spills = "t => { const p = t.parentElement; return p.scrollWidth > p.clientWidth && getComputedStyle(p).overflowX === 'visible'; }"
    assert not page.locator("#amendments").evaluate(spills)


def test_what_i_receive_lists_the_new_outcomes_in_chinese(
    live_server, page, log_in, screenshot, settings, network, org_staff
):
    settings.LANGUAGE_CODE = "zh-hans"
    log_in("org")
    page.goto(f"{live_server.url}/inbox/preferences/")
    text = page.locator("main").inner_text()
    for kind in (
        "casework_transfer_decided", "casework_case_assigned", "projects_application_submitted",
        "projects_application_decided", "projects_contract_signed", "projects_payment_made",
        "projects_acceptance_concluded",
    ):  # fmt: skip
        label = zh(KINDS[kind].label)
        with translation.override("en"):
            english = str(KINDS[kind].label)
        assert label != english and label in text, kind
    screenshot("1-preferences")


def test_the_audit_administrator_reads_a_refusal_in_chinese_and_local_time(
    live_server, page, log_in, screenshot, settings, network, station_manager, auditor
):
    settings.LANGUAGE_CODE = "zh-hans"
    worker_b = make_user("worker_b", Role.SOCIAL_WORKER, unit=network.room_b)
    case = make_case(worker_b)

    log_in("manager_a")
    response = page.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert response.status == 404
    entry = AuditEntry.objects.get(action=ACCESS_NOT_FOUND)
    assert entry.actor_username == "manager_a"

    log_in("auditor")
    page.goto(f"{live_server.url}/admin/socialwork/auditentry/")
    rows = page.locator("#result_list tbody tr")
    refused = rows.filter(has_text=zh("Access denied (record out of scope or not found)"))
    expect(refused).to_have_count(1)
    assert "manager_a" in refused.inner_text()
    local = f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M}"
    assert local in refused.inner_text()
    assert "access.not_found" not in page.locator("#result_list").inner_text()
    screenshot("1-audit-list")
    refused.locator("th a, td a").first.click()
    page.wait_for_load_state()
    assert local in page.locator("main, #content").first.inner_text()
    labels = page.locator("fieldset label").all_inner_texts()
    assert len(labels) == len(set(labels)), labels  # the label and the code of an action, each named
    screenshot("2-audit-entry")
