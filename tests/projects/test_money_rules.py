"""Issue 17, point 3: the money rules of government purchase, through the service, the page and
the API. Each finding of the issue is reproduced here first:

- a 25,000-yuan bid awarded on a project approved for 18,000, and never undone;
- the winning bidder named on the contract while the applicant's account ran the project;
- a milestone due after the contract's end, a payment dated in the future, 100% paid before the
  work started with nothing held back for acceptance;
- a signed contract that could not be amended at all.

A step not open now is refused before anything is read (ActionNotAllowed, a 403: awarding when no
bid is within the approved amount, paying when nothing is due, anything by someone not of the
district); a step that is open but whose input breaks a money rule is a field error.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from projects import services, workflow
from projects.models import (
    FINAL_SHARE_MAX,
    FINAL_SHARE_MIN,
    Acceptance,
    Award,
    Bid,
    Contract,
    ContractAmendment,
    Procurement,
    Project,
    YearBudget,
)
from projects.selectors import contract_money, projects_visible_to
from socialwork.actions import ActionNotAllowed
from socialwork.models import AuditEntry
from socialwork.roles import Role
from tests.doors import page_actions
from tests.factories import make_user
from tests.projects.factories import make_budget, make_call, make_milestone, make_project

S = Project.Status
TODAY = timezone.localdate()


def url(name, *args):
    return reverse(f"projects:{name}", args=args)


def field_errors(error: ValidationError) -> dict:
    return error.message_dict


@pytest.fixture
def winner_staff(other_organization):
    """Staff of the organization that wins the procurement (not the applicant)."""
    return make_user("winner", Role.ORG_STAFF, organization=other_organization)


@pytest.fixture
def approved(network, applicant, organization):
    """An application of `organization` approved for 18,000, its procurement open."""
    make_budget()
    project = make_project(
        call=make_call(), community=network.community_a, created_by=applicant, organization=organization,
        status=S.APPROVED, requested="20000", approved="18000",
    )  # fmt: skip
    return project


@pytest.fixture
def procurement(district_admin, approved):
    return services.procurement_open(
        actor=district_admin, project=approved, method=Procurement.Method.NEGOTIATION
    )


def bid(district_admin, procurement, organization, price) -> Bid:
    return services.bid_record(
        actor=district_admin, procurement=procurement, organization=organization, price=price
    )


def sign(district_admin, project, organization, amount="18000", **fields):
    return services.contract_sign(
        actor=district_admin,
        project=project,
        number=fields.pop("number", "HT-2030-01"),
        organization=organization,
        amount=amount,
        starts_on=fields.pop("starts_on", TODAY - timedelta(days=10)),
        ends_on=fields.pop("ends_on", TODAY + timedelta(days=200)),
        signed_on=fields.pop("signed_on", TODAY - timedelta(days=10)),
        **fields,
    )


# An award never exceeds the approved amount


def test_a_bid_above_the_approved_amount_is_not_awarded(
    district_admin, procurement, organization, other_organization
):
    dear = bid(district_admin, procurement, other_organization, "25000")
    # No bid within the approved amount: there is nothing to award.
    assert "bid_award" not in workflow.actions_for(district_admin, procurement.project)
    with pytest.raises(ActionNotAllowed):
        services.bid_award(actor=district_admin, bid=dear)
    # With a bid within it, awarding is open, but not to the dear bid.
    bid(district_admin, procurement, organization, "17500")
    with pytest.raises(ValidationError) as refused:
        services.bid_award(actor=district_admin, bid=dear)
    assert "approved 18000.00 yuan" in field_errors(refused.value)["bid"][0]
    dear.refresh_from_db()
    assert not dear.awarded and not Award.objects.exists()


def test_the_page_has_no_award_button_when_every_bid_is_above_the_approved_amount(
    as_user, district_admin, approved, procurement, other_organization
):
    dear = bid(district_admin, procurement, other_organization, "25000")
    client = as_user(district_admin)
    html = client.get(url("project_detail", approved.pk)).content.decode()
    assert "bid_award" not in page_actions(html)
    assert "Above the approved amount: cannot be awarded" in html
    assert client.post(url("bid_award", approved.pk, dear.pk)).status_code == 403
    assert not Bid.objects.filter(awarded=True).exists()


def test_the_page_explains_why_a_bid_above_the_approved_amount_has_no_award_button(
    as_user, district_admin, approved, procurement, organization, other_organization
):
    dear = bid(district_admin, procurement, other_organization, "25000")
    fair = bid(district_admin, procurement, organization, "17500")
    client = as_user(district_admin)
    html = client.get(url("project_detail", approved.pk)).content.decode()
    assert 'id="award-limit"' in html and "above-approved" in html
    assert url("bid_award", approved.pk, dear.pk) not in html
    assert url("bid_award", approved.pk, fair.pk) in html
    page = client.post(url("bid_award", approved.pk, dear.pk), follow=True)
    assert any("above the approved" in str(message) for message in page.context["messages"])
    assert not Bid.objects.filter(awarded=True).exists()


# The awarded organization becomes the provider and runs the project


def test_the_awarded_organization_becomes_the_provider_and_its_staff_run_the_project(
    district_admin, applicant, winner_staff, approved, procurement, organization, other_organization
):
    winning = bid(district_admin, procurement, other_organization, "17000")
    services.bid_award(actor=district_admin, bid=winning)
    approved.refresh_from_db()
    assert approved.provider == other_organization and approved.organization == organization  # on record
    assert workflow.roles_of(winner_staff, approved) == {workflow.APPLICANT}
    assert workflow.roles_of(applicant, approved) == set()
    assert projects_visible_to(user=winner_staff).filter(pk=approved.pk).exists()
    # Who and when, for the timeline.
    award = Award.objects.get()
    assert (award.bid, award.awarded_by, award.previous_provider) == (winning, district_admin, None)
    entry = AuditEntry.objects.get(action="project.provider", target_id=str(approved.pk))
    assert entry.actor == district_admin and other_organization.name in entry.summary

    contract = sign(district_admin, approved, other_organization, amount="17000")
    project = services.project_move(actor=winner_staff, project=approved, move="start")
    assert project.status == S.IN_PROGRESS
    with pytest.raises(ActionNotAllowed):
        services.project_move(actor=applicant, project=project, move="request_acceptance")
    with pytest.raises(ActionNotAllowed):
        services.progress_report_submit(actor=applicant, project=project, period="一季度", content="…")
    services.progress_report_submit(actor=winner_staff, project=project, period="一季度", content="开展活动")
    milestone = make_milestone(contract, TODAY)
    services.milestone_complete(actor=winner_staff, milestone=milestone, completed_on=TODAY)


def test_a_contract_signed_without_a_procurement_makes_the_applicant_the_provider(
    district_admin, applicant, approved, organization
):
    sign(district_admin, approved, organization)
    approved.refresh_from_db()
    assert approved.provider == organization
    assert workflow.roles_of(applicant, approved) == {workflow.APPLICANT}


def test_once_a_procurement_is_opened_the_contract_waits_for_its_award(
    district_admin, approved, procurement, organization, other_organization
):
    """Found in the browser: with bids recorded and none awarded (or the award rescinded), the
    contract form offered the applicant at the full approved amount, past the procurement."""
    bid(district_admin, procurement, other_organization, "17000")
    assert "contract_sign" not in workflow.actions_for(district_admin, approved)
    with pytest.raises(ActionNotAllowed):
        sign(district_admin, approved, organization)
    assert not Contract.objects.filter(project=approved).exists()


# An award can be rescinded by the district, with a reason, before the contract


def test_the_district_rescinds_an_award_with_a_reason_and_the_project_is_as_before(
    district_admin, applicant, approved, procurement, organization, other_organization
):
    first = bid(district_admin, procurement, other_organization, "17000")
    second = bid(district_admin, procurement, organization, "17500")
    services.bid_award(actor=district_admin, bid=first)
    with pytest.raises(ValidationError) as refused:
        services.bid_award_rescind(actor=district_admin, bid=first, reason=" ")
    assert "reason" in field_errors(refused.value)
    with pytest.raises(ActionNotAllowed):  # only the district rescinds
        services.bid_award_rescind(actor=applicant, bid=first, reason="资质不符")

    services.bid_award_rescind(actor=district_admin, bid=first, reason="中标机构资质不符")
    approved.refresh_from_db()
    first.refresh_from_db()
    assert (approved.status, approved.provider, first.awarded) == (S.APPROVED, None, False)
    assert workflow.roles_of(applicant, approved) == {workflow.APPLICANT}
    award = Award.objects.get()
    assert (award.rescinded_by, award.rescind_reason) == (district_admin, "中标机构资质不符")
    assert award.rescinded_at is not None
    assert AuditEntry.objects.filter(action="bid.award_rescind", target_id=str(first.pk)).exists()
    # The procurement is open again: another bid can win.
    services.bid_award(actor=district_admin, bid=second)
    approved.refresh_from_db()
    assert approved.provider == organization and Award.objects.count() == 2


def test_an_award_is_not_rescinded_once_the_contract_is_signed(
    district_admin, approved, procurement, other_organization
):
    winning = bid(district_admin, procurement, other_organization, "17000")
    services.bid_award(actor=district_admin, bid=winning)
    sign(district_admin, approved, other_organization, amount="17000")
    assert "rescind_award" not in workflow.actions_for(district_admin, Project.objects.get(pk=approved.pk))
    with pytest.raises(ActionNotAllowed):
        services.bid_award_rescind(actor=district_admin, bid=winning, reason="反悔")
    winning.refresh_from_db()
    assert winning.awarded


def test_the_page_offers_rescinding_an_award_until_the_contract(
    as_user, district_admin, approved, procurement, other_organization
):
    winning = bid(district_admin, procurement, other_organization, "17000")
    services.bid_award(actor=district_admin, bid=winning)
    client = as_user(district_admin)
    assert "rescind_award" in page_actions(client.get(url("project_detail", approved.pk)).content.decode())
    response = client.post(url("bid_award_rescind", approved.pk, winning.pk), {"rescind-reason": ""})
    assert response.status_code == 400 and response.context["rescind_form"].errors["reason"]
    response = client.post(url("bid_award_rescind", approved.pk, winning.pk), {"rescind-reason": "资质不符"})
    assert response.status_code == 302
    winning.refresh_from_db()
    assert not winning.awarded
    html = client.get(url("project_detail", approved.pk)).content.decode()
    assert "rescind_award" not in page_actions(html) and "资质不符" in html


# Milestones inside the contract's term; payments never dated ahead


def test_a_milestone_due_after_the_contract_ends_is_refused(district_admin, approved, organization):
    with pytest.raises(ValidationError) as refused:
        sign(district_admin, approved, organization, milestones=[("结项", TODAY + timedelta(days=201))])
    assert "outside the contract's term" in field_errors(refused.value)["milestones"][0]
    with pytest.raises(ValidationError, match="outside the contract's term"):
        sign(district_admin, approved, organization, milestones=[("启动", TODAY - timedelta(days=11))])
    assert not approved.__class__.objects.filter(pk=approved.pk, contract__isnull=False).exists()


def test_the_contract_form_shows_a_milestone_outside_the_term(
    as_user, district_admin, approved, organization
):
    data = {
        "contract-number": "YL-1", "contract-organization": organization.pk, "contract-amount": "18000",
        "contract-starts_on": TODAY, "contract-ends_on": TODAY + timedelta(days=30), "contract-signed_on": TODAY,
        "contract-milestone_1": "结项", "contract-milestone_1_due": TODAY + timedelta(days=60),
    }  # fmt: skip
    response = as_user(district_admin).post(url("contract_sign", approved.pk), data)
    assert response.status_code == 400
    assert "outside the contract's term" in " ".join(response.context["contract_form"].non_field_errors())


def test_a_payment_dated_in_the_future_is_refused(district_admin, approved, organization):
    contract = sign(district_admin, approved, organization, milestones=[("启动", TODAY, "5000")])
    services.milestone_complete(actor=district_admin, milestone=contract.milestones.get(), completed_on=TODAY)
    with pytest.raises(ValidationError) as refused:
        services.payment_record(
            actor=district_admin, contract=contract, amount="100", paid_on=TODAY + timedelta(days=1)
        )
    assert "future" in field_errors(refused.value)["paid_on"][0]


def test_a_milestone_is_not_completed_on_a_future_date(district_admin, approved, organization):
    contract = sign(district_admin, approved, organization, milestones=[("启动", TODAY, "5000")])
    with pytest.raises(ValidationError) as refused:
        services.milestone_complete(
            actor=district_admin, milestone=contract.milestones.get(), completed_on=TODAY + timedelta(days=1)
        )
    assert "completed_on" in field_errors(refused.value)


# The payment schedule: instalments on milestones, a final share held until acceptance


def test_nothing_is_paid_before_the_work_is_done(district_admin, approved, organization):
    """The finding: 100% paid on a contracted project that had not started."""
    contract = sign(
        district_admin, approved, organization, milestones=[("中期评估", TODAY + timedelta(days=90), "9000")]
    )
    # Nothing is due: paying is not open at all.
    assert "payment_record" not in workflow.actions_for(district_admin, contract)
    with pytest.raises(ActionNotAllowed):
        services.payment_record(actor=district_admin, contract=contract, amount="18000", paid_on=TODAY)
    # The milestone's instalment is due, and no more.
    services.milestone_complete(actor=district_admin, milestone=contract.milestones.get(), completed_on=TODAY)
    with pytest.raises(ValidationError) as refused:
        services.payment_record(actor=district_admin, contract=contract, amount="18000", paid_on=TODAY)
    assert "Only 9000.00 yuan is due now" in field_errors(refused.value)["amount"][0]
    assert not contract.payments.exists()


def test_milestones_release_their_instalments_and_acceptance_the_final_share(
    district_admin, approved, organization
):
    contract = sign(
        district_admin, approved, organization, final_share_percent=20,
        milestones=[("启动", TODAY, "7200"), ("中期评估", TODAY + timedelta(days=90), "7200")],
    )  # fmt: skip
    money = contract_money(contract=contract)
    assert (money.final_share, money.due, money.awaiting_milestones, money.held_back) == (
        3600,
        0,
        14400,
        3600,
    )
    first, second = contract.milestones.all()
    services.milestone_complete(actor=district_admin, milestone=first, completed_on=TODAY)
    services.payment_record(actor=district_admin, contract=contract, amount="7200", paid_on=TODAY)
    with pytest.raises(ActionNotAllowed):  # nothing more is due
        services.payment_record(actor=district_admin, contract=contract, amount="0.01", paid_on=TODAY)
    services.milestone_complete(actor=district_admin, milestone=second, completed_on=TODAY)
    with pytest.raises(
        ValidationError, match="7200.00 yuan is due now.*3600.00 yuan is held back until acceptance"
    ):
        services.payment_record(actor=district_admin, contract=contract, amount="10800", paid_on=TODAY)
    services.payment_record(actor=district_admin, contract=contract, amount="7200", paid_on=TODAY)
    with pytest.raises(ActionNotAllowed):  # the final share waits for acceptance
        services.payment_record(actor=district_admin, contract=contract, amount="3600", paid_on=TODAY)
    approved.acceptances.create(
        evaluator="第三方", score=80, conclusion=Acceptance.Conclusion.RECTIFY, evaluated_on=TODAY
    )
    with pytest.raises(ActionNotAllowed):  # a call to rectify releases nothing
        services.payment_record(actor=district_admin, contract=contract, amount="3600", paid_on=TODAY)
    approved.acceptances.create(
        evaluator="第三方", score=90, conclusion=Acceptance.Conclusion.PASS, evaluated_on=TODAY
    )
    services.payment_record(actor=district_admin, contract=contract, amount="3600", paid_on=TODAY)
    assert contract_money(contract=contract).paid == contract.amount


def test_the_instalments_leave_the_final_share_for_acceptance(district_admin, approved, organization):
    with pytest.raises(ValidationError) as refused:
        sign(district_admin, approved, organization, milestones=[("启动", TODAY, "16200.01")])
    assert "at most 16200.00 yuan" in field_errors(refused.value)["milestones"][0]
    contract = sign(district_admin, approved, organization, milestones=[("启动", TODAY, "16200")])
    assert contract.final_share_percent == 10


@pytest.mark.parametrize("percent", [FINAL_SHARE_MIN - 1, FINAL_SHARE_MAX + 1, "abc"])
def test_the_final_share_is_within_the_range_the_district_may_set(
    district_admin, approved, organization, percent
):
    with pytest.raises(ValidationError) as refused:
        sign(district_admin, approved, organization, final_share_percent=percent)
    assert (
        f"from {FINAL_SHARE_MIN} to {FINAL_SHARE_MAX}"
        in field_errors(refused.value)["final_share_percent"][0]
    )


def test_the_contract_page_shows_what_is_paid_due_and_held_back(
    as_user, district_admin, approved, organization
):
    contract = sign(district_admin, approved, organization, milestones=[("启动", TODAY, "10000")])
    services.milestone_complete(actor=district_admin, milestone=contract.milestones.get(), completed_on=TODAY)
    services.payment_record(actor=district_admin, contract=contract, amount="4000", paid_on=TODAY)
    page = as_user(district_admin).get(url("project_detail", approved.pk))
    html = page.content.decode()
    for figure, value in (
        ("paid", "¥4,000.00"),
        ("due", "¥6,000.00"),
        ("held-back", "¥8,000.00"),
        ("final-share", "¥1,800.00"),
    ):
        assert f'id="{figure}">' in html and value in html.split(f'id="{figure}">')[1][:40]
    assert page.context["payment_form"] is not None


# A signed contract is amended by a supplementary agreement


@pytest.fixture
def running(district_admin, approved, organization):
    """The project approved for 18,000 under a 15,000 contract, at work."""
    contract = sign(
        district_admin,
        approved,
        organization,
        amount="15000",
        milestones=[("中期评估", TODAY + timedelta(days=90), "9000")],
    )
    Project.objects.filter(pk=approved.pk).update(status=S.IN_PROGRESS)
    return contract


def test_a_supplementary_agreement_changes_the_amount_and_term_and_keeps_the_original(
    district_admin, running
):
    signed = (running.amount, running.starts_on, running.ends_on)
    amendment = services.contract_amend(
        actor=district_admin, contract=running, amount="18000", ends_on=TODAY + timedelta(days=260),
        reason="服务对象增加", signed_on=TODAY,
    )  # fmt: skip
    running.refresh_from_db()
    assert (running.amount, running.ends_on) == (Decimal("18000"), TODAY + timedelta(days=260))
    assert (amendment.previous_amount, amendment.previous_starts_on, amendment.previous_ends_on) == signed
    entry = AuditEntry.objects.get(action="contract.amend", target_id=str(running.pk))
    assert entry.actor == district_admin and entry.changes["amount"] == ["15000.00", "18000"]


def test_a_supplementary_agreement_stays_within_the_approved_amount_and_the_budget(district_admin, running):
    with pytest.raises(ValidationError) as refused:
        services.contract_amend(
            actor=district_admin, contract=running, amount="18000.01", reason="增项", signed_on=TODAY
        )
    assert "approved 18000.00" in field_errors(refused.value)["amount"][0]
    YearBudget.objects.filter(year=running.year).update(amount=Decimal("16000"))
    with pytest.raises(ValidationError) as refused:
        services.contract_amend(
            actor=district_admin, contract=running, amount="17000", reason="增项", signed_on=TODAY
        )
    assert "uncommitted" in field_errors(refused.value)["amount"][0]
    services.contract_amend(
        actor=district_admin, contract=running, amount="16000", reason="增项", signed_on=TODAY
    )
    assert ContractAmendment.objects.count() == 1


def test_a_supplementary_agreement_keeps_paid_money_milestones_and_a_reason(district_admin, running):
    def amend(**fields):
        fields = {"reason": "调整", "signed_on": TODAY, **fields}
        with pytest.raises(ValidationError) as refused:
            services.contract_amend(actor=district_admin, contract=running, **fields)
        return field_errors(refused.value)

    assert "reason" in amend(amount="16000", reason="")
    assert "signed_on" in amend(amount="16000", signed_on=TODAY + timedelta(days=1))
    assert "ends_on" in amend(ends_on=TODAY + timedelta(days=30))  # the milestone would fall outside
    assert "amount" in amend(amount="9500")  # 9,000 on milestones leaves no 10% for acceptance
    services.milestone_complete(actor=district_admin, milestone=running.milestones.get(), completed_on=TODAY)
    services.payment_record(actor=district_admin, contract=running, amount="9000", paid_on=TODAY)
    assert "already paid" in amend(amount="8000")["amount"][0]
    assert not ContractAmendment.objects.exists()


def test_only_the_district_amends_a_contract_of_a_running_project(district_admin, applicant, running):
    with pytest.raises(ActionNotAllowed):
        services.contract_amend(
            actor=applicant, contract=running, amount="16000", reason="增项", signed_on=TODAY
        )
    Project.objects.filter(pk=running.project_id).update(status=S.COMPLETED)
    with pytest.raises(ActionNotAllowed):
        services.contract_amend(
            actor=district_admin, contract=running, amount="16000", reason="增项", signed_on=TODAY
        )


def test_the_page_records_and_shows_a_supplementary_agreement(as_user, district_admin, applicant, running):
    client = as_user(district_admin)
    project_url = url("project_detail", running.project_id)
    assert "amend_contract" in page_actions(client.get(project_url).content.decode())
    assert "amend_contract" not in page_actions(as_user(applicant).get(project_url).content.decode())
    response = client.post(
        url("contract_amend", running.project_id),
        {"amendment-amount": "19000", "amendment-reason": "增项", "amendment-signed_on": TODAY},
    )
    assert response.status_code == 400 and response.context["amendment_form"].errors["amount"]
    response = client.post(
        url("contract_amend", running.project_id),
        {"amendment-amount": "17000", "amendment-reason": "服务对象增加", "amendment-signed_on": TODAY},
    )
    assert response.status_code == 302
    html = client.get(project_url).content.decode()
    assert "服务对象增加" in html and "¥15,000.00 → ¥17,000.00" in html and 'id="contract-as-signed"' in html


# The API: the same rules, as 400s with field errors


def test_the_api_refuses_a_contract_breaking_the_schedule_with_field_errors(
    api, district_admin, approved, organization
):
    body = {
        "project": approved.pk, "number": "YL-API-1", "organization": organization.pk, "amount": "18000",
        "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=30)).isoformat(),
        "signed_on": TODAY.isoformat(),
    }  # fmt: skip
    client = api(district_admin)
    late = {"title": "结项", "due_on": (TODAY + timedelta(days=31)).isoformat()}
    response = client.post("/api/v1/contracts/", {**body, "milestones": [late]}, format="json")
    assert response.status_code == 400 and "milestones" in response.json()
    response = client.post("/api/v1/contracts/", {**body, "final_share_percent": 40}, format="json")
    assert response.status_code == 400 and "final_share_percent" in response.json()
    response = client.post(
        "/api/v1/contracts/",
        {**body, "final_share_percent": 15, "milestones": [{"title": "启动", "due_on": TODAY.isoformat(), "amount": "15300"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["final_share_percent"] == 15
    assert response.json()["money"]["held_back"] == "2700.00"


def test_the_api_refuses_a_payment_dated_ahead_or_not_yet_due(api, district_admin, running):
    client = api(district_admin)
    today = {"contract": running.pk, "amount": "100", "paid_on": TODAY.isoformat()}
    response = client.post("/api/v1/payments/", today, format="json")
    assert response.status_code == 403  # nothing is due: paying is not open
    assert "payment_record" not in client.get(f"/api/v1/contracts/{running.pk}/").json()["actions"]
    services.milestone_complete(actor=district_admin, milestone=running.milestones.get(), completed_on=TODAY)
    assert "payment_record" in client.get(f"/api/v1/contracts/{running.pk}/").json()["actions"]
    ahead = {**today, "paid_on": (TODAY + timedelta(days=1)).isoformat()}
    response = client.post("/api/v1/payments/", ahead, format="json")
    assert response.status_code == 400 and "paid_on" in response.json()
    response = client.post("/api/v1/payments/", {**today, "amount": "9000.01"}, format="json")
    assert response.status_code == 400 and "9000.00 yuan is due now" in response.json()["amount"][0]


def test_the_api_amends_a_contract_by_a_supplementary_agreement(api, district_admin, applicant, running):
    client = api(district_admin)
    path = f"/api/v1/contracts/{running.pk}/amend/"
    response = client.post(
        path, {"amount": "18500", "reason": "增项", "signed_on": TODAY.isoformat()}, format="json"
    )
    assert response.status_code == 400 and "approved" in response.json()["amount"][0]
    response = client.post(path, {"amount": "17000", "signed_on": TODAY.isoformat()}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(
        path, {"amount": "17000", "reason": "增项", "signed_on": TODAY.isoformat()}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["previous_amount"], response.json()["amount"]) == ("15000.00", "17000.00")
    detail = client.get(f"/api/v1/contracts/{running.pk}/").json()
    assert detail["amount"] == "17000.00" and detail["amendments"][0]["reason"] == "增项"
    response = api(applicant).post(
        path, {"amount": "16000", "reason": "增项", "signed_on": TODAY.isoformat()}, format="json"
    )
    assert response.status_code in (400, 403, 404)
    running.refresh_from_db()
    assert running.amount == Decimal("17000")


def test_the_api_shows_the_provider_of_a_project(
    api, district_admin, approved, procurement, other_organization
):
    services.bid_award(
        actor=district_admin, bid=bid(district_admin, procurement, other_organization, "17000")
    )
    data = api(district_admin).get(f"/api/v1/projects/{approved.pk}/").json()
    assert (data["provider"], data["provider_name"]) == (other_organization.pk, other_organization.name)
