"""One declaration of what can be done to a case, its service plan, its closing and its transfer
(casework.workflow): in every state, for every part a person may play, the case page's buttons
and forms (`data-action`), the API's `actions` and what the services accept are the same set."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework import services, workflow
from casework.models import Approval, Case, Closing, FollowUp, PlanTask, Referral, ServicePlan, Transfer
from socialwork.actions import ActionNotAllowed
from tests.casework.factories import case_in_intervention, grant_access, make_case
from tests.doors import page_actions

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


class RolledBack(Exception):
    """Raised inside a tried service's savepoint so that nothing it wrote stays."""


def _plan(case):
    return case.plans.order_by("-version").first()


def _closing(case):
    return case.closings.filter(status=Approval.SUBMITTED).first()


def _transfer(case):
    return case.transfers.filter(status=Transfer.Status.PENDING).first()


def _task(case):
    plan = _plan(case)
    tasks = PlanTask.objects.filter(plan=plan).order_by("done_on", "pk") if plan else PlanTask.objects.none()
    return tasks.filter(done_on__isnull=True).first() or tasks.first()


def _decide_transfer(actor, case, *, accept, network, other_worker):
    transfer = _transfer(case)
    if transfer is None:
        return None
    worker = other_worker if accept and transfer.to_worker_id is None else None
    return lambda: services.transfer_decide(
        actor=actor, transfer=transfer, accept=accept, comment="" if accept else "人手不足", worker=worker
    )


def tries(actor, case, network, other_worker) -> dict[str, Callable | None]:
    """Each declared step's service, called as its door would with good input; None when the record
    it works on does not exist (no plan, no pending closing...), which is a refusal too."""
    plan, closing, task = _plan(case), _closing(case), _task(case)
    referral = Referral.objects.filter(case=case).first()
    follow_up = FollowUp.objects.filter(case=case, done_on__isnull=True).first()
    goal = plan.goals.first() if plan else None
    calls = {
        name: (lambda name=name: services.case_move(actor=actor, case=case, move=name, reason="复发"))
        for name, move in workflow.MOVES.items()
        if move.direct
    }
    calls |= {
        "note_add": lambda: services.note_add(
            actor=actor, case=case, noted_on=TODAY, method="phone", minutes=10, content="电话"
        ),
        "assessment_record": lambda: services.assessment_record(
            actor=actor,
            case=case,
            assessed_on=TODAY,
            risk_level="low",
            domains={"family": {"needs": "照顾", "strengths": "", "risk": ""}},
        ),  # fmt: skip
        "plan_save": lambda: services.plan_save(
            actor=actor, case=case, goals=[{"description": "目标"}], tasks=[]
        ),
        "referral_add": lambda: services.referral_add(
            actor=actor, case=case, target_kind="person", target="亲属", request="帮助", referred_on=TODAY
        ),
        "goal_measure": goal
        and (
            lambda: services.goal_measure_record(
                actor=actor,
                goal=goal,
                phase="before",
                value=6,
                measured_on=TODAY,
                measure="评分",
                measure_kind="rating",
            )
        ),  # fmt: skip
        "referral_update": referral
        and (lambda: services.referral_update(actor=actor, referral=referral, status="in_progress")),
        "follow_up_schedule": lambda: services.follow_up_schedule(
            actor=actor, case=case, due_on=TODAY, purpose="回访"
        ),
        "follow_up_done": follow_up
        and (
            lambda: services.follow_up_done(
                actor=actor, follow_up=follow_up, done_on=TODAY, result="好", method="phone"
            )
        ),
        "review_add": lambda: services.review_add(actor=actor, case=case, reviewed_on=TODAY, comments="好"),
        "closing_request": lambda: services.closing_request(
            actor=actor, case=case, reason="goals_reached", summary="完成"
        ),
        # A labelled case goes to a named worker (casework.services.labels).
        "transfer_request": lambda: services.transfer_request(
            actor=actor,
            case=case,
            to_station=network.station_b,
            reason="搬家",
            to_worker=other_worker if case.sensitive else None,
        ),
        "case_assign": lambda: services.case_assign(
            actor=actor, case=case, worker=case.worker, supervisor=case.supervisor
        ),
        "case_update": lambda: services.case_update(actor=actor, case=case, risk_level="medium"),
        "plan_submit": plan and (lambda: services.plan_submit(actor=actor, plan=plan)),
        "plan_approve": plan and (lambda: services.plan_decide(actor=actor, plan=plan, approve=True)),
        "plan_return": plan
        and (lambda: services.plan_decide(actor=actor, plan=plan, approve=False, comment="再改")),
        "task_done": task and (lambda: services.task_done(actor=actor, task=task, done_on=TODAY)),
        "closing_approve": closing
        and (lambda: services.closing_decide(actor=actor, closing=closing, approve=True)),
        "closing_return": closing
        and (lambda: services.closing_decide(actor=actor, closing=closing, approve=False, comment="补充")),
        "transfer_accept": _decide_transfer(
            actor, case, accept=True, network=network, other_worker=other_worker
        ),
        "transfer_decline": _decide_transfer(
            actor, case, accept=False, network=network, other_worker=other_worker
        ),
        "label_set": lambda: services.case_label_set(actor=actor, case=case, reason="domestic_violence"),
        "label_remove": lambda: services.case_label_remove(actor=actor, case=case, reason="风险解除"),
        "transfer_cancel": _transfer(case)
        and (lambda: services.transfer_cancel(actor=actor, transfer=_transfer(case))),
    }
    return calls


