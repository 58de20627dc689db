from datetime import timedelta

import pytest
from django.utils import timezone

from projects import services
from projects.models import Contract, Project
from socialwork.roles import Role
from tests.factories import make_user
from tests.projects.factories import make_budget, make_call, make_contract, make_milestone, make_project
from tests.schema import nulls_the_schema_forbids

S = Project.Status
TODAY = timezone.localdate()


@pytest.fixture
def stranger(other_organization):
    """Staff of another organization."""
    return make_user("stranger", Role.ORG_STAFF, organization=other_organization)


@pytest.fixture
def own_project(applicant, network, call, organization):
    return make_project(
        call=call, community=network.community_a, created_by=applicant, organization=organization
    )


# Scoping


def test_organization_staff_cannot_see_another_organizations_project(api, stranger, own_project):
    client = api(stranger)
    assert client.get(f"/api/v1/projects/{own_project.pk}/").status_code == 404
    assert client.get("/api/v1/projects/").json()["count"] == 0
    response = client.post(f"/api/v1/projects/{own_project.pk}/move/", {"move": "submit"}, format="json")
    assert response.status_code == 404
    own_project.refresh_from_db()
    assert own_project.status == S.DRAFT


def test_organization_staff_see_their_own_organizations_project(api, applicant, own_project):
    response = api(applicant).get(f"/api/v1/projects/{own_project.pk}/")
    assert response.status_code == 200 and response.json()["organization"] == own_project.organization_id


def test_organization_staff_see_only_their_organizations_contracts_and_payments(
    api, applicant, stranger, district_admin, own_project, organization
):
    Project.objects.filter(pk=own_project.pk).update(status=S.IN_PROGRESS, approved_amount=50000)
    contract = make_contract(own_project, organization, amount="40000")
    contract.payments.create(amount=1000, paid_on=TODAY, recorded_by=district_admin)
    assert api(applicant).get("/api/v1/contracts/").json()["count"] == 1
    assert api(applicant).get("/api/v1/payments/").json()["count"] == 1
    assert api(stranger).get("/api/v1/contracts/").json()["count"] == 0
    assert api(stranger).get("/api/v1/payments/").json()["count"] == 0
    assert api(stranger).get(f"/api/v1/contracts/{contract.pk}/").status_code == 404
    assert api(stranger).get("/api/v1/organizations/").json()["count"] == 1


# Writes through the services


