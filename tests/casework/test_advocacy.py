"""Policy advocacy: the services' rules, and pages and API that show the evidence as counts only,
never a case number or a client's name, to anyone."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import AdvocacyRecord
from casework.selectors import advocacy_visible_to
from socialwork.models import AuditEntry
from tests.casework.factories import category, grant_access, make_case, make_client

TODAY = timezone.localdate()
S = AdvocacyRecord.Status


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def write_record(actor, **fields):
    fields.setdefault("title", "提高孤独症儿童康复补贴")
    fields.setdefault("problem", "孤独症儿童家庭康复费用负担沉重")
    fields.setdefault("evidence_note", "个案显示每月康复费用远超补贴")
    fields.setdefault("proposal", "将康复补贴由每月800元提高到2000元")
    fields.setdefault("department", "市残联")
    return services.advocacy_save(actor=actor, **fields)


@pytest.fixture
def autism_cases(social_worker):
    """Two cases of the senior worker Chen's kind: autism, one of them high risk."""
    first = make_case(
        social_worker,
        client=make_client(social_worker, name="陈小宝"),
        category=category("autism"),
        risk_level="high",
    )
    second = make_case(
        social_worker, client=make_client(social_worker, name="李小贝"), category=category("autism")
    )
    return [first, second]


@pytest.fixture
def record(social_worker, autism_cases):
    return write_record(social_worker, cases=autism_cases)


def assert_no_case_named(text: str, cases):
    for case in cases:
        assert case.number not in text
        for client in case.clients.all():
            assert client.name not in text


# Services


def test_a_record_belongs_to_the_authors_station_with_the_linked_cases(
    record, social_worker, network, autism_cases
):
    assert record.station == network.station_a and record.author == social_worker
    assert set(record.cases.all()) == set(autism_cases) and record.status == S.DRAFTING
    entry = AuditEntry.objects.get(action="advocacy.create", target_id=str(record.pk))
    assert_no_case_named(str(entry.summary) + str(entry.changes), autism_cases)


def test_a_record_needs_a_title_problem_proposal_and_department(social_worker):
    with pytest.raises(ValidationError) as error:
        write_record(social_worker, title="", problem=" ", proposal="", department="")
    assert set(error.value.message_dict) == {"title", "problem", "proposal", "department"}


def test_only_cases_the_author_sees_are_linked(social_worker, other_worker):
    elsewhere = make_case(other_worker)
    with pytest.raises(ValidationError) as error:
        write_record(social_worker, cases=[elsewhere])
    assert "cases" in error.value.message_dict
    assert not AdvocacyRecord.objects.exists()


def test_relinking_keeps_the_cases_the_writer_cannot_see(
    social_worker, station_manager, other_worker, district_admin, autism_cases
):
    elsewhere = make_case(other_worker)
    grant_access(
        actor=district_admin, case_number=elsewhere.number, user=social_worker, reason="政策调研",
        expires_on=TODAY + timedelta(days=30),
    )  # fmt: skip
    record = write_record(social_worker, cases=[*autism_cases, elsewhere])
    services.advocacy_save(actor=station_manager, record=record, cases=[autism_cases[0]])
    assert set(record.cases.all()) == {autism_cases[0], elsewhere}


def test_the_author_links_and_unlinks_a_case_by_its_number(social_worker, autism_cases, other_worker):
    record = write_record(social_worker)
    assert services.advocacy_case_link(actor=social_worker, record=record, number=autism_cases[0].number)
    with pytest.raises(ValidationError) as error:
        services.advocacy_case_link(actor=social_worker, record=record, number=autism_cases[0].number)
    assert "number" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.advocacy_case_link(actor=social_worker, record=record, number=make_case(other_worker).number)
    assert "number" in error.value.message_dict
    services.advocacy_case_unlink(actor=social_worker, record=record, case=autism_cases[0])
    assert not record.cases.exists()


def test_a_submitted_record_no_longer_changes(record, social_worker):
    services.advocacy_submit(actor=social_worker, record=record, submitted_on=TODAY - timedelta(days=10))
    record.refresh_from_db()
    assert record.status == S.SUBMITTED and record.submitted_on == TODAY - timedelta(days=10)
    with pytest.raises(ValidationError):
        services.advocacy_save(actor=social_worker, record=record, title="改")
    with pytest.raises(ValidationError):
        services.advocacy_submit(actor=social_worker, record=record)


