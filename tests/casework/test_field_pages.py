"""Field work on a phone: the field pages, home visits, and entries sent exactly once."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.field_selectors import field_urls
from casework.models import Case, CaseworkPolicy, FieldEntry, GroupAttendance, HomeVisit, ServiceNote
from casework.timeline import PREFETCH, case_timeline
from socialwork.idnumbers import check_character
from socialwork.models import AuditEntry
from tests.casework.factories import case_in_intervention, make_case, make_client
from tests.casework.test_case_pdf import download, pdf_text
from tests.factories import AUDIT_CHAIN

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SYNC = {"HTTP_X_FIELD_SYNC": "1"}
ID17 = "42050619800101123"


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def visit_data(**fields):
    data = {
        "visited_on": TODAY.isoformat(),
        "people_present": "案主、母亲",
        "observations": "屋内整洁，案主情绪平稳",
        "needs_found": "需要助学金",
        "next_step": "联系学校",
        "entry_key": "",
    }
    return {**data, **fields}


def note_data(**fields):
    return {
        "noted_on": TODAY.isoformat(),
        "method": "home_visit",
        "minutes": "30",
        "content": "入户了解情况",
        **fields,
    }


@pytest.fixture
def held(social_worker, supervisor):
    client = make_client(
        social_worker, name="叶先生", id_number=ID17 + check_character(ID17), birth_date=None,
        phone="13812345678", address="甲街道5号",
    )  # fmt: skip
    return make_case(social_worker, client=client, supervisor=supervisor)


@pytest.fixture
def zh(settings):
    settings.LANGUAGE_CODE = "zh-hans"


# Services


def test_a_home_visit_is_recorded_on_the_timeline_with_an_audit_row(social_worker, held):
    visit = services.home_visit_add(
        actor=social_worker, case=held, visited_on=TODAY, people_present="案主、母亲", observations="情绪平稳",
        next_step="联系学校",
    )  # fmt: skip
    assert visit.author == social_worker
    case = Case.objects.prefetch_related(*PREFETCH).get(pk=held.pk)
    events = [event for event in case_timeline(case) if event.kind == "home_visit"]
    assert [event.key for event in events] == [f"home-visit-{visit.pk}"]
    assert AuditEntry.objects.filter(actor=social_worker, action="home_visit.add").count() == 1


def test_a_home_visit_in_the_future_or_on_a_closed_case_is_refused(social_worker, held):
    from django.core.exceptions import ValidationError

    from socialwork.actions import ActionNotAllowed

    with pytest.raises(ValidationError):
        services.home_visit_add(
            actor=social_worker, case=held, visited_on=TODAY + timedelta(days=1), people_present="案主",
            observations="x",
        )  # fmt: skip
    Case.objects.filter(pk=held.pk).update(status=Case.Status.CLOSED)
    with pytest.raises((ValidationError, ActionNotAllowed)):
        services.home_visit_add(
            actor=social_worker, case=held, visited_on=TODAY, people_present="案主", observations="x"
        )
    assert not HomeVisit.objects.exists()


def test_someone_who_cannot_see_the_case_records_no_visit(other_worker, held):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.home_visit_add(
            actor=other_worker, case=held, visited_on=TODAY, people_present="案主", observations="x"
        )


# Pages


def test_the_field_home_lists_the_workers_open_cases_in_chinese(
    zh, as_user, social_worker, other_worker, held
):
    services.follow_up_schedule(
        actor=social_worker, case=held, due_on=TODAY + timedelta(days=3), purpose="回访"
    )
    theirs = make_case(other_worker, client=make_client(other_worker, name="外站案主"))
    page = as_user(social_worker).get(url("field_home")).content.decode()
    assert "叶先生" in page and held.number in page and (TODAY + timedelta(days=3)).isoformat() in page
    assert url("field_case", held.pk) in page
    assert "外站案主" not in page and theirs.number not in page


def test_the_field_case_page_shows_what_the_field_needs_with_the_id_masked(zh, as_user, social_worker, held):
    services.note_add(
        actor=social_worker, case=held, noted_on=TODAY, method="phone", minutes=10, content="电话了解近况"
    )
    response = as_user(social_worker).get(url("field_case", held.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "叶先生" in page and "甲街道5号" in page and "13812345678" in page and "电话了解近况" in page
    full_id = ID17 + check_character(ID17)
    assert full_id not in page and "420506" in page
    assert url("field_visit", held.pk) in page and url("field_note", held.pk) in page


def test_the_field_pages_of_a_case_someone_does_not_hold_are_not_found(
    as_user, social_worker, supervisor, other_worker, station_manager, held
):
    for user in (supervisor, other_worker, station_manager):
        for name in ("field_case", "field_note", "field_visit"):
            assert as_user(user).get(url(name, held.pk)).status_code == 404, (user, name)


def test_a_home_visit_is_recorded_through_the_field_page(as_user, social_worker, held):
    browser = as_user(social_worker)
    page = browser.get(url("field_visit", held.pk)).content.decode()
    assert 'data-field-entry="home_visit"' in page and 'enctype="multipart/form-data"' in page
    assert 'name="entry_key"' in page
    response = browser.post(url("field_visit", held.pk), visit_data())
    assert response.status_code == 302 and response["Location"] == url("field_case", held.pk)
    visit = HomeVisit.objects.get()
    assert visit.case == held and visit.next_step == "联系学校"
    assert not FieldEntry.objects.exists()  # online without a key: saved as any form


def test_a_field_form_with_errors_comes_back_with_them(as_user, social_worker, held):
    response = as_user(social_worker).post(url("field_visit", held.pk), visit_data(observations=""))
    assert response.status_code == 400 and not HomeVisit.objects.exists()


def test_a_repeated_sync_send_makes_one_visit_and_one_note(as_user, social_worker, held):
    browser = as_user(social_worker)
    key, note_key = str(uuid.uuid4()), str(uuid.uuid4())
    answers = [browser.post(url("field_visit", held.pk), visit_data(entry_key=key), **SYNC) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert [answer.json()["repeat"] for answer in answers] == [False, True, True]
    assert answers[0].json() == {"status": "saved", "url": url("field_case", held.pk), "repeat": False}
    notes = [
        browser.post(url("field_note", held.pk), note_data(entry_key=note_key), **SYNC) for _ in range(2)
    ]
    assert [answer.json()["repeat"] for answer in notes] == [False, True]
    assert HomeVisit.objects.count() == 1 and ServiceNote.objects.count() == 1
    assert FieldEntry.objects.filter(user=social_worker).count() == 2


def test_a_sync_send_for_a_closed_case_is_refused_with_the_reason(zh, as_user, social_worker, held):
    Case.objects.filter(pk=held.pk).update(status=Case.Status.CLOSED)
    answer = as_user(social_worker).post(
        url("field_visit", held.pk), visit_data(entry_key=str(uuid.uuid4())), **SYNC
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["status"] == "refused" and body["message"]
    assert not HomeVisit.objects.exists() and not FieldEntry.objects.exists()


def test_a_sync_send_for_a_transferred_case_is_refused_as_no_longer_held(
    as_user, social_worker, colleague, station_manager, held
):
    services.case_assign(actor=station_manager, case=held, worker=colleague, supervisor=held.supervisor)
    answer = as_user(social_worker).post(
        url("field_note", held.pk), note_data(entry_key=str(uuid.uuid4())), **SYNC
    )
    assert answer.status_code == 422
    assert "no longer in your hands" in answer.json()["message"]
    assert not ServiceNote.objects.exists()


def test_a_sync_send_for_a_case_out_of_sight_is_refused_not_a_404(as_user, other_worker, held):
    answer = as_user(other_worker).post(
        url("field_note", held.pk), note_data(entry_key=str(uuid.uuid4())), **SYNC
    )
    assert answer.status_code == 422 and "no longer in your hands" in answer.json()["message"]


def test_a_repeat_still_answers_saved_after_the_case_moved_on(
    as_user, social_worker, colleague, station_manager, held
):
    browser, key = as_user(social_worker), str(uuid.uuid4())
    assert browser.post(url("field_visit", held.pk), visit_data(entry_key=key), **SYNC).status_code == 200
    services.case_assign(actor=station_manager, case=held, worker=colleague, supervisor=held.supervisor)
    again = browser.post(url("field_visit", held.pk), visit_data(entry_key=key), **SYNC)
    assert again.status_code == 200 and again.json()["repeat"] is True
    assert HomeVisit.objects.count() == 1


def test_a_sync_send_with_a_wrong_field_is_refused_with_the_field(as_user, social_worker, held):
    answer = as_user(social_worker).post(
        url("field_visit", held.pk), visit_data(people_present="", entry_key=str(uuid.uuid4())), **SYNC
    )
    assert (
        answer.status_code == 422 and "People present" in answer.json()["errors"]
    )  # under its label, as the phone shows it


# Attendance


@pytest.fixture
def session_with_members(social_worker):
    group = services.group_create(
        actor=social_worker,
        name="亲青家园",
        kind="support",
        aims="亲子关系",
        starts_on=TODAY - timedelta(days=30),
    )
    first = make_case(social_worker, client=make_client(social_worker, name="小明")).clients.get()
    second = make_client(social_worker, name="小红")
    members = [
        services.member_add(actor=social_worker, group=group, client=client, joined_on=group.starts_on)
        for client in (first, second)
    ]
    session = services.session_plan(
        actor=social_worker, group=group, planned_on=TODAY - timedelta(days=2), theme="亲子活动"
    )
    return session, members


def test_a_worker_ticks_attendance_without_touching_the_sessions_record(
    as_user, social_worker, session_with_members
):
    session, (first, second) = session_with_members
    browser = as_user(social_worker)
    home = browser.get(url("field_home")).content.decode()
    assert url("field_attendance", session.pk) in home
    page = browser.get(url("field_attendance", session.pk))
    assert page.status_code == 200 and "小明" in page.content.decode()
    key = str(uuid.uuid4())
    for _ in range(2):
        answer = browser.post(
            url("field_attendance", session.pk), {"present": [first.pk], "entry_key": key}, **SYNC
        )
        assert answer.status_code == 200
    session.refresh_from_db()
    assert session.held_on is None and session.record == ""
    assert dict(GroupAttendance.objects.values_list("member", "present")) == {
        first.pk: True,
        second.pk: False,
    }
    assert FieldEntry.objects.filter(kind="attendance").count() == 1


def test_attendance_of_someone_elses_group_is_not_found(
    as_user, other_worker, supervisor, session_with_members
):
    session, _members = session_with_members
    for user in (other_worker, supervisor):
        assert as_user(user).get(url("field_attendance", session.pk)).status_code == 404


# What a phone keeps


def test_precache_lists_exactly_the_held_open_cases_pages(
    as_user, social_worker, colleague, station_manager, supervisor, held
):
    CaseworkPolicy.objects.update_or_create(region=None, defaults={"offline_hours": 48})
    other = make_case(social_worker, supervisor=supervisor)
    closed = make_case(social_worker)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    body = as_user(social_worker).get(url("field_precache")).json()
    assert body["user"] == social_worker.pk and body["offline_hours"] == 48 and body["csrf"]
    assert sorted(body["cases"]) == sorted([held.pk, other.pk])
    for case in (held, other):
        for name in ("field_case", "field_note", "field_visit"):
            assert url(name, case.pk) in body["urls"]
    assert not any(f"/cases/{closed.pk}/" in link for link in body["urls"])  # not "/clients/<same pk>/"
    assert body["checked_at"]
    services.case_assign(actor=station_manager, case=held, worker=colleague, supervisor=supervisor)
    after = as_user(social_worker).get(url("field_precache")).json()
    assert after["cases"] == [other.pk]
    assert not any(f"/cases/{held.pk}/" in link for link in after["urls"])
    assert url("field_case", held.pk) in field_urls(colleague)


# Query bounds


def test_field_home_and_case_pages_are_bounded_with_fifty_open_cases(
    as_user, social_worker, supervisor, django_assert_max_num_queries
):
    cases = [case_in_intervention(social_worker, supervisor) for _ in range(50)]
    for case in cases[:10]:
        services.follow_up_schedule(actor=social_worker, case=case, due_on=TODAY, purpose="回访")
    browser = as_user(social_worker)
    browser.get(url("field_home"))
    # 9: with the count of the person's edits waiting for a choice (the banner).
    with django_assert_max_num_queries(9 + AUDIT_CHAIN):
        response = browser.get(url("field_home"))
    assert len(response.context["cases"]) == 50
    case = cases[0]
    for n in range(10):
        services.note_add(
            actor=social_worker, case=case, noted_on=TODAY, method="phone", minutes=5, content=f"电话{n}"
        )
        services.home_visit_add(
            actor=social_worker, case=case, visited_on=TODAY, people_present="案主", observations=f"走访{n}"
        )
    browser.get(url("field_case", case.pk))
    # 19: with the count of the person's edits waiting for a choice (the banner) and the case's
    # steps (casework.workflow.actions_for), which say whether its tasks may be marked done; the
    # plans and their goals are read once for both.
    with django_assert_max_num_queries(19 + AUDIT_CHAIN):
        response = browser.get(url("field_case", case.pk))
    assert len(response.context["notes"]) == 5 and len(response.context["visits"]) == 5
    with django_assert_max_num_queries(8 + AUDIT_CHAIN):
        browser.get(url("field_precache"))


# The case page, the printed file and the API


def test_the_case_page_shows_home_visits_and_links_the_visit_form(as_user, social_worker, held):
    services.home_visit_add(
        actor=social_worker, case=held, visited_on=TODAY, people_present="案主", observations="走访记录"
    )
    page = as_user(social_worker).get(held.get_absolute_url()).content.decode()
    assert "走访记录" in page and url("field_visit", held.pk) in page


def test_the_printed_case_file_carries_the_home_visits_among_the_notes(as_user, social_worker, held):
    services.home_visit_add(
        actor=social_worker, case=held, visited_on=TODAY, people_present="案主", observations="走访记录"
    )
    text = pdf_text(download(as_user(social_worker), held))
    assert "Home visit: 案主" in text and "走访记录" in text


def test_the_api_records_a_home_visit_once_per_idempotency_key(api, social_worker, other_worker, held):
    address = f"/api/v1/cases/{held.pk}/home-visits/"
    data = {"visited_on": TODAY.isoformat(), "people_present": "案主", "observations": "情绪平稳"}
    key = str(uuid.uuid4())
    first = api(social_worker).post(address, data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = api(social_worker).post(address, data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert api(social_worker).post(address, data, format="json").status_code == 201
    assert HomeVisit.objects.count() == 2
    assert api(social_worker).get(address).json()["count"] == 2
    assert api(other_worker).get(address).status_code == 404
    bad = api(social_worker).post(address, data, format="json", HTTP_IDEMPOTENCY_KEY="not-a-key")
    assert bad.status_code == 400


def test_the_district_sets_the_offline_hours_on_the_policy_page(as_user, district_admin):
    current = CaseworkPolicy.at(district_admin.region)
    data = {
        "retention_days": current.retention_days, "quiet_case_days": current.quiet_case_days,
        "grant_max_days": current.grant_max_days, "break_glass_hours": current.break_glass_hours,
        "offline_hours": 24,
    }  # fmt: skip
    response = as_user(district_admin).post(url("policy"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CaseworkPolicy.at(district_admin.region).offline_hours == 24
    data["offline_hours"] = 1000
    assert as_user(district_admin).post(url("policy"), data).status_code in (200, 400)
    assert CaseworkPolicy.at(district_admin.region).offline_hours == 24
