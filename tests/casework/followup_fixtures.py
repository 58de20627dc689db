"""Closed cases with their follow-up after closing, questions, and an evaluation of a project
whose scheme asks for satisfaction calls: shared by the follow-up tests."""

from datetime import timedelta

from django.utils import timezone

from casework import services
from casework.models import Case, FollowUp, SatisfactionQuestion
from projects.models import Evaluation, EvaluationScheme
from tests.casework.factories import case_in_intervention
from tests.projects.factories import make_call, make_project

QUESTIONS = ("服务态度", "服务及时性", "问题解决程度", "总体满意度")


def make_questions():
    return [SatisfactionQuestion.objects.create(text=text, order=n) for n, text in enumerate(QUESTIONS, 1)]


def closed_case(worker, supervisor, **fields) -> Case:
    """A case taken to its closing, approved by the supervisor."""
    case = case_in_intervention(worker, supervisor, **fields)
    services.case_move(actor=worker, case=case, move="evaluate")
    closing = services.closing_request(actor=worker, case=case, reason="goals_reached", summary="目标达成")
    services.closing_decide(actor=supervisor, closing=closing, approve=True)
    case.refresh_from_db()
    return case


def after_closing(case) -> FollowUp:
    return case.follow_ups.get(kind=FollowUp.Kind.AFTER_CLOSING)


def answer_all(questions, score: int) -> dict:
    return {q.pk: score for q in questions}


def record(actor, case, questions, score, **fields) -> FollowUp:
    fields.setdefault("method", FollowUp.Method.PHONE)
    fields.setdefault("result", "电话回访，案主生活稳定")
    return services.follow_up_record(
        actor=actor, follow_up=after_closing(case), done_on=timezone.localdate(),
        answers=answer_all(questions, score) if score else None, **fields,
    )  # fmt: skip


def make_evaluation(*, district_admin, community, evaluators=(), phone=2, site=1, calls=True) -> Evaluation:
    project = make_project(
        call=make_call(), community=community, created_by=district_admin, status="in_progress"
    )
    scheme = EvaluationScheme.objects.create(
        title="年度评估方案", year=timezone.localdate().year, satisfaction_calls=calls, phone_sample_size=phone,
        site_sample_size=site, created_by=district_admin,
    )  # fmt: skip
    evaluation = Evaluation.objects.create(
        project=project, scheme=scheme, stage=Evaluation.Stage.FINAL, assigned_by=district_admin,
        due_on=timezone.localdate() + timedelta(days=30),
    )  # fmt: skip
    evaluation.evaluators.set(evaluators)
    return evaluation
