"""The follow-up after closing (回访) on a phone, and an evaluation's sampled satisfaction call, in
Chinese, on the demo: the worker records the 回访 due today with the questionnaire at 390×844; the
district draws the sample of the demo project's closed cases; the evaluator shows one client's
phone (audited) and records the call."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from casework.models import Case, FollowUp, SatisfactionQuestion
from casework.services.followups import sampled_client
from projects.models import Evaluation
from socialwork.models import AuditEntry
from tests.browser.phone import log_in_on, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/wt/shots/followups")
PASSWORD = "demo-2026"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def phone(browser):
    with phone_page(browser) as page:
        yield page


def log_in_as(page, live_server, username):
    log_in_on(page, live_server.url, username, PASSWORD)


def test_the_worker_records_a_follow_up_on_a_phone_and_the_evaluator_a_sampled_call(
    live_server, phone, page, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("seed_demo", verbosity=0)  # a transactional test starts after a flush
    due = FollowUp.objects.get(kind=FollowUp.Kind.AFTER_CLOSING, done_on__isnull=True)
    questions = list(SatisfactionQuestion.objects.order_by("order"))
    assert [q.text for q in questions] == ["服务态度", "服务及时性", "问题解决程度", "总体满意度"]

    # The worker, on a phone, from the case page to the questionnaire.
    log_in_as(phone, live_server, "worker")
    phone.goto(f"{live_server.url}{due.case.get_absolute_url()}#follow-ups")
    phone.click(f"a[href='/casework/follow-ups/{due.pk}/record/']")
    phone.wait_for_url(f"**/follow-ups/{due.pk}/record/")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    phone.check("#id_method_0")
    for n, question in enumerate(questions):
        phone.check(f"#id_q{question.pk}_{4 if n != 2 else 3}")  # 5, 5, 4, 5
    phone.fill("#id_comment", "社工帮我们一家渡过难关，很满意。")
    phone.fill("#id_result", "电话回访：叶先生工作稳定，儿子学习良好，家庭生活走上正轨。")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form is wider than the phone: {width}px"
    shot(phone, "1-worker-questionnaire-390x844")
    phone.click("#follow-up-record-form button[type=submit]")
    phone.wait_for_url(f"**{due.case.get_absolute_url()}")
    due.refresh_from_db()
    assert due.done_on == timezone.localdate() and str(due.satisfaction_average) == "4.75"
    phone.locator(
        f"#follow-up-{due.pk}-done, [id*='follow-up-{due.pk}-done']"
    ).first.scroll_into_view_if_needed()
    shot(phone, "2-worker-case-timeline-390x844")

    # The demo project's final evaluation asks for satisfaction calls; the district draws its sample.
    case = (
        Case.objects.filter(project__isnull=False, status=Case.Status.CLOSED)
        .select_related("project")
        .first()
    )
    evaluation = Evaluation.objects.get(project=case.project, stage=Evaluation.Stage.FINAL)
    scheme = evaluation.scheme
    assert scheme.satisfaction_calls and evaluation.evaluators.filter(username="evaluator").exists()
    sample_url = f"{live_server.url}/casework/evaluations/{evaluation.pk}/sample/"

    log_in_as(page, live_server, "district")
    page.goto(sample_url)
    page.click("#sample-draw-form button[type=submit]")
    page.wait_for_selector("#sample-list")
    shot(page, "3-district-sample-drawn")
    sample = evaluation.samples.get()
    closed = Case.objects.filter(project=case.project, status="closed").count()
    assert sample.cases.count() == min(scheme.phone_sample_size + scheme.site_sample_size, closed)
    names = [c.name for s in sample.cases.all() for c in s.case.clients.all()]
    assert not any(name in page.content() for name in names)

    # The evaluator sees the clients masked, shows one (audited) and records the call.
    log_in_as(page, live_server, "evaluator")
    page.goto(sample_url)
    assert not any(name in page.content() for name in names)
    first = sample.cases.filter(method="phone").order_by("station", "position").first()
    page.click(f"#client-{first.pk} button")
    client = sampled_client(first)
    page.wait_for_selector(f"#client-{first.pk}:has-text('{client.name}')")
    assert (
        AuditEntry.objects.filter(action="evaluation_sample.reveal", actor__username="evaluator").count() == 1
    )
    shot(page, "4-evaluator-sample-one-shown")
    page.click(f"a[href$='/sample/{first.pk}/record/']")
    for question in questions:
        page.check(f"#id_q{question.pk}_3")  # 4 满意
    page.fill("#id_result", "电话抽访：服务对象表示社工服务及时，问题基本解决。")
    shot(page, "5-evaluator-sampled-call")
    page.click("#sampled-call-form button[type=submit]")
    page.wait_for_selector("#sample-list")
    shot(page, "6-evaluator-sample-recorded")
    first.refresh_from_db()
    assert first.follow_up.satisfaction_average == 4
    # Nothing else of casework opens to the evaluator.
    response = page.goto(f"{live_server.url}{first.case.get_absolute_url()}")
    assert response.status in (403, 404)
