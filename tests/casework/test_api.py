from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from casework import services
from casework.models import Case, Client, FollowUp, Referral, ServiceNote, Transfer
from socialwork.models import AuditEntry
from tests.casework.factories import case_in_intervention, grant_access, make_case, make_client
from tests.factories import AUDIT_CHAIN
from tests.schema import nulls_the_schema_forbids

S = Case.Status
TODAY = timezone.localdate()
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def case(social_worker, supervisor):
    return make_case(social_worker, supervisor=supervisor, client=make_client(social_worker, name="叶先生"))


@pytest.fixture
def working_case(social_worker, supervisor):
    """A case in the intervention with a referral and a follow-up."""
    case = case_in_intervention(social_worker, supervisor)
    services.referral_add(
        actor=social_worker, case=case, target_kind="department", target="交警大队", request="争取赔偿",
        referred_on=TODAY,
    )  # fmt: skip
    services.follow_up_schedule(actor=social_worker, case=case, due_on=TODAY, purpose="回访")
    return case


# Who sees a case: everyone else gets a 404, on every route and method


OUTSIDERS = ["colleague", "other_worker", "other_station_manager", "district_admin", "org_staff"]


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_case_does_not_exist_for_people_without_a_part_in_it(api, request, working_case, outsider):
    client = api(request.getfixturevalue(outsider))
    base = f"/api/v1/cases/{working_case.pk}"
    plan = working_case.plans.get()
    referral = working_case.referrals.get()
    follow_up = working_case.follow_ups.get()
    assert client.get("/api/v1/cases/").json()["count"] == 0
    assert client.get(f"/api/v1/cases/?search={working_case.number}").json()["count"] == 0
    for path in [f"{base}/", f"{base}/notes/", f"{base}/plans/", f"{base}/plans/{plan.pk}/", f"{base}/referrals/",
                 f"{base}/follow-ups/"]:  # fmt: skip
        assert client.get(path).status_code == 404, path
    writes = [
        (f"{base}/move/", {"move": "evaluate"}),
        (f"{base}/assign/", {"worker": None, "supervisor": None}),
        (f"{base}/close/", {"reason": "goals_reached", "summary": "完成"}),
        (f"{base}/decide_closing/", {"approve": True}),
        (f"{base}/transfer/", {"to_station": working_case.station_id, "reason": "搬家"}),
        (f"{base}/notes/", {"noted_on": TODAY, "method": "phone", "minutes": 10, "content": "电话"}),
        (f"{base}/plans/{plan.pk}/submit/", {}),
        (f"{base}/referrals/{referral.pk}/outcome/", {"status": "declined"}),
        (f"{base}/follow-ups/{follow_up.pk}/done/", {"result": "好"}),
    ]
    for path, body in writes:
        assert client.post(path, body, format="json").status_code == 404, path
    assert client.patch(f"{base}/", {"risk_level": "high"}, format="json").status_code == 404
    working_case.refresh_from_db()
    assert working_case.status == S.INTERVENTION and working_case.risk_level != "high"
    assert not ServiceNote.objects.filter(case=working_case).exists()
    assert not Referral.objects.filter(status="declined").exists()


@pytest.mark.parametrize("member", ["social_worker", "supervisor", "station_manager"])
def test_case_team_sees_the_case_and_its_work(api, request, working_case, member):
    client = api(request.getfixturevalue(member))
    assert client.get("/api/v1/cases/").json()["count"] == 1
    data = client.get(f"/api/v1/cases/{working_case.pk}/").json()
    assert data["number"] == working_case.number and data["status"] == S.INTERVENTION
    assert [c["name"] for c in data["clients"]] == [working_case.clients.get().name]
    assert client.get(f"/api/v1/cases/{working_case.pk}/plans/").json()["count"] == 1


def test_a_case_of_another_case_is_not_reached_through_this_case(
    api, social_worker, supervisor, working_case
):
    """A nested id must belong to the case in the path."""
    other = make_case(social_worker, supervisor=supervisor)
    follow_up = working_case.follow_ups.get()
    response = api(social_worker).post(
        f"/api/v1/cases/{other.pk}/follow-ups/{follow_up.pk}/done/", {"result": "好"}, format="json"
    )
    assert response.status_code == 404
    assert FollowUp.objects.get(pk=follow_up.pk).done_on is None


