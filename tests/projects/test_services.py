import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from projects import services
from projects.models import Acceptance, Call, Contract, Payment, Procurement, Project, SocialOrganization
from socialwork.actions import ActionNotAllowed
from socialwork.models import AuditEntry
from socialwork.roles import Role
from tests.factories import make_region, make_unit, make_user
from tests.projects.factories import (
    make_budget,
    make_call,
    make_contract,
    make_milestone,
    make_organization,
    make_project,
    statuses,
)

S = Project.Status
TODAY = timezone.localdate()
# A step not open to this person on this project now (projects.workflow.actions_for).
NOT_OPEN = "not open"


def message(error: ValidationError) -> str:
    return " ".join(error.messages)


def draft(applicant, network, call, **fields):
    return services.project_save(
        actor=applicant,
        call=call,
        title="关爱留守儿童",
        service_area="left_behind",
        community=network.community_a,
        beneficiaries="留守儿童",
        beneficiary_count=40,
        budget_lines=fields.pop(
            "budget_lines", [("活动物资", Decimal("30000")), ("专家督导", Decimal("10000"))]
        ),
        **fields,
    )


def sign(district_admin, project, organization, amount="40000", number="HT-2030-01", **fields):
    return services.contract_sign(
        actor=district_admin,
        project=project,
        number=number,
        organization=organization,
        amount=amount,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=300),
        signed_on=TODAY,
        **fields,
    )


# Organizations and calls


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", " 91110000600037341l "])
def test_valid_credit_codes_pass_the_model_check(db, code):
    SocialOrganization(name="测试机构", credit_code=code.strip().upper()).full_clean()


@pytest.mark.parametrize(
    ("code", "wrong"),
    [
        ("91350100M000100Y44", "check character"),
        ("91350100M00010", "18 characters"),
        ("9135010OM000100Y43", "18"),
    ],
)
def test_invalid_credit_codes_fail_the_model_check(db, code, wrong):
    with pytest.raises(ValidationError) as error:
        SocialOrganization(name="测试机构", credit_code=code).full_clean()
    assert wrong in message(error.value)


def test_district_admin_registers_an_organization_with_an_audit_row(district_admin):
    organization = services.organization_save(
        actor=district_admin, name="阳光社工服务中心", credit_code="91350100m000100y43", kind="institution"
    )
    assert organization.credit_code == "91350100M000100Y43"
    assert AuditEntry.objects.filter(action="organization.create", target_id=str(organization.pk)).exists()


def test_service_areas_are_kept_in_the_order_of_the_list_each_once(district_admin):
    """The page sends the ticked areas in the list's order: kept in any other, the record would
    change each time its page is saved unchanged."""
    organization = services.organization_save(
        actor=district_admin, name="夕阳红服务社", service_areas=["elderly", "youth", "elderly"]
    )
    assert organization.service_areas == ["youth", "elderly"]


def test_organization_with_a_wrong_credit_code_is_refused(district_admin):
    with pytest.raises(ValidationError) as error:
        services.organization_save(actor=district_admin, name="错误机构", credit_code="91350100M000100Y44")
    assert "credit_code" in error.value.message_dict


def test_organization_staff_cannot_register_organizations(applicant):
    with pytest.raises(ValidationError, match="district"):
        services.organization_save(actor=applicant, name="另一个机构")


def test_call_cannot_close_before_it_opens(district_admin):
    with pytest.raises(ValidationError) as error:
        services.call_save(
            actor=district_admin,
            year=2030,
            kind=Call.Kind.MICRO,
            title="公益微创投",
            budget_ceiling=Decimal("50000"),
            opens_on=TODAY,
            closes_on=TODAY - timedelta(days=1),
        )
    assert "close before it opens" in message(error.value)


# Applications


def test_organization_staff_draft_an_application_for_their_organization(
    applicant, network, call, organization
):
    project = draft(applicant, network, call)
    assert project.status == S.DRAFT and project.organization == organization
    assert project.requested_amount == Decimal("40000")
    assert list(project.budget_lines.values_list("item", flat=True)) == ["活动物资", "专家督导"]
    assert AuditEntry.objects.filter(action="project.create", target_id=str(project.pk)).exists()


def test_saving_a_draft_replaces_its_budget_lines(applicant, network, call):
    project = draft(applicant, network, call)
    project = draft(applicant, network, call, project=project, budget_lines=[("场地", Decimal("5000"))])
    assert project.requested_amount == Decimal("5000")
    assert list(project.budget_lines.values_list("item", "amount")) == [("场地", Decimal("5000"))]


