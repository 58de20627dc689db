"""Nothing overwritten: edits made on an older version of a follow-up, a task or a client are
checked field by field; a field someone else changed meanwhile waits for the person's choice with
both values kept (casework.services.conflicts)."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.field_selectors import field_urls
from casework.models import FieldConflict, FieldEntry, FollowUp
from casework.services.conflicts import conflict_resolve, edit_checked
from socialwork.models import AuditEntry, Notification
from tests.casework.factories import case_in_intervention, make_client

SYNC = {"X-Field-Sync": "1"}


@pytest.fixture
def held(social_worker, supervisor):
    """A case in intervention whose client has a phone and an address."""
    client = make_client(social_worker, phone="13800000001", address="甲街道1号")
    case = case_in_intervention(social_worker, supervisor, client=client)
    client.refresh_from_db()
    return case, client


def contact_post(client, *, phone, address, version=1, base=("13800000001", "甲街道1号"), key=None):
    return {
        "phone": phone, "address": address, "version": version, "base_phone": base[0], "base_address": base[1],
        "entry_key": str(key or uuid.uuid4()),
    }  # fmt: skip


def test_every_service_that_changes_a_record_raises_its_version(held, social_worker, supervisor):
    case, client = held
    assert client.version == 1
    services.client_update(actor=supervisor, client=client, phone="13900000002")
    client.refresh_from_db()
    assert client.version == 2
    task = case.plans.get().tasks.get()
    services.task_done(actor=social_worker, task=task, done_on=timezone.localdate())
    task.refresh_from_db()
    assert task.version == 2
    services.task_reopen(actor=social_worker, task=task)
    task.refresh_from_db()
    assert (task.version, task.done_on) == (3, None)
    follow_up = services.follow_up_schedule(
        actor=social_worker, case=case, due_on=timezone.localdate(), purpose="电话回访"
    )
    services.follow_up_done(
        actor=social_worker, follow_up=follow_up, done_on=timezone.localdate(), result="好转"
    )
    follow_up.refresh_from_db()
    assert follow_up.version == 2


def test_two_people_edit_the_phone_the_offline_one_chooses_and_the_other_is_told(
    as_user, held, social_worker, supervisor, settings
):
    case, client = held
    url = reverse("casework:field_client_contact", args=[client.pk])
    page = as_user(social_worker).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-field-entry="client_contact"' in html
    assert 'name="entry_key"' in html and 'name="base_phone" value="13800000001"' in html
    # Meanwhile, the supervisor changes the phone from a browser.
    services.client_update(actor=supervisor, client=client, phone="13900000002")
    # The worker's phone, back online, sends the entry made on the older page: a new phone and a
    # new address (the address nobody else touched).
    key = uuid.uuid4()
    data = contact_post(client, phone="13700000003", address="乙街道2号", key=key)
    worker = as_user(social_worker)
    answer = worker.post(url, data, headers=SYNC)
    assert answer.status_code == 409
    body = answer.json()
    conflict = FieldConflict.objects.get()
    assert body["status"] == "conflict" and body["url"] == conflict.get_absolute_url()
    client.refresh_from_db()
    assert client.phone == "13900000002"  # not overwritten
    assert client.address == "乙街道2号"  # the field nobody else changed is applied
    assert (conflict.field, conflict.base_value, conflict.theirs_value, conflict.mine_value) == (
        "phone",
        "13800000001",
        "13900000002",
        "13700000003",
    )
    assert conflict.theirs_by == supervisor and conflict.person == social_worker and conflict.case == case
    assert conflict.entry == FieldEntry.objects.get(user=social_worker, key=key)
    # The phone sends the same entry again (the first answer was lost): nothing twice.
    again = worker.post(url, data, headers=SYNC)
    assert again.status_code == 409 and again.json()["url"] == body["url"]
    assert FieldConflict.objects.count() == 1 and FieldEntry.objects.count() == 1
    # The case page and the field pages say an edit waits.
    assert 'id="conflict-banner"' in worker.get(case.get_absolute_url()).content.decode()
    assert 'id="conflict-banner"' in worker.get(url).content.decode()
    assert 'id="conflict-banner"' not in as_user(supervisor).get(case.get_absolute_url()).content.decode()
    # The worker chooses their own value.
    page = worker.get(body["url"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "13800000001" in text and "13900000002" in text and "13700000003" in text
    done = worker.post(body["url"], {f"choice_{conflict.pk}": "mine"})
    assert done.status_code == 302
    client.refresh_from_db()
    conflict.refresh_from_db()
    assert client.phone == "13700000003"
    assert conflict.choice == "mine" and conflict.resolved_by == social_worker
    assert (conflict.theirs_value, conflict.mine_value) == ("13900000002", "13700000003")  # both kept
    assert AuditEntry.objects.filter(action="field_conflict.resolve").count() == 1
    settings.LANGUAGE_CODE = "en"
    timeline = worker.get(case.get_absolute_url()).content.decode()
    assert f"Conflicting edit of client {client.name}" in timeline
    assert 'id="conflict-banner"' not in timeline
    told = Notification.objects.get(kind="casework_field_conflict")
    assert told.user == supervisor and case.number in told.title
    assert client.name not in told.title and "139" not in told.title and "137" not in told.title


def test_the_same_value_sent_by_both_is_no_conflict(as_user, held, supervisor, social_worker):
    _case, client = held
    services.client_update(actor=supervisor, client=client, phone="13900000002")
    url = reverse("casework:field_client_contact", args=[client.pk])
    answer = as_user(social_worker).post(
        url, contact_post(client, phone="13900000002", address="甲街道1号"), headers=SYNC
    )
    assert answer.status_code == 200 and answer.json()["status"] == "saved"
    assert not FieldConflict.objects.exists()


def test_an_edit_on_the_current_version_applies_as_usual(as_user, held, social_worker):
    _case, client = held
    url = reverse("casework:field_client_contact", args=[client.pk])
    answer = as_user(social_worker).post(url, contact_post(client, phone="13700000003", address="丙街道"))
    assert answer.status_code == 302
    client.refresh_from_db()
    assert (client.phone, client.address, client.version) == ("13700000003", "丙街道", 2)


def test_a_task_marked_done_meanwhile_on_another_day_waits_and_theirs_keeps_it(
    as_user, held, social_worker, supervisor
):
    case, _client = held
    task = case.plans.get().tasks.get()
    url = reverse("casework:field_task", args=[task.pk])
    page = as_user(social_worker).get(url)
    assert 'data-field-entry="task"' in page.content.decode()
    today = timezone.localdate()
    services.task_done(actor=social_worker, task=task, done_on=today)
    data = {"done": "on", "done_on": (today - timedelta(days=1)).isoformat(), "version": 1, "base_done_on": "",
            "entry_key": str(uuid.uuid4())}  # fmt: skip
    answer = as_user(social_worker).post(url, data, headers=SYNC)
    assert answer.status_code == 409
    conflict = FieldConflict.objects.get()
    assert (conflict.task, conflict.theirs_value, conflict.theirs_by) == (
        task,
        today.isoformat(),
        social_worker,
    )
    conflict_resolve(actor=social_worker, conflict=conflict, choice="theirs")
    task.refresh_from_db()
    assert task.done_on == today
    assert not Notification.objects.filter(kind="casework_field_conflict").exists()  # nobody else to tell


def test_a_follow_up_recorded_from_the_field_then_a_late_result_conflicts(
    as_user, held, social_worker, station_manager
):
    case, _client = held
    today = timezone.localdate()
    follow_up = services.follow_up_schedule(actor=social_worker, case=case, due_on=today, purpose="入户回访")
    url = reverse("casework:field_follow_up", args=[follow_up.pk])
    page = as_user(social_worker).get(url).content.decode()
    assert 'data-field-entry="follow_up"' in page and 'name="base_result"' in page
    base = {"version": 1, "base_done_on": "", "base_result": "", "done_on": today.isoformat()}
    first = as_user(station_manager).post(
        url, {**base, "result": "情况稳定", "entry_key": str(uuid.uuid4())}, headers=SYNC
    )
    assert first.status_code == 200, first.content
    late = as_user(social_worker).post(
        url, {**base, "result": "需要再次入户", "entry_key": str(uuid.uuid4())}, headers=SYNC
    )
    assert late.status_code == 409
    follow_up.refresh_from_db()
    assert follow_up.result == "情况稳定" and follow_up.done_by == station_manager
    conflict = FieldConflict.objects.get()
    assert (conflict.field, conflict.theirs_by, conflict.mine_value) == (
        "result",
        station_manager,
        "需要再次入户",
    )
    conflict_resolve(actor=social_worker, conflict=conflict, choice="mine")
    follow_up.refresh_from_db()
    assert follow_up.result == "需要再次入户" and follow_up.kind == FollowUp.Kind.DURING
    assert Notification.objects.get(kind="casework_field_conflict").user == station_manager


def test_a_refused_entry_comes_back_with_the_reason(as_user, held, social_worker):
    case, _client = held
    task = case.plans.get().tasks.get()
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {"done": "on", "done_on": tomorrow.isoformat(), "version": 1, "base_done_on": "",
            "entry_key": str(uuid.uuid4())}  # fmt: skip
    answer = as_user(social_worker).post(reverse("casework:field_task", args=[task.pk]), data, headers=SYNC)
    assert answer.status_code == 422
    assert answer.json()["status"] == "refused" and "Done on" in answer.json()["errors"]
    assert not FieldEntry.objects.exists()  # refused: the phone may send it again once decided


def test_only_the_person_who_sent_the_edit_opens_and_chooses(as_user, held, social_worker, supervisor):
    _case, client = held
    services.client_update(actor=supervisor, client=client, phone="13900000002")
    outcome = edit_checked(
        actor=social_worker, record=client, version=1, base={"phone": "13800000001"}, mine={"phone": "137"}
    )
    conflict = outcome.conflicts[0]
    assert as_user(supervisor).get(conflict.get_absolute_url()).status_code == 404
    with pytest.raises(Exception, match="Only the person"):
        conflict_resolve(actor=supervisor, conflict=conflict, choice="theirs")


def test_the_conflict_page_reads_the_same_rows_however_many_fields_wait(
    as_user, held, social_worker, supervisor, django_assert_max_num_queries
):
    _case, client = held
    services.client_update(actor=supervisor, client=client, phone="13900000002", address="丁街道")
    outcome = edit_checked(
        actor=social_worker, record=client, version=1,
        base={"phone": "13800000001", "address": "甲街道1号"}, mine={"phone": "137", "address": "戊街道"},
    )  # fmt: skip
    assert len(outcome.conflicts) == 2
    worker = as_user(social_worker)
    url = outcome.conflicts[0].get_absolute_url()
    worker.get(url)
    with django_assert_max_num_queries(8):
        response = worker.get(url)
    assert (
        response.status_code == 200 and response.content.decode().count('class="field conflict-field"') == 2
    )
    with django_assert_max_num_queries(7):
        assert worker.get(reverse("casework:field_conflicts")).status_code == 200


def test_the_phone_keeps_the_edit_pages_of_the_workers_field_cases(held, social_worker, supervisor):
    case, client = held
    task = case.plans.get().tasks.get()
    urls = field_urls(social_worker)
    assert reverse("casework:field_task", args=[task.pk]) in urls
    assert reverse("casework:field_client_contact", args=[client.pk]) in urls
    assert reverse("casework:field_conflicts") in urls
    assert reverse("casework:field_task", args=[task.pk]) not in field_urls(supervisor)


def test_the_api_answers_409_with_each_conflicting_fields_values(api, held, social_worker, supervisor):
    _case, client = held
    services.client_update(actor=supervisor, client=client, phone="13900000002")
    url = f"/api/v1/clients/{client.pk}/"
    read = api(social_worker).get(url).json()
    assert read["version"] == 2
    answer = api(social_worker).patch(
        url, {"phone": "13700000003", "address": "乙街道2号", "version": 1,
              "base": {"phone": "13800000001", "address": "甲街道1号"}}, format="json",
    )  # fmt: skip
    assert answer.status_code == 409
    body = answer.json()
    assert (
        body["conflicts"]["phone"]["theirs"] == "13900000002"
        and body["conflicts"]["phone"]["mine"] == "13700000003"
    )
    assert body["conflicts"]["phone"]["base"] == "13800000001" and "address" not in body["conflicts"]
    client.refresh_from_db()
    assert (client.phone, client.address) == ("13900000002", "乙街道2号")
    # On the current version, the change applies as it always did.
    fresh = api(social_worker).patch(url, {"phone": "13700000003", "version": client.version}, format="json")
    assert fresh.status_code == 200 and fresh.json()["phone"] == "13700000003"


def test_two_browsers_on_the_client_page_do_not_overwrite_each_other(
    as_user, held, social_worker, supervisor
):
    _case, client = held
    url = reverse("casework:client_update", args=[client.pk])
    page = as_user(social_worker).get(url)
    form = page.context["form"]
    data = {f"client-{name}": value for name, value in form.initial.items() if value is not None}
    for name in form.fields:
        data.setdefault(f"client-{name}", form[name].value() if form[name].value() is not None else "")
    data.update({"client-categories": [], "household-TOTAL_FORMS": 0, "household-INITIAL_FORMS": 0})
    data["client-community"] = client.community_id
    services.client_update(actor=supervisor, client=client, address="丁街道4号")
    data["client-address"] = "戊街道5号"
    answer = as_user(social_worker).post(url, data)
    assert answer.status_code == 302, answer.context["form"].errors if answer.context else answer
    conflict = FieldConflict.objects.get()
    assert answer.url == conflict.get_absolute_url()
    client.refresh_from_db()
    assert client.address == "丁街道4号" and conflict.mine_value == "戊街道5号"