def test_district_grant_lets_a_person_see_the_case_until_it_is_revoked(api, district_admin, colleague, case):
    grant = grant_access(
        actor=district_admin, case_number=case.number, user=colleague, reason="督导抽查", expires_on=TODAY
    )
    assert api(colleague).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    services.access_revoke(actor=district_admin, grant=grant)
    assert api(colleague).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_removed_client_and_their_only_case_disappear(api, station_manager, social_worker, supervisor):
    client = make_client(social_worker)
    case = make_case(social_worker, client=client, supervisor=supervisor)
    Case.objects.filter(pk=case.pk).update(status=S.CLOSED)
    response = api(station_manager).post(f"/api/v1/clients/{client.pk}/remove/", {"reason": "重复登记"})
    assert response.status_code == 204
    assert api(station_manager).get(f"/api/v1/clients/{client.pk}/").status_code == 404
    assert api(social_worker).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_client_outside_reach_is_404_including_remove(
    api, other_station_manager, other_worker, social_worker
):
    client = make_client(social_worker)
    for person in (other_station_manager, other_worker):
        assert api(person).get(f"/api/v1/clients/{client.pk}/").status_code == 404
        assert api(person).patch(f"/api/v1/clients/{client.pk}/", {"name": "改"}).status_code == 404
        assert api(person).post(f"/api/v1/clients/{client.pk}/remove/", {"reason": "x"}).status_code == 404
        assert api(person).get("/api/v1/clients/").json()["count"] == 0
    assert Client.objects.get(pk=client.pk).removed_at is None


# Masking and the audit log


def test_client_list_masks_numbers_and_the_record_shows_them_in_full(api, social_worker):
    client = make_client(social_worker, id_number=ID_NUMBER, phone="13812345678", birth_date=None)
    listed = api(social_worker).get("/api/v1/clients/").json()["results"][0]
    assert listed["id_number"] == "110105********002X" and listed["phone"] == "138****5678"
    full = api(social_worker).get(f"/api/v1/clients/{client.pk}/").json()
    assert full["id_number"] == ID_NUMBER and full["phone"] == "13812345678"


def test_views_and_lists_of_clients_and_cases_are_audited_without_names(api, social_worker, case):
    client = case.clients.get()
    worker = api(social_worker)
    worker.get("/api/v1/clients/")
    worker.get(f"/api/v1/clients/{client.pk}/")
    worker.get("/api/v1/cases/")
    worker.get(f"/api/v1/cases/{case.pk}/")
    worker.get(f"/api/v1/cases/{case.pk}/notes/")
    rows = {row.action: row for row in AuditEntry.objects.filter(actor=social_worker, action__contains=".")}
    assert rows["client.list"].changes == {"ids": [client.pk]}
    assert rows["client.view"].target_id == str(client.pk)
    assert rows["case.list"].changes == {"ids": [case.pk]}
    assert AuditEntry.objects.filter(action="case.view", target_id=str(case.pk)).count() == 2
    assert not AuditEntry.objects.filter(summary__contains="叶先生").exists()


# Writes through the services, with field errors


def test_client_registration_errors_are_400_with_fields(api, social_worker, network):
    body = {
        "name": "陈女士",
        "gender": "female",
        "community": network.community_a.pk,
        "id_number": "110105194912310021",
    }
    response = api(social_worker).post("/api/v1/clients/", body, format="json")
    assert response.status_code == 400 and "id_number" in response.json()
    response = api(social_worker).post("/api/v1/clients/", {**body, "id_number": ID_NUMBER}, format="json")
    assert response.status_code == 400 and "consents_to_data_processing" in response.json()
    assert not Client.objects.exists()