def test_a_draft_moved_to_another_call_takes_its_year(applicant, network, call):
    project = draft(applicant, network, call)
    assert project.year == call.year
    next_year = make_call(year=call.year + 1)
    draft(applicant, network, next_year, project=project)
    project.refresh_from_db()
    assert (project.call, project.year) == (next_year, call.year + 1)


def test_organization_staff_cannot_apply_for_another_organization(
    applicant, network, call, other_organization
):
    with pytest.raises(ValidationError, match="your own organization"):
        draft(applicant, network, call, organization=other_organization)


def test_application_is_refused_once_the_call_is_closed(applicant, network):
    with pytest.raises(ValidationError, match="takes applications from"):
        draft(applicant, network, make_call(open_now=False))


def test_application_needs_a_budget_line(applicant, network, call):
    with pytest.raises(ValidationError, match="at least one budget line"):
        draft(applicant, network, call, budget_lines=[])


def test_application_cannot_ask_above_the_call_ceiling(applicant, network):
    call = make_call(ceiling="30000")
    with pytest.raises(ValidationError, match="ceiling"):
        draft(applicant, network, call)


def test_submitted_application_can_no_longer_be_changed(applicant, network, call):
    project = services.project_move(actor=applicant, project=draft(applicant, network, call), move="submit")
    with pytest.raises(ActionNotAllowed):
        draft(applicant, network, call, project=project)


# The workflow, from draft to completion


def test_a_project_runs_the_whole_workflow(applicant, district_admin, network, call, budget, organization):
    project = draft(applicant, network, call)
    project = services.project_move(actor=applicant, project=project, move="submit")
    project = services.project_move(actor=district_admin, project=project, move="start_review")
    services.review_record(actor=district_admin, project=project, score=88, comment="好")
    project = services.project_decide(actor=district_admin, project=project, approve=True, amount="35000")
    assert project.approved_amount == Decimal("35000")
    contract = sign(
        district_admin, project, organization, amount="35000", milestones=[("中期", TODAY, "20000")]
    )
    assert contract.year == call.year and contract.milestones.count() == 1
    project = services.project_move(actor=applicant, project=project, move="start")
    services.progress_report_submit(
        actor=applicant, project=project, period="第一季度", content="开展了3次活动"
    )
    services.milestone_complete(actor=applicant, milestone=contract.milestones.get(), completed_on=TODAY)
    services.payment_record(actor=district_admin, contract=contract, amount="20000", paid_on=TODAY)
    project = services.project_move(actor=applicant, project=project, move="request_acceptance")
    services.acceptance_record(
        actor=district_admin,
        project=project,
        evaluator="第三方评估机构",
        score=92,
        conclusion=Acceptance.Conclusion.PASS,
        evaluated_on=TODAY,
    )
    project.refresh_from_db()
    assert project.status == S.COMPLETED
    assert statuses(project) == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.UNDER_REVIEW),
        (S.UNDER_REVIEW, S.APPROVED),
        (S.APPROVED, S.CONTRACTED),
        (S.CONTRACTED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.UNDER_ACCEPTANCE),
        (S.UNDER_ACCEPTANCE, S.COMPLETED),
    ]
    assert AuditEntry.objects.filter(action="project.complete", target_id=str(project.pk)).exists()


@pytest.mark.parametrize(
    ("status", "move", "by", "target"),
    [
        (S.DRAFT, "submit", "applicant", S.SUBMITTED),
        (S.SUBMITTED, "start_review", "district", S.UNDER_REVIEW),
        (S.SUBMITTED, "return", "district", S.DRAFT),
        (S.UNDER_REVIEW, "return", "district", S.DRAFT),
        (S.UNDER_REVIEW, "reject", "district", S.REJECTED),
        (S.CONTRACTED, "start", "applicant", S.IN_PROGRESS),
        (S.IN_PROGRESS, "request_acceptance", "applicant", S.UNDER_ACCEPTANCE),
        (S.CONTRACTED, "terminate", "district", S.TERMINATED),
        (S.IN_PROGRESS, "terminate", "district", S.TERMINATED),
        (S.UNDER_ACCEPTANCE, "terminate", "district", S.TERMINATED),
    ],
)
def test_every_direct_move_is_allowed_from_its_source(
    applicant, district_admin, network, call, status, move, by, target
):
    project = make_project(call=call, community=network.community_a, created_by=applicant, status=status)
    actor = applicant if by == "applicant" else district_admin
    project = services.project_move(actor=actor, project=project, move=move, reason="材料不全")
    assert project.status == target
    assert statuses(project) == [(status, target)]


