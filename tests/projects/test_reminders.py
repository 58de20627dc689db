from datetime import date, timedelta

import pytest

from projects.models import Project
from projects.reminders import ACCEPTANCE_WITHIN, CALL_CLOSING_WITHIN, MILESTONE_WITHIN
from socialwork.models import Notification
from socialwork.reminders import REGISTRY, reminder_run
from socialwork.roles import Role
from tests.factories import make_user
from tests.projects.factories import make_call, make_contract, make_milestone, make_project

S = Project.Status
DAY = date(2030, 6, 3)


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


@pytest.fixture
def admin(district_admin):
    district_admin.language = "en"
    district_admin.save(update_fields=["language"])
    return district_admin


@pytest.fixture
def staff(applicant):
    applicant.language = "en"
    applicant.save(update_fields=["language"])
    return applicant


@pytest.fixture
def stranger(other_organization):
    return make_user("stranger", Role.ORG_STAFF, organization=other_organization, language="en")


@pytest.fixture
def contract(network, staff, organization):
    call = make_call(year=2030, opens_on=date(2030, 1, 1), closes_on=date(2030, 2, 1))
    project = make_project(
        call=call,
        community=network.community_a,
        created_by=staff,
        organization=organization,
        status=S.IN_PROGRESS,
        title="关爱留守儿童",
    )
    return make_contract(project, organization, starts_on=date(2030, 1, 1), ends_on=date(2030, 12, 31))


def test_project_reminder_kinds_are_registered():
    assert {"project_milestones", "project_acceptance_due", "project_calls_closing"} <= set(REGISTRY)


def test_milestones_due_soon_or_overdue_reach_admins_and_the_providers_staff_once_a_day(
    admin, staff, stranger, contract
):
    overdue = make_milestone(contract, DAY - timedelta(days=1), title="Baseline survey")
    soon = make_milestone(contract, DAY + timedelta(days=MILESTONE_WITHIN), title="Mid-term review")
    make_milestone(contract, DAY + timedelta(days=MILESTONE_WITHIN + 1), title="Too far")
    make_milestone(contract, DAY, title="Done", completed_on=DAY)
    assert reminder_run(kind="project_milestones", day=DAY) == 4
    assert reminder_run(kind="project_milestones", day=DAY) == 0  # once per item and day
    for user in (admin, staff):
        assert titles(user) == [
            f"Overdue since {overdue.due_on}: Baseline survey (关爱留守儿童)",
            f"Due on {soon.due_on}: Mid-term review (关爱留守儿童)",
        ]
    assert titles(stranger) == []
    # The next day both are told again, and "Too far" has come within the window.
    assert reminder_run(kind="project_milestones", day=DAY + timedelta(days=1)) == 6


def test_milestones_of_finished_projects_are_quiet(admin, contract):
    make_milestone(contract, DAY)
    Project.objects.filter(pk=contract.project_id).update(status=S.COMPLETED)
    assert reminder_run(kind="project_milestones", day=DAY) == 0


def test_admins_hear_of_contracts_ending_before_acceptance(admin, staff, contract):
    ends = DAY + timedelta(days=ACCEPTANCE_WITHIN)
    contract.ends_on = ends
    contract.save(update_fields=["ends_on"])
    assert reminder_run(kind="project_acceptance_due", day=DAY) == 1
    assert reminder_run(kind="project_acceptance_due", day=DAY) == 0
    assert titles(admin) == [
        f"Contract {contract.number} ends on {ends}: arrange the acceptance of 关爱留守儿童"
    ]
    assert titles(staff) == []
    assert (
        reminder_run(kind="project_acceptance_due", day=DAY - timedelta(days=1)) == 0
    )  # not yet in the window
    Project.objects.filter(pk=contract.project_id).update(status=S.UNDER_ACCEPTANCE)
    assert reminder_run(kind="project_acceptance_due", day=DAY + timedelta(days=1)) == 0


def test_everyone_concerned_hears_once_of_a_call_closing(admin, staff, stranger, social_worker):
    closes = DAY + timedelta(days=CALL_CLOSING_WITHIN)
    make_call(title="Micro-projects 2030", opens_on=date(2030, 5, 1), closes_on=closes)
    make_call(title="Later", opens_on=date(2030, 5, 1), closes_on=closes + timedelta(days=1))
    assert reminder_run(kind="project_calls_closing", day=DAY) == 3
    for user in (admin, staff, stranger):
        assert titles(user) == [f"The call “Micro-projects 2030” closes on {closes}"]
    assert titles(social_worker) == []
    assert reminder_run(kind="project_calls_closing", day=DAY + timedelta(days=1)) == 3  # "Later" enters
    assert reminder_run(kind="project_calls_closing", day=DAY + timedelta(days=2)) == 0  # once per call
