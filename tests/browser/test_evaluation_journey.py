"""A final evaluation by a third-party evaluator of a demo project, end to end in Chinese: the
evaluator scores every indicator, records findings and a rectification item; the provider's staff
respond; the evaluator accepts and concludes; the district sees the grade on the acceptance."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Evaluation, Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/wt/shots/eval")


def test_a_third_party_evaluator_runs_a_final_evaluation_of_a_demo_project(
    live_server, page, log_in, screenshot, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    call_command("seed_demo", verbosity=0)  # a transactional test starts after a flush
    evaluation = Evaluation.objects.select_related("project").get(evaluators__username="evaluator")
    project = evaluation.project
    assert evaluation.status == "assigned"

    def click(selector):
        page.click(selector)
        page.wait_for_load_state()

    def shot(name):
        path = screenshot(name)
        if SHOTS.parent.exists():
            SHOTS.mkdir(exist_ok=True)
            shutil.copy(path, SHOTS / f"{name}.png")

    # The evaluator finds their evaluation, and only it.
    log_in("evaluator", "demo-2026")
    page.goto(f"{live_server.url}/projects/evaluations/")
    expect(page.locator("#evaluation-list tbody tr")).to_have_count(1)
    shot("1-evaluator-list")
    click("#evaluation-list a")
    assert page.url.endswith(evaluation.get_absolute_url())
    inputs = page.locator("#scores input[type=number]")
    expect(inputs).to_have_count(12)  # the demo scheme's indicators
    full_scores = [float(inputs.nth(i).get_attribute("max")) for i in range(inputs.count())]
    for i, full in enumerate(full_scores):  # 85% of each full score, one decimal
        inputs.nth(i).fill(f"{full * 0.85:.1f}")
    page.fill("#id_findings", "项目管理规范，服务记录较完整；志愿者服务时长记录不全。")
    shot("2-scoring")
    click("#score-form button[type=submit]")
    assert page.locator("#grade").inner_text() == "良好"
    page.fill("#id_item-problem", "志愿者服务时长记录不全")
    page.fill("#id_item-required", "补齐2015年度志愿者服务时长登记并加盖机构公章")
    page.fill("#id_item-due_on", timezone.localdate().isoformat())
    click("#rectification-form button[type=submit]")
    assert page.locator("#evaluation-status").inner_text() == "整改中"
    shot("3-rectification-listed")

    # The provider's staff respond on the evaluation's page (no scores shown to them yet).
    log_in("org", "demo-2026")
    page.goto(f"{live_server.url}{evaluation.get_absolute_url()}")
    expect(page.locator("#scores")).to_have_count(0)
    page.fill(".respond-form textarea", "已补齐志愿者服务时长登记，共计1260小时，附登记表。")
    click(".respond-form button[type=submit]")
    expect(page.locator("#rectification-list tr[data-status=responded]")).to_have_count(1)
    shot("4-provider-responded")
    # ... and ask for acceptance, the contract's term being over.
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    click("#move-request_acceptance button[type=submit]")

    # The evaluator accepts the response and concludes.
    log_in("evaluator", "demo-2026")
    page.goto(f"{live_server.url}{evaluation.get_absolute_url()}")
    click(".review-form button[value=accept]")
    expect(page.locator("#rectification-list tr[data-status=accepted]")).to_have_count(1)
    page.fill("#id_conclude-conclusion", "项目完成合同约定服务，整改到位，评估等次为良好。")
    click("#conclude-form button[type=submit]")
    assert page.locator("#evaluation-status").inner_text() == "已出结论"
    shot("5-concluded")
    evaluation.refresh_from_db()
    assert evaluation.status == "concluded" and evaluation.grade == "good"

    # The district sees the grade on the acceptance, prefilled from the evaluation.
    log_in("district", "demo-2026")
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    assert Project.objects.get(pk=project.pk).status == Project.Status.UNDER_ACCEPTANCE
    final = page.locator("#final-evaluation")
    assert "良好" in final.inner_text() and "宜昌市社会工作评估中心" in final.inner_text()
    assert page.locator("#id_acceptance-score").input_value() == str(evaluation.score)
    final.scroll_into_view_if_needed()
    shot("6-district-acceptance")
