"""An error half-way through a multi-step write leaves nothing half-written.

Each service below writes several rows. The test makes a late step fail (the audit entry, the
project's transition, the third imported row), checks at that moment that the earlier steps had
written, and then that every table the service touches is exactly as before.

These run inside the test's transaction: the service's atomic block is then a savepoint, and a
row written outside that block would still be visible after the error. So a service whose steps
are not all inside its own atomic block fails here as it would in production.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from casework import services as casework
from casework.models import (
    Case,
    CaseClient,
    CaseTransition,
    Client,
    Closing,
    HouseholdMember,
    PlanGoal,
    PlanTask,
    ServicePlan,
    Transfer,
)
from casework.services import cases as case_services
from casework.services import clients as client_services
from positions import imports as position_imports
from positions.models import AllowanceLine, AllowancePolicy, AllowanceRoll, CertificateLevel, Position
from positions.services import allowance as allowance_services
from projects import services as project_services
from projects.models import Contract, Milestone, Project
from projects.models import Transition as ProjectTransition
from socialwork.imports import services as import_services
from socialwork.models import AuditEntry
from tests.casework.factories import case_in_intervention, category, make_case, make_client
from tests.positions.test_allowance import in_post
from tests.positions.test_imports import POSITION_HEADERS, position_row, rows_of, xlsx
from tests.positions.test_workforce import make_worker
from tests.projects.factories import make_budget, make_call, make_organization, make_project
from training import services as training_services
from training.models import Enrolment, TrainingSeries, TrainingSession


class Injected(Exception):
    """The failure the test injects: nothing in the application catches it."""


def snapshot(models) -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in (*models, AuditEntry)}


# Each scenario prepares data and returns (the service call, the module attribute to make fail,
# the models the service writes).


def open_case(people):
    manager, supervisor = people["manager"], people["supervisor"]
    clients = [make_client(manager), make_client(manager)]

    def call():
        casework.case_open(
            actor=manager, clients=clients, intake_on=timezone.localdate(), source=Case.Source.WALK_IN,
            presenting_problem="家庭困难", supervisor=supervisor,
        )  # fmt: skip

    return call, (case_services, "audit_record"), (Case, CaseClient, CaseTransition)


def register_client(people):
    manager = people["manager"]
    identity = {"name": "叶某", "birth_date": date(1985, 5, 1)}
    # Intake looks the person up first, as its page does: that look-up is audited outside the
    # registration's transaction (it happened, whatever becomes of the registration).
    checked = casework.client_duplicate_check(actor=manager, **identity)

    def call():
        casework.client_register(
            actor=manager, community=manager.unit.region, gender=Client.Gender.FEMALE, checked=checked,
            consents_to_services=True, consents_to_data_processing=True,
            categories=[category()], household=[{"name": "叶小妹", "relation": "child"}], **identity,
        )  # fmt: skip

    return call, (client_services, "audit_record"), (Client, Client.categories.through, HouseholdMember)


def rewrite_plan(people):
    manager = people["manager"]
    case = make_case(manager)
    casework.case_move(actor=manager, case=case, move="assess")
    case.refresh_from_db()
    due = timezone.localdate() + timedelta(days=7)
    casework.plan_save(
        actor=manager, case=case, goals=[{"description": "旧目标"}],
        tasks=[{"description": "旧任务", "owner": "社工", "due_on": due, "goal": 0}],
    )  # fmt: skip

    def call():
        casework.plan_save(
            actor=manager, case=case, goals=[{"description": "新目标一"}, {"description": "新目标二"}],
            tasks=[{"description": "新任务", "owner": "社工", "due_on": due, "goal": 1}],
        )  # fmt: skip

    return call, (case_services, "audit_record"), (ServicePlan, PlanGoal, PlanTask)


def approve_closing(people):
    manager, supervisor = people["manager"], people["supervisor"]
    case = case_in_intervention(manager, supervisor)
    closing = casework.closing_request(
        actor=manager, case=case, reason=Closing.Reason.GOALS_REACHED, summary="目标达成"
    )

    def call():
        casework.closing_decide(actor=supervisor, closing=closing, approve=True)

    return call, (case_services, "audit_record"), (Closing, Case, CaseTransition)


def accept_transfer(people):
    manager, receiver = people["manager"], people["receiver"]
    case = make_case(manager)
    transfer = casework.transfer_request(
        actor=manager, case=case, to_station=receiver.unit, reason="案主搬家"
    )

    def call():
        casework.transfer_decide(actor=receiver, transfer=transfer, accept=True)

    return call, (case_services, "audit_record"), (Transfer, Case)


def sign_contract(people):
    admin = people["district"]
    make_budget()
    project = make_project(
        call=make_call(), community=people["network"].community_a, created_by=admin,
        status=Project.Status.APPROVED, requested="50000", approved="50000",
    )  # fmt: skip
    organization = make_organization("阳光社工服务中心", credit_code="91350100M000100Y43")
    project.organization = organization
    project.save()
    today = timezone.localdate()

    def call():
        project_services.contract_sign(
            actor=admin, project=project, number="HT-FAULT-1", organization=organization, amount="40000",
            starts_on=today, ends_on=today + timedelta(days=300), signed_on=today,
            milestones=[("中期评估", today + timedelta(days=150)), ("结项评估", today + timedelta(days=290))],
        )  # fmt: skip

    # The last step is the project's move to contracted, after the contract, milestones and audit.
    return call, (project_services, "_transition"), (Contract, Milestone, Project, ProjectTransition)


def record_attendance(people):
    admin, network = people["district"], people["network"]
    series = TrainingSeries.objects.create(
        unit=network.centre, title="实务技能培训", category=TrainingSeries.Category.PRACTICAL_SKILLS,
        year=timezone.localdate().year,
    )  # fmt: skip
    starts = timezone.now() - timedelta(hours=1)  # under way: attendance is taken once it has begun
    session = TrainingSession.objects.create(
        series=series, topic="会谈技巧", starts_at=starts, ends_at=starts + timedelta(hours=3), venue="区社工中心",
        host_unit=network.centre, capacity=5, credit_hours=Decimal("3.0"),
    )  # fmt: skip
    enrolments = [
        training_services.enrolment_create(actor=admin, session=session, worker=make_worker(name))
        for name in ("甲", "乙", "丙")
    ]

    def call():
        training_services.attendance_record(actor=admin, session=session, present={e.pk for e in enrolments})

    return call, (training_services, "audit_record"), (Enrolment,)


def regenerate_allowance_roll(people):
    admin, network = people["district"], people["network"]
    AllowancePolicy.objects.create(
        level=CertificateLevel.SOCIAL_WORKER, monthly_amount=Decimal(200), effective_from=date(2020, 1, 1)
    )
    in_post("甲社工", network.posts_a[0])
    month = timezone.localdate().replace(day=1)
    allowance_services.allowance_roll_generate(actor=admin, month=month)
    in_post("乙社工", network.post_b)  # the rebuild would add a line

    def call():
        allowance_services.allowance_roll_generate(actor=admin, month=month)

    return call, (allowance_services, "audit_record"), (AllowanceRoll, AllowanceLine)


def import_positions(people):
    admin, network = people["district"], people["network"]
    upload = xlsx(POSITION_HEADERS, [position_row(f"P-{i}", network.posts_a[0]) for i in range(1, 5)])
    rows = rows_of(upload, "positions")

    def call():
        import_services.import_commit(actor=admin, kind="positions", rows=rows)

    return call, (position_imports, "position_save"), (Position,)


SCENARIOS = [
    open_case, register_client, rewrite_plan, approve_closing, accept_transfer,
    sign_contract, record_attendance, regenerate_allowance_roll, import_positions,
]  # fmt: skip


@pytest.fixture
def people(network, district_admin, station_manager, other_station_manager, supervisor):
    return {
        "network": network, "district": district_admin, "manager": station_manager,
        "receiver": other_station_manager, "supervisor": supervisor,
    }  # fmt: skip


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_a_failure_half_way_leaves_nothing_half_written(scenario, people, monkeypatch):
    call, (module, step), models = scenario(people)
    before = snapshot(models)
    real, calls, at_failure = getattr(module, step), [], []

    def fail_late(*args, **kwargs):
        calls.append(1)
        # An import fails at its third row; every other service at its last step.
        if step == "position_save" and len(calls) < 3:
            return real(*args, **kwargs)
        at_failure.append(snapshot(models))
        raise Injected

    monkeypatch.setattr(module, step, fail_late)
    with pytest.raises(Injected):
        call()
    assert at_failure and at_failure[0] != before, "the failure must come after earlier steps wrote"
    assert snapshot(models) == before
