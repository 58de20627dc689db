"""A social worker logs a case like the car-accident family's of seed 001, from intake to
closing, with the supervisor approving the plan and the closing."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from casework.models import Approval, Case, Referral, VulnerabilityCategory
from socialwork.roles import Role
from tests.factories import make_region, make_unit, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_a_social_worker_takes_a_family_from_intake_to_closing(
    live_server, page, log_in, screenshot, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    # A transactional test starts after a flush: everything it needs is made here.
    district = make_region("慈溪区", "district")
    street = make_region("坎墩街道", "street", district)
    make_region("清水湾社区", "community", street)
    centre = make_unit("区社工服务中心", "centre", None, district)
    station = make_unit("坎墩街道社工站", "station", centre, street)
    room = make_unit("清水湾社区服务室", "room", station, street)
    make_user("hu", Role.SOCIAL_WORKER, unit=room, full_name="胡群泽")
    make_user("chen", Role.SUPERVISOR, unit=centre, full_name="陈督导")
    assert VulnerabilityCategory.objects.filter(code="low_income").exists()  # made again after the flush
    today = timezone.localdate()
    intake = today - timedelta(days=20)

    def submit(form):
        page.click(f"{form} button[type=submit]")
        page.wait_for_load_state()

    def unfold(form):
        page.click(f"details:has({form}) > summary")

    # Intake: the family is registered and the case opened on one page, in Chinese.
    log_in("hu")
    page.goto(f"{live_server.url}/casework/")
    page.click("#open-case")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_client-name", "叶先生")
    page.select_option("#id_client-gender", value="male")
    page.fill("#id_client-birth_date", "1975-03-02")
    page.fill("#id_client-phone", "13805741234")
    page.fill("#id_client-address", "清水湾社区经济适用房")
    page.fill("#id_client-community", "清水湾社区")
    page.check("#id_client-categories_0")
    page.check("#id_client-consents_to_services")
    page.check("#id_client-consents_to_data_processing")
    page.fill("#id_household-0-name", "陈女士")
    page.select_option("#id_household-0-relation", value="spouse")
    page.fill("#id_household-1-name", "叶小弟")
    page.select_option("#id_household-1-relation", value="child")
    page.fill("#id_household-1-situation", "小学即将毕业")
    page.fill("#id_case-intake_on", intake.isoformat())
    page.select_option("#id_case-source", value="outreach")
    page.fill("#id_case-presenting_problem", "车祸致左脚骨折，家庭失去收入来源，儿子升学学费无力负担")
    page.select_option("#id_case-risk_level", value="high")
    chen = page.locator("#id_case-supervisor option", has_text="陈督导").get_attribute("value")
    page.select_option("#id_case-supervisor", value=chen)
    screenshot("1-intake")
    page.click("#open")
    page.wait_for_url("**/casework/cases/*/")
    case = Case.objects.get()
    assert case.number.endswith("-0001") and case.clients.get().household.count() == 2
    assert page.locator("#status").inner_text() == zh(Case.Status.INTAKE.label)

    # Assessment across the domains, then the plan.
    submit("#move-assess")
    unfold("#assessment-form")
    page.fill("#id_assessment-assessed_on", (intake + timedelta(days=1)).isoformat())
    page.fill("#id_assessment-economic_needs", "收入中断，需保障基本生活")
    page.select_option("#id_assessment-economic_risk", value="high")
    page.fill("#id_assessment-education_needs", "儿子升入民办初中，学费高")
    page.fill("#id_assessment-employment_strengths", "康复后有劳动能力")
    page.select_option("#id_assessment-risk_level", value="high")
    submit("#assessment-form")
    submit("#move-plan")
    unfold("#plan-form")
    goals = ["保障基本生活", "解决儿子学费", "康复后稳定就业"]
    for n, goal in enumerate(goals[:2]):
        page.fill(f"#id_goals-{n}-description", goal)
    page.fill("#id_goals-0-indicator", "获得救助和赔偿")
    page.fill("#id_tasks-0-description", "联系原单位工会")
    page.fill("#id_tasks-0-owner", "社工")
    page.fill("#id_tasks-0-due_on", (intake + timedelta(days=7)).isoformat())
    submit("#plan-form")
    submit("#plan-submit")
    assert zh(Approval.SUBMITTED.label) in page.locator("#plan-status").inner_text()

    # The supervisor approves the plan.
    log_in("chen")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.click("#plan-decision-form button[value=yes]")
    page.wait_for_load_state()
    assert zh(Approval.APPROVED.label) in page.locator("#plan-status").inner_text()

    # The intervention: resources linked, a quick note, a follow-up.
    log_in("hu")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    submit("#move-intervene")
    for target, kind, request in (
        ("交警大队事故处理中队", "department", "调解中说明家庭困难，争取更多赔偿"),
        ("育才中学", "organization", "减免儿子学费"),
    ):
        unfold("#referral-form")
        page.select_option("#id_referral-target_kind", value=kind)
        page.fill("#id_referral-target", target)
        page.fill("#id_referral-request", request)
        page.fill("#id_referral-referred_on", (intake + timedelta(days=3)).isoformat())
        submit("#referral-form")
    police = Referral.objects.get(target="交警大队事故处理中队")
    unfold(f"#referral-{police.pk}-form")
    page.select_option(f"#id_referral-{police.pk}-status", value="succeeded")
    page.select_option(f"#id_referral-{police.pk}-outcome", value="compensation")
    page.fill(f"#id_referral-{police.pk}-amount", "30000")
    submit(f"#referral-{police.pk}-form")
    page.fill("#id_note-minutes", "40")
    page.select_option("#id_note-method", value="home_visit")
    page.fill("#id_note-content", "家访：赔偿款三万元已到位，情绪明显好转")
    page.click("#note-form button[type=submit]")
    page.locator("#timeline").get_by_text("赔偿款三万元已到位").wait_for()
    assert page.locator("#id_note-content").input_value() == ""  # ready for the next note
    # Later, on a phone: from My cases, a note in a few taps.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/casework/")
    page.click(".add-note")
    page.select_option("#note-page-form select[name$=method]", value="phone")
    page.fill("#note-page-form input[name$=minutes]", "10")
    page.fill("#note-page-form textarea[name$=content]", "电话：学校已同意减免学费")
    screenshot("2-phone-note")
    submit("#note-page-form")
    page.locator("#timeline").get_by_text("学校已同意减免学费").wait_for()
    page.set_viewport_size({"width": 1024, "height": 768})
    unfold("#follow-up-form")
    page.fill("#id_follow-up-due_on", (today + timedelta(days=30)).isoformat())
    page.fill("#id_follow-up-purpose", "回访就业情况")
    submit("#follow-up-form")
    screenshot("3-intervention")

    # Evaluation and the request to close, with the goals reached.
    submit("#move-evaluate")
    unfold("#closing-form")
    page.select_option("#id_closing-reason", value="goals_reached")
    page.fill("#id_closing-summary", "获赔偿三万元，学费全免，康复后在福利企业就业")
    # Each goal of the plan stated reached, with its evidence (MZ/T 094).
    for goal, evidence in zip(
        case.plans.get().goals.order_by("pk"), ("获赔偿三万元", "学费全免"), strict=True
    ):
        page.select_option(f"#id_closing-goal-{goal.pk}-outcome", value="reached")
        page.fill(f"#id_closing-goal-{goal.pk}-evidence", evidence)
    page.fill("#id_closing-client_feedback", "感谢社工，生活有了盼头")
    submit("#closing-form")

    # The supervisor approves the closing; the case is closed and its timeline tells the story.
    log_in("chen")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.click("#closing-decision-form button[value=yes]")
    page.wait_for_load_state()
    assert page.locator("#status").inner_text() == zh(Case.Status.CLOSED.label)
    timeline = page.locator("#timeline").inner_text()
    for fact in ("育才中学", "交警大队事故处理中队", "30,000", "回访就业情况"):
        assert fact in timeline, fact
    screenshot("4-closed")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_on == today
    assert list(case.plans.get().goals.values_list("reached", flat=True)) == [True, True]