@pytest.mark.parametrize(
    ("status", "move", "by", "reason", "refusal"),
    [
        (S.DRAFT, "start_review", "district", "", NOT_OPEN),
        (S.SUBMITTED, "submit", "applicant", "", NOT_OPEN),
        (S.APPROVED, "start", "applicant", "", NOT_OPEN),
        (S.COMPLETED, "terminate", "district", "违约", NOT_OPEN),
        (S.REJECTED, "submit", "applicant", "", NOT_OPEN),
        (S.DRAFT, "submit", "district", "", NOT_OPEN),
        (S.SUBMITTED, "start_review", "applicant", "", NOT_OPEN),
        (S.UNDER_REVIEW, "reject", "applicant", "不合格", NOT_OPEN),
        (S.IN_PROGRESS, "terminate", "applicant", "不想做了", NOT_OPEN),
        (S.SUBMITTED, "return", "district", "", "Give a reason"),
        (S.UNDER_REVIEW, "reject", "district", "  ", "Give a reason"),
        (S.CONTRACTED, "terminate", "district", "", "Give a reason"),
        (S.UNDER_REVIEW, "approve", "district", "", "its own form"),
        (S.APPROVED, "contract", "district", "", "its own form"),
        (S.UNDER_ACCEPTANCE, "complete", "district", "", "its own form"),
        (S.UNDER_ACCEPTANCE, "rectify", "district", "", "its own form"),
        (S.DRAFT, "publish", "applicant", "", "no such step"),
    ],
)
def test_refused_moves_give_a_message_and_leave_the_project_alone(
    applicant, district_admin, network, call, status, move, by, reason, refusal
):
    project = make_project(call=call, community=network.community_a, created_by=applicant, status=status)
    actor = applicant if by == "applicant" else district_admin
    with pytest.raises((ValidationError, ActionNotAllowed)) as error:
        services.project_move(actor=actor, project=project, move=move, reason=reason)
    if refusal == NOT_OPEN:
        assert isinstance(error.value, ActionNotAllowed)
    else:
        assert refusal in message(error.value)
    project.refresh_from_db()
    assert project.status == status and statuses(project) == []


def test_people_who_cannot_see_a_project_cannot_move_it(applicant, network, call, other_organization):
    stranger = make_user("stranger", Role.ORG_STAFF, organization=other_organization)
    project = make_project(call=call, community=network.community_a, created_by=applicant)
    with pytest.raises(ValidationError, match="outside what you can see"):
        services.project_move(actor=stranger, project=project, move="submit")


def test_auditor_cannot_take_district_steps(auditor, applicant, network, call):
    project = make_project(call=call, community=network.community_a, created_by=applicant, status=S.SUBMITTED)
    with pytest.raises(ActionNotAllowed):
        services.project_move(actor=auditor, project=project, move="start_review")


# Decisions and reviews


@pytest.fixture
def under_review(applicant, network, call):
    return make_project(
        call=call,
        community=network.community_a,
        created_by=applicant,
        status=S.UNDER_REVIEW,
        requested="50000",
    )


@pytest.mark.parametrize(
    ("amount", "refusal"),
    [
        (None, "Give the approved amount"),
        ("0", "more than zero"),
        ("50000.01", "At most ¥50,000.00"),
        ("x", "yuan"),
    ],
)
def test_approval_needs_an_amount_within_what_was_requested(district_admin, under_review, amount, refusal):
    with pytest.raises(ValidationError) as error:
        services.project_decide(actor=district_admin, project=under_review, approve=True, amount=amount)
    assert refusal in message(error.value)
    under_review.refresh_from_db()
    assert under_review.status == S.UNDER_REVIEW and under_review.approved_amount is None


def test_approval_stays_within_the_call_ceiling(district_admin, applicant, network):
    call = make_call(ceiling="30000")
    project = make_project(
        call=call,
        community=network.community_a,
        created_by=applicant,
        status=S.UNDER_REVIEW,
        requested="50000",
    )
    with pytest.raises(ValidationError, match="At most ¥30,000.00"):
        services.project_decide(actor=district_admin, project=project, approve=True, amount="40000")


