"""The pages and API of the personal information requests register: who opens what, the list's
filters and query count, registering, each step from the request's page, the confirmation of a
deletion, the copy's download, the district's policy, the banners of a withdrawn consent."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import SubjectRequest, SubjectRequestPolicy
from socialwork.models import AuditEntry
from tests.casework.factories import make_case, make_client

pytestmark = pytest.mark.django_db
K, S = SubjectRequest.Kind, SubjectRequest.Status
TODAY = timezone.localdate()


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


def register(manager, client, kind=K.COPY):
    return services.subject_request_register(
        actor=manager, client=client, kind=kind, channel="in_person", received_on=TODAY, details="要一份副本"
    )


@pytest.fixture
def client_record(social_worker):
    return make_client(social_worker, name="叶先生")


def test_the_station_manager_registers_a_request_from_the_form(as_user, station_manager, client_record):
    browser = as_user(station_manager)
    page = browser.get(url("subject_request_create") + f"?client={client_record.pk}")
    assert page.status_code == 200 and "叶先生" in text(page)
    response = browser.post(
        url("subject_request_create"),
        {
            "client": "叶先生",
            "kind": "copy",
            "channel": "in_person",
            "received_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    subject = SubjectRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == subject.get_absolute_url()
    assert subject.registered_by == station_manager and subject.client == client_record
    bad = browser.post(
        url("subject_request_create"),
        {"client": "叶先生", "kind": "copy", "channel": "in_person",
         "received_on": (TODAY + timedelta(days=2)).isoformat()},
    )  # fmt: skip
    assert bad.status_code == 400 and "future" in text(bad)


@pytest.mark.parametrize("who", ["social_worker", "supervisor", "district_admin", "auditor", "org_staff"])
def test_only_station_managers_register(request, as_user, who, client_record):
    browser = as_user(request.getfixturevalue(who))
    assert browser.get(url("subject_request_create")).status_code == 403


def test_the_district_sees_the_request_by_client_number_only(
    as_user, station_manager, district_admin, client_record
):
    subject = register(station_manager, client_record)
    page = text(as_user(district_admin).get(subject.get_absolute_url()))
    assert f"#{client_record.pk}" in page and "叶先生" not in page
    listing = text(as_user(district_admin).get(url("subject_request_list")))
    assert f"#{client_record.pk}" in listing and "叶先生" not in listing
    assert "叶先生" in text(as_user(station_manager).get(subject.get_absolute_url()))


def test_others_do_not_reach_a_request(
    as_user, station_manager, other_station_manager, auditor, client_record
):
    subject = register(station_manager, client_record)
    assert as_user(other_station_manager).get(subject.get_absolute_url()).status_code == 404
    assert (
        as_user(auditor).post(url("subject_request_refuse", subject.pk), {"reason": "x"}).status_code == 403
    )
    assert (
        as_user(other_station_manager)
        .post(url("subject_request_refuse", subject.pk), {"reason": "x"})
        .status_code
        == 404
    )


def test_the_list_filters_and_counts_its_queries(
    as_user, station_manager, social_worker, django_assert_max_num_queries
):
    for n in range(12):
        subject = register(station_manager, make_client(social_worker), kind=K.ACCESS if n % 2 else K.COPY)
    SubjectRequest.objects.filter(pk=subject.pk).update(
        due_on=TODAY - timedelta(days=1), received_on=TODAY - timedelta(days=20)
    )
    browser = as_user(station_manager)
    with django_assert_max_num_queries(14):
        response = browser.get(url("subject_request_list"))
    assert len(response.context["page"]) == 12
    assert len(browser.get(url("subject_request_list") + "?kind=access").context["page"]) == 6
    overdue = browser.get(url("subject_request_list") + "?overdue=true")
    assert [s.pk for s in overdue.context["page"]] == [subject.pk]
    assert "Overdue" in text(overdue)


def test_a_copy_request_from_registered_to_closed_on_its_page(
    as_user, station_manager, social_worker, client_record
):
    subject = register(station_manager, client_record)
    manager = as_user(station_manager)
    page = text(manager.get(subject.get_absolute_url()))
    assert 'data-action="request_assign"' in page and 'data-action="request_answer"' not in page
    manager.post(url("subject_request_assign", subject.pk), {"assignee": social_worker.pk})
    subject.refresh_from_db()
    assert subject.status == S.ASSIGNED and subject.assignee == social_worker
    worker = as_user(social_worker)
    assert 'data-action="request_answer"' in text(worker.get(subject.get_absolute_url()))
    assert manager.get(url("subject_request_answer", subject.pk)).status_code == 403
    response = worker.post(url("subject_request_answer", subject.pk), {"answer": "已当面交付副本"})
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.status == S.ANSWERED and subject.copy_file
    download = worker.get(url("subject_request_copy", subject.pk))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    assert "叶先生" in b"".join(download.streaming_content).decode()
    assert AuditEntry.objects.filter(action="subject_request.copy_download", actor=social_worker).exists()
    manager.post(url("subject_request_close", subject.pk), {"note": "本人已签收"})
    subject.refresh_from_db()
    assert subject.status == S.CLOSED
    page = text(manager.get(subject.get_absolute_url()))
    assert "本人已签收" in page and page.count('data-step="') == 4


def test_the_district_cannot_download_the_copy(as_user, station_manager, district_admin, client_record):
    subject = register(station_manager, client_record)
    services.subject_request_assign(actor=station_manager, request=subject, assignee=station_manager)
    services.subject_request_answer(actor=station_manager, request=subject, answer="已提供")
    assert as_user(district_admin).get(url("subject_request_copy", subject.pk)).status_code == 404


def test_a_deletion_is_confirmed_and_shows_what_is_kept(as_user, station_manager, client_record):
    subject = register(station_manager, client_record, kind=K.DELETION)
    services.subject_request_assign(actor=station_manager, request=subject, assignee=station_manager)
    browser = as_user(station_manager)
    form = text(browser.get(url("subject_request_answer", subject.pk)))
    assert 'id="deletion-report"' in form and 'data-part="audit"' in form
    asked = browser.post(url("subject_request_answer", subject.pk), {"answer": "已删除"})
    assert asked.status_code == 200 and 'name="confirmed"' in text(asked)
    client_record.refresh_from_db()
    assert not client_record.is_removed
    done = browser.post(url("subject_request_answer", subject.pk), {"answer": "已删除", "confirmed": "1"})
    assert done.status_code == 302
    client_record.refresh_from_db()
    assert client_record.is_removed
    page = text(browser.get(subject.get_absolute_url()))
    assert 'id="deletion"' in page and "six months" in page


def test_withdrawn_consent_shows_on_the_client_and_case_pages(
    as_user, station_manager, social_worker, supervisor, settings
):
    case = make_case(social_worker, supervisor=supervisor)
    client = case.clients.get()
    subject = register(station_manager, client, kind=K.WITHDRAWAL)
    services.subject_request_assign(actor=station_manager, request=subject, assignee=social_worker)
    services.subject_request_answer(actor=social_worker, request=subject, answer="已停止处理")
    browser = as_user(social_worker)
    assert 'id="consent-withdrawn"' in text(browser.get(client.get_absolute_url()))
    page = text(browser.get(case.get_absolute_url()))
    assert f'id="consent-withdrawn-{client.pk}"' in page and 'data-action="note_add"' not in page
    refused = browser.post(url("note_add", case.pk), {"noted_on": TODAY.isoformat(), "method": "home_visit",
                                                       "minutes": "30", "content": "家访"})  # fmt: skip
    assert refused.status_code == 403


def test_the_policy_page(as_user, district_admin, station_manager):
    browser = as_user(district_admin)
    assert browser.get(url("subject_request_policy")).status_code == 200
    response = browser.post(
        url("subject_request_policy"),
        {
            "answer_working_days": "10",
            "holidays": "2026-10-01\n2026-10-02",
            "working_weekend_days": "2026-10-10",
        },
    )
    assert response.status_code == 302
    policy = SubjectRequestPolicy.current()
    assert policy.answer_working_days == 10 and policy.holidays == ["2026-10-01", "2026-10-02"]
    bad = browser.post(
        url("subject_request_policy"), {"answer_working_days": "10", "working_weekend_days": "2026-10-09"}
    )
    assert bad.status_code == 400 and "not weekends" in text(bad)
    assert as_user(station_manager).get(url("subject_request_policy")).status_code == 403


def test_the_pages_read_in_chinese(as_user, station_manager, client_record, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    subject = register(station_manager, client_record)
    page = text(as_user(station_manager).get(subject.get_absolute_url()))
    assert "个人信息" in page and "复制" in page and "应答复日期" in page


def test_the_lists_number_column_is_the_requests_not_a_certificates(
    as_user, station_manager, client_record, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    register(station_manager, client_record)
    listing = text(as_user(station_manager).get(url("subject_request_list")))
    assert "证书编号" not in listing
    assert ">未知</option>" not in listing  # the "overdue" filter's "any" is blank, as the others'


# The API


def test_the_api_registers_and_takes_each_step(
    api, station_manager, social_worker, district_admin, client_record
):
    manager = api(station_manager)
    created = manager.post(
        "/api/v1/subject-requests/",
        {"client": client_record.pk, "kind": "copy", "channel": "phone", "received_on": TODAY.isoformat()},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["actions"] == ["request_assign", "request_refuse"]
    bad = manager.post(f"/api/v1/subject-requests/{pk}/assign/", {"assignee": 999999}, format="json")
    assert bad.status_code == 400 and "assignee" in bad.json()
    step = manager.post(
        f"/api/v1/subject-requests/{pk}/assign/", {"assignee": social_worker.pk}, format="json"
    )
    assert step.status_code == 200 and step.json()["status"] == "assigned"
    refused = manager.post(f"/api/v1/subject-requests/{pk}/answer/", {"answer": "x"}, format="json")
    assert refused.status_code == 403
    answered = api(social_worker).post(
        f"/api/v1/subject-requests/{pk}/answer/", {"answer": "已提供"}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["has_copy"] is True
    listing = api(district_admin).get("/api/v1/subject-requests/")
    assert listing.status_code == 200 and [row["id"] for row in listing.json()["results"]] == [pk]
    assert "client" not in listing.json()["results"][0]
    closed = api(district_admin).post(f"/api/v1/subject-requests/{pk}/close/", {}, format="json")
    assert closed.status_code == 200 and [s["action"] for s in closed.json()["steps"]] == [
        "register", "assign", "answer", "close"
    ]  # fmt: skip


def test_the_api_hides_requests_out_of_reach(api, station_manager, other_station_manager, client_record):
    subject = register(station_manager, client_record)
    assert api(other_station_manager).get(f"/api/v1/subject-requests/{subject.pk}/").status_code == 404
    refused = api(other_station_manager).post(
        "/api/v1/subject-requests/",
        {"client": client_record.pk, "kind": "copy", "channel": "phone", "received_on": TODAY.isoformat()},
        format="json",
    )
    assert refused.status_code == 400 and "client" in refused.json()
