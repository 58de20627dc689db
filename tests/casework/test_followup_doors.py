"""The doors of follow-ups after closing and of evaluation samples: pages, API, reminders and the
evaluator's narrow view (casework.views.followups, casework.api.cases, casework.reminders)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from casework import services
from casework.models import Case, FollowUp
from socialwork.models import AuditEntry, Notification
from socialwork.reminders import reminder_run
from socialwork.roles import Role
from tests.casework.followup_fixtures import (
    after_closing,
    closed_case,
    make_evaluation,
    make_questions,
    record,
)
from tests.factories import AUDIT_CHAIN, make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def questions():
    return make_questions()


@pytest.fixture
def evaluator(network):
    return make_user("evaluator", Role.EVALUATOR, region=network.district, full_name="孙评估")


def _post_answers(questions, score, **extra):
    data = {
        "done_on": TODAY.isoformat(),
        "method": "phone",
        "result": "电话回访，生活稳定",
        "comment": "满意",
    }
    data.update({f"q{q.pk}": str(score) for q in questions})
    data.update(extra)
    return data


# The follow-up page


def test_the_worker_records_the_follow_up_with_the_questionnaire(
    social_worker, supervisor, questions, as_user, django_assert_max_num_queries
):
    case = closed_case(social_worker, supervisor)
    follow_up = after_closing(case)
    client = as_user(social_worker)
    url = f"/casework/follow-ups/{follow_up.pk}/record/"
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and "总体满意度" in page.content.decode()
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert url in case_page
    response = client.post(url, _post_answers(questions, 5))
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_on == TODAY and follow_up.satisfaction_average == 5
    timeline = client.get(case.get_absolute_url()).content.decode()
    assert "服务及时性" in timeline and "5.00" in timeline


def test_a_partial_questionnaire_is_shown_again_with_the_error(social_worker, supervisor, questions, as_user):
    follow_up = after_closing(closed_case(social_worker, supervisor))
    data = _post_answers(questions[:1], 4)
    response = as_user(social_worker).post(f"/casework/follow-ups/{follow_up.pk}/record/", data)
    assert response.status_code == 400 and "every question" in response.content.decode()


def test_someone_outside_the_case_does_not_reach_the_follow_up(
    social_worker, supervisor, other_worker, evaluator, questions, as_user
):
    follow_up = after_closing(closed_case(social_worker, supervisor))
    for outsider in (other_worker, evaluator):
        assert as_user(outsider).get(f"/casework/follow-ups/{follow_up.pk}/record/").status_code == 404


# The API


def test_the_api_records_a_follow_up_after_closing_with_answers(social_worker, supervisor, questions, api):
    case = closed_case(social_worker, supervisor)
    follow_up = after_closing(case)
    client = api(social_worker)
    listed = client.get("/api/v1/satisfaction-questions/").json()
    assert [q["text"] for q in listed] == ["服务态度", "服务及时性", "问题解决程度", "总体满意度"]
    response = client.post(
        f"/api/v1/cases/{case.pk}/follow-ups/{follow_up.pk}/done/",
        {"result": "电话回访", "method": "phone", "comment": "好",
         "answers": [{"question": q["id"], "score": 4} for q in listed]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["kind"] == "after_closing" and data["satisfaction_average"] == "4.00"
    assert [a["wording"] for a in data["answers"]][0] == "服务态度"
    missing = client.post(
        f"/api/v1/cases/{case.pk}/follow-ups/{follow_up.pk}/done/", {"result": "x"}, format="json"
    )
    assert missing.status_code == 400


def test_the_questions_are_read_by_who_asks_them_and_nobody_anonymous(evaluator, api, questions):
    from rest_framework.test import APIClient

    assert len(api(evaluator).get("/api/v1/satisfaction-questions/").json()) == 4
    assert APIClient().get("/api/v1/satisfaction-questions/").status_code in (401, 403)


# Reminders


def test_the_worker_and_the_station_manager_hear_of_a_follow_up_after_closing_due(
    social_worker, supervisor, station_manager
):
    # Titles are written in each recipient's language: English here, to read them below.
    get_user_model().objects.update(language="en")
    case = closed_case(social_worker, supervisor)
    due = after_closing(case).due_on
    kind = "casework_after_closing_follow_ups_due"
    assert reminder_run(kind=kind, day=due - timedelta(days=1)) == 0
    assert reminder_run(kind=kind, day=due) == 2
    assert reminder_run(kind=kind, day=due) == 0
    assert reminder_run(kind=kind, day=due + timedelta(days=3)) == 2
    titles = set(Notification.objects.filter(kind=kind).values_list("user__username", "title"))
    assert ("manager_a", f"Follow-up after closing of case {case.number} due today") in titles
    assert any("overdue since" in title for _user, title in titles)
    # The general follow-up reminder leaves it to this one.
    assert reminder_run(kind="casework_follow_ups_due", day=due) == 0


def test_a_follow_up_done_is_no_longer_reminded(social_worker, supervisor, questions):
    case = closed_case(social_worker, supervisor)
    record(social_worker, case, questions, 4)
    kind = "casework_after_closing_follow_ups_due"
    assert reminder_run(kind=kind, day=TODAY + timedelta(days=60)) == 0


# The sample pages


@pytest.fixture
def sampled(social_worker, supervisor, district_admin, evaluator, network):
    evaluation = make_evaluation(
        district_admin=district_admin, community=network.community_a, evaluators=[evaluator], phone=2, site=1
    )
    cases = [closed_case(social_worker, supervisor) for _ in range(4)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(project=evaluation.project)
    return evaluation


def test_the_district_draws_the_sample_and_sees_case_numbers_only(sampled, district_admin, as_user):
    client = as_user(district_admin)
    url = f"/casework/evaluations/{sampled.pk}/sample/"
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 302
    page = client.get(url).content.decode()
    sample = sampled.samples.get()
    for row in sample.cases.select_related("case"):
        assert row.case.number in page
        assert row.case.clients.get().name not in page
    again = client.post(url, {})
    assert again.status_code == 400 and "say why" in again.content.decode()
    assert client.post(url, {"reason": "名单有误"}).status_code == 302
    assert sampled.samples.filter(current=True).count() == 1


def test_the_evaluator_sees_masked_clients_shows_one_audited_and_records_the_call(
    sampled, district_admin, evaluator, questions, as_user, django_assert_max_num_queries
):
    sample = services.evaluation_sample_draw(actor=district_admin, evaluation=sampled)
    row = sample.cases.select_related("case").first()
    name = row.case.clients.get().name
    client = as_user(evaluator)
    url = f"/casework/evaluations/{sampled.pk}/sample/"
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert name not in page and name[0] + "*" in page
    shown = client.post(f"{url}{row.pk}/reveal/", headers={"HX-Request": "true"})
    assert shown.status_code == 200 and name in shown.content.decode()
    assert AuditEntry.objects.filter(action="evaluation_sample.reveal", actor=evaluator).count() == 1
    record_url = f"{url}{row.pk}/record/"
    assert client.get(record_url).status_code == 200
    assert client.post(record_url, _post_answers(questions, 4, method="")).status_code == 302
    row.refresh_from_db()
    assert row.follow_up.kind == FollowUp.Kind.SAMPLED and row.follow_up.satisfaction_average == 4
    # Nothing else of casework opens to them.
    assert client.get(row.case.get_absolute_url()).status_code in (403, 404)
    assert (
        client.get("/casework/cases/").status_code in (403, 404)
        or name not in client.get("/casework/cases/").content.decode()
    )


def test_outsiders_do_not_reach_the_sample(sampled, district_admin, station_manager, as_user, network):
    services.evaluation_sample_draw(actor=district_admin, evaluation=sampled)
    row = sampled.samples.get().cases.first()
    other = make_user("evaluator2", Role.EVALUATOR, region=network.district)
    url = f"/casework/evaluations/{sampled.pk}/sample/"
    for outsider in (station_manager, other):
        assert as_user(outsider).get(url).status_code == 404
        assert as_user(outsider).post(f"{url}{row.pk}/reveal/").status_code == 404
    # The district follows the sample but never sees a client.
    assert as_user(district_admin).post(f"{url}{row.pk}/reveal/").status_code == 404
    assert not AuditEntry.objects.filter(action="evaluation_sample.reveal").exists()


def test_the_reveal_costs_a_bounded_number_of_queries(
    sampled, district_admin, evaluator, as_user, django_assert_max_num_queries
):
    services.evaluation_sample_draw(actor=district_admin, evaluation=sampled)
    row = sampled.samples.get().cases.first()
    client = as_user(evaluator)
    with django_assert_max_num_queries(16 + AUDIT_CHAIN):
        client.post(
            f"/casework/evaluations/{sampled.pk}/sample/{row.pk}/reveal/", headers={"HX-Request": "true"}
        )


# The figures on the station page, the project page and the district dashboard


def test_the_station_page_shows_its_satisfaction_figures(
    social_worker, supervisor, questions, station_manager, as_user
):
    case = closed_case(social_worker, supervisor)
    record(social_worker, case, questions, 5)
    closed_case(social_worker, supervisor)
    page = as_user(station_manager).get(f"/network/units/{case.station_id}/").content.decode()
    assert 'id="satisfaction-figures"' in page and "50.0%（1/2）" in page and "100.0%（1/1）" in page


def test_the_project_page_shows_the_satisfaction_of_its_cases(
    sampled, social_worker, district_admin, questions, as_user
):
    case = Case.objects.filter(project=sampled.project).first()
    record(social_worker, case, questions, 2)
    page = as_user(district_admin).get(sampled.project.get_absolute_url()).content.decode()
    assert "25.0%（1/4）" in page and "0.0%（0/1）" in page


def test_the_dashboard_counts_satisfaction_by_station(
    social_worker, other_worker, supervisor, questions, district_admin, network
):
    from reports.figures import chapters

    record(social_worker, closed_case(social_worker, supervisor), questions, 4)
    closed_case(other_worker, supervisor)  # closed at the other station, not called back yet
    table = next(
        t
        for c in chapters(user=district_admin, year=TODAY.year)
        for t in c.tables
        if t.key == "satisfaction_by_station"
    )
    assert sorted(table.rows) == sorted(
        [[network.station_a.name, 1, 1, 100.0, 1, 1, 100.0], [network.station_b.name, 1, 0, 0.0, 0, 0, "—"]]
    )
    assert table.total == ["Total", 2, 1, 50.0, 1, 1, 100.0], (
        "the stations' counts added up, the rates of the sums"
    )
