"""The rules of case records: intake, the workflow, approvals, transfers, access and removal."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from casework import services
from casework.models import Case, CaseworkPolicy, Client
from casework.selectors import cases_visible_to, clients_visible_to, known_person
from socialwork.actions import ActionNotAllowed
from socialwork.idnumbers import check_character
from socialwork.models import AuditEntry, User
from socialwork.roles import Role
from tests.casework.factories import case_in_intervention, grant_access, make_case, make_client
from tests.factories import make_user

pytestmark = pytest.mark.django_db
S = Case.Status
TODAY = timezone.localdate()


def id_number(first17: str = "42050619800101123") -> str:
    return first17 + check_character(first17)


# Clients and intake


def test_id_number_and_phone_are_encrypted_at_rest_and_read_back_plain(social_worker):
    number = id_number()
    client = make_client(social_worker, id_number=number, phone="13812345678", address="清水湾社区3幢")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, address, id_number_digest FROM casework_client WHERE id = %s",
            [client.pk],
        )
        raw_id, raw_phone, raw_address, digest = cursor.fetchone()
    assert number not in raw_id and "13812345678" not in raw_phone and "清水湾" not in raw_address
    assert raw_id.startswith("fernet:dev1:")  # the cipher and key id, then a Fernet token
    assert number not in digest and digest.startswith("dev1:h2:")  # HMAC-SHA256 under the digest key
    fresh = Client.objects.get(pk=client.pk)
    assert (fresh.id_number, fresh.phone, fresh.address) == (number, "13812345678", "清水湾社区3幢")


def test_id_number_sets_the_date_of_birth_and_must_match_a_given_one(social_worker):
    client = make_client(social_worker, id_number=id_number(), birth_date=None)
    assert client.birth_date == date(1980, 1, 1)
    with pytest.raises(ValidationError) as error:
        make_client(social_worker, id_number=id_number("42050619800102123"), birth_date=date(1990, 5, 5))
    assert "birth_date" in error.value.message_dict


def test_a_wrong_check_digit_is_refused_on_the_id_number(social_worker):
    wrong = id_number()[:17] + ("1" if id_number()[17] != "1" else "2")
    with pytest.raises(ValidationError) as error:
        make_client(social_worker, id_number=wrong)
    assert "id_number" in error.value.message_dict
    assert not Client.objects.exists()


def test_registering_needs_the_clients_consent_to_data_processing(social_worker):
    with pytest.raises(ValidationError) as error:
        make_client(social_worker, consents_to_data_processing=False)
    assert "consents_to_data_processing" in error.value.message_dict


def test_a_person_known_at_another_station_is_flagged_without_revealing_it(social_worker, other_worker):
    number = id_number()
    theirs = make_client(other_worker, name="叶某", id_number=number)
    make_case(other_worker, client=theirs)

    by_number = known_person(user=social_worker, id_number=number)
    assert by_number.visible == [] and by_number.elsewhere == 1
    by_name = known_person(user=social_worker, name="叶某", birth_date=theirs.birth_date)
    assert by_name.visible == [] and by_name.elsewhere == 1
    assert not known_person(user=social_worker, name="叶某", birth_date=date(1999, 9, 9))

    mine = make_client(social_worker, name="叶某", id_number=number)
    assert mine.known_elsewhere is True
    assert list(clients_visible_to(user=social_worker)) == [mine]
    # The other worker now learns of one record elsewhere, and sees their own by name.
    theirs_view = known_person(user=other_worker, id_number=number)
    assert theirs_view.visible == [theirs] and theirs_view.elsewhere == 1


# Case numbers


def test_case_numbers_count_per_station_and_year_and_stay_with_a_transferred_case(
    network, social_worker, other_worker, supervisor, other_station_manager
):
    first = make_case(social_worker)
    second = make_case(social_worker)
    last_year = make_case(social_worker, intake_on=date(TODAY.year - 1, 6, 1))
    theirs = make_case(other_worker)
    code_a, code_b = network.station_a.code, network.station_b.code
    assert [first.number, second.number] == [f"{code_a}-{TODAY.year}-0001", f"{code_a}-{TODAY.year}-0002"]
    assert last_year.number == f"{code_a}-{TODAY.year - 1}-0001"
    assert theirs.number == f"{code_b}-{TODAY.year}-0001"

    transfer = services.transfer_request(
        actor=social_worker, case=first, to_station=network.station_b, reason="搬家到乙街道"
    )
    services.transfer_decide(actor=other_station_manager, transfer=transfer, accept=True, worker=other_worker)
    first.refresh_from_db()
    assert (first.station, first.worker, first.number) == (
        network.station_b,
        other_worker,
        f"{code_a}-{TODAY.year}-0001",
    )
    assert make_case(social_worker).number == f"{code_a}-{TODAY.year}-0003"


# The workflow


def test_a_case_goes_from_intake_to_closed_and_every_move_is_recorded(social_worker, supervisor):
    case = case_in_intervention(social_worker, supervisor)
    services.case_move(actor=social_worker, case=case, move="evaluate")
    closing = services.closing_request(
        actor=social_worker,
        case=case,
        reason="goals_reached",
        summary="找到工作，生活恢复",
        client_feedback="满意",
    )
    services.closing_decide(actor=supervisor, closing=closing, approve=True)
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.closed_on == TODAY
    assert [(t.from_status, t.to_status) for t in case.transitions.all()] == [
        ("", S.INTAKE), (S.INTAKE, S.ASSESSMENT), (S.ASSESSMENT, S.PLANNING), (S.PLANNING, S.INTERVENTION),
        (S.INTERVENTION, S.EVALUATION), (S.EVALUATION, S.CLOSED),
    ]  # fmt: skip
    assert AuditEntry.objects.filter(
        target_type="casework.case", target_id=str(case.pk), action="case.close"
    ).exists()


@pytest.mark.parametrize(
    "move, message",
    [
        ("intervene", "cannot take the step"),
        ("evaluate", "cannot take the step"),
        ("reopen", "cannot take the step"),
    ],
)
def test_moves_that_do_not_start_from_the_current_status_are_refused(social_worker, move, message):
    case = make_case(social_worker)
    with pytest.raises(ActionNotAllowed, match=message):
        services.case_move(actor=social_worker, case=case, move=move, reason="x")
    case.refresh_from_db()
    assert case.status == S.INTAKE and case.transitions.count() == 1


def test_planning_needs_an_assessment_and_the_intervention_an_approved_plan(social_worker, supervisor):
    case = make_case(social_worker, supervisor=supervisor)
    services.case_move(actor=social_worker, case=case, move="assess")
    with pytest.raises(ActionNotAllowed, match="assessment before planning"):
        services.case_move(actor=social_worker, case=case, move="plan")
    services.assessment_record(
        actor=social_worker, case=case, assessed_on=TODAY, risk_level="high",
        domains={"family": {"needs": "照顾孩子", "strengths": "", "risk": "high"}},
    )  # fmt: skip
    case.refresh_from_db()
    assert case.risk_level == "high"
    services.case_move(actor=social_worker, case=case, move="plan")
    plan = services.plan_save(actor=social_worker, case=case, goals=[{"description": "稳定生活"}], tasks=[])
    with pytest.raises(ActionNotAllowed, match="approved before the intervention"):
        services.case_move(actor=social_worker, case=case, move="intervene")
    services.plan_submit(actor=social_worker, plan=plan)
    services.plan_decide(actor=supervisor, plan=plan, approve=True)
    services.case_move(actor=social_worker, case=case, move="intervene")


def test_closing_is_not_a_direct_move(social_worker, supervisor):
    case = case_in_intervention(social_worker, supervisor)
    with pytest.raises(ActionNotAllowed, match="supervisor approves its closing"):
        services.case_move(actor=social_worker, case=case, move="close")


def test_reopening_needs_a_reason_and_resumes_the_work(social_worker, supervisor):
    case = case_in_intervention(social_worker, supervisor)
    closing = services.closing_request(actor=social_worker, case=case, reason="moved_away", summary="搬走")
    services.closing_decide(actor=supervisor, closing=closing, approve=True)
    with pytest.raises(ValidationError) as error:
        services.case_move(actor=social_worker, case=case, move="reopen")
    assert "reason" in error.value.message_dict
    services.case_move(actor=social_worker, case=case, move="reopen", reason="又回来了")
    services.case_move(actor=social_worker, case=case, move="intervene")
    case.refresh_from_db()
    assert case.status == S.INTERVENTION and case.closed_on is None


def test_someone_who_only_sees_the_case_through_a_grant_cannot_move_it(
    social_worker, district_admin, colleague
):
    case = make_case(social_worker)
    grant_access(
        actor=district_admin, case_number=case.number, user=colleague, reason="督导检查", expires_on=TODAY
    )
    with pytest.raises(ActionNotAllowed, match="Only the case's worker or its station manager"):
        services.case_move(actor=colleague, case=case, move="assess")


# Approvals


def test_a_plan_needs_a_supervisor_and_a_returned_plan_needs_a_comment(
    social_worker, supervisor, station_manager
):
    case = make_case(social_worker)
    plan = services.plan_save(actor=social_worker, case=case, goals=[{"description": "目标"}], tasks=[])
    with pytest.raises(ActionNotAllowed, match="no supervisor"):
        services.plan_submit(actor=social_worker, plan=plan)
    services.case_assign(actor=station_manager, case=case, worker=social_worker, supervisor=supervisor)
    services.plan_submit(actor=social_worker, plan=plan)
    with pytest.raises(ActionNotAllowed, match="Only the case's supervisor"):
        services.plan_decide(actor=social_worker, plan=plan, approve=True)
    with pytest.raises(ValidationError) as error:
        services.plan_decide(actor=supervisor, plan=plan, approve=False)
    assert "comment" in error.value.message_dict
    services.plan_decide(actor=supervisor, plan=plan, approve=False, comment="目标要可测量")
    revised = services.plan_save(
        actor=social_worker,
        case=case,
        goals=[{"description": "三个月内找到工作", "indicator": "签订劳动合同"}],
        tasks=[],
    )
    assert revised.pk == plan.pk and revised.status == "draft"
    assert [g.description for g in revised.goals.all()] == ["三个月内找到工作"]
    services.plan_submit(actor=social_worker, plan=revised)
    services.plan_decide(actor=supervisor, plan=revised, approve=True)
    assert (
        services.plan_save(
            actor=social_worker, case=case, goals=[{"description": "新目标"}], tasks=[]
        ).version
        == 2
    )


def test_a_submitted_plan_cannot_change_until_the_supervisor_decides(social_worker, supervisor):
    case = make_case(social_worker, supervisor=supervisor)
    plan = services.plan_save(actor=social_worker, case=case, goals=[{"description": "目标"}], tasks=[])
    services.plan_submit(actor=social_worker, plan=plan)
    with pytest.raises(ActionNotAllowed, match="waits for the supervisor"):
        services.plan_save(actor=social_worker, case=case, goals=[{"description": "改"}], tasks=[])


def test_a_returned_closing_keeps_the_case_open_and_marks_reached_goals(social_worker, supervisor):
    case = case_in_intervention(social_worker, supervisor)
    goal = case.plans.get().goals.get()
    closing = services.closing_request(
        actor=social_worker, case=case, reason="goals_reached", summary="总结", reached_goals=[goal]
    )
    goal.refresh_from_db()
    assert goal.reached is True
    with pytest.raises(ActionNotAllowed, match="already waits"):
        services.closing_request(actor=social_worker, case=case, reason="other", summary="再来")
    services.closing_decide(actor=supervisor, closing=closing, approve=False, comment="还需跟进一次")
    case.refresh_from_db()
    assert case.status == S.INTERVENTION


# The work of a case


def test_notes_update_the_last_note_date_and_refuse_bad_dates(social_worker, supervisor):
    case = make_case(social_worker)
    services.note_add(
        actor=social_worker, case=case, noted_on=TODAY, method="home_visit", minutes=45, content="家访"
    )
    case.refresh_from_db()
    assert case.last_note_on == TODAY
    for day, field in (
        (TODAY + timedelta(days=1), "noted_on"),
        (case.intake_on - timedelta(days=1), "noted_on"),
    ):
        with pytest.raises(ValidationError) as error:
            services.note_add(
                actor=social_worker, case=case, noted_on=day, method="phone", minutes=5, content="x"
            )
        assert field in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.note_add(
            actor=social_worker, case=case, noted_on=TODAY, method="phone", minutes=0, content="x"
        )
    assert "minutes" in error.value.message_dict
    assert case.notes.count() == 1


def test_a_referral_that_succeeded_records_its_outcome_and_amount(social_worker):
    case = make_case(social_worker)
    referral = services.referral_add(
        actor=social_worker, case=case, target_kind="department", target="交警大队",
        request="调解时争取更多赔偿", referred_on=case.intake_on,
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.referral_update(actor=social_worker, referral=referral, status="succeeded")
    assert "outcome" in error.value.message_dict
    services.referral_update(
        actor=social_worker, referral=referral, status="succeeded", outcome="compensation", amount=30000
    )
    referral.refresh_from_db()
    assert (referral.outcome, referral.amount, referral.concluded_on) == ("compensation", 30000, TODAY)


def test_a_follow_up_is_done_once(social_worker):
    case = make_case(social_worker)
    follow_up = services.follow_up_schedule(actor=social_worker, case=case, due_on=TODAY, purpose="回访就业")
    services.follow_up_done(actor=social_worker, follow_up=follow_up, done_on=TODAY, result="工作稳定")
    with pytest.raises(ValidationError, match="already done"):
        services.follow_up_done(actor=social_worker, follow_up=follow_up, done_on=TODAY, result="again")


def test_only_the_supervisor_reviews(social_worker, supervisor):
    case = make_case(social_worker, supervisor=supervisor)
    with pytest.raises(ActionNotAllowed, match="Only the case's supervisor"):
        services.review_add(actor=social_worker, case=case, reviewed_on=TODAY, comments="自评")
    services.review_add(
        actor=supervisor, case=case, reviewed_on=TODAY, comments="评估充分", advice="关注孩子情绪"
    )
    assert case.reviews.count() == 1


# Who sees a case


def test_who_sees_a_case(network, social_worker, supervisor, station_manager, other_station_manager, colleague,
                         other_worker, district_admin, auditor, org_staff):  # fmt: skip
    case = make_case(social_worker, supervisor=supervisor)
    superuser = make_user("root", is_superuser=True, is_staff=True)
    for user in (social_worker, supervisor, station_manager):
        assert list(cases_visible_to(user=user)) == [case], user
        assert clients_visible_to(user=user).count() == 1, user
    for user in (
        other_station_manager,
        colleague,
        other_worker,
        district_admin,
        auditor,
        org_staff,
        superuser,
    ):
        assert not cases_visible_to(user=user).exists(), user
        assert not clients_visible_to(user=user).exists(), user


def test_a_grant_opens_one_case_until_it_ends_or_is_revoked(social_worker, district_admin, colleague):
    case = make_case(social_worker)
    make_case(social_worker)
    with pytest.raises(ValidationError, match="Only district administrators"):
        grant_access(
            actor=social_worker, case_number=case.number, user=colleague, reason="x", expires_on=TODAY
        )
    with pytest.raises(ValidationError) as error:
        grant_access(actor=district_admin, case_number="NOPE", user=colleague, reason="x", expires_on=TODAY)
    assert "case_number" in error.value.message_dict
    grant = grant_access(
        actor=district_admin, case_number=case.number, user=colleague, reason="顶岗", expires_on=TODAY
    )
    assert list(cases_visible_to(user=colleague)) == [case]
    assert not cases_visible_to(user=district_admin).exists()
    services.access_revoke(actor=district_admin, grant=grant)
    assert not cases_visible_to(user=colleague).exists()
    grant.status, grant.revoked_at = "approved", None
    grant.expires_on = TODAY - timedelta(days=1)
    grant.save()
    assert not cases_visible_to(user=colleague).exists()


def test_a_transfer_shows_the_case_to_the_receiver_and_moves_it_on_acceptance(
    network, social_worker, station_manager, other_station_manager, other_worker
):
    case = make_case(social_worker)
    transfer = services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, to_worker=other_worker, reason="搬家"
    )
    assert list(cases_visible_to(user=other_worker)) == [case]
    with pytest.raises(ActionNotAllowed, match="receiving worker or station manager"):
        services.transfer_decide(actor=social_worker, transfer=transfer, accept=True)
    services.transfer_decide(actor=other_worker, transfer=transfer, accept=True)
    assert not cases_visible_to(user=social_worker).exists()
    assert not cases_visible_to(user=station_manager).exists()
    assert list(cases_visible_to(user=other_station_manager)) == [case]


def test_a_transferred_case_shows_its_client_to_the_receiving_station_manager_while_it_is_there(
    network, social_worker, station_manager, other_station_manager, other_worker
):
    case = make_case(social_worker)
    client = case.clients.get()
    assert not clients_visible_to(user=other_station_manager).exists()

    there = services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, to_worker=other_worker, reason="搬家"
    )
    services.transfer_decide(actor=other_worker, transfer=there, accept=True)
    assert list(clients_visible_to(user=other_station_manager)) == [client]
    assert list(clients_visible_to(user=station_manager)) == [client], "registered at their station"

    back = services.transfer_request(
        actor=other_worker, case=case, to_station=network.station_a, to_worker=social_worker, reason="搬回"
    )
    services.transfer_decide(actor=social_worker, transfer=back, accept=True)
    assert not clients_visible_to(user=other_station_manager).exists()
    assert list(clients_visible_to(user=station_manager)) == [client]


def test_a_declined_transfer_needs_a_reason_and_leaves_the_case(
    network, social_worker, other_station_manager
):
    case = make_case(social_worker)
    transfer = services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, reason="搬家"
    )
    with pytest.raises(ValidationError) as error:
        services.transfer_decide(actor=other_station_manager, transfer=transfer, accept=False)
    assert "comment" in error.value.message_dict
    services.transfer_decide(actor=other_station_manager, transfer=transfer, accept=False, comment="不在辖区")
    case.refresh_from_db()
    assert case.station == network.station_a and not cases_visible_to(user=other_station_manager).exists()


# Removal and retention


def test_removing_a_client_needs_their_cases_closed_and_hides_them_from_everyone(
    social_worker, supervisor, station_manager
):
    case = case_in_intervention(social_worker, supervisor)
    client = case.clients.get()
    with pytest.raises(ValidationError, match="Only the station manager"):
        services.client_remove(actor=social_worker, client=client, reason="本人要求")
    with pytest.raises(ValidationError, match="open cases"):
        services.client_remove(actor=station_manager, client=client, reason="本人要求")
    closing = services.closing_request(
        actor=social_worker, case=case, reason="client_withdrew", summary="退出"
    )
    services.closing_decide(actor=supervisor, closing=closing, approve=True)
    services.client_remove(actor=station_manager, client=client, reason="本人要求删除")
    for user in (social_worker, supervisor, station_manager):
        assert not clients_visible_to(user=user).exists()
        assert not cases_visible_to(user=user).exists()
    assert Client.objects.filter(pk=client.pk).exists()  # kept for the retention period


def test_removed_clients_are_erased_after_the_retention_period_only(social_worker, station_manager):
    kept = make_client(social_worker)
    old = make_client(social_worker)
    recent = make_client(social_worker)
    case = make_case(social_worker, client=old)
    Case.objects.filter(pk=case.pk).update(status=S.CLOSED)
    for client in (old, recent):
        services.client_remove(actor=station_manager, client=client, reason="要求删除")
    retention = CaseworkPolicy.at(None).retention_days
    Client.objects.filter(pk=old.pk).update(removed_at=timezone.now() - timedelta(days=retention + 1))

    assert services.clients_purge() == 1
    assert services.clients_purge() == 0
    assert set(Client.objects.values_list("pk", flat=True)) == {kept.pk, recent.pk}
    assert not Case.objects.filter(pk=case.pk).exists()
    assert AuditEntry.objects.filter(action="client.erase", target_id=str(old.pk), actor=None).exists()


def test_only_the_district_sets_the_retention_period(district_admin, station_manager):
    with pytest.raises(ValidationError):
        services.policy_update(actor=station_manager, retention_days=1000, quiet_case_days=30)
    with pytest.raises(ValidationError) as error:
        services.policy_update(actor=district_admin, retention_days=30, quiet_case_days=30)
    assert "retention_days" in error.value.message_dict
    assert (
        services.policy_update(actor=district_admin, retention_days=1825, quiet_case_days=21).retention_days
        == 1825
    )


def test_the_audit_log_never_holds_a_clients_name_or_id_number(social_worker, supervisor):
    number = id_number()
    client = make_client(social_worker, name="叶某某", id_number=number, phone="13900001111")
    case = make_case(social_worker, client=client, supervisor=supervisor)
    services.client_update(actor=social_worker, client=client, name="叶某乙", phone="13900002222")
    services.note_add(
        actor=social_worker, case=case, noted_on=TODAY, method="office", minutes=30, content="面谈"
    )
    text = " ".join(f"{e.summary} {e.changes}" for e in AuditEntry.objects.all())
    for secret in ("叶某", number, "1390000"):
        assert secret not in text
    update = AuditEntry.objects.get(action="client.update")  # read in Python: SQLite has no JSON containment
    assert {"name", "phone"} <= set(update.changes["fields"])


def test_only_social_work_roles_open_cases(network, org_staff):
    with pytest.raises(ValidationError):
        make_client(org_staff, community=network.community_a)
    assert not User.objects.get(pk=org_staff.pk).has_perm("casework.add_case")
    assert Role.ORG_STAFF in org_staff.roles


# Concurrency (PostgreSQL)


@pytest.mark.django_db(transaction=True)
def test_cases_opened_at_once_at_one_station_get_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven on PostgreSQL")
    # A transactional test starts after a flush: everything is made here.
    from tests.factories import make_region, make_unit

    district = make_region("测试区", "district")
    town = make_region("甲镇", "town", district)
    community = make_region("甲社区", "community", town)
    centre = make_unit("中心", "centre", None, district)
    station = make_unit("甲镇站", "station", centre, town)
    workers = [make_user(f"w{n}", Role.SOCIAL_WORKER, unit=station) for n in range(4)]
    clients = [make_client(worker, community=community) for worker in workers]
    errors = []
    barrier = threading.Barrier(len(workers))

    def open_case(worker, client):
        barrier.wait()
        try:
            make_case(worker, client=client)
        except Exception as error:  # noqa: BLE001 - any failure is the finding
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_case, args=pair) for pair in zip(workers, clients, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Case.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4]


def test_the_audit_log_cannot_be_edited_or_deleted_in_the_database(social_worker):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    from django.db import DatabaseError, transaction

    make_case(social_worker)
    entry = AuditEntry.objects.filter(action="case.open").get()
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(summary="tampered"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEntry.objects.get(pk=entry.pk).summary == entry.summary