def test_rejection_needs_a_reason(district_admin, under_review):
    with pytest.raises(ValidationError, match="Give a reason"):
        services.project_decide(actor=district_admin, project=under_review, approve=False)
    project = services.project_decide(
        actor=district_admin, project=under_review, approve=False, reason="重复"
    )
    assert project.status == S.REJECTED and statuses(project) == [(S.UNDER_REVIEW, S.REJECTED)]


def test_only_a_project_under_review_is_decided(district_admin, applicant, network, call):
    project = make_project(call=call, community=network.community_a, created_by=applicant, status=S.SUBMITTED)
    with pytest.raises(ActionNotAllowed):
        services.project_decide(actor=district_admin, project=project, approve=True, amount="100")


def test_applicant_cannot_approve_their_own_project(applicant, under_review):
    with pytest.raises(ActionNotAllowed):
        services.project_decide(actor=applicant, project=under_review, approve=True, amount="100")


def test_recording_a_review_again_updates_it_with_a_reason_kept_on_record(district_admin, under_review):
    services.review_record(actor=district_admin, project=under_review, score=70)
    with pytest.raises(ValidationError):  # a second score replaces the first only with a reason
        services.review_record(actor=district_admin, project=under_review, score="85.5")
    review = services.review_record(
        actor=district_admin, project=under_review, score="85.5", comment="改进后", reason="补充材料"
    )
    assert under_review.reviews.get() == review and review.score == Decimal("85.5")
    revision = review.revisions.get()
    assert (revision.previous_score, revision.reason) == (Decimal(70), "补充材料")


@pytest.mark.parametrize("score", [-1, 101, "abc"])
def test_review_score_lies_between_0_and_100(district_admin, under_review, score):
    with pytest.raises(ValidationError, match="0 to 100"):
        services.review_record(actor=district_admin, project=under_review, score=score)


def test_only_a_project_under_review_is_reviewed(district_admin, applicant, network, call):
    project = make_project(call=call, community=network.community_a, created_by=applicant, status=S.APPROVED)
    with pytest.raises(ActionNotAllowed):
        services.review_record(actor=district_admin, project=project, score=80)


# Procurement


def test_a_procurement_is_awarded_once(
    district_admin, applicant, network, call, organization, other_organization
):
    project = make_project(call=call, community=network.community_a, created_by=applicant, status=S.APPROVED)
    procurement = services.procurement_open(
        actor=district_admin, project=project, method=Procurement.Method.PUBLIC_SELECTION
    )
    with pytest.raises(ActionNotAllowed):
        services.procurement_open(
            actor=district_admin, project=project, method=Procurement.Method.NEGOTIATION
        )
    first = services.bid_record(
        actor=district_admin, procurement=procurement, organization=organization, price="40000", score=90
    )
    second = services.bid_record(
        actor=district_admin, procurement=procurement, organization=other_organization, price="38000"
    )
    with pytest.raises(ValidationError, match="already bid"):
        services.bid_record(
            actor=district_admin, procurement=procurement, organization=organization, price="1"
        )
    assert services.bid_award(actor=district_admin, bid=first).awarded
    with pytest.raises(ActionNotAllowed):
        services.bid_award(actor=district_admin, bid=second)


def test_only_an_approved_project_goes_to_procurement(district_admin, under_review):
    with pytest.raises(ActionNotAllowed):
        services.procurement_open(actor=district_admin, project=under_review, method="negotiation")


# Contracts: never above the approved amount, never above the year's budget


@pytest.fixture
def approved(applicant, network, call):
    return make_project(
        call=call,
        community=network.community_a,
        created_by=applicant,
        status=S.APPROVED,
        requested="50000",
        approved="50000",
    )


def test_contract_cannot_exceed_the_approved_amount(district_admin, approved, organization, budget):
    with pytest.raises(ValidationError, match="approved ¥50,000.00"):
        sign(district_admin, approved, organization, amount="50000.01")


def test_contract_is_signed_with_the_applicant_or_the_awarded_bidder(
    district_admin, approved, organization, budget
):
    approved.organization = organization
    approved.save(update_fields=["organization"])
    stranger = make_organization("另一家机构")
    with pytest.raises(ValidationError, match="must be signed with"):
        sign(district_admin, approved, stranger)
    procurement = services.procurement_open(actor=district_admin, project=approved, method="open_bidding")
    bid = services.bid_record(
        actor=district_admin, procurement=procurement, organization=stranger, price="45000"
    )
    services.bid_award(actor=district_admin, bid=bid)
    with pytest.raises(ValidationError, match="must be signed with"):
        sign(district_admin, approved, organization)
    assert sign(district_admin, approved, stranger).organization == stranger


