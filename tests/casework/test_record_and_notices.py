"""The case's record tells the whole story, and people hear the outcomes that concern them: every
round of a service plan's approval stays on the case page's timeline, a return with its comment
included; whoever asked for a transfer hears it was accepted or declined; a worker the receiving
manager gives the case to hears it was assigned to them."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import notifications, services
from casework.models import PlanRound
from socialwork.models import Notification
from tests.casework.factories import case_in_intervention, make_case
from tests.casework.test_views_cases import plan_data

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def timeline_of(response) -> list[str]:
    """The case page's timeline as a person reads it: one line of text per event, newest first."""
    html = response.content.decode()
    timeline = html[
        html.index('id="timeline-events"') : html.index("</ol>", html.index('id="timeline-events"'))
    ]
    events = re.findall(r"<li class=\"event[^\"]*\"[^>]*>(.*?)</li>", timeline, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", event).split()) for event in events]


# The record: every round of a plan's approval on the case's timeline


def test_a_returned_plan_and_its_comment_stay_on_the_case_timeline_after_it_is_sent_again(
    as_user, api, social_worker, supervisor
):
    case = make_case(social_worker, supervisor=supervisor)
    services.case_move(actor=social_worker, case=case, move="assess")
    worker, boss = as_user(social_worker), as_user(supervisor)
    assert worker.post(url("plan_save", case.pk), plan_data()).status_code == 302
    assert worker.post(url("plan_submit", case.pk)).status_code == 302
    returned = {"plan-decision-decision": "no", "plan-decision-comment": "目标需可测量，请写明时限"}
    assert boss.post(url("plan_decide", case.pk), returned).status_code == 302
    changed = plan_data(**{"goals-1-description": "三个月内恢复基本生活"})
    assert worker.post(url("plan_save", case.pk), changed).status_code == 302
    assert worker.post(url("plan_submit", case.pk)).status_code == 302
    assert boss.post(url("plan_decide", case.pk), {"plan-decision-decision": "yes"}).status_code == 302

    events = timeline_of(worker.get(case.get_absolute_url()))
    day = TODAY.isoformat()
    plan_events = [event for event in events if "Service plan v1" in event]
    assert len(plan_events) == 4, events
    approved, submitted_again, returned_event, submitted = plan_events  # newest first
    assert approved.startswith(day) and "Service plan v1 approved" in approved and str(supervisor) in approved
    assert "submitted again (round 2)" in submitted_again and "三个月内恢复基本生活" in submitted_again
    assert f"{day} Service plan v1 returned · {supervisor}" in returned_event
    assert "目标需可测量，请写明时限" in returned_event
    assert "Service plan v1 submitted" in submitted and str(social_worker) in submitted
    assert "保障基本生活" in submitted  # the goals as first sent
    rounds = PlanRound.objects.filter(plan__case=case)
    assert [(r.outcome, r.comment) for r in rounds] == [
        ("returned", "目标需可测量，请写明时限"), ("approved", ""),
    ]  # fmt: skip
    (plan,) = api(social_worker).get(f"/api/v1/cases/{case.pk}/plans/").json()["results"]
    assert [(r["outcome"], r["comment"]) for r in plan["rounds"]] == [
        ("returned", "目标需可测量，请写明时限"), ("approved", ""),
    ]  # fmt: skip


def test_a_plan_sent_again_after_a_return_does_not_show_the_supervisor_as_its_decider(
    as_user, social_worker, supervisor
):
    case = make_case(social_worker, supervisor=supervisor)
    services.case_move(actor=social_worker, case=case, move="assess")
    worker, boss = as_user(social_worker), as_user(supervisor)
    worker.post(url("plan_save", case.pk), plan_data())
    worker.post(url("plan_submit", case.pk))
    returned = {"plan-decision-decision": "no", "plan-decision-comment": "目标需可测量"}
    assert boss.post(url("plan_decide", case.pk), returned).status_code == 302

    def plan_heading():
        html = worker.get(case.get_absolute_url()).content.decode()
        start = html.index('id="plan-status"')
        return html[start : html.index("</p>", start)]

    assert str(supervisor) in plan_heading()  # returned by them
    assert worker.post(url("plan_submit", case.pk)).status_code == 302
    assert str(supervisor) not in plan_heading()  # waiting for them, decided by no one yet


# Notices: a transfer decided, a case assigned


def notices(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind))


def test_a_declined_transfer_tells_the_worker_who_asked_why(
    as_user, social_worker, supervisor, other_worker, other_station_manager, network
):
    case = make_case(social_worker, supervisor=supervisor)
    services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, to_worker=other_worker, reason="搬家"
    )
    response = as_user(other_worker).post(
        url("transfer_decide", case.pk),
        {"transfer-decision-decision": "no", "transfer-decision-comment": "本站人手不足"},
    )
    assert response.status_code == 302
    (notice,) = notices(social_worker, notifications.TRANSFER_DECIDED)
    assert notice.title == f"Your transfer was declined: {case} to {network.station_b.name}"
    assert notice.body == "本站人手不足" and notice.url == case.get_absolute_url()
    for someone in (other_worker, other_station_manager, supervisor):
        assert not notices(someone, notifications.TRANSFER_DECIDED)
    inbox = as_user(social_worker).get(reverse("inbox"))
    assert "Your transfer was declined" in inbox.content.decode()


def test_an_accepted_transfer_tells_the_worker_who_asked_and_the_worker_the_manager_assigned(
    as_user, social_worker, supervisor, other_worker, other_station_manager, network
):
    case = case_in_intervention(social_worker, supervisor)
    services.transfer_request(actor=social_worker, case=case, to_station=network.station_b, reason="搬家")
    response = as_user(other_station_manager).post(
        url("transfer_decide", case.pk),
        {"transfer-decision-decision": "yes", "transfer-decision-worker": other_worker.pk},
    )
    assert response.status_code == 302
    (decided,) = notices(social_worker, notifications.TRANSFER_DECIDED)
    assert decided.title == f"Your transfer was accepted: {case} to {network.station_b.name}"
    # The case is now out of the requester's sight: the notice leads to their cases.
    assert decided.url == url("my_cases")
    (assigned,) = notices(other_worker, notifications.CASE_ASSIGNED)
    assert assigned.title == f"A case was assigned to you: {case}" and assigned.url == case.get_absolute_url()
    assert as_user(other_worker).get(assigned.url).status_code == 200
    for someone in (social_worker, other_station_manager, supervisor):
        assert not notices(someone, notifications.CASE_ASSIGNED)
    assert not notices(other_station_manager, notifications.TRANSFER_DECIDED)


def test_a_worker_who_accepts_a_transfer_named_to_them_is_not_told_what_they_did(
    social_worker, supervisor, other_worker, network
):
    case = make_case(social_worker, supervisor=supervisor)
    transfer = services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, to_worker=other_worker, reason="搬家"
    )
    services.transfer_decide(actor=other_worker, transfer=transfer, accept=True)
    assert not notices(other_worker, notifications.CASE_ASSIGNED)
    assert len(notices(social_worker, notifications.TRANSFER_DECIDED)) == 1


def test_both_notices_can_be_switched_on_what_i_receive(as_user, social_worker):
    page = as_user(social_worker).get(reverse("notification_preferences")).content.decode()
    assert "A transfer I asked for was accepted or declined" in page
    assert "A case was assigned to me" in page