def test_organization_staff_apply_with_budget_lines(api, applicant, network, call, organization):
    response = api(applicant).post(
        "/api/v1/projects/",
        {
            "call": call.pk,
            "title": "关爱留守儿童",
            "service_area": "left_behind",
            "community": network.community_a.pk,
            "beneficiaries": "留守儿童",
            "budget_lines": [{"item": "活动物资", "amount": "30000"}, {"item": "督导", "amount": "5000.50"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == S.DRAFT and data["requested_amount"] == "35000.50"
    assert data["organization"] == organization.pk and len(data["budget_lines"]) == 2


def test_application_above_the_ceiling_is_a_400(api, applicant, network):
    call = make_call(ceiling="1000")
    response = api(applicant).post(
        "/api/v1/projects/",
        {
            "call": call.pk,
            "title": "太贵了",
            "service_area": "youth",
            "community": network.community_a.pk,
            "beneficiaries": "青少年",
            "budget_lines": [{"item": "活动", "amount": "2000"}],
        },
        format="json",
    )
    assert response.status_code == 400 and "ceiling" in str(response.json()["budget_lines"])


def test_moves_go_through_the_workflow(api, applicant, district_admin, own_project):
    response = api(applicant).post(
        f"/api/v1/projects/{own_project.pk}/move/", {"move": "submit"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == S.SUBMITTED
    response = api(district_admin).post(
        f"/api/v1/projects/{own_project.pk}/move/", {"move": "start_review"}, format="json"
    )
    assert response.json()["status"] == S.UNDER_REVIEW
    response = api(district_admin).post(
        f"/api/v1/projects/{own_project.pk}/review/", {"score": "88.5", "comment": "好"}, format="json"
    )
    assert response.status_code == 201 and response.json()["score"] == "88.5"
    response = api(district_admin).post(
        f"/api/v1/projects/{own_project.pk}/decide/", {"approve": True, "amount": "45000"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == S.APPROVED and response.json()["approved_amount"] == "45000.00"


def test_a_move_not_open_to_the_person_is_a_403_with_the_message(api, applicant, own_project):
    response = api(applicant).post(
        f"/api/v1/projects/{own_project.pk}/move/", {"move": "start_review"}, format="json"
    )
    assert response.status_code == 403
    assert "not open to you" in response.json()["detail"]


def test_a_decision_on_a_draft_is_a_403(api, district_admin, own_project):
    response = api(district_admin).post(
        f"/api/v1/projects/{own_project.pk}/decide/", {"approve": False}, format="json"
    )
    assert response.status_code == 403 and "not open to you" in response.json()["detail"]


def test_a_rejection_without_a_reason_is_a_400_with_the_message(api, district_admin, own_project):
    Project.objects.filter(pk=own_project.pk).update(status=S.UNDER_REVIEW)
    response = api(district_admin).post(
        f"/api/v1/projects/{own_project.pk}/decide/", {"approve": False}, format="json"
    )
    assert response.status_code == 400 and "Give a reason" in str(response.json())


def test_the_project_detail_lists_the_actions_open_to_its_reader(api, applicant, district_admin, own_project):
    assert set(api(applicant).get(f"/api/v1/projects/{own_project.pk}/").json()["actions"]) == {
        "edit",
        "submit",
    }
    assert api(district_admin).get(f"/api/v1/projects/{own_project.pk}/").json()["actions"] == ["edit"]


def test_contract_is_signed_with_milestones_and_payments_stop_at_what_is_due(
    api, district_admin, own_project, organization
):
    make_budget(own_project.call.year)
    Project.objects.filter(pk=own_project.pk).update(status=S.APPROVED, approved_amount=50000)
    response = api(district_admin).post(
        "/api/v1/contracts/",
        {
            "project": own_project.pk,
            "number": "YL-2030-001",
            "organization": organization.pk,
            "amount": "40000",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=200)).isoformat(),
            "signed_on": TODAY.isoformat(),
            "milestones": [
                {"title": "中期评估", "due_on": (TODAY + timedelta(days=100)).isoformat(), "amount": "30000"}
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["milestones"][0]["title"] == "中期评估"
    contract = Contract.objects.get()
    own_project.refresh_from_db()
    assert own_project.status == S.CONTRACTED
    services.milestone_complete(actor=district_admin, milestone=contract.milestones.get(), completed_on=TODAY)
    payment = {"contract": contract.pk, "amount": "20000", "paid_on": TODAY.isoformat()}
    assert api(district_admin).post("/api/v1/payments/", payment, format="json").status_code == 201
    response = api(district_admin).post("/api/v1/payments/", payment, format="json")
    # 10,000 of the instalment is still due; the other 10,000 is the final share, held back until
    # acceptance passes.
    assert response.status_code == 400 and "due now" in response.json()["amount"][0]
    payment["amount"] = "10000"
    assert api(district_admin).post("/api/v1/payments/", payment, format="json").status_code == 201
    assert (
        "payment_record" not in api(district_admin).get(f"/api/v1/contracts/{contract.pk}/").json()["actions"]
    )
    # Nothing is due now: paying is not open (the page shows no payment form either).
    assert api(district_admin).post("/api/v1/payments/", payment, format="json").status_code == 403
    money = api(district_admin).get(f"/api/v1/contracts/{contract.pk}/").json()["money"]
    assert (money["paid"], money["due"], money["held_back"]) == ("30000.00", "0.00", "10000.00")


def test_organization_with_a_wrong_credit_code_is_a_400(api, district_admin):
    response = api(district_admin).post(
        "/api/v1/organizations/", {"name": "错码机构", "credit_code": "91350100M000100Y44"}, format="json"
    )
    assert response.status_code == 400 and "credit_code" in response.json()


def test_organization_staff_cannot_open_calls(api, applicant):
    response = api(applicant).post(
        "/api/v1/calls/",
        {"year": 2030, "kind": "micro", "title": "x", "budget_ceiling": "1", "opens_on": "2030-01-01",
         "closes_on": "2030-02-01"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 403


# Query counts


@pytest.fixture
def busy_district(network, district_admin, applicant, organization, other_organization):
    call = make_call()
    for n in range(6):
        project = make_project(
            call=call,
            community=network.community_a if n % 2 else network.community_b,
            created_by=applicant,
            organization=organization if n % 2 else other_organization,
            status=S.IN_PROGRESS,
            approved="50000",
        )
        contract = make_contract(project, project.organization, amount="40000")
        make_milestone(contract, TODAY)
        make_milestone(contract, TODAY + timedelta(days=30))
        contract.payments.create(amount=1000, paid_on=TODAY, recorded_by=district_admin)
        contract.payments.create(amount=2000, paid_on=TODAY, recorded_by=district_admin)


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/api/v1/organizations/", 2),
        ("/api/v1/calls/", 1),
        ("/api/v1/projects/", 6),
        ("/api/v1/contracts/", 6),
        ("/api/v1/payments/", 12),
    ],
)
def test_list_query_count_is_bounded(
    api, district_admin, busy_district, django_assert_max_num_queries, path, count
):
    client = api(district_admin)
    with django_assert_max_num_queries(4):
        response = client.get(path)
    assert response.status_code == 200 and response.json()["count"] == count


# What schemathesis found (issue 16)


@pytest.mark.parametrize("action", ["decide", "move", "review"])
def test_a_project_id_that_is_not_a_number_is_not_found(api, district_admin, action):
    assert api(district_admin).post(f"/api/v1/projects/abc/{action}/", {}, format="json").status_code == 404


def test_service_areas_null_in_a_form_is_a_400_not_a_server_error(api, district_admin, organization):
    url = f"/api/v1/organizations/{organization.pk}/"
    response = api(district_admin).patch(url, {"service_areas": "null"}, format="multipart")
    assert response.status_code == 400 and "service_areas" in response.json()
    response = api(district_admin).patch(url, {"service_areas": ["elderly", "youth"]}, format="multipart")
    assert response.status_code == 200 and response.json()["service_areas"] == ["youth", "elderly"]
    organization.refresh_from_db()
    assert organization.service_areas == ["youth", "elderly"]  # in the order of the list of areas


def test_a_project_without_an_organization_is_null_where_the_schema_allows_it(
    api, district_admin, network, call
):
    project = make_project(call=call, community=network.community_a, created_by=district_admin)
    data = api(district_admin).get(f"/api/v1/projects/{project.pk}/").json()
    assert data["organization_name"] is None
    assert nulls_the_schema_forbids("Project", data) == []
