"""Project evaluation pages, API and reminders: the district's scheme editor with its inline
error, assigning, the evaluator's score sheet, the provider's response, the conclusion, the
acceptance and the organization's record; what an evaluator reaches (only their evaluations and
those projects, read-only) and query counts on the lists."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from projects.models import Evaluation, Project, RectificationItem
from projects.selectors import contracts_visible_to, organizations_visible_to, projects_visible_to
from projects.services import evaluations as services
from projects.workflow import actions_for
from socialwork.models import Notification
from socialwork.reminders import reminder_run
from tests.projects.evaluation_fixtures import indicators, score_all

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"projects:{name}", args=args)


def scheme_post(weights=("60", "40")):
    data = {
        "scheme-title": "2026年评估指标", "scheme-year": "2026", "scheme-excellent_from": "90",
        "scheme-good_from": "80", "scheme-fair_from": "60", "scheme-phone_sample_size": "50",
        "scheme-site_sample_size": "10",
        "domains-TOTAL_FORMS": "3", "domains-INITIAL_FORMS": "0",
        "domains-0-name": "服务过程", "domains-0-weight": weights[0],
        "domains-0-indicators": "服务规范 | 10 | 流程符合标准\n专业方法｜10",
        "domains-1-name": "服务成效", "domains-1-weight": weights[1], "domains-1-indicators": "目标达成 | 20",
    }  # fmt: skip
    return data


def test_district_creates_a_scheme_on_its_page(as_user, district_admin):
    response = as_user(district_admin).post(url("evaluation_scheme_create"), scheme_post())
    assert response.status_code == 302
    page = as_user(district_admin).get(response["Location"])
    assert "服务规范" in page.content.decode() and "流程符合标准" in page.content.decode()


def test_scheme_weights_error_shows_inline(as_user, district_admin):
    # The words are translated (权重之和须为100) in the catalogue; the rule is the service's.
    response = as_user(district_admin).post(url("evaluation_scheme_create"), scheme_post(("60", "30")))
    assert response.status_code == 400
    assert "add up to 100; they add up to 90" in response.content.decode()


def test_others_cannot_open_the_scheme_editor(as_user, evaluator, org_staff):
    for person in (evaluator, org_staff):
        assert as_user(person).get(url("evaluation_scheme_create")).status_code == 403


def test_district_assigns_on_a_page_and_the_evaluator_is_told(
    as_user, district_admin, running, scheme, assessor_org, evaluator
):
    page = as_user(district_admin).get(url("project_detail", running.pk))
    assert 'id="assign-evaluation"' in page.content.decode()
    response = as_user(district_admin).post(
        url("evaluation_assign", running.pk),
        {"assign-stage": "final", "assign-evaluating_organization": assessor_org.pk,
         "assign-evaluators": [evaluator.pk], "assign-due_on": "2030-01-01"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Evaluation.objects.get().evaluators.get() == evaluator
    assert Notification.objects.filter(user=evaluator).exists()


def test_evaluator_scores_on_the_page(as_user, evaluation, evaluator):
    data = {f"score-{i.pk}": v for i, v in zip(indicators(evaluation), ("8", "6", "15"), strict=True)}
    data["findings"] = "总体良好"
    response = as_user(evaluator).post(url("evaluation_score", evaluation.pk), data)
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("72.0") and evaluation.grade == "fair"
    first, second, _third = indicators(evaluation)
    data[f"score-{first.pk}"] = "30"
    data[f"score-{second.pk}"] = "5.5"
    response = as_user(evaluator).post(url("evaluation_score", evaluation.pk), data)
    assert response.status_code == 400
    # The sheet comes back as it was typed, the score refused included, nothing saved.
    page = response.content.decode()
    assert f'id="score-{first.pk}" min="0" max="{first.full_score}" step="0.1" value="30"' in page
    assert f'id="score-{second.pk}" min="0" max="{second.full_score}" step="0.1" value="5.5"' in page
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("72.0")


def test_provider_responds_and_evaluator_accepts_and_concludes_on_pages(
    as_user, evaluation, evaluator, provider_staff, district_admin, running
):
    score_all(evaluator, evaluation)
    response = as_user(evaluator).post(
        url("rectification_add", evaluation.pk),
        {
            "item-problem": "档案不全",
            "item-required": "补齐",
            "item-due_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    item = RectificationItem.objects.get()
    page = as_user(provider_staff).get(url("evaluation_detail", evaluation.pk)).content.decode()
    assert "respond-form" in page and 'id="scores"' not in page  # scores stay the evaluators' until the end
    as_user(provider_staff).post(
        url("rectification_respond", evaluation.pk, item.pk), {"response-response": "已补齐"}
    )
    item.refresh_from_db()
    assert item.status == "responded"
    as_user(evaluator).post(
        url("rectification_review", evaluation.pk, item.pk), {"review-decision": "accept"}
    )
    item.refresh_from_db()
    assert item.status == "accepted"
    response = as_user(evaluator).post(
        url("evaluation_conclude", evaluation.pk), {"conclude-conclusion": "良好"}
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "concluded"
    running.status = Project.Status.UNDER_ACCEPTANCE
    running.save()
    page = as_user(district_admin).get(url("project_detail", running.pk)).content.decode()
    assert 'id="final-evaluation"' in page and "72.0" in page
    page = as_user(district_admin).get(url("organization_detail", running.organization_id)).content.decode()
    assert 'id="organization-grades"' in page and running.title in page


def test_district_sees_past_grades_when_the_organization_applies_again(
    as_user, evaluation, evaluator, district_admin, ev_call, network, provider
):
    score_all(evaluator, evaluation)
    services.evaluation_conclude(actor=evaluator, evaluation=evaluation, conclusion="良好")
    from tests.projects.factories import make_project

    application = make_project(
        call=ev_call, community=network.community_a, created_by=district_admin, organization=provider,
        status=Project.Status.UNDER_REVIEW, title="新申请",
    )  # fmt: skip
    page = as_user(district_admin).get(url("project_detail", application.pk)).content.decode()
    assert 'id="past-grades"' in page and evaluation.project.title in page


# What an evaluator reaches


def test_evaluator_sees_only_the_assigned_project_read_only(evaluation, evaluator, other_project, running):
    assert list(projects_visible_to(user=evaluator)) == [running]
    assert list(contracts_visible_to(user=evaluator)) == [running.contract]
    assert not organizations_visible_to(user=evaluator).exists()
    assert actions_for(evaluator, running) == {}


def test_evaluator_cannot_open_another_project_any_case_client_or_the_admin(
    as_user, api, evaluation, evaluator, other_project, running, social_worker, supervisor
):
    from tests.casework.factories import case_in_intervention

    case = case_in_intervention(social_worker, supervisor)
    case.project = running
    case.save(update_fields=["project"])
    client = case.clients.get()
    browser = as_user(evaluator)
    assert browser.get(url("project_detail", running.pk)).status_code == 200
    assert browser.get(url("evaluation_detail", evaluation.pk)).status_code == 200
    assert browser.get(url("project_detail", other_project.pk)).status_code == 404
    assert browser.get(reverse("casework:case_detail", args=[case.pk])).status_code in (403, 404)
    assert browser.get(reverse("casework:client_detail", args=[client.pk])).status_code in (403, 404)
    assert browser.get("/admin/").status_code in (302, 403)
    assert browser.get(url("application_create")).status_code == 403
    page = browser.get(url("evaluation_detail", evaluation.pk)).content.decode()
    assert client.name not in page and "1" in page  # the case is counted, never named
    rest = api(evaluator)
    assert rest.get(f"/api/v1/projects/{other_project.pk}/").status_code == 404
    assert rest.get(f"/api/v1/projects/{running.pk}/").status_code == 200
    assert rest.get("/api/v1/cases/").json()["count"] == 0
    assert rest.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert rest.get(f"/api/v1/clients/{client.pk}/").status_code == 404
    assert [row["id"] for row in rest.get("/api/v1/evaluations/").json()["results"]] == [evaluation.pk]
    assert rest.get("/api/v1/organizations/").json()["count"] == 0


def test_another_evaluator_does_not_see_the_evaluation(as_user, evaluation, other_evaluator, running):
    assert as_user(other_evaluator).get(url("evaluation_detail", evaluation.pk)).status_code == 404
    assert as_user(other_evaluator).get(url("project_detail", running.pk)).status_code == 404
    assert not Case.objects.none().exists()


# API


def test_api_scores_rectifies_and_concludes(api, evaluation, evaluator, provider_staff):
    rest = api(evaluator)
    scores = [
        {"indicator": i.pk, "score": v, "comment": ""}
        for i, v in zip(indicators(evaluation), ("8", "6", "15"), strict=True)
    ]
    response = rest.post(
        f"/api/v1/evaluations/{evaluation.pk}/score/", {"scores": scores, "findings": "好"}, format="json"
    )
    assert response.status_code == 200 and response.json()["score"] == "72.0"
    response = rest.post(
        f"/api/v1/evaluations/{evaluation.pk}/rectify/",
        {"problem": "a", "required": "b", "due_on": timezone.localdate().isoformat()}, format="json",
    )  # fmt: skip
    item = response.json()["id"]
    staff = api(provider_staff)
    assert staff.get(f"/api/v1/evaluations/{evaluation.pk}/").json()["score"] is None
    assert (
        staff.post(
            f"/api/v1/rectification-items/{item}/respond/", {"response": "ok"}, format="json"
        ).status_code
        == 200
    )
    assert (
        staff.post(f"/api/v1/rectification-items/{item}/review/", {"accept": True}, format="json").status_code
        == 403
    )
    assert (
        rest.post(f"/api/v1/rectification-items/{item}/review/", {"accept": True}, format="json").status_code
        == 200
    )
    response = rest.post(
        f"/api/v1/evaluations/{evaluation.pk}/conclude/", {"conclusion": "良好"}, format="json"
    )
    assert response.json()["status"] == "concluded"
    assert staff.get(f"/api/v1/evaluations/{evaluation.pk}/").json()["grade"] == "fair"


def test_api_refuses_scores_from_the_provider(api, evaluation, provider_staff):
    scores = [{"indicator": indicators(evaluation)[0].pk, "score": "5"}]
    response = api(provider_staff).post(
        f"/api/v1/evaluations/{evaluation.pk}/score/", {"scores": scores}, format="json"
    )
    assert response.status_code == 403


# Reminders


def test_rectifications_due_remind_the_provider_staff(evaluation, evaluator, provider_staff):
    today = timezone.localdate()
    services.rectification_add(
        actor=evaluator,
        evaluation=evaluation,
        problem="a",
        required="补齐档案",
        due_on=today + timedelta(days=3),
    )
    services.rectification_add(
        actor=evaluator,
        evaluation=evaluation,
        problem="a",
        required="远期",
        due_on=today + timedelta(days=10),
    )
    Notification.objects.all().delete()
    assert reminder_run(kind="project_rectifications_due", day=today) == 1
    assert "补齐档案" in Notification.objects.get(user=provider_staff).title
    assert (
        reminder_run(kind="project_rectifications_due", day=today + timedelta(days=20)) == 2
    )  # both overdue


def test_evaluation_due_reminds_the_evaluators(evaluation, evaluator):
    Notification.objects.all().delete()
    assert reminder_run(kind="project_evaluations_due", day=evaluation.due_on - timedelta(days=30)) == 0
    assert reminder_run(kind="project_evaluations_due", day=evaluation.due_on) == 1
    assert Notification.objects.get().user == evaluator


# Query counts


def test_evaluation_list_and_page_query_counts(
    as_user, district_admin, evaluation, evaluator, django_assert_max_num_queries
):
    score_all(evaluator, evaluation)
    browser = as_user(evaluator)
    with django_assert_max_num_queries(20):
        assert browser.get(url("evaluation_list")).status_code == 200
    # The page reads the project's record (facts, contract, reports, visits) and the score sheet:
    # a fixed number of queries, whatever the number of indicators, scores or items.
    with django_assert_max_num_queries(40):
        assert browser.get(url("evaluation_detail", evaluation.pk)).status_code == 200
    district = as_user(district_admin)
    with django_assert_max_num_queries(20):
        assert district.get(url("evaluation_scheme_list")).status_code == 200


def test_evaluators_are_not_reminded_of_calls_as_applicants(evaluator, provider_staff):
    from tests.projects.factories import make_call

    today = timezone.localdate()
    make_call(title="将截止的批次", opens_on=today - timedelta(days=5), closes_on=today + timedelta(days=1))
    reminder_run(kind="project_calls_closing", day=today)
    assert Notification.objects.filter(user=provider_staff).exists()
    assert not Notification.objects.filter(user=evaluator).exists()


def test_scheme_edit_page_shows_the_indicators_as_lines(as_user, district_admin, scheme):
    page = as_user(district_admin).get(url("evaluation_scheme_edit", scheme.pk)).content.decode()
    assert "服务规范 | 10.0 | 流程符合标准" in page and 'value="60.0"' in page


def test_the_evaluation_page_leads_its_evaluators_and_the_district_to_the_sample_when_the_scheme_asks(
    as_user, evaluation, evaluator, district_admin, provider_staff
):
    sample = reverse("casework:evaluation_sample", args=[evaluation.pk])
    page = url("evaluation_detail", evaluation.pk)
    assert sample not in as_user(evaluator).get(page).content.decode()  # no calls in this scheme
    type(evaluation.scheme).objects.filter(pk=evaluation.scheme_id).update(satisfaction_calls=True)
    for person in (evaluator, district_admin):
        assert sample in as_user(person).get(page).content.decode()
    assert sample not in as_user(provider_staff).get(page).content.decode()  # the provider never
