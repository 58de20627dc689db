from decimal import Decimal

import pytest
from django.utils import timezone

from casework.demo import seed_casework
from casework.models import (
    AdvocacyRecord,
    Case,
    Client,
    CommunityActivity,
    Group,
    Referral,
    ServiceNote,
    VolunteerPairing,
)
from casework.selectors import cases_visible_to
from socialwork.models import AuditEntry
from socialwork.reminders import reminder_run
from socialwork.roles import Role
from tests.factories import make_user

S = Case.Status


@pytest.fixture
def demo_accounts(network):
    """The three demo accounts the stories belong to, placed like the demo's."""
    return {
        "worker": make_user("worker", Role.SOCIAL_WORKER, unit=network.room_a, full_name="胡群泽（社工）"),
        "supervisor": make_user("supervisor", Role.SUPERVISOR, unit=network.centre, full_name="陈敏（督导）"),
        "station": make_user("station", Role.STATION_MANAGER, unit=network.station_a),
    }


@pytest.fixture
def seeded(demo_accounts):
    return seed_casework()


def test_seeding_twice_adds_nothing(seeded, demo_accounts):
    assert seeded["cases"] >= 24 and seeded["closed"] >= 3
    before = (
        Client.objects.count(),
        Case.objects.count(),
        ServiceNote.objects.count(),
        AuditEntry.objects.count(),
    )
    assert seed_casework()["cases"] == 0
    after = (
        Client.objects.count(),
        Case.objects.count(),
        ServiceNote.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_nothing_is_seeded_without_the_demo_accounts(network):
    assert seed_casework()["cases"] == 0 and not Case.objects.exists()


def test_the_ye_family_case_is_closed_with_its_goals_reached_and_its_referrals(seeded, demo_accounts):
    case = Case.objects.get(case_clients__client__name="叶先生")
    assert case.status == S.CLOSED and case.closed_on == timezone.localdate()
    assert case.worker == demo_accounts["worker"] and case.supervisor == demo_accounts["supervisor"]
    assert sorted(case.clients.values_list("name", flat=True)) == ["叶先生", "陈女士"]
    assert case.clients.get(name="叶先生").household.filter(relation="child").exists()
    referrals = {r.outcome: r for r in case.referrals.all()}
    assert set(referrals) == {
        Referral.Outcome.FINANCIAL_AID, Referral.Outcome.COMPENSATION, Referral.Outcome.FEES_WAIVED,
        Referral.Outcome.JOB,
    }  # fmt: skip
    assert all(r.status == Referral.Status.SUCCEEDED for r in referrals.values())
    assert referrals[Referral.Outcome.COMPENSATION].amount == Decimal("30000.00")
    assert "育才中学" in referrals[Referral.Outcome.FEES_WAIVED].target
    plan = case.plans.get(status="approved")
    assert plan.goals.count() == 3 and all(plan.goals.values_list("reached", flat=True))
    assert case.assessments.get().domains.count() >= 5
    assert case.reviews.exists() and case.notes.count() >= 5
    assert case.closings.get().status == "approved"
    assert case.follow_ups.filter(done_on__isnull=True).count() == 1  # three months after closing


def test_the_twins_group_pairing_and_activities(seeded, demo_accounts):
    case = Case.objects.get(case_clients__client__name="王乐乐")
    assert case.is_open and case.category.code == "children_in_distress" and case.clients.count() == 2
    group = Group.objects.get(name="亲青家园")
    assert set(case.clients.all()) <= {member.client for member in group.members.all()}
    assert group.sessions.filter(held_on__isnull=False).count() == 5 and group.status == Group.Status.RUNNING
    assert VolunteerPairing.objects.filter(client__in=case.clients.all()).count() == 2
    assert CommunityActivity.objects.count() == 2


def test_the_autism_advocacy_was_adopted_with_two_cases_as_evidence(seeded):
    record = AdvocacyRecord.objects.get()
    assert record.status == AdvocacyRecord.Status.ADOPTED and "残联" in record.department
    assert "2,000" in record.outcome and "800" in record.outcome
    assert [case.category.code for case in record.cases.all()] == ["autism", "autism"]


def test_demo_cases_are_seen_by_their_team_only(seeded, demo_accounts, district_admin):
    worker, station = demo_accounts["worker"], demo_accounts["station"]
    assert cases_visible_to(user=station).count() == Case.objects.count()
    assert cases_visible_to(user=worker).count() == Case.objects.filter(worker=worker).count() > 20
    assert not cases_visible_to(user=district_admin).exists()
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {S.INTAKE, S.ASSESSMENT, S.PLANNING, S.INTERVENTION, S.EVALUATION, S.CLOSED} <= statuses


def test_the_demo_gives_each_reminder_something_to_say(seeded, demo_accounts):
    today = timezone.localdate()
    assert reminder_run(kind="casework_follow_ups_due", day=today) > 0
    assert reminder_run(kind="casework_unassigned_high_risk", day=today) == 2
    assert reminder_run(kind="casework_quiet_cases", day=today) > 0


def test_demo_clients_fit_their_categories_by_age_and_sex(seeded):
    """No 1940-born left-behind child: every demo client is of the age (and sex) their
    categories are for (casework.categories.AGES, GENDERS)."""
    from casework.categories import category_misfits

    today = timezone.localdate()
    misfits = {
        client.name: category_misfits(
            codes=[c.code for c in client.categories.all()],
            birth_date=client.birth_date,
            gender=client.gender,
            on=today,
        )
        for client in Client.objects.prefetch_related("categories")
    }
    assert {name: reasons for name, reasons in misfits.items() if reasons} == {}
    children = Client.objects.filter(categories__code__in=["children_in_distress", "left_behind_children"])
    assert children.exists() and all(c.birth_date.year > today.year - 18 for c in children)
    elderly = Client.objects.filter(categories__code__in=["elderly_alone", "left_behind_elderly"])
    assert elderly.exists() and all(c.birth_date.year <= today.year - 60 for c in elderly)


def test_the_demo_shows_measures_before_and_after_and_referrals_in_time_late_and_overdue(
    seeded, demo_accounts
):
    from casework.selectors import referral_figures, referral_is_overdue

    ye = Case.objects.get(clients__name="叶先生")
    goals = list(ye.plans.get(status="approved").goals.all())
    measured = [goal for goal in goals if goal.after_value is not None]
    assert len(measured) == 2 and all(goal.improved for goal in measured)
    assert all(goal.outcome == "reached" and goal.evidence for goal in goals)
    assert all(r.answered_on <= r.answer_by for r in ye.referrals.all())
    twins = Case.objects.get(clients__name="王乐乐")
    late, waiting = twins.referrals.order_by("referred_on")
    assert late.answered_on > late.answer_by and referral_is_overdue(waiting)
    figures = referral_figures(Referral.objects.all())
    assert figures.overdue >= 1 and 0 < figures.answered_in_time_share < 100
