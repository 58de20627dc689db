"""Casework to MZ/T 094: a goal's measure before and after the work, and the closing's statement of
each goal reached with its evidence, through the services, the case page, the API, the timeline and
the case file PDF."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Approval, Case, Closing, PlanGoal
from casework.pdf import case_file_pdf
from casework.timeline import PREFETCH, case_timeline
from socialwork.models import AuditEntry
from tests.casework.factories import case_in_intervention, make_case
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SDS = {"measure": "抑郁自评量表 SDS", "measure_kind": "score", "direction": "lower"}


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


@pytest.fixture
def working(social_worker, supervisor):
    """A case in intervention whose one goal is measured by the SDS, 62 before the work."""
    case = case_in_intervention(social_worker, supervisor)
    goal = case.plans.get().goals.get()
    services.goal_measure_record(
        actor=social_worker, goal=goal, phase="before", value=Decimal("62"),
        measured_on=TODAY - timedelta(days=20), **SDS,
    )  # fmt: skip
    return case


def goal_of(case) -> PlanGoal:
    return PlanGoal.objects.get(plan__case=case, plan__status=Approval.APPROVED)


# Services


def test_a_plan_goal_carries_its_measure_before_the_work(social_worker, supervisor):
    case = make_case(social_worker, supervisor=supervisor)
    services.case_move(actor=social_worker, case=case, move="assess")
    plan = services.plan_save(
        actor=social_worker, case=case,
        goals=[{"description": "情绪改善", "before_value": Decimal("62"), "before_on": TODAY, **SDS},
               {"description": "恢复社交", "measure": "社交意愿评分", "measure_kind": "rating",
                "before_value": Decimal("3"), "before_on": TODAY}],
        tasks=[],
    )  # fmt: skip
    mood, social = plan.goals.all()
    assert (mood.measure, mood.before_value, mood.direction) == ("抑郁自评量表 SDS", Decimal("62"), "lower")
    assert social.direction == "higher"  # a rating: higher is better unless said otherwise


@pytest.mark.parametrize(
    "goal, field",
    [
        ({"before_value": Decimal("5"), "before_on": TODAY}, "goals"),  # a value without a measure
        ({**SDS, "before_value": Decimal("5")}, "before_on"),  # a value without its date
        ({**SDS, "direction": "", "before_value": Decimal("5"), "before_on": TODAY}, "direction"),
        ({"measure": "评分", "measure_kind": "rating", "before_value": Decimal("11"), "before_on": TODAY},
         "before_value"),
        ({**SDS, "before_value": Decimal("5"), "before_on": TODAY + timedelta(days=1)}, "before_on"),
    ],
)  # fmt: skip
def test_a_measure_is_refused_when_it_cannot_be_read(social_worker, supervisor, goal, field):
    case = make_case(social_worker, supervisor=supervisor)
    services.case_move(actor=social_worker, case=case, move="assess")
    with pytest.raises(ValidationError) as error:
        services.plan_save(actor=social_worker, case=case, goals=[{"description": "目标", **goal}], tasks=[])
    assert field in error.value.message_dict


def test_the_measure_after_is_recorded_on_the_approved_plan_and_audited(working, social_worker):
    goal = goal_of(working)
    services.goal_measure_record(
        actor=social_worker, goal=goal, phase="after", value=Decimal("45"), measured_on=TODAY
    )
    goal.refresh_from_db()
    assert (goal.before_value, goal.after_value, goal.change, goal.improved) == (
        Decimal("62"), Decimal("45"), Decimal("-17"), True,
    )  # fmt: skip
    assert working.plans.get().status == Approval.APPROVED  # no new version for a measure
    entry = AuditEntry.objects.filter(action="goal.measure_after").get()
    assert entry.changes["after_value"][1] == "45" or entry.changes["after_value"][1] in (45, "45.00")


def test_the_measure_after_needs_the_one_before_and_cannot_come_before_it(social_worker, supervisor):
    case = case_in_intervention(social_worker, supervisor)
    goal = goal_of(case)
    with pytest.raises(ValidationError, match="before the work first"):
        services.goal_measure_record(
            actor=social_worker, goal=goal, phase="after", value=Decimal("4"), measured_on=TODAY, **SDS
        )
    services.goal_measure_record(
        actor=social_worker, goal=goal, phase="before", value=Decimal("60"), measured_on=TODAY, **SDS
    )
    with pytest.raises(ValidationError) as error:
        services.goal_measure_record(
            actor=social_worker, goal=goal, phase="after", value=Decimal("40"),
            measured_on=TODAY - timedelta(days=1),
        )  # fmt: skip
    assert "after_on" in error.value.message_dict


def test_someone_off_the_case_cannot_record_a_measure(working, other_worker, district_admin):
    goal = goal_of(working)
    for person in (other_worker, district_admin):
        with pytest.raises(ValidationError, match="outside what you can see"):
            services.goal_measure_record(
                actor=person, goal=goal, phase="after", value=Decimal("40"), measured_on=TODAY
            )


def test_a_new_version_of_the_plan_keeps_the_measure_after(working, social_worker):
    goal = goal_of(working)
    services.goal_measure_record(
        actor=social_worker, goal=goal, phase="after", value=Decimal("50"), measured_on=TODAY
    )
    plan = services.plan_save(
        actor=social_worker, case=working,
        goals=[{"description": goal.description, "before_value": Decimal("62"),
                "before_on": TODAY - timedelta(days=20), **SDS}],
        tasks=[],
    )  # fmt: skip
    assert plan.version == 2 and plan.goals.get().after_value == Decimal("50")


def test_the_closing_states_each_goal_with_its_evidence(working, social_worker, supervisor):
    goal = goal_of(working)
    with pytest.raises(ValidationError, match="each goal"):
        services.closing_request(
            actor=social_worker, case=working, reason="goals_reached", summary="完成", goal_outcomes=[]
        )
    with pytest.raises(ValidationError, match="evidence"):
        services.closing_request(
            actor=social_worker, case=working, reason="goals_reached", summary="完成",
            goal_outcomes=[{"goal": goal, "outcome": "partly", "evidence": ""}],
        )  # fmt: skip
    other = case_in_intervention(social_worker, supervisor)
    with pytest.raises(ValidationError, match="not one of"):
        services.closing_request(
            actor=social_worker, case=working, reason="goals_reached", summary="完成",
            goal_outcomes=[{"goal": goal_of(other), "outcome": "reached", "evidence": "好"}],
        )  # fmt: skip
    services.closing_request(
        actor=social_worker, case=working, reason="goals_reached", summary="完成",
        goal_outcomes=[{"goal": goal.pk, "outcome": "partly", "evidence": "SDS 由62降至45，仍有失眠"}],
    )  # fmt: skip
    goal.refresh_from_db()
    assert (goal.outcome, goal.reached, goal.evidence) == ("partly", False, "SDS 由62降至45，仍有失眠")
    # Evidence is a case text: encrypted at rest like the notes.
    with connection.cursor() as cursor:
        cursor.execute("select evidence from casework_plangoal where id = %s", [goal.pk])
        assert "失眠" not in cursor.fetchone()[0]


def test_a_closing_for_another_reason_may_leave_goals_unstated(working, social_worker):
    services.closing_request(
        actor=social_worker, case=working, reason="moved_away", summary="搬走", goal_outcomes=[]
    )
    assert Closing.objects.get(case=working).status == Approval.SUBMITTED


def test_an_earlier_closing_with_free_text_stays_readable(as_user, social_worker, supervisor):
    case = case_in_intervention(social_worker, supervisor)
    services.closing_request(
        actor=social_worker, case=case, reason="goals_reached", summary="完成", goals_reached="生活有保障",
        reached_goals=[goal_of(case)],
    )  # fmt: skip
    assert goal_of(case).reached is True
    page = as_user(supervisor).get(case.get_absolute_url()).content.decode()
    assert "生活有保障" in page and 'id="closing-goals"' in page


# The case page


def test_the_worker_records_the_measure_after_on_the_case_page(as_user, working, social_worker):
    goal = goal_of(working)
    page = as_user(social_worker).get(working.get_absolute_url()).content.decode()
    assert 'data-action="goal_measure"' in page and "抑郁自评量表 SDS" in page
    response = as_user(social_worker).post(
        url("goal_measure", working.pk),
        {"measure-goal": goal.pk, "measure-phase": "after", "measure-value": "45",
         "measure-measured_on": TODAY.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.after_value == Decimal("45")
    bad = as_user(social_worker).post(
        url("goal_measure", working.pk),
        {"measure-goal": goal.pk, "measure-phase": "after", "measure-value": "45",
         "measure-measured_on": (TODAY + timedelta(days=3)).isoformat()},
    )  # fmt: skip
    assert bad.status_code == 400 and "This date is in the future." in bad.content.decode()


def test_the_closing_form_and_the_supervisor_see_before_and_after_side_by_side(
    as_user, working, social_worker, supervisor, django_assert_max_num_queries
):
    goal = goal_of(working)
    services.goal_measure_record(
        actor=social_worker, goal=goal, phase="after", value=Decimal("45"), measured_on=TODAY
    )
    form_page = as_user(social_worker).get(working.get_absolute_url()).content.decode()
    assert 'id="closing-form-goals"' in form_page and f'name="closing-goal-{goal.pk}-outcome"' in form_page
    response = as_user(social_worker).post(
        url("closing_request", working.pk),
        {"closing-reason": "goals_reached", "closing-summary": "情绪明显好转",
         f"closing-goal-{goal.pk}-outcome": "reached", f"closing-goal-{goal.pk}-evidence": "SDS 62→45；本人自述睡眠改善"},
    )  # fmt: skip
    assert response.status_code == 302
    client = as_user(supervisor)
    with django_assert_max_num_queries(60):
        page = client.get(working.get_absolute_url()).content.decode()
    table = page[page.index('id="closing-goals"') :]
    table = table[: table.index("</table>")]
    assert "62" in table and "45" in table and "-17" in table and "SDS 62→45；本人自述睡眠改善" in table
    assert "Reached" in table and "better" in table


def test_the_closing_form_asks_each_goal_when_goals_are_reached(as_user, working, social_worker):
    response = as_user(social_worker).post(
        url("closing_request", working.pk), {"closing-reason": "goals_reached", "closing-summary": "完成"}
    )
    assert response.status_code == 400 and "Say whether each goal was reached" in response.content.decode()


# API


def test_the_api_records_measures_and_the_closing_statement(api, working, social_worker, supervisor):
    goal = goal_of(working)
    plan = working.plans.get()
    base = f"/api/v1/cases/{working.pk}/plans/{plan.pk}"
    response = api(social_worker).post(
        f"{base}/measure/", {"goal": goal.pk, "phase": "after", "value": "45", "measured_on": TODAY.isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()["goals"][0]
    assert (body["before_value"], body["after_value"], body["change"]) == ("62.00", "45.00", "-17.00")
    refused = api(supervisor).post(
        f"{base}/measure/", {"goal": goal.pk, "phase": "after", "value": "40", "measured_on": TODAY.isoformat()},
        format="json",
    )  # fmt: skip
    assert refused.status_code in (400, 403)
    response = api(social_worker).post(
        f"/api/v1/cases/{working.pk}/close/",
        {"reason": "goals_reached", "summary": "完成",
         "goal_outcomes": [{"goal": goal.pk, "outcome": "reached", "evidence": "量表下降"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    plans = api(supervisor).get(f"/api/v1/cases/{working.pk}/plans/").json()
    rows = plans["results"] if isinstance(plans, dict) else plans
    assert rows[0]["goals"][0]["outcome"] == "reached" and rows[0]["goals"][0]["evidence"] == "量表下降"
    missing = api(social_worker).post(
        f"/api/v1/cases/{working.pk}/plans/",
        {"goals": [{"description": "x", "before_value": "3"}]},
        format="json",
    )
    assert missing.status_code == 400


# Timeline and paper


def test_the_timeline_and_the_case_file_show_the_measures_and_the_statement(
    working, social_worker, supervisor
):
    goal = goal_of(working)
    services.goal_measure_record(
        actor=social_worker, goal=goal, phase="after", value=Decimal("45"), measured_on=TODAY
    )
    services.closing_request(
        actor=social_worker, case=working, reason="goals_reached", summary="完成",
        goal_outcomes=[{"goal": goal, "outcome": "reached", "evidence": "量表下降"}],
    )  # fmt: skip
    services.closing_decide(actor=supervisor, closing=Closing.objects.get(case=working), approve=True)
    case = Case.objects.prefetch_related(*PREFETCH).get(pk=working.pk)
    events = case_timeline(case)
    titles = [event.title for event in events]
    assert (
        "Measured before: 抑郁自评量表 SDS 62" in titles and "Measured after: 抑郁自评量表 SDS 45" in titles
    )
    closing = next(event for event in events if event.key == f"closing-{case.closings.get().pk}")
    assert any("量表下降" in value and "62 → 45" in value for _label, value in closing.details)
    text = pdf_text(case_file_pdf(case=case))
    assert "量表下降" in text and "-17" in text