def test_client_registered_with_household_and_changed(api, social_worker, network):
    body = {
        "name": "陈女士", "gender": "female", "community": network.community_a.pk, "phone": "13900001111",
        "consents_to_data_processing": True, "household": [{"name": "叶先生", "relation": "spouse"}],
    }  # fmt: skip
    response = api(social_worker).post("/api/v1/clients/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["station"] == network.station_a.pk and data["household"][0]["name"] == "叶先生"
    response = api(social_worker).patch(
        f"/api/v1/clients/{data['id']}/", {"phone": "13900002222"}, format="json"
    )
    assert response.status_code == 200 and response.json()["phone"] == "13900002222"
    assert AuditEntry.objects.get(action="client.update").changes == {"fields": ["phone"]}


def test_case_cannot_be_opened_for_a_client_out_of_sight(api, social_worker, other_worker):
    hidden = make_client(other_worker)
    body = {"clients": [hidden.pk], "intake_on": TODAY, "source": "walk_in", "presenting_problem": "困难"}
    response = api(social_worker).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and "clients" in response.json()
    assert not Case.objects.exists()


def test_workflow_errors_are_400_with_the_field_and_steps_not_open_are_403_saying_why(
    api, social_worker, case
):
    response = api(social_worker).post(f"/api/v1/cases/{case.pk}/move/", {"move": "intervene"}, format="json")
    assert response.status_code == 403 and "cannot take the step" in response.json()["detail"]
    response = api(social_worker).post(
        f"/api/v1/cases/{case.pk}/notes/",
        {"noted_on": TODAY + timedelta(days=1), "method": "phone", "minutes": 5, "content": "x"},
        format="json",
    )
    assert response.status_code == 400 and "noted_on" in response.json()
    response = api(social_worker).post(f"/api/v1/cases/{case.pk}/decide_closing/", {"approve": True})
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_a_case_from_intake_to_closing_through_the_api(api, social_worker, supervisor, network):
    worker, boss = api(social_worker), api(supervisor)
    client = make_client(social_worker, name="叶先生")
    response = worker.post(
        "/api/v1/cases/",
        {"clients": [client.pk], "intake_on": TODAY - timedelta(days=60), "source": "outreach",
         "presenting_problem": "车祸骨折，家庭经济困难", "supervisor": supervisor.pk},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    case = response.json()
    base = f"/api/v1/cases/{case['id']}"
    assert case["worker"] == social_worker.pk and "assess" in case["moves"]
    assert worker.post(f"{base}/move/", {"move": "assess"}).json()["status"] == S.ASSESSMENT
    response = worker.post(
        f"{base}/assess/",
        {"assessed_on": TODAY - timedelta(days=55), "risk_level": "high",
         "domains": [{"domain": "economic", "needs": "收入中断"}, {"domain": "education", "needs": "学费"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["risk_level"] == "high"
    worker.post(f"{base}/move/", {"move": "plan"})
    response = worker.post(
        f"{base}/plans/",
        {"goals": [{"description": "保障基本生活"}, {"description": "解决学费"}],
         "tasks": [{"description": "联系工会", "owner": "胡社工", "due_on": TODAY, "goal": 0}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    plan = response.json()
    assert len(plan["goals"]) == 2 and plan["tasks"][0]["goal"] == plan["goals"][0]["id"]
    assert worker.post(f"{base}/plans/{plan['id']}/submit/").json()["status"] == "submitted"
    response = boss.post(f"{base}/plans/{plan['id']}/decide/", {"approve": True}, format="json")
    assert response.json()["status"] == "approved"
    worker.post(f"{base}/move/", {"move": "intervene"})
    response = worker.post(
        f"{base}/notes/",
        {"noted_on": TODAY - timedelta(days=40), "method": "home_visit", "minutes": 60, "content": "家访"},
        format="json",
    )
    assert response.status_code == 201
    referral = worker.post(
        f"{base}/referrals/",
        {"target_kind": "department", "target": "交警大队", "request": "调解赔偿",
         "referred_on": TODAY - timedelta(days=30)},
        format="json",
    ).json()  # fmt: skip
    response = worker.post(
        f"{base}/referrals/{referral['id']}/outcome/",
        {"status": "succeeded", "outcome": "compensation", "amount": "30000"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["amount"] == "30000.00"
    follow_up = worker.post(f"{base}/follow-ups/", {"due_on": TODAY, "purpose": "回访"}, format="json").json()
    response = worker.post(
        f"{base}/follow-ups/{follow_up['id']}/done/", {"result": "就业稳定"}, format="json"
    )
    assert response.status_code == 200 and response.json()["done_on"] == TODAY.isoformat()
    response = worker.post(
        f"{base}/close/",
        {"reason": "goals_reached", "summary": "目标达成", "reached_goals": [plan["goals"][0]["id"]]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == S.INTERVENTION
    response = boss.post(f"{base}/decide_closing/", {"approve": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == S.CLOSED
    closed = Case.objects.get(pk=case["id"])
    assert closed.last_note_on == TODAY - timedelta(days=40)
    assert list(closed.plans.get().goals.values_list("reached", flat=True)) == [True, False]
    assert closed.referrals.get().amount == Decimal("30000.00")


def test_station_manager_assigns_and_the_case_is_transferred_to_another_station(
    api, station_manager, other_station_manager, social_worker, other_worker, supervisor, case
):
    response = api(station_manager).post(
        f"/api/v1/cases/{case.pk}/assign/",
        {"worker": social_worker.pk, "supervisor": supervisor.pk},
        format="json",
    )
    assert response.status_code == 200
    body = {"to_station": other_station_manager.unit_id, "reason": "案主搬家"}
    assert (
        api(social_worker).post(f"/api/v1/cases/{case.pk}/transfer/", body, format="json").status_code == 200
    )
    # While the transfer waits, the receiving station manager sees the case.
    receiver = api(other_station_manager)
    response = receiver.post(
        f"/api/v1/cases/{case.pk}/decide_transfer/",
        {"accept": True, "worker": other_worker.pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["worker"] == other_worker.pk
    assert Transfer.objects.get().status == Transfer.Status.ACCEPTED
    assert api(social_worker).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_assign_by_a_worker_is_refused(api, social_worker, supervisor, case):
    response = api(social_worker).post(
        f"/api/v1/cases/{case.pk}/assign/", {"worker": social_worker.pk, "supervisor": None}, format="json"
    )
    assert response.status_code == 403 and "station manager" in response.json()["detail"]


# Search, filters and query counts


def test_cases_are_searched_by_number_and_client_name_and_filtered(api, social_worker, supervisor):
    ye = make_case(social_worker, client=make_client(social_worker, name="叶先生"), supervisor=supervisor)
    make_case(social_worker, client=make_client(social_worker, name="陈女士"), risk_level="high")
    worker = api(social_worker)
    assert [c["id"] for c in worker.get("/api/v1/cases/?search=叶").json()["results"]] == [ye.pk]
    assert worker.get(f"/api/v1/cases/?search={ye.number}").json()["count"] == 1
    assert worker.get("/api/v1/cases/?risk_level=high").json()["count"] == 1
    assert worker.get(f"/api/v1/cases/?supervisor={supervisor.pk}&status=intake").json()["count"] == 1
    assert worker.get("/api/v1/clients/?search=陈").json()["count"] == 1


def test_past_the_cap_the_count_is_null_unless_asked_exact_and_next_reaches_every_case(
    api, social_worker, monkeypatch
):
    monkeypatch.setattr("socialwork.pages.COUNT_CAP", 3)
    opened = {make_case(social_worker).pk for _n in range(5)}
    worker = api(social_worker)
    first = worker.get("/api/v1/cases/?page_size=2").json()
    assert first["count"] is None
    seen, body = [], first
    while True:
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        body = worker.get(body["next"]).json()
    assert sorted(seen) == sorted(opened)
    assert worker.get("/api/v1/cases/?count=exact").json()["count"] == 5
    last = worker.get("/api/v1/cases/?page=last")
    assert last.status_code == 404 and "count=exact" in last.json()["detail"]
    assert worker.get("/api/v1/cases/?page=last&count=exact&page_size=2").json()["results"]
    monkeypatch.setattr("socialwork.pages.COUNT_CAP", 5)
    assert worker.get("/api/v1/cases/").json()["count"] == 5


def test_clients_are_found_by_exact_id_number(api, social_worker):
    client = make_client(social_worker, id_number=ID_NUMBER, birth_date=None)
    make_client(social_worker)
    results = api(social_worker).get(f"/api/v1/clients/?id_number={ID_NUMBER.lower()}").json()["results"]
    assert [row["id"] for row in results] == [client.pk]


def test_case_and_client_lists_take_a_bounded_number_of_queries(
    api, social_worker, supervisor, django_assert_max_num_queries
):
    for _ in range(12):
        second = make_client(social_worker)
        case = make_case(social_worker, supervisor=supervisor, client=make_client(social_worker))
        services.case_update(actor=social_worker, case=case, risk_level="medium")
        case.case_clients.create(client=second)
        services.note_add(
            actor=social_worker, case=case, noted_on=TODAY, method="phone", minutes=5, content="x"
        )
    worker = api(social_worker)
    social_worker.roles  # noqa: B018 (the role lookup is the login's, not the list's)
    # the cases reached by a grant or a transfer (read once, for the list's scope: the scope of
    # the other actions, get_queryset, is not built for a list), count, page (for the cases, its
    # ids read part by part, then its rows), clients of the page (categories, for the client
    # list), audit row (and the chain's own, AUDIT_CHAIN)
    with django_assert_max_num_queries(6 + AUDIT_CHAIN):
        assert worker.get("/api/v1/cases/").json()["count"] == 12
    with django_assert_max_num_queries(5 + AUDIT_CHAIN):
        assert worker.get("/api/v1/clients/").json()["count"] == 24
    case = Case.objects.first()
    with django_assert_max_num_queries(5 + AUDIT_CHAIN):
        assert worker.get(f"/api/v1/cases/{case.pk}/notes/").json()["count"] == 1
    # the case with what the person may do now: its plans, closings and transfers (CaseState)
    with django_assert_max_num_queries(7 + AUDIT_CHAIN):
        assert worker.get(f"/api/v1/cases/{case.pk}/").status_code == 200


# What schemathesis found (issue 16): answers that keep to the schema, and 400s instead of overflows


def test_a_case_without_a_supervisor_or_category_is_null_where_the_schema_allows_it(api, social_worker):
    case = make_case(social_worker)  # no supervisor, no category yet
    detail = api(social_worker).get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["supervisor_name"] is None and detail["category_name"] is None
    assert nulls_the_schema_forbids("Case", detail) == []
    listed = api(social_worker).get("/api/v1/cases/").json()["results"][0]
    assert nulls_the_schema_forbids("CaseList", listed) == []


def test_a_case_action_answers_with_the_case_as_the_schema_describes_it(api, social_worker, supervisor):
    case = make_case(social_worker, supervisor=supervisor)
    response = api(social_worker).post(f"/api/v1/cases/{case.pk}/move/", {"move": "assess"}, format="json")
    assert response.status_code == 200, response.json()
    assert nulls_the_schema_forbids("Case", response.json()) == []


def test_a_volunteer_without_hours_has_none_in_the_list_not_null(api, social_worker):
    services.volunteer_save(actor=social_worker, name="新志愿者", registered_on=TODAY)
    listed = api(social_worker).get("/api/v1/volunteers/").json()["results"]
    assert [row["total_hours"] for row in listed] == ["0.0"]
    assert nulls_the_schema_forbids("VolunteerSummary", listed[0]) == []


def test_a_case_id_too_large_for_the_database_is_not_found(api, social_worker, case):
    too_large = 10**20
    assert api(social_worker).get(f"/api/v1/cases/{too_large}/").status_code == 404
    assert api(social_worker).get(f"/api/v1/cases/{too_large}/notes/").status_code == 404
    assert api(social_worker).post("/api/v1/cases/abc/move/", {"move": "assess"}).status_code == 404


def test_a_category_id_too_large_for_the_database_is_a_400_on_every_database(api, social_worker, case):
    response = api(social_worker).get("/api/v1/clients/", {"categories": [1, 2**64]})
    assert response.status_code == 400 and "categories" in response.json()


def test_a_goal_id_too_large_for_the_database_is_a_400_on_every_database(api, social_worker, working_case):
    response = api(social_worker).post(
        f"/api/v1/cases/{working_case.pk}/close/",
        {"reason": "goals_reached", "summary": "完成", "reached_goals": [2**64]},
        format="json",
    )
    assert response.status_code == 400 and "reached_goals" in response.json()
    assert not working_case.closings.exists()


def test_every_step_the_case_body_lists_has_its_route(api, social_worker, supervisor, network):
    """The steps the API lists under `actions` are taken through it: a review, a task done, a
    transfer withdrawn; a step not listed is a 403 that says why."""
    case = case_in_intervention(social_worker, supervisor)
    worker, boss = api(social_worker), api(supervisor)
    base = f"/api/v1/cases/{case.pk}"
    assert "review_add" in boss.get(f"{base}/").json()["actions"]
    review = {"reviewed_on": TODAY, "comments": "进展良好"}
    assert worker.post(f"{base}/review/", review, format="json").status_code == 403
    assert boss.post(f"{base}/review/", review, format="json").status_code == 200
    plan = case.plans.get()
    task = plan.tasks.get()
    assert "task_done" in worker.get(f"{base}/").json()["actions"]
    response = worker.post(f"{base}/plans/{plan.pk}/task_done/", {"task": task.pk}, format="json")
    assert response.status_code == 200 and response.json()["tasks"][0]["done_on"] == TODAY.isoformat()
    assert "task_done" not in worker.get(f"{base}/").json()["actions"]
    services.transfer_request(actor=social_worker, case=case, to_station=network.station_b, reason="搬家")
    body = worker.get(f"{base}/").json()
    assert "transfer_cancel" in body["actions"] and "transfer_request" not in body["actions"]
    response = boss.post(f"{base}/cancel_transfer/", {}, format="json")
    assert response.status_code == 403 and "worker or its station manager" in response.json()["detail"]
    assert worker.post(f"{base}/cancel_transfer/", {}, format="json").status_code == 200
    assert case.transfers.get().status == Transfer.Status.CANCELLED
    assert "transfer_request" in worker.get(f"{base}/").json()["actions"]