def test_contract_needs_the_year_budget(district_admin, approved, organization):
    with pytest.raises(ValidationError, match="no budget"):
        sign(district_admin, approved, organization)


def test_contracts_of_a_year_never_exceed_its_budget(district_admin, applicant, network, call, organization):
    make_budget(call.year, amount="60000")
    first = make_project(
        call=call, community=network.community_a, created_by=applicant, status=S.APPROVED, approved="50000"
    )
    sign(district_admin, first, organization, amount="50000", number="HT-1")
    second = make_project(
        call=call, community=network.community_a, created_by=applicant, status=S.APPROVED, approved="50000"
    )
    with pytest.raises(ValidationError, match="Only ¥10,000.00 of the"):
        sign(district_admin, second, organization, amount="10000.01", number="HT-2")
    sign(district_admin, second, organization, amount="10000", number="HT-2")
    assert Contract.objects.filter(year=call.year).count() == 2


def test_only_an_approved_project_is_contracted(district_admin, under_review, organization, budget):
    with pytest.raises(ActionNotAllowed):
        sign(district_admin, under_review, organization)
    assert not Contract.objects.exists()


def test_contract_cannot_end_before_it_starts(district_admin, approved, organization, budget):
    with pytest.raises(ValidationError, match="end before it starts"):
        services.contract_sign(
            actor=district_admin,
            project=approved,
            number="HT-1",
            organization=organization,
            amount="1000",
            starts_on=TODAY,
            ends_on=TODAY - timedelta(days=1),
            signed_on=TODAY,
        )


def test_applicant_cannot_sign_a_contract(applicant, approved, organization, budget):
    with pytest.raises(ActionNotAllowed):  # a step of the district's, refused before the input
        sign(applicant, approved, organization)


# Payments: never above what is due, never above the contract


@pytest.fixture
def contract(applicant, network, call, organization):
    """A running 40,000 contract whose one milestone, completed, released 36,000 (10% held back)."""
    project = make_project(
        call=call, community=network.community_a, created_by=applicant, status=S.IN_PROGRESS, approved="50000"
    )
    contract = make_contract(project, organization, amount="40000")
    make_milestone(contract, TODAY, title="启动", amount=Decimal("36000"), completed_on=TODAY)
    return contract


def test_payments_never_exceed_what_is_due_nor_the_contract(district_admin, contract):
    services.payment_record(actor=district_admin, contract=contract, amount="30000", paid_on=TODAY)
    with pytest.raises(ValidationError, match="Only ¥6,000.00 is due now"):
        services.payment_record(actor=district_admin, contract=contract, amount="6000.01", paid_on=TODAY)
    services.payment_record(actor=district_admin, contract=contract, amount="6000", paid_on=TODAY)
    # The final share waits for a passed acceptance; then the whole contract, and no more.
    contract.project.acceptances.create(
        evaluator="第三方", score=90, conclusion=Acceptance.Conclusion.PASS, evaluated_on=TODAY
    )
    with pytest.raises(ValidationError, match="Only ¥4,000.00 is due now"):
        services.payment_record(actor=district_admin, contract=contract, amount="4000.01", paid_on=TODAY)
    services.payment_record(actor=district_admin, contract=contract, amount="4000", paid_on=TODAY)
    assert sum(p.amount for p in Payment.objects.all()) == contract.amount


def test_payment_must_be_positive(district_admin, contract):
    with pytest.raises(ValidationError, match="more than zero"):
        services.payment_record(actor=district_admin, contract=contract, amount="0", paid_on=TODAY)


def test_terminated_project_is_not_paid(district_admin, contract):
    Project.objects.filter(pk=contract.project_id).update(status=S.TERMINATED)
    with pytest.raises(ActionNotAllowed):
        services.payment_record(actor=district_admin, contract=contract, amount="100", paid_on=TODAY)


def test_applicant_cannot_record_payments(applicant, contract):
    with pytest.raises(ActionNotAllowed):
        services.payment_record(actor=applicant, contract=contract, amount="100", paid_on=TODAY)


# Running and accepting


def test_milestone_is_completed_once(applicant, contract):
    milestone = contract.milestones.create(title="中期", due_on=TODAY)
    services.milestone_complete(actor=applicant, milestone=milestone, completed_on=TODAY)
    with pytest.raises(ActionNotAllowed):  # no milestone is left to complete
        services.milestone_complete(actor=applicant, milestone=milestone, completed_on=TODAY)
    contract.milestones.create(title="结项", due_on=TODAY)
    with pytest.raises(ValidationError, match="already completed"):
        services.milestone_complete(actor=applicant, milestone=milestone, completed_on=TODAY)


