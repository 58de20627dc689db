"""Every door of a project agrees on what a person may do now: the page's buttons and forms, the
API's `actions` and the services' acceptance are the same set, for every state and every role
(projects.workflow.actions_for)."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Acceptance, Bid, Contract, Milestone, Procurement, Project
from projects.workflow import CONTRACT_ACTIONS
from socialwork.actions import ActionNotAllowed
from socialwork.roles import Role
from tests.doors import page_actions
from tests.factories import make_user
from tests.projects.factories import (
    make_budget,
    make_contract,
    make_milestone,
    make_organization,
    make_project,
)

S = Project.Status
TODAY = timezone.localdate()
_numbers = count(1)

# What the district's administrator and the applicant (its organization's staff, or whoever
# drafted it) may do in each state; everybody else may do nothing. Paying is open while something
# is due: a completed milestone's instalment, or everything once acceptance passed.
EXPECTED = {
    "draft": ({"edit"}, {"edit", "submit"}),
    "submitted": ({"start_review", "return"}, set()),
    "under_review": ({"return", "review_record", "decide"}, set()),
    "approved": ({"procurement_open", "contract_sign"}, set()),
    # Once a procurement is opened the contract follows its award: no contract before it.
    "approved_bidding": ({"bid_record", "bid_award"}, set()),
    # Only bids above the approved amount: none can be awarded, the step is not open.
    "approved_bids_above": ({"bid_record"}, set()),
    "approved_awarded": ({"rescind_award", "contract_sign"}, set()),
    "rejected": (set(), set()),
    "contracted": (
        {
            "terminate",
            "supervision_visit_record",
            "payment_record",
            "amend_contract",
            "progress_report_submit",
            "milestone_complete",
        },
        {"start", "progress_report_submit", "milestone_complete"},
    ),
    "contracted_paid": (
        {"terminate", "supervision_visit_record", "amend_contract", "progress_report_submit"},
        {"start", "progress_report_submit"},
    ),
    "in_progress": (
        {
            "terminate",
            "supervision_visit_record",
            "payment_record",
            "amend_contract",
            "progress_report_submit",
            "milestone_complete",
        },
        {"request_acceptance", "progress_report_submit", "milestone_complete"},
    ),
    "under_acceptance": (
        {
            "terminate",
            "supervision_visit_record",
            "payment_record",
            "amend_contract",
            "acceptance_record",
            "milestone_complete",
        },
        {"milestone_complete"},
    ),
    "completed": ({"payment_record", "honour_add"}, set()),
    "terminated": (set(), set()),
}
STATUS = {
    "approved_bidding": S.APPROVED,
    "approved_bids_above": S.APPROVED,
    "approved_awarded": S.APPROVED,
    "contracted_paid": S.CONTRACTED,
}


def build(state: str, *, call, network, drafter, organization, district_admin) -> Project:
    """A project in `state`, with the records that state has (procurement, bids, contract,
    milestones, payments, a passed acceptance). A running contract has one milestone done and
    half its instalment paid, so something is due, and one milestone still to do; once paid up
    (`contracted_paid`) nothing is due until acceptance."""
    status = STATUS.get(state, state)
    approved = None if status in (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.REJECTED) else "40000"
    project = make_project(
        call=call, community=network.community_a, created_by=drafter, organization=organization,
        status=status, approved=approved,
    )  # fmt: skip
    if state in ("approved_bidding", "approved_bids_above", "approved_awarded"):
        procurement = Procurement.objects.create(project=project, method=Procurement.Method.PUBLIC_SELECTION)
        Bid.objects.create(
            procurement=procurement, organization=organization,
            price=Decimal("45000" if state == "approved_bids_above" else "38000"),
            awarded=state == "approved_awarded",
        )  # fmt: skip
    if status in (S.CONTRACTED, S.IN_PROGRESS, S.UNDER_ACCEPTANCE, S.COMPLETED, S.TERMINATED):
        contract = make_contract(project, organization, amount="40000")
        paid = state == "contracted_paid"
        make_milestone(contract, TODAY, "启动", amount=Decimal("10000"), completed_on=TODAY)
        if not paid:
            make_milestone(contract, TODAY + timedelta(days=30), amount=Decimal("10000"))
        contract.payments.create(
            amount=Decimal("10000" if paid else "5000"), paid_on=TODAY, recorded_by=district_admin
        )
        if status == S.COMPLETED:  # a project is completed by a passed acceptance
            project.acceptances.create(
                evaluator="评估机构", score=90, conclusion=Acceptance.Conclusion.PASS, evaluated_on=TODAY
            )
    return project


def _first(queryset):
    first = queryset.order_by("pk").first()
    if first is None:  # the door cannot even be reached: nothing to act on
        raise ValidationError("nothing to act on")
    return first


# Each service, called with good input: only whether the step is open may refuse it.
SERVICES = {
    **{
        move: lambda actor, project, move=move: services.project_move(
            actor=actor, project=project, move=move, reason="理由"
        )
        for move in ("submit", "start_review", "return", "start", "request_acceptance", "terminate")
    },
    "edit": lambda actor, project: services.project_save(
        actor=actor,
        project=project,
        call=project.call,
        title="改后的标题",
        service_area=project.service_area,
        community=project.community,
        organization=project.organization,
        beneficiaries="留守儿童",
        budget_lines=[("活动物资", Decimal("1000"))],
    ),  # fmt: skip
    "decide": lambda actor, project: services.project_decide(
        actor=actor, project=project, approve=True, amount=project.requested_amount
    ),
    "review_record": lambda actor, project: services.review_record(actor=actor, project=project, score=80),
    "procurement_open": lambda actor, project: services.procurement_open(
        actor=actor, project=project, method=Procurement.Method.PUBLIC_SELECTION
    ),
    "bid_record": lambda actor, project: services.bid_record(
        actor=actor,
        procurement=_first(Procurement.objects.filter(project=project)),
        organization=make_organization(f"投标机构{next(_numbers)}"),
        price="30000",
    ),
    "bid_award": lambda actor, project: services.bid_award(
        actor=actor, bid=_first(Bid.objects.filter(procurement__project=project))
    ),
    "rescind_award": lambda actor, project: services.bid_award_rescind(
        actor=actor,
        bid=_first(Bid.objects.filter(procurement__project=project, awarded=True)),
        reason="资质不符",
    ),
    "contract_sign": lambda actor, project: services.contract_sign(
        actor=actor,
        project=project,
        number=f"HT-DOOR-{next(_numbers)}",
        organization=(
            Bid.objects.filter(procurement__project=project, awarded=True).first() or project
        ).organization,
        amount="30000",
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=300),
        signed_on=TODAY,
    ),  # fmt: skip
    "milestone_complete": lambda actor, project: services.milestone_complete(
        actor=actor,
        milestone=_first(Milestone.objects.filter(contract__project=project, completed_on__isnull=True)),
        completed_on=TODAY,
    ),
    "progress_report_submit": lambda actor, project: services.progress_report_submit(
        actor=actor, project=project, period="第一季度", content="开展活动"
    ),
    "supervision_visit_record": lambda actor, project: services.supervision_visit_record(
        actor=actor, project=project, visited_on=TODAY, inspector="督导员", findings="良好", rating="good"
    ),
    "payment_record": lambda actor, project: services.payment_record(
        actor=actor, contract=_first(Contract.objects.filter(project=project)), amount="1", paid_on=TODAY
    ),
    "amend_contract": lambda actor, project: services.contract_amend(
        actor=actor,
        contract=_first(Contract.objects.filter(project=project)),
        ends_on=TODAY + timedelta(days=330),
        reason="延长服务期",
        signed_on=TODAY,
    ),
    "acceptance_record": lambda actor, project: services.acceptance_record(
        actor=actor, project=project, evaluator="评估机构", score=90, conclusion="pass", evaluated_on=TODAY
    ),
    "honour_add": lambda actor, project: services.honour_add(
        actor=actor, project=project, name="优秀案例", year=TODAY.year
    ),
}


class _RolledBack(Exception):
    pass


def services_accepting(actor, project) -> set[str]:
    """The names of the services that take the step, each tried and rolled back."""
    accepted = set()
    for name, service in SERVICES.items():
        try:
            with transaction.atomic():
                service(actor, Project.objects.get(pk=project.pk))
                raise _RolledBack
        except _RolledBack:
            accepted.add(name)
        except (ValidationError, PermissionDenied):
            pass
    return accepted


@pytest.fixture
def people(network, district_admin, auditor, station_manager, organization, other_organization):
    applicant = make_user("applicant", Role.ORG_STAFF, region=network.district, organization=organization)
    return {
        "district_admin": district_admin,
        "applicant": applicant,
        "drafter": make_user("drafter", Role.ORG_STAFF, region=network.district),
        "other_staff": make_user("stranger", Role.ORG_STAFF, region=network.district, organization=other_organization),
        "auditor": auditor,
        "station_manager": station_manager,
    }  # fmt: skip


@pytest.mark.parametrize("state", list(EXPECTED))
def test_page_api_and_services_offer_the_same_actions_in_every_state_to_every_role(
    state, people, as_user, api, call, network, organization, district_admin
):
    make_budget()
    project = build(
        state, call=call, network=network, drafter=people["drafter"], organization=organization,
        district_admin=district_admin,
    )  # fmt: skip
    district, applicant = EXPECTED[state]
    expected = {"district_admin": district, "applicant": applicant, "drafter": applicant}
    for role, person in people.items():
        response = as_user(person).get(project.get_absolute_url())
        page = page_actions(response.content.decode()) if response.status_code == 200 else set()
        body = api(person).get(f"/api/v1/projects/{project.pk}/")
        actions = set(body.json()["actions"]) if body.status_code == 200 else set()
        accepted = services_accepting(person, project)
        assert page == actions == accepted == expected.get(role, set()), (
            state,
            role,
            page,
            actions,
            accepted,
        )
        if hasattr(project, "contract") and body.status_code == 200:
            contract = api(person).get(f"/api/v1/contracts/{project.contract.pk}/")
            if contract.status_code == 200:
                assert set(contract.json()["actions"]) == actions & set(CONTRACT_ACTIONS), (state, role)
    assert as_user(people["other_staff"]).get(project.get_absolute_url()).status_code == 404, (
        "another organization's staff do not see the project"
    )


# The two findings


def test_an_honour_is_refused_on_a_project_that_is_not_completed(call, network, district_admin, organization):
    project = make_project(
        call=call, community=network.community_a, created_by=district_admin, organization=organization,
        status=S.IN_PROGRESS, approved="40000",
    )  # fmt: skip
    with pytest.raises(ActionNotAllowed):
        services.honour_add(actor=district_admin, project=project, name="优秀案例", year=TODAY.year)
    assert not project.honours.exists()


def test_the_milestone_form_shows_only_while_the_project_runs(
    as_user, call, network, district_admin, organization
):
    project = make_project(
        call=call, community=network.community_a, created_by=district_admin, organization=organization,
        status=S.COMPLETED, approved="40000",
    )  # fmt: skip
    milestone = make_milestone(make_contract(project, organization), TODAY + timedelta(days=30))
    html = as_user(district_admin).get(project.get_absolute_url()).content.decode()
    assert reverse("projects:milestone_complete", args=[project.pk, milestone.pk]) not in html
    with pytest.raises(ActionNotAllowed):
        services.milestone_complete(actor=district_admin, milestone=milestone, completed_on=TODAY)