def test_a_response_follows_the_submission(record, social_worker):
    with pytest.raises(ValidationError):
        services.advocacy_record_response(
            actor=social_worker, record=record, response="同意", responded_on=TODAY, status=S.ADOPTED
        )
    services.advocacy_submit(actor=social_worker, record=record, submitted_on=TODAY - timedelta(days=10))
    with pytest.raises(ValidationError) as error:
        services.advocacy_record_response(
            actor=social_worker, record=record, response="同意", responded_on=TODAY - timedelta(days=11),
            status=S.ADOPTED,
        )  # fmt: skip
    assert "responded_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.advocacy_record_response(
            actor=social_worker, record=record, response="同意", responded_on=TODAY, status=S.DRAFTING
        )
    assert "status" in error.value.message_dict
    services.advocacy_record_response(
        actor=social_worker, record=record, response="市政府同意调整", responded_on=TODAY, status=S.ADOPTED,
        outcome="补贴由每月800元提高到2000元",
    )  # fmt: skip
    record.refresh_from_db()
    assert record.status == S.ADOPTED and record.outcome == "补贴由每月800元提高到2000元"


def test_only_the_author_and_station_manager_write_a_record(
    record, colleague, station_manager, other_station_manager
):
    assert (
        advocacy_visible_to(user=colleague).filter(pk=record.pk).exists()
    )  # counts only: seen at the station
    with pytest.raises(ValidationError):
        services.advocacy_save(actor=colleague, record=record, title="改")
    assert services.advocacy_save(actor=station_manager, record=record, title="改").title == "改"
    assert not advocacy_visible_to(user=other_station_manager).filter(pk=record.pk).exists()


# Pages


def test_the_record_page_shows_the_evidence_as_counts_only(as_user, record, social_worker, autism_cases):
    page = as_user(social_worker).get(url("advocacy_detail", record.pk))
    html = page.content.decode()
    assert page.status_code == 200 and "将康复补贴由每月800元提高到2000元" in html
    evidence = page.context["evidence"]
    assert evidence["total"] == 2
    assert dict(evidence["by_risk"]) == {"High risk": 1, "Low risk": 1}
    assert [count for _label, count in evidence["by_category"]] == [2]
    assert 'id="evidence-total">2<' in html
    assert_no_case_named(html, autism_cases)


def test_the_record_page_names_no_case_to_station_colleagues_or_the_district(
    as_user, record, colleague, district_admin, station_manager, autism_cases
):
    for person in (colleague, district_admin, station_manager):
        page = as_user(person).get(url("advocacy_detail", record.pk))
        assert page.status_code == 200
        assert_no_case_named(page.content.decode(), autism_cases)


def test_records_of_other_stations_are_404(as_user, record, other_station_manager):
    client = as_user(other_station_manager)
    assert client.get(url("advocacy_detail", record.pk)).status_code == 404
    assert client.get(url("advocacy_cases", record.pk)).status_code == 404
    assert client.get(url("advocacy_list")).context["page"].paginator.count == 0


def test_the_linking_page_lists_only_the_cases_the_person_sees(
    as_user, record, social_worker, colleague, station_manager, autism_cases
):
    page = as_user(social_worker).get(url("advocacy_cases", record.pk))
    assert {case.pk for case in page.context["cases"]} == {case.pk for case in autism_cases}
    assert "陈小宝" not in page.content.decode()
    assert AuditEntry.objects.filter(action="case.list", actor=social_worker).exists()
    assert as_user(colleague).get(url("advocacy_cases", record.pk)).status_code == 403


def test_a_case_is_linked_by_number_and_unlinked_from_the_linking_page(as_user, social_worker, autism_cases):
    record = write_record(social_worker)
    client = as_user(social_worker)
    page = client.post(url("advocacy_cases", record.pk), {"number": "NOPE-1"})
    assert page.status_code == 400 and page.context["form"].errors["number"]
    response = client.post(url("advocacy_cases", record.pk), {"number": autism_cases[1].number})
    assert response.status_code == 302 and list(record.cases.all()) == [autism_cases[1]]
    response = client.post(url("advocacy_case_unlink", record.pk, autism_cases[1].pk))
    assert response.status_code == 302 and not record.cases.exists()


