"""Project evaluation services: the scheme's weights, score and grade, who may do what, the
rectification list and the conclusion, with their audit rows and notifications."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from projects.models import Acceptance, Evaluation, Project, RectificationItem
from projects.selectors.evaluations import final_evaluation_of, grade_for, past_final_grades, scheme_for
from projects.services import acceptance_record
from projects.services import evaluations as services
from projects.timeline import project_timeline
from socialwork.models import AuditEntry, Notification
from tests.projects.evaluation_fixtures import domains, indicators, score_all

E = Evaluation.Status
pytestmark = pytest.mark.django_db


def test_scheme_weights_must_sum_to_100(district_admin, ev_call, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    rows = domains()
    rows[1]["weight"] = "30"
    with pytest.raises(ValidationError) as error:
        services.scheme_save(actor=district_admin, title="x", call=ev_call, domains=rows)
    assert "100" in str(error.value.message_dict["domains"])


def test_scheme_needs_an_indicator_in_each_domain_and_a_positive_full_score(district_admin, ev_call):
    rows = domains()
    rows[1]["indicators"] = []
    with pytest.raises(ValidationError):
        services.scheme_save(actor=district_admin, title="x", call=ev_call, domains=rows)
    rows = domains()
    rows[0]["indicators"][0]["full_score"] = "0"
    with pytest.raises(ValidationError):
        services.scheme_save(actor=district_admin, title="x", call=ev_call, domains=rows)


def test_scheme_thresholds_must_rise(district_admin, ev_call):
    with pytest.raises(ValidationError):
        services.scheme_save(
            actor=district_admin, title="x", call=ev_call, domains=domains(), good_from=95, excellent_from=90
        )


def test_only_the_district_saves_a_scheme(org_staff, evaluator, ev_call):
    for person in (org_staff, evaluator):
        with pytest.raises(ValidationError):
            services.scheme_save(actor=person, title="x", call=ev_call, domains=domains())


def test_scheme_save_is_audited_and_edits(district_admin, scheme):
    rows = domains()
    rows[0]["name"] = "服务过程（修订）"
    services.scheme_save(
        actor=district_admin, scheme=scheme, title="评估指标", call=scheme.call, domains=rows
    )
    assert list(scheme.domains.values_list("name", flat=True)) == ["服务过程（修订）", "服务成效"]
    assert AuditEntry.objects.filter(action="evaluation_scheme.change").count() == 1


def test_scored_scheme_keeps_its_indicators(district_admin, scheme, evaluation, evaluator):
    score_all(evaluator, evaluation)
    rows = domains()
    rows[0]["name"] = "改名"
    with pytest.raises(ValidationError):
        services.scheme_save(
            actor=district_admin, scheme=scheme, title="评估指标", call=scheme.call, domains=rows
        )


def test_call_scheme_wins_over_year_scheme(district_admin, running, ev_call):
    year_scheme = services.scheme_save(
        actor=district_admin, title="年度", year=ev_call.year, domains=domains()
    )
    assert scheme_for(running) == year_scheme
    call_scheme = services.scheme_save(actor=district_admin, title="本批次", call=ev_call, domains=domains())
    assert scheme_for(running) == call_scheme


def test_grade_thresholds(scheme):
    assert grade_for(scheme=scheme, score=Decimal("90")) == "excellent"
    assert grade_for(scheme=scheme, score=Decimal("89.9")) == "good"
    assert grade_for(scheme=scheme, score=Decimal("80")) == "good"
    assert grade_for(scheme=scheme, score=Decimal("60")) == "fair"
    assert grade_for(scheme=scheme, score=Decimal("59.9")) == "poor"


def test_total_is_weight_times_domain_share(evaluation, evaluator):
    # 服务过程 (60): 14/20 → 42; 服务成效 (40): 15/20 → 30; total 72 → fair.
    evaluation = score_all(evaluator, evaluation)
    assert evaluation.score == Decimal("72.0")
    assert evaluation.grade == "fair"
    assert evaluation.status == E.SCORING
    assert evaluation.findings == "总体良好"
    evaluation = score_all(evaluator, evaluation, values=("10", "10", "18"))
    assert evaluation.score == Decimal("96.0") and evaluation.grade == "excellent"


def test_score_must_lie_within_the_full_score(evaluation, evaluator):
    with pytest.raises(ValidationError):
        score_all(evaluator, evaluation, values=("11", "6", "15"))
    with pytest.raises(ValidationError):
        score_all(evaluator, evaluation, values=("-1", "6", "15"))


def test_assign_notifies_the_evaluators_and_is_audited(evaluation, evaluator):
    assert Notification.objects.filter(user=evaluator, kind="projects_evaluation_assigned").exists()
    assert AuditEntry.objects.filter(action="evaluation.assign", target_id=str(evaluation.pk)).exists()


def test_assign_refuses_people_outside_the_organization(
    district_admin, running, scheme, assessor_org, provider_staff, network
):
    with pytest.raises(ValidationError):
        services.evaluation_assign(
            actor=district_admin, project=running, stage="final", evaluating_organization=assessor_org,
            evaluators=[provider_staff],
        )  # fmt: skip


def test_assign_refuses_the_provider_itself_and_a_draft(district_admin, running, scheme, provider, network):
    with pytest.raises(ValidationError):
        services.evaluation_assign(
            actor=district_admin, project=running, stage="final", evaluating_organization=provider
        )
    running.status = Project.Status.DRAFT
    running.save()
    with pytest.raises(ValidationError):
        services.evaluation_assign(actor=district_admin, project=running, stage="mid_term")


def test_only_the_district_assigns(evaluator, provider_staff, running, scheme):
    for person in (evaluator, provider_staff):
        with pytest.raises(ValidationError):
            services.evaluation_assign(actor=person, project=running, stage="final")


def test_who_may_score(evaluation, other_evaluator, provider_staff, district_admin):
    # An evaluator of the organization not assigned, the provider, the district (a third party's
    # evaluation): none may score.
    for person in (other_evaluator, provider_staff, district_admin):
        with pytest.raises(ValidationError):
            score_all(person, evaluation)


def test_the_district_scores_and_concludes_its_own_evaluation(district_admin, running, scheme):
    evaluation = services.evaluation_assign(actor=district_admin, project=running, stage="mid_term")
    score_all(district_admin, evaluation)
    evaluation = services.evaluation_conclude(actor=district_admin, evaluation=evaluation, conclusion="合格")
    assert evaluation.status == E.CONCLUDED


def test_rectification_round_trip(evaluation, evaluator, provider_staff, district_admin):
    today = timezone.localdate()
    item = services.rectification_add(
        actor=evaluator, evaluation=evaluation, problem="档案不全", required="补齐服务档案", due_on=today
    )
    evaluation.refresh_from_db()
    assert evaluation.status == E.RECTIFYING
    assert Notification.objects.filter(user=provider_staff, kind="projects_rectification_requested").exists()
    with pytest.raises(ValidationError):  # the evaluator does not answer for the provider
        services.rectification_respond(actor=evaluator, item=item, response="x")
    item = services.rectification_respond(actor=provider_staff, item=item, response="已补齐")
    assert item.status == RectificationItem.Status.RESPONDED
    assert Notification.objects.filter(user=evaluator, kind="projects_rectification_responded").exists()
    with pytest.raises(ValidationError):  # returning needs a reason
        services.rectification_review(actor=evaluator, item=item, accept=False)
    item = services.rectification_review(actor=evaluator, item=item, accept=False, reason="缺少签名")
    assert item.status == RectificationItem.Status.RETURNED
    item = services.rectification_respond(actor=provider_staff, item=item, response="已补签")
    with pytest.raises(ValidationError):  # the provider does not accept its own response
        services.rectification_review(actor=provider_staff, item=item, accept=True)
    services.rectification_review(actor=evaluator, item=item, accept=True)
    evaluation.refresh_from_db()
    assert evaluation.status == E.SCORING
    actions = set(AuditEntry.objects.filter(target_id=str(item.pk)).values_list("action", flat=True))
    assert {
        "rectification.add",
        "rectification.respond",
        "rectification.return",
        "rectification.accept",
    } <= actions


def test_rectification_deadline_not_in_the_past(evaluation, evaluator):
    with pytest.raises(ValidationError):
        services.rectification_add(
            actor=evaluator, evaluation=evaluation, problem="a", required="b",
            due_on=timezone.localdate() - timedelta(days=1),
        )  # fmt: skip


def test_conclude_needs_every_score_and_every_item_accepted(evaluation, evaluator, provider_staff):
    with pytest.raises(ValidationError):
        services.evaluation_conclude(actor=evaluator, evaluation=evaluation, conclusion="良好")
    score_all(evaluator, evaluation)
    item = services.rectification_add(
        actor=evaluator, evaluation=evaluation, problem="a", required="b", due_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        services.evaluation_conclude(actor=evaluator, evaluation=evaluation, conclusion="良好")
    services.rectification_respond(actor=provider_staff, item=item, response="done")
    services.rectification_review(actor=evaluator, item=item, accept=True)
    evaluation = services.evaluation_conclude(actor=evaluator, evaluation=evaluation, conclusion="良好")
    assert evaluation.status == E.CONCLUDED and evaluation.grade == "fair"
    assert evaluation.concluded_on == timezone.localdate()
    assert Notification.objects.filter(user=provider_staff, kind="projects_evaluation_concluded").exists()
    with pytest.raises(ValidationError):  # concluded: nothing more
        score_all(evaluator, evaluation)


def test_final_grade_feeds_acceptance_and_the_record(
    evaluation, evaluator, district_admin, running, provider
):
    score_all(evaluator, evaluation)
    evaluation = services.evaluation_conclude(actor=evaluator, evaluation=evaluation, conclusion="良好")
    assert final_evaluation_of(running) == evaluation
    assert list(past_final_grades(organization_id=provider.pk)) == [evaluation]
    running.status = Project.Status.UNDER_ACCEPTANCE
    running.save()
    acceptance = acceptance_record(
        actor=district_admin, project=running, evaluator="评估中心", score=evaluation.score,
        conclusion=Acceptance.Conclusion.PASS, evaluated_on=timezone.localdate(),
    )  # fmt: skip
    assert acceptance.evaluation == evaluation


def test_every_step_is_on_the_timeline(evaluation, evaluator, provider_staff, running):
    item = services.rectification_add(
        actor=evaluator, evaluation=evaluation, problem="a", required="补齐档案", due_on=timezone.localdate()
    )
    services.rectification_respond(actor=provider_staff, item=item, response="done")
    services.rectification_review(actor=evaluator, item=item, accept=True)
    score_all(evaluator, evaluation)
    services.evaluation_conclude(actor=evaluator, evaluation=evaluation, conclusion="良好")
    from projects.selectors import projects_visible_to
    from projects.timeline import TIMELINE_PREFETCH

    project = projects_visible_to(user=evaluator).prefetch_related(*TIMELINE_PREFETCH).get(pk=running.pk)
    kinds = [event.kind for event in project_timeline(project)]
    for kind in ("evaluation_assigned", "rectification", "rectification_response", "rectification_review",
                 "evaluation_concluded"):  # fmt: skip
        assert kind in kinds


def test_indicator_list_in_order(evaluation):
    assert [i.name for i in indicators(evaluation)] == ["服务规范", "专业方法", "目标达成"]
