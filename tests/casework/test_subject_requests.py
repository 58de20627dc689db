"""A client's personal information requests (PIPL): the deadline, each step, what answering does
(copy, deletion, withdrawal of consent), who sees which request, and the overdue reminder."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casework import selectors, services
from casework.models import Client, SubjectRequest, SubjectRequestPolicy
from casework.reminders import casework_subject_requests_overdue
from socialwork.models import AuditEntry, Notification
from tests.casework.factories import make_case, make_client
from tests.casework.test_groups import start_group

pytestmark = pytest.mark.django_db
K, S = SubjectRequest.Kind, SubjectRequest.Status


def register(manager, client, kind=K.COPY, received_on=None, **fields):
    return services.subject_request_register(
        actor=manager, client=client, kind=kind, channel=SubjectRequest.Channel.IN_PERSON,
        received_on=received_on or timezone.localdate(), details=fields.get("details", "本人到站申请"),
    )  # fmt: skip


# The deadline


def test_fifteen_working_days_skip_the_weekends():
    # Monday 2026-03-02 + 15 working days: three weeks of weekdays, Monday 2026-03-23.
    assert services.working_days_after(date(2026, 3, 2), 15) == date(2026, 3, 23)
    # Received on a Friday: the first working day counted is the Monday after.
    assert services.working_days_after(date(2026, 3, 6), 1) == date(2026, 3, 9)
    # Received on a Saturday.
    assert services.working_days_after(date(2026, 3, 7), 5) == date(2026, 3, 13)


def test_holidays_are_skipped_and_worked_weekend_days_count(district_admin):
    services.subject_request_policy_update(
        actor=district_admin, answer_working_days=5,
        holidays=["2026-10-01", "2026-10-02", "2026-10-05"], working_weekend_days=["2026-10-10"],
    )  # fmt: skip
    # Wed 30 Sep: Thu 1, Fri 2 and Mon 5 are holidays: Tue 6, Wed 7, Thu 8, Fri 9, Sat 10 (worked).
    assert services.working_days_after(date(2026, 9, 30), 5) == date(2026, 10, 10)


def test_the_policy_refuses_a_worked_day_that_is_no_weekend(district_admin, station_manager):
    with pytest.raises(ValidationError) as error:
        services.subject_request_policy_update(
            actor=district_admin, answer_working_days=15, working_weekend_days=["2026-10-09"]
        )
    assert "working_weekend_days" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.subject_request_policy_update(actor=district_admin, answer_working_days=0)
    with pytest.raises(ValidationError):
        services.subject_request_policy_update(actor=station_manager, answer_working_days=10)
    assert SubjectRequestPolicy.current().answer_working_days == 15


def test_registering_sets_the_due_day_and_tells_the_district(station_manager, district_admin):
    client = make_client(station_manager)
    request = register(station_manager, client, received_on=date.today() - timedelta(days=1))
    assert request.status == S.REGISTERED
    assert request.due_on == services.working_days_after(request.received_on, 15)
    assert request.client_number == client.pk and request.station_id == client.station_id
    assert AuditEntry.objects.filter(action="subject_request.register", target_id=str(request.pk)).exists()
    assert Notification.objects.filter(user=district_admin, kind="casework_subject_request").exists()
    assert [step.action for step in request.steps.all()] == ["register"]


def test_only_the_station_manager_registers_for_their_own_clients(
    station_manager, other_station_manager, social_worker
):
    client = make_client(station_manager)
    with pytest.raises(ValidationError):
        register(social_worker, client)
    with pytest.raises(ValidationError) as error:
        register(other_station_manager, client)
    assert "client" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        register(station_manager, client, received_on=timezone.localdate() + timedelta(days=1))
    assert "received_on" in error.value.message_dict


# The steps


def test_assign_answer_close_a_copy_request(station_manager, social_worker, supervisor, district_admin):
    case = make_case(social_worker, supervisor=supervisor)
    client = case.clients.get()
    request = register(station_manager, client)
    with pytest.raises(PermissionDenied):  # not assigned yet: nobody answers
        services.subject_request_answer(actor=station_manager, request=request, answer="已提供")
    request = services.subject_request_assign(actor=district_admin, request=request, assignee=social_worker)
    assert request.status == S.ASSIGNED
    assert Notification.objects.filter(user=social_worker, kind="casework_subject_request").exists()
    with pytest.raises(PermissionDenied):  # the manager did not take it on
        services.subject_request_answer(actor=station_manager, request=request, answer="已提供")
    request = services.subject_request_answer(actor=social_worker, request=request, answer="已当面提供副本")
    assert request.status == S.ANSWERED and request.answered_on == timezone.localdate()
    assert request.copy_file.name.endswith(".json")
    content = request.copy_file.read().decode()
    assert client.name in content and case.number in content
    assert AuditEntry.objects.filter(action="client.subject_export", target_id=str(client.pk)).exists()
    request = services.subject_request_close(actor=station_manager, request=request)
    assert request.status == S.CLOSED
    assert [step.action for step in request.steps.all()] == ["register", "assign", "answer", "close"]
    assert set(
        AuditEntry.objects.filter(
            target_id=str(request.pk), action__startswith="subject_request."
        ).values_list("action", flat=True)
    ) == {
        "subject_request.register",
        "subject_request.assign",
        "subject_request.answer",
        "subject_request.close",
    }


def test_assignee_must_see_the_client(station_manager, other_worker):
    request = register(station_manager, make_client(station_manager))
    with pytest.raises(ValidationError) as error:
        services.subject_request_assign(actor=station_manager, request=request, assignee=other_worker)
    assert "assignee" in error.value.message_dict


def test_refusal_needs_a_reason_and_ends_the_request(station_manager, social_worker):
    request = register(station_manager, make_client(station_manager), kind=K.ACCESS)
    with pytest.raises(ValidationError):
        services.subject_request_refuse(actor=station_manager, request=request, reason=" ")
    request = services.subject_request_refuse(
        actor=station_manager, request=request, reason="无法核实申请人身份"
    )
    assert request.status == S.REFUSED and request.refusal_reason == "无法核实申请人身份"
    with pytest.raises(PermissionDenied):
        services.subject_request_assign(actor=station_manager, request=request, assignee=station_manager)


def test_someone_outside_the_request_takes_no_step(station_manager, other_station_manager):
    request = register(station_manager, make_client(station_manager))
    with pytest.raises(ValidationError):
        services.subject_request_assign(
            actor=other_station_manager, request=request, assignee=station_manager
        )


# Deletion


def test_deletion_removes_the_client_and_reports_what_the_law_keeps(
    station_manager, social_worker, supervisor
):
    case = make_case(social_worker, supervisor=supervisor)
    client = case.clients.get()
    request = register(station_manager, client, kind=K.DELETION)
    with pytest.raises(ValidationError):  # only the station manager may remove the client
        services.subject_request_assign(actor=station_manager, request=request, assignee=social_worker)
    services.subject_request_assign(actor=station_manager, request=request, assignee=station_manager)
    with pytest.raises(ValidationError) as error:  # client_remove: a case of theirs is open
        services.subject_request_answer(actor=station_manager, request=request, answer="已删除")
    assert "open cases" in " ".join(error.value.messages)
    case.status = case.Status.CLOSED
    case.save(update_fields=["status"])
    request = services.subject_request_answer(actor=station_manager, request=request, answer="已删除")
    client.refresh_from_db()
    assert client.is_removed
    report = request.deletion_report
    parts = {item["part"]: item for item in report["items"]}
    assert parts["client"]["fate"] == "removed"
    assert parts["cases_only_theirs"] == {
        "part": "cases_only_theirs", "count": 1, "numbers": [case.number], "fate": "kept_until"
    }  # fmt: skip
    assert parts["audit"]["fate"] == "kept" and parts["audit"]["count"] > 0
    assert report["retention_days"] == 3 * 365
    assert date.fromisoformat(report["erase_on"]) == timezone.localdate() + timedelta(days=3 * 365)


def test_the_deletion_report_counts_what_is_held(station_manager):
    client = make_client(station_manager, household=[{"name": "张妻", "relation": "spouse"}])
    report = services.deletion_report(client)
    parts = {item["part"]: item["count"] for item in report["items"]}
    assert parts["household"] == 1 and "cases_shared" not in parts


def test_erasing_a_client_erases_the_copies_of_their_data(station_manager):
    client = make_client(station_manager)
    request = register(station_manager, client)
    services.subject_request_assign(actor=station_manager, request=request, assignee=station_manager)
    request = services.subject_request_answer(actor=station_manager, request=request, answer="已提供")
    name = request.copy_file.name
    services.client_remove(actor=station_manager, client=client, reason="申请删除")
    Client.objects.filter(pk=client.pk).update(removed_at=timezone.now() - timedelta(days=4 * 365))
    assert services.clients_purge() == 1
    request.refresh_from_db()
    assert request.client is None and request.client_number == client.pk and not request.copy_file
    from django.core.files.storage import default_storage

    assert not default_storage.exists(name)


# Withdrawal of consent


def test_withdrawal_of_consent_stops_new_work_on_the_case(station_manager, social_worker, supervisor):
    case = make_case(social_worker, supervisor=supervisor)
    client = case.clients.get()
    request = register(
        station_manager, client, kind=K.WITHDRAWAL, received_on=timezone.localdate() - timedelta(1)
    )
    services.subject_request_assign(actor=station_manager, request=request, assignee=social_worker)
    services.subject_request_answer(actor=social_worker, request=request, answer="已停止处理")
    client.refresh_from_db()
    assert client.consent_withdrawn_on == request.received_on
    assert AuditEntry.objects.filter(action="client.consent_withdraw", target_id=str(client.pk)).exists()
    with pytest.raises(PermissionDenied) as error:
        services.note_add(
            actor=social_worker, case=case, noted_on=timezone.localdate(), method="home_visit", minutes=30,
            content="家访",
        )  # fmt: skip
    assert "withdrawn consent" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.case_move(actor=social_worker, case=case, move="assess")
    with pytest.raises(ValidationError) as error:
        services.case_open(
            actor=social_worker, clients=[client], intake_on=timezone.localdate(), source="walk_in",
            presenting_problem="再次求助",
        )  # fmt: skip
    assert "clients" in error.value.message_dict
    group = start_group(social_worker)
    with pytest.raises(ValidationError) as error:
        services.member_add(actor=social_worker, group=group, client=client)
    assert "client" in error.value.message_dict
    # Closing it is still open to the team.
    from casework import workflow

    assert "closing_request" in workflow.actions_for(social_worker, case)
    assert "note_add" not in workflow.actions_for(social_worker, case)


# Who sees which request


def test_who_sees_which_request(
    station_manager, other_station_manager, social_worker, colleague, district_admin, auditor
):
    client = make_client(social_worker)  # the station's: its manager and the worker see them
    request = register(station_manager, client)

    def sees(user):
        return selectors.subject_requests_visible_to(user=user).filter(pk=request.pk).exists()

    assert sees(station_manager) and sees(district_admin) and sees(auditor)  # by client number only
    assert not sees(other_station_manager) and not sees(social_worker)
    services.subject_request_assign(actor=station_manager, request=request, assignee=social_worker)
    assert sees(social_worker) and not sees(colleague)


def test_the_clients_offered_are_the_managers_stations(station_manager, other_station_manager, social_worker):
    mine = make_client(station_manager)
    assert list(selectors.subject_request_clients(user=station_manager)) == [mine]
    assert not selectors.subject_request_clients(user=other_station_manager).exists()
    assert not selectors.subject_request_clients(user=social_worker).exists()


# The reminder


def test_overdue_requests_remind_the_district(station_manager, district_admin, district_admin2):
    request = register(station_manager, make_client(station_manager))
    day = request.due_on + timedelta(days=1)
    assert list(casework_subject_requests_overdue(request.due_on)) == []
    reminders = list(casework_subject_requests_overdue(day))
    assert {reminder.user for reminder in reminders} == {district_admin, district_admin2}
    assert all(reminder.url == request.get_absolute_url() for reminder in reminders)
    services.subject_request_refuse(actor=station_manager, request=request, reason="重复申请")
    assert list(casework_subject_requests_overdue(day)) == []


def test_the_reminder_is_in_the_schedule():
    from socialwork.reminders import REGISTRY

    assert "casework_subject_requests_overdue" in REGISTRY
