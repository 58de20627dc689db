"""People are told of a project's outcomes: the district of a submitted application; the applicant
organization's staff and the drafter of a decision; the provider's staff of a contract signed, a
payment made and an acceptance concluded. Nobody else is."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from positions.models import Region
from projects import notifications, services
from projects.models import Project
from socialwork.models import Notification
from socialwork.roles import Role
from tests.factories import make_region, make_user
from tests.projects.factories import make_budget, make_contract, make_milestone, make_project

S = Project.Status
TODAY = timezone.localdate()


def told(kind: str) -> dict[str, str]:
    """username → link of everyone sent a notification of this kind."""
    return {n.user.username: n.url for n in Notification.objects.filter(kind=kind).select_related("user")}


@pytest.fixture
def people(
    network, organization, other_organization, district_admin, district_admin2, auditor, station_manager
):
    other_district = make_region("外区", Region.Level.DISTRICT)
    return {
        "staff": make_user("staff_1", Role.ORG_STAFF, region=network.district, organization=organization),
        "colleague": make_user("staff_2", Role.ORG_STAFF, region=network.district, organization=organization),
        "stranger": make_user("staff_x", Role.ORG_STAFF, region=network.district, organization=other_organization),
        "drafter": make_user("drafter", Role.ORG_STAFF, region=network.district),
        "elsewhere": make_user("district_x", Role.DISTRICT_ADMIN, region=other_district),
        "left": make_user("staff_left", Role.ORG_STAFF, organization=organization, is_active=False),
    }  # fmt: skip


@pytest.fixture
def project(call, network, organization, people):
    return make_project(
        call=call, community=network.community_a, created_by=people["drafter"], organization=organization
    )


def test_a_submitted_application_is_told_to_the_districts_administrators(project, people):
    services.project_move(actor=people["staff"], project=project, move="submit")
    assert told(notifications.APPLICATION_SUBMITTED) == {
        "district": project.get_absolute_url(),
        "district2": project.get_absolute_url(),
    }  # not the auditor, a station manager, another district's administrator or the staff


@pytest.mark.parametrize(
    ("status", "decide"),
    [
        (S.UNDER_REVIEW, lambda actor, project: services.project_decide(
            actor=actor, project=project, approve=True, amount="30000")),
        (S.UNDER_REVIEW, lambda actor, project: services.project_decide(
            actor=actor, project=project, approve=False, reason="与已有项目重复")),
        (S.SUBMITTED, lambda actor, project: services.project_move(
            actor=actor, project=project, move="return", reason="预算不清楚")),
    ],
)  # fmt: skip
def test_a_decision_is_told_to_the_applicant_organizations_staff_and_the_drafter(
    project, people, district_admin, status, decide
):
    Project.objects.filter(pk=project.pk).update(status=status)
    decide(district_admin, Project.objects.get(pk=project.pk))
    link = project.get_absolute_url()
    assert told(notifications.APPLICATION_DECIDED) == {"staff_1": link, "staff_2": link, "drafter": link}


def test_a_rejection_tells_its_reason(project, people, district_admin):
    Project.objects.filter(pk=project.pk).update(status=S.UNDER_REVIEW)
    services.project_decide(
        actor=district_admin,
        project=Project.objects.get(pk=project.pk),
        approve=False,
        reason="与已有项目重复",
    )
    notice = Notification.objects.get(user=people["staff"], kind=notifications.APPLICATION_DECIDED)
    # In the recipient's language (Chinese unless they chose otherwise).
    assert "未获批准" in notice.title and notice.body == "与已有项目重复"


def test_a_contract_a_payment_and_an_acceptance_are_told_to_the_organizations_staff(
    project, people, district_admin, organization
):
    make_budget()
    Project.objects.filter(pk=project.pk).update(status=S.APPROVED, approved_amount=40000)
    contract = services.contract_sign(
        actor=district_admin, project=project, number="YL-1", organization=organization, amount="40000",
        starts_on=TODAY, ends_on=TODAY + timedelta(days=100), signed_on=TODAY,
        milestones=[("启动", TODAY, "10000")],
    )  # fmt: skip
    # A payment releases a completed milestone's instalment.
    services.milestone_complete(actor=district_admin, milestone=contract.milestones.get(), completed_on=TODAY)
    services.payment_record(actor=district_admin, contract=contract, amount="10000", paid_on=TODAY)
    Project.objects.filter(pk=project.pk).update(status=S.UNDER_ACCEPTANCE)
    services.acceptance_record(
        actor=district_admin,
        project=project,
        evaluator="评估机构",
        score=90,
        conclusion="pass",
        evaluated_on=TODAY,
    )
    link = project.get_absolute_url()
    for kind in (
        notifications.CONTRACT_SIGNED,
        notifications.PAYMENT_MADE,
        notifications.ACCEPTANCE_CONCLUDED,
    ):
        assert told(kind) == {"staff_1": link, "staff_2": link}, kind
    payment = Notification.objects.get(user=people["staff"], kind=notifications.PAYMENT_MADE)
    assert "¥10,000.00" in payment.title


def test_the_payment_is_told_to_the_contracts_provider_not_the_applicant(
    project, people, district_admin, other_organization
):
    Project.objects.filter(pk=project.pk).update(status=S.IN_PROGRESS, approved_amount=40000)
    contract = make_contract(project, other_organization)
    make_milestone(contract, TODAY, amount=Decimal("10000"), completed_on=TODAY)  # its instalment is due
    services.payment_record(actor=district_admin, contract=contract, amount="10000", paid_on=TODAY)
    assert set(told(notifications.PAYMENT_MADE)) == {"staff_x"}


def test_whoever_takes_the_step_is_not_told_of_it(call, network, organization, people, district_admin):
    own = make_project(
        call=call, community=network.community_a, created_by=district_admin, status=S.SUBMITTED
    )
    services.project_move(actor=district_admin, project=own, move="return", reason="补充材料")
    assert "district" not in told(notifications.APPLICATION_DECIDED)


def test_the_kinds_are_on_what_i_receive(as_user, people):
    html = as_user(people["staff"]).get(reverse("notification_preferences")).content.decode()
    for label in ("Payments made to my organization", "Service contracts signed with my organization"):
        assert label in html