def test_progress_is_not_reported_on_a_draft(applicant, network, call):
    project = make_project(call=call, community=network.community_a, created_by=applicant)
    with pytest.raises(ActionNotAllowed):
        services.progress_report_submit(actor=applicant, project=project, period="一季度", content="无")


def test_supervision_visit_on_a_running_project(district_admin, contract):
    visit = services.supervision_visit_record(
        actor=district_admin,
        project=contract.project,
        visited_on=TODAY,
        inspector="督导组",
        findings="台账齐全",
        rating="good",
    )
    assert visit.project == contract.project


@pytest.mark.parametrize(
    ("conclusion", "target"),
    [
        (Acceptance.Conclusion.PASS, S.COMPLETED),
        (Acceptance.Conclusion.RECTIFY, S.IN_PROGRESS),
        (Acceptance.Conclusion.FAIL, S.TERMINATED),
    ],
)
def test_acceptance_conclusion_moves_the_project(district_admin, contract, conclusion, target):
    project = contract.project
    Project.objects.filter(pk=project.pk).update(status=S.UNDER_ACCEPTANCE)
    services.acceptance_record(
        actor=district_admin,
        project=project,
        evaluator="评估机构",
        score=75,
        conclusion=conclusion,
        evaluated_on=TODAY,
    )
    project.refresh_from_db()
    assert project.status == target and statuses(project) == [(S.UNDER_ACCEPTANCE, target)]


def test_acceptance_needs_a_project_under_acceptance(district_admin, contract):
    with pytest.raises(ActionNotAllowed):
        services.acceptance_record(
            actor=district_admin,
            project=contract.project,
            evaluator="评估机构",
            score=75,
            conclusion="pass",
            evaluated_on=TODAY,
        )


def test_honour_is_recorded_on_a_completed_project(district_admin, contract):
    Project.objects.filter(pk=contract.project_id).update(status=S.COMPLETED)
    honour = services.honour_add(actor=district_admin, project=contract.project, name="一社一品", year=2030)
    assert contract.project.honours.get() == honour


# Concurrency (PostgreSQL)


def _run_at_once(*actions):
    barrier, errors = threading.Barrier(len(actions)), []

    def run(action):
        barrier.wait()
        try:
            action()
        except ValidationError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _reference_data():
    """Transactional tests start after a flush: everything is made here."""
    district = make_region("测试区", "district")
    community = make_region("甲社区", "community", district)
    centre = make_unit("区社工服务中心", "centre", None, district)
    admin = make_user("district", Role.DISTRICT_ADMIN, unit=centre, region=district)
    organization = make_organization("阳光社工服务中心")
    return admin, community, organization


@pytest.mark.django_db(transaction=True)
def test_contracts_signed_at_once_never_exceed_the_year_budget():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven on PostgreSQL")
    admin, community, organization = _reference_data()
    call = make_call()
    make_budget(call.year, amount="100000")
    projects = [
        make_project(call=call, community=community, created_by=admin, status=S.APPROVED, approved="60000")
        for _n in range(4)
    ]
    errors = _run_at_once(
        *[
            lambda project=project, n=n: sign(admin, project, organization, amount="60000", number=f"HT-{n}")
            for n, project in enumerate(projects)
        ]
    )
    assert len(errors) == 3 and all("uncommitted" in message(error) for error in errors)
    assert Contract.objects.count() == 1
    assert Project.objects.filter(status=S.CONTRACTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_payments_recorded_at_once_never_exceed_the_contract():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven on PostgreSQL")
    admin, community, organization = _reference_data()
    project = make_project(
        call=make_call(), community=community, created_by=admin, status=S.IN_PROGRESS, approved="50000"
    )
    contract = make_contract(project, organization, amount="50000")
    make_milestone(contract, TODAY, amount=Decimal("40000"), completed_on=TODAY)
    # 40,000 is due: two payments of 15,000 pass; each of the other three finds 10,000 still due
    # (so paying stays open) and is refused for asking more than that.
    errors = _run_at_once(
        *[
            lambda: services.payment_record(actor=admin, contract=contract, amount="15000", paid_on=TODAY)
            for _n in range(5)
        ]
    )
    assert len(errors) == 3 and all("¥10,000.00 is due now" in message(error) for error in errors)
    assert sum(payment.amount for payment in Payment.objects.all()) == Decimal("30000")