def test_a_record_is_written_submitted_and_answered_from_its_pages(as_user, social_worker):
    client = as_user(social_worker)
    page = client.post(
        url("advocacy_create"), {"title": "补贴", "problem": "", "proposal": "提高", "department": ""}
    )
    assert page.status_code == 200 and {"problem", "department"} <= set(page.context["form"].errors)
    response = client.post(
        url("advocacy_create"),
        {"title": "补贴", "problem": "不足", "proposal": "提高", "department": "市残联"},
    )
    record = AdvocacyRecord.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    page = client.post(url("advocacy_submit", record.pk), {"submit-submitted_on": TODAY + timedelta(days=2)})
    assert page.status_code == 400 and page.context["submit_form"].errors["submitted_on"]
    assert client.post(url("advocacy_submit", record.pk), {"submit-submitted_on": TODAY}).status_code == 302
    page = client.post(
        url("advocacy_respond", record.pk), {"response-response": "", "response-status": S.ADOPTED}
    )
    assert page.status_code == 400 and page.context["response_form"].errors
    response = client.post(
        url("advocacy_respond", record.pk),
        {"response-response": "同意", "response-responded_on": TODAY, "response-status": S.PARTLY_ADOPTED},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == S.PARTLY_ADOPTED
    assert client.get(url("advocacy_update", record.pk)).status_code == 302  # no longer edited


def test_the_advocacy_list_makes_a_bounded_number_of_queries(
    as_user, social_worker, autism_cases, django_assert_max_num_queries
):
    for i in range(12):
        write_record(social_worker, title=f"建议{i}", cases=autism_cases)
    client = as_user(social_worker)
    with django_assert_max_num_queries(16):  # the same whatever the number of records
        page = client.get(url("advocacy_list"))
    assert len(page.context["page"]) == 12 and page.context["page"][0].case_count == 2
    assert_no_case_named(page.content.decode(), autism_cases)


# API


def test_the_api_returns_counts_and_never_a_case(api, record, social_worker, colleague, autism_cases):
    for person in (social_worker, colleague):
        response = api(person).get(f"/api/v1/advocacy/{record.pk}/")
        data = response.json()
        assert response.status_code == 200 and data["case_count"] == 2 and data["evidence"]["total"] == 2
        assert "cases" not in data
        assert_no_case_named(response.content.decode(), autism_cases)
        listed = api(person).get("/api/v1/advocacy/")
        assert listed.json()["results"][0]["case_count"] == 2
        assert_no_case_named(listed.content.decode(), autism_cases)


def test_the_api_scopes_records(api, record, other_station_manager):
    assert api(other_station_manager).get("/api/v1/advocacy/").json()["count"] == 0
    assert api(other_station_manager).get(f"/api/v1/advocacy/{record.pk}/").status_code == 404


def test_the_api_writes_links_submits_and_answers(api, social_worker, autism_cases, other_worker):
    client = api(social_worker)
    body = {"title": "补贴", "problem": "不足", "proposal": "提高", "department": "市残联"}
    bad = client.post("/api/v1/advocacy/", {**body, "department": ""}, format="json")
    assert bad.status_code == 400 and "department" in bad.json()
    hidden = client.post("/api/v1/advocacy/", {**body, "cases": [make_case(other_worker).pk]}, format="json")
    assert hidden.status_code == 400 and "cases" in hidden.json()
    created = client.post(
        "/api/v1/advocacy/", {**body, "cases": [case.pk for case in autism_cases]}, format="json"
    )
    assert created.status_code == 201 and created.json()["case_count"] == 2
    pk = created.json()["id"]
    submitted = client.post(f"/api/v1/advocacy/{pk}/submit/", {}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == S.SUBMITTED
    answered = client.post(
        f"/api/v1/advocacy/{pk}/respond/",
        {"response": "同意", "responded_on": str(TODAY), "status": S.ADOPTED, "outcome": "800→2000"},
        format="json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == S.ADOPTED
    late = client.patch(f"/api/v1/advocacy/{pk}/", {"title": "改"}, format="json")
    assert late.status_code == 400 and "non_field_errors" in late.json()


def test_the_api_advocacy_list_makes_a_bounded_number_of_queries(
    api, social_worker, autism_cases, django_assert_max_num_queries
):
    for i in range(12):
        write_record(social_worker, title=f"建议{i}", cases=autism_cases)
    client = api(social_worker)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/advocacy/").json()["count"] == 12