def accepted(call) -> bool:
    """Whether the service takes the step (in a savepoint, rolled back). A step it refuses must be
    refused as not open to the person (ActionNotAllowed), or as outside what they see."""
    if call is None:
        return False
    try:
        with transaction.atomic():
            call()
            raise RolledBack
    except RolledBack:
        return True
    except ActionNotAllowed:
        return False
    except ValidationError as error:
        assert "outside what you can see" in " ".join(error.messages), error.messages
        return False


# The states a case passes through, built with the services as people would.


def intake_without_supervisor(worker, supervisor, manager):
    return make_case(worker)


def intake(worker, supervisor, manager):
    return make_case(worker, supervisor=supervisor)


def assessed(worker, supervisor, manager):
    case = make_case(worker, supervisor=supervisor)
    services.case_move(actor=worker, case=case, move="assess")
    services.assessment_record(
        actor=worker, case=case, assessed_on=TODAY, risk_level="low",
        domains={"family": {"needs": "照顾", "strengths": "", "risk": ""}},
    )  # fmt: skip
    return case


def _planning(worker, supervisor):
    case = assessed(worker, supervisor, None)
    services.case_move(actor=worker, case=case, move="plan")
    tasks = [{"description": "联系", "owner": "社工", "due_on": TODAY + timedelta(days=3), "goal": 0}]
    plan = services.plan_save(actor=worker, case=case, goals=[{"description": "目标"}], tasks=tasks)
    return case, plan


def plan_draft(worker, supervisor, manager):
    return _planning(worker, supervisor)[0]


def plan_submitted(worker, supervisor, manager):
    case, plan = _planning(worker, supervisor)
    services.plan_submit(actor=worker, plan=plan)
    return case


def plan_returned(worker, supervisor, manager):
    case, plan = _planning(worker, supervisor)
    services.plan_submit(actor=worker, plan=plan)
    services.plan_decide(actor=supervisor, plan=plan, approve=False, comment="目标需可测量")
    return case


def intervention_with_work(worker, supervisor, manager):
    case = case_in_intervention(worker, supervisor)
    services.referral_add(
        actor=worker, case=case, target_kind="person", target="亲属", request="帮助", referred_on=TODAY
    )
    services.follow_up_schedule(actor=worker, case=case, due_on=TODAY, purpose="回访")
    return case


def evaluation(worker, supervisor, manager):
    case = case_in_intervention(worker, supervisor)
    task = case.plans.get().tasks.get()
    services.task_done(actor=worker, task=task, done_on=TODAY)
    services.case_move(actor=worker, case=case, move="evaluate")
    return case


def closing_pending(worker, supervisor, manager):
    case = case_in_intervention(worker, supervisor)
    services.closing_request(actor=worker, case=case, reason="goals_reached", summary="完成")
    return case


def closed(worker, supervisor, manager):
    case = closing_pending(worker, supervisor, manager)
    services.closing_decide(actor=supervisor, closing=Closing.objects.get(case=case), approve=True)
    return case


def reopened(worker, supervisor, manager):
    case = closed(worker, supervisor, manager)
    services.case_move(actor=worker, case=case, move="reopen", reason="复发")
    return case


def labelled(worker, supervisor, manager):
    """Labelled sensitive: the station manager no longer sees it (casework.services.labels)."""
    case = case_in_intervention(worker, supervisor)
    services.case_label_set(actor=worker, case=case, reason="domestic_violence")
    return case


STATES = [
    intake_without_supervisor, intake, assessed, plan_draft, plan_submitted, plan_returned,
    intervention_with_work, evaluation, closing_pending, closed, reopened, labelled,
]  # fmt: skip
LABEL_STEPS = {"label_set", "label_remove"}  # the worker's and supervisor's, not the manager's
PEOPLE = [
    "social_worker", "supervisor", "station_manager", "other_station_manager", "other_worker", "colleague",
    "district_admin",
]  # fmt: skip


