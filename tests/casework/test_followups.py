"""Follow-ups after closing (回访), the satisfaction questionnaire, the satisfaction figures and the
samples an evaluation draws for satisfaction calls (casework.services.followups, casework.selectors)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework import selectors, services
from casework.models import Case, CaseworkPolicy, EvaluationSample, FollowUp, SampledCase, SatisfactionAnswer
from casework.services.followups import mask_name, sample_draw_picks
from socialwork.models import AuditEntry
from socialwork.roles import Role
from tests.casework.factories import make_case
from tests.casework.followup_fixtures import (
    after_closing,
    answer_all,
    closed_case,
    make_evaluation,
    make_questions,
    record,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def questions():
    return make_questions()


@pytest.fixture
def evaluator(network):
    return make_user("evaluator", Role.EVALUATOR, region=network.district, full_name="孙评估")


# Scheduling


def test_approving_a_closing_plans_a_follow_up_after_closing_for_the_policy_days(social_worker, supervisor):
    CaseworkPolicy.objects.update_or_create(pk=1, defaults={"follow_up_after_days": 45})
    case = closed_case(social_worker, supervisor)
    follow_up = after_closing(case)
    assert follow_up.due_on == TODAY + timedelta(days=45)
    assert follow_up.done_on is None and follow_up.author == supervisor
    assert AuditEntry.objects.filter(action="follow_up.schedule", target_id=str(case.pk)).exists()


def test_a_returned_closing_plans_no_follow_up(social_worker, supervisor):
    case = make_case(social_worker, supervisor=supervisor)
    services.case_move(actor=social_worker, case=case, move="assess")
    closing = services.closing_request(actor=social_worker, case=case, reason="other", summary="案主搬走")
    services.closing_decide(actor=supervisor, closing=closing, approve=False, comment="补充材料")
    assert not FollowUp.objects.filter(case=case).exists()


# The questionnaire


def test_the_answers_keep_the_wording_asked_and_the_average(social_worker, supervisor, questions):
    case = closed_case(social_worker, supervisor)
    follow_up = services.follow_up_record(
        actor=social_worker, follow_up=after_closing(case), done_on=TODAY, method="visit", result="上门回访",
        answers={questions[0].pk: 5, questions[1].pk: 4, questions[2].pk: 4, questions[3].pk: 4},
        comment="社工很耐心",
    )  # fmt: skip
    assert follow_up.satisfaction_average == Decimal("4.25") and follow_up.method == "visit"
    questions[0].text = "社工的服务态度"
    questions[0].save()
    answers = list(follow_up.answers.values_list("wording", "score"))
    assert answers == [("服务态度", 5), ("服务及时性", 4), ("问题解决程度", 4), ("总体满意度", 4)]
    follow_up.refresh_from_db()
    assert follow_up.comment == "社工很耐心" and follow_up.done_by == social_worker


def test_every_question_or_none_is_answered(social_worker, supervisor, questions):
    case = closed_case(social_worker, supervisor)
    with pytest.raises(ValidationError, match="every question"):
        services.follow_up_record(
            actor=social_worker, follow_up=after_closing(case), done_on=TODAY, method="phone", result="回访",
            answers={questions[0].pk: 5},
        )  # fmt: skip
    with pytest.raises(ValidationError, match="1 to 5"):
        record(social_worker, case, questions, 6)
    with pytest.raises(ValidationError):
        record(social_worker, case, questions, 4, method="")
    follow_up = record(social_worker, case, questions, None, result="案主不愿作答")
    assert follow_up.satisfaction_average is None and not follow_up.answers.exists()


def test_a_retired_question_is_not_asked_but_old_answers_stay(social_worker, supervisor, questions):
    first, second = closed_case(social_worker, supervisor), closed_case(social_worker, supervisor)
    record(social_worker, first, questions, 5)
    questions[3].active = False
    questions[3].save()
    record(social_worker, second, questions[:3], 3)
    assert after_closing(first).answers.count() == 4 and after_closing(second).answers.count() == 3


def test_only_the_case_team_records_the_follow_up(social_worker, supervisor, other_worker, questions):
    case = closed_case(social_worker, supervisor)
    with pytest.raises(ValidationError):
        record(other_worker, case, questions, 5)


# The figures


def test_satisfied_is_answered_with_an_average_of_at_least_the_policy(social_worker, supervisor, questions):
    cases = [closed_case(social_worker, supervisor) for _ in range(4)]
    record(social_worker, cases[0], questions, 5)
    record(social_worker, cases[1], questions, 4)
    record(social_worker, cases[2], questions, 3)
    make_case(social_worker)  # open: not counted as closed
    figures = selectors.satisfaction_figures(Case.objects.all())
    assert (figures.closed, figures.followed_up, figures.answered, figures.satisfied) == (4, 3, 3, 2)
    assert figures.followed_up_share == 0.75 and figures.satisfaction_rate == pytest.approx(2 / 3)
    CaseworkPolicy.objects.update_or_create(region=None, defaults={"satisfied_from": Decimal("3")})
    assert selectors.satisfaction_figures(Case.objects.all()).satisfied == 3


def test_figures_of_no_cases_have_no_rates(db):
    figures = selectors.satisfaction_figures(Case.objects.none())
    assert figures.closed == 0 and figures.followed_up_share is None and figures.satisfaction_rate is None


def test_figures_by_station_count_each_station(social_worker, supervisor, other_worker, questions, network):
    other_supervisor = make_user("sup_b", Role.SUPERVISOR, unit=network.room_b)
    mine = closed_case(social_worker, supervisor)
    record(social_worker, mine, questions, 5)
    closed_case(other_worker, other_supervisor)
    by_station = selectors.satisfaction_figures_by(Case.objects.all(), "station")
    assert by_station[mine.station_id].satisfied == 1
    other = [figures for station, figures in by_station.items() if station != mine.station_id][0]
    assert (other.closed, other.followed_up, other.answered) == (1, 0, 0)


def test_figures_cost_two_queries(social_worker, supervisor, questions, django_assert_max_num_queries):
    for _ in range(3):
        record(social_worker, closed_case(social_worker, supervisor), questions, 4)
    with django_assert_max_num_queries(2):
        selectors.satisfaction_figures_by(Case.objects.all(), "station")


# Evaluation samples


def _project_cases(evaluation, worker, supervisor, n):
    cases = [closed_case(worker, supervisor) for _ in range(n)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(project=evaluation.project)
    return cases


def test_a_sample_draws_per_station_up_to_the_sizes_and_records_its_seed(
    social_worker, supervisor, other_worker, district_admin, network
):
    other_supervisor = make_user("sup_b", Role.SUPERVISOR, unit=network.room_b)
    evaluation = make_evaluation(
        district_admin=district_admin, community=network.community_a, phone=2, site=1
    )
    mine = _project_cases(evaluation, social_worker, supervisor, 5)
    theirs = _project_cases(evaluation, other_worker, other_supervisor, 2)
    closed_case(social_worker, supervisor)  # of no project: never sampled
    sample = services.evaluation_sample_draw(actor=district_admin, evaluation=evaluation)
    rows = list(sample.cases.values_list("station_id", "method", "case_id"))
    at_a = [r for r in rows if r[0] == mine[0].station_id]
    at_b = [r for r in rows if r[0] == theirs[0].station_id]
    assert sorted(m for _s, m, _c in at_a) == ["phone", "phone", "visit"]
    assert sorted(m for _s, m, _c in at_b) == ["phone", "phone"]
    assert {c for _s, _m, c in at_a} <= {c.pk for c in mine}
    assert len(sample.seed) == 16 and "random.Random" in sample.method
    entry = AuditEntry.objects.get(action="evaluation_sample.draw")
    assert sample.seed in str(entry.changes)
    # The seed repeats the draw.
    again = list(
        sample_draw_picks(
            seed=sample.seed, by_station={mine[0].station_id: sorted(c.pk for c in mine)}, phone=2, site=1
        )
    )
    assert {(s, c, m) for s, c, m, _p in again} == {(s, c, m) for s, m, c in at_a}


def test_different_seeds_draw_different_samples():
    pks = list(range(1, 101))
    draws = {tuple(c for _s, c, _m, _p in sample_draw_picks(seed=s, by_station={1: pks}, phone=5, site=0))
             for s in ("a", "b", "c")}  # fmt: skip
    assert len(draws) == 3


def test_drawing_again_needs_a_reason_and_keeps_the_first(social_worker, supervisor, district_admin, network):
    evaluation = make_evaluation(district_admin=district_admin, community=network.community_a)
    _project_cases(evaluation, social_worker, supervisor, 4)
    first = services.evaluation_sample_draw(actor=district_admin, evaluation=evaluation)
    with pytest.raises(ValidationError, match="say why"):
        services.evaluation_sample_draw(actor=district_admin, evaluation=evaluation)
    second = services.evaluation_sample_draw(
        actor=district_admin, evaluation=evaluation, reason="抽样名单有误"
    )
    first.refresh_from_db()
    assert not first.current and second.current and second.reason == "抽样名单有误"
    assert EvaluationSample.objects.filter(evaluation=evaluation).count() == 2
    assert AuditEntry.objects.filter(action="evaluation_sample.redraw").exists()


def test_only_the_district_or_its_evaluators_draw_and_only_when_the_scheme_asks(
    social_worker, supervisor, station_manager, district_admin, evaluator, network
):
    evaluation = make_evaluation(district_admin=district_admin, community=network.community_a)
    _project_cases(evaluation, social_worker, supervisor, 2)
    for outsider in (station_manager, evaluator):
        with pytest.raises(ValidationError):
            services.evaluation_sample_draw(actor=outsider, evaluation=evaluation)
    evaluation.evaluators.add(evaluator)
    assert services.evaluation_sample_draw(actor=evaluator, evaluation=evaluation).cases.count() == 2
    no_calls = make_evaluation(district_admin=district_admin, community=network.community_a, calls=False)
    with pytest.raises(ValidationError, match="no satisfaction calls"):
        services.evaluation_sample_draw(actor=district_admin, evaluation=no_calls)


def test_an_evaluator_reaches_only_the_sampled_clients_of_their_evaluation(
    social_worker, supervisor, district_admin, evaluator, network, questions
):
    evaluation = make_evaluation(
        district_admin=district_admin, community=network.community_a, evaluators=[evaluator], phone=1, site=0
    )
    cases = _project_cases(evaluation, social_worker, supervisor, 3)
    sample = services.evaluation_sample_draw(actor=district_admin, evaluation=evaluation)
    sampled = sample.cases.get()
    assert not selectors.cases_visible_to(user=evaluator).exists()
    assert not selectors.clients_visible_to(user=evaluator).exists()
    shown = services.sampled_client_reveal(actor=evaluator, sampled=sampled)
    client = sampled.case.clients.get()
    assert shown == {"name": client.name, "phone": client.phone or ""}
    entry = AuditEntry.objects.get(action="evaluation_sample.reveal")
    assert entry.actor == evaluator and entry.summary == sampled.case.number
    other = make_user("evaluator2", Role.EVALUATOR, region=network.district)
    with pytest.raises(ValidationError):
        services.sampled_client_reveal(actor=other, sampled=sampled)
    with pytest.raises(ValidationError):
        services.sampled_client_reveal(actor=district_admin, sampled=sampled)
    assert len(cases) == 3


def test_a_sampled_call_feeds_the_evaluations_figures(
    social_worker, supervisor, district_admin, evaluator, network, questions
):
    evaluation = make_evaluation(
        district_admin=district_admin, community=network.community_a, evaluators=[evaluator], phone=2, site=0
    )
    _project_cases(evaluation, social_worker, supervisor, 2)
    sample = services.evaluation_sample_draw(actor=district_admin, evaluation=evaluation)
    first, second = sample.cases.all()
    follow_up = services.sampled_call_record(
        actor=evaluator, sampled=first, done_on=TODAY, result="电话抽访", answers=answer_all(questions, 5)
    )
    assert follow_up.kind == FollowUp.Kind.SAMPLED and follow_up.method == "phone"
    assert SatisfactionAnswer.objects.filter(follow_up=follow_up).count() == 4
    with pytest.raises(ValidationError, match="already recorded"):
        services.sampled_call_record(actor=evaluator, sampled=SampledCase.objects.get(pk=first.pk), done_on=TODAY,
                                     result="再次")  # fmt: skip
    services.sampled_call_record(
        actor=evaluator, sampled=second, done_on=TODAY, result="电话抽访", answers=answer_all(questions, 2)
    )
    figures = selectors.evaluation_satisfaction_figures(evaluation)
    assert (figures.closed, figures.followed_up, figures.answered, figures.satisfied) == (2, 2, 2, 1)
    # A sampled call is not the station's own follow-up after closing.
    assert selectors.satisfaction_figures(Case.objects.all()).answered == 0


def test_names_are_masked():
    assert mask_name("张三") == "张*" and mask_name("欧阳晓明") == "欧**明" and mask_name("") == ""
