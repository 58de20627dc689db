"""MZ/T 094 in the browser, in Chinese: the worker records a goal's measure before and after the
work and asks to close the case stating the goal reached with its evidence; the supervisor sees
before and after side by side and approves."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from casework.models import Approval, Case, PlanGoal
from socialwork.roles import Role
from tests.casework.factories import case_in_intervention
from tests.factories import make_region, make_unit, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/wt/shots/standards")


def test_the_worker_measures_before_and_after_and_the_supervisor_sees_both(
    live_server, page, log_in, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    district = make_region("慈溪区", "district")
    street = make_region("坎墩街道", "street", district)
    make_region("清水湾社区", "community", street)
    centre = make_unit("区社工服务中心", "centre", None, district)
    station = make_unit("坎墩街道社工站", "station", centre, street)
    room = make_unit("清水湾社区服务室", "room", station, street)
    worker = make_user("hu", Role.SOCIAL_WORKER, unit=room, full_name="胡群泽")
    supervisor = make_user("chen", Role.SUPERVISOR, unit=centre, full_name="陈督导")
    case = case_in_intervention(worker, supervisor, intake_on=timezone.localdate() - timedelta(days=60))
    goal = PlanGoal.objects.get(plan__case=case)
    today = timezone.localdate()
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def unfold(form):
        page.click(f"details:has({form}) > summary")

    def submit(form):
        page.click(f"{form} button[type=submit]")
        page.wait_for_load_state()

    # The worker records the measure before the work: the SDS, 62 (lower is better).
    log_in("hu")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    unfold("#measure-form")
    page.select_option("#id_measure-goal", value=str(goal.pk))
    page.select_option("#id_measure-phase", value="before")
    page.fill("#id_measure-value", "62")
    page.fill("#id_measure-measured_on", (today - timedelta(days=40)).isoformat())
    page.fill("#id_measure-measure", "抑郁自评量表 SDS")
    page.select_option("#id_measure-measure_kind", value="score")
    page.select_option("#id_measure-direction", value="lower")
    submit("#measure-form")
    goal.refresh_from_db()
    assert goal.before_value == Decimal("62") and goal.measure == "抑郁自评量表 SDS"

    # ... and after, 45.
    unfold("#measure-form")
    page.select_option("#id_measure-goal", value=str(goal.pk))
    page.select_option("#id_measure-phase", value="after")
    page.fill("#id_measure-value", "45")
    page.fill("#id_measure-measured_on", today.isoformat())
    submit("#measure-form")
    goal.refresh_from_db()
    assert goal.after_value == Decimal("45")
    assert "-17" in page.locator("#plan-goals").inner_text()
    shot("1-plan-goals-before-after")

    # The closing: the goal reached, with its evidence.
    unfold("#closing-form")
    page.select_option("#id_closing-reason", value="goals_reached")
    page.fill("#id_closing-summary", "经过三个月的介入，叶先生情绪明显好转，家庭基本生活有保障。")
    page.select_option(f"#id_closing-goal-{goal.pk}-outcome", value="reached")
    page.fill(f"#id_closing-goal-{goal.pk}-evidence", "SDS由62降至45；本人自述睡眠改善，已恢复工作。")
    shot("2-closing-form")
    submit("#closing-form")
    assert case.closings.get().status == Approval.SUBMITTED

    # The supervisor sees before and after side by side, the change and the evidence, and approves.
    log_in("chen")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    table = page.locator("#closing-goals")
    text = table.inner_text()
    assert "62" in text and "45" in text and "-17" in text and "SDS由62降至45" in text
    before = table.locator("td.before").inner_text()
    after = table.locator("td.after").inner_text()
    assert before.startswith("62") and after.startswith("45")
    shot("3-supervisor-sees-side-by-side")
    page.click("#closing-decision-form button[value=yes]")
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    shot("4-closed-case")