def doors_agree(request, as_user, api, network, case, people=PEOPLE) -> dict[str, set[str]]:
    """For each person: the page's, the API's and the services' sets, asserted equal; returned."""
    other_worker = request.getfixturevalue("other_worker")
    seen = {}
    for who in people:
        person = request.getfixturevalue(who)
        case = Case.objects.get(pk=case.pk)
        response = as_user(person).get(case.get_absolute_url())
        # 403: the 'restricted case' notice of a labelled case, to those who may break glass.
        assert response.status_code in (200, 403, 404), (who, response.status_code)
        page = page_actions(response.content.decode()) if response.status_code == 200 else set()
        body = api(person).get(f"/api/v1/cases/{case.pk}/")
        assert body.status_code == (404 if response.status_code == 403 else response.status_code), who
        in_api = set(body.json()["actions"]) if body.status_code == 200 else set()
        calls = tries(person, case, network, other_worker)
        assert set(calls) >= page | in_api, f"{who}: a declared step has no service to try"
        in_services = {name for name, call in calls.items() if accepted(call)}
        assert page == in_api == in_services, (who, page, in_api, in_services)
        seen[who] = page
    return seen


@pytest.mark.parametrize("state", STATES, ids=[state.__name__ for state in STATES])
def test_page_api_and_services_offer_the_same_steps(
    request, as_user, api, network, social_worker, supervisor, station_manager, district_admin, colleague,
    state,
):  # fmt: skip
    case = state(social_worker, supervisor, station_manager)
    # A colleague reads the case through a grant: they see it and may do nothing to it.
    grant_access(
        actor=district_admin, case_number=case.number, user=colleague, reason="督导检查", expires_on=TODAY
    )
    seen = doors_agree(request, as_user, api, network, case)
    assert not seen["colleague"] and not seen["district_admin"] and not seen["other_worker"]
    assert not seen["other_station_manager"]
    expected = {
        intake_without_supervisor: {"assess", "note_add", "plan_save", "transfer_request"},
        intake: {"assess", "closing_request"},
        assessed: {"plan", "assessment_record"},
        plan_draft: {"plan_submit", "plan_save"},
        plan_submitted: {"note_add"},
        plan_returned: {"plan_submit", "plan_save"},
        intervention_with_work: {"evaluate", "task_done", "referral_update", "follow_up_done"},
        evaluation: {"resume"},
        closing_pending: {"transfer_request"},
        closed: {"reopen", "follow_up_schedule", "case_update"},
        reopened: {"assess", "plan", "intervene"},
        labelled: {"evaluate", "task_done", "note_add"},
    }[state]
    assert expected <= seen["social_worker"], seen["social_worker"]
    if state is labelled:
        assert not seen["station_manager"] and "label_set" not in seen["social_worker"]
        # Its client is labelled with it: the case's label comes off only after theirs.
        assert "label_remove" not in seen["supervisor"] and "review_add" in seen["supervisor"]
    else:
        assert "label_set" in seen["social_worker"]
        assert ("label_set" in seen["supervisor"]) == (state is not intake_without_supervisor)
        assert seen["station_manager"] == (seen["social_worker"] - LABEL_STEPS) | {"case_assign"}
    if state is plan_submitted:
        assert {"plan_approve", "plan_return"} <= seen["supervisor"]
        assert "plan_save" not in seen["social_worker"] and "plan_submit" not in seen["social_worker"]
    if state is closing_pending:
        assert {"closing_approve", "closing_return"} <= seen["supervisor"]
        assert "closing_request" not in seen["social_worker"]
    if state is closed:
        assert seen["supervisor"] == {"reopen", "review_add", "label_set"}
        assert not {"note_add", "assess", "closing_request"} & seen["social_worker"]
    if state is intake_without_supervisor:
        assert "closing_request" not in seen["social_worker"] and not seen["supervisor"]


@pytest.mark.parametrize("named", [False, True], ids=["to_a_station", "to_a_worker"])
def test_a_pending_transfer_is_decided_by_its_receiver_and_withdrawn_by_the_team(
    request, as_user, api, network, social_worker, supervisor, other_worker, named
):
    case = case_in_intervention(social_worker, supervisor)
    services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, reason="搬家",
        to_worker=other_worker if named else None,
    )  # fmt: skip
    seen = doors_agree(request, as_user, api, network, case)
    assert {"transfer_accept", "transfer_decline"} <= seen["other_station_manager"]
    assert not {"transfer_accept", "transfer_decline"} & seen["social_worker"]
    assert "transfer_cancel" in seen["social_worker"] and "transfer_request" not in seen["social_worker"]
    assert ({"transfer_accept", "transfer_decline"} <= seen["other_worker"]) is named
    assert not seen["colleague"]


def test_a_plan_that_is_not_the_current_one_takes_no_step(social_worker, supervisor):
    case = case_in_intervention(social_worker, supervisor)
    first = case.plans.get()
    services.plan_save(actor=social_worker, case=case, goals=[{"description": "新目标"}], tasks=[])
    assert workflow.actions_for(social_worker, first) == {}
    with pytest.raises(ActionNotAllowed, match="current service plan"):
        services.task_done(actor=social_worker, task=first.tasks.get(), done_on=TODAY)
    current = ServicePlan.objects.get(case=case, version=2)
    assert set(workflow.actions_for(social_worker, current)) == {"plan_submit"}
