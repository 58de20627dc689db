"""The casework pages: my cases, the case list and its export, intake, and the case page with
every step of a case, for the worker, the supervisor and the station manager."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Case, Client, Closing, FollowUp, ServiceNote, ServicePlan, Transfer
from casework.models.common import Approval
from socialwork.idnumbers import check_character
from socialwork.models import AuditEntry
from tests.casework.factories import case_in_intervention, category, grant_access, make_case, make_client
from tests.factories import AUDIT_CHAIN

pytestmark = pytest.mark.django_db
S = Case.Status
TODAY = timezone.localdate()


EXPORT_CASES = reverse("reports:export", kwargs={"key": "cases", "fmt": "csv"})


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def id_number(first17: str = "42050619800101123") -> str:
    return first17 + check_character(first17)


def text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def case(social_worker, supervisor):
    client = make_client(
        social_worker, name="叶先生", id_number=id_number(), birth_date=None, phone="13812345678"
    )
    return make_case(social_worker, supervisor=supervisor, client=client)


@pytest.fixture
def working(social_worker, supervisor):
    """A case in the intervention, with an approved plan."""
    return case_in_intervention(social_worker, supervisor)


# My cases


def test_my_cases_lists_open_cases_with_a_note_link_and_what_is_due(as_user, social_worker, case):
    services.follow_up_schedule(
        actor=social_worker, case=case, due_on=TODAY - timedelta(days=2), purpose="回访家属"
    )
    response = as_user(social_worker).get(url("my_cases"))
    assert response.status_code == 200
    page = text(response)
    assert case.number in page and "叶先生" in page
    assert url("note_add", case.pk) in page
    assert "Due today or overdue" in page and "回访家属" in page and "Overdue" in page
    entry = AuditEntry.objects.get(actor=social_worker, action="case.list")
    assert entry.changes == {"ids": [case.pk]}
    assert "叶先生" not in entry.summary


def test_my_cases_puts_high_risk_cases_first(as_user, social_worker):
    low = make_case(social_worker, risk_level="low")
    high = make_case(social_worker, risk_level="high")
    medium = make_case(social_worker, risk_level="medium")
    cases = [row["case"] for row in as_user(social_worker).get(url("my_cases")).context["cases"]]
    assert cases == [high, medium, low]


def test_my_cases_shows_what_waits_for_the_supervisor_and_the_receiver(
    as_user, social_worker, supervisor, other_worker, network
):
    planned = make_case(social_worker, supervisor=supervisor)
    services.case_move(actor=social_worker, case=planned, move="assess")
    plan = services.plan_save(
        actor=social_worker, case=planned, goals=[{"description": "稳定生活"}], tasks=[]
    )
    services.plan_submit(actor=social_worker, plan=plan)
    moving = make_case(social_worker, supervisor=supervisor)
    services.transfer_request(
        actor=social_worker, case=moving, to_station=network.station_b, to_worker=other_worker, reason="搬家"
    )
    supervisor_page = text(as_user(supervisor).get(url("my_cases")))
    assert "Waiting for me" in supervisor_page and planned.number in supervisor_page
    assert "Service plan v1 to approve" in supervisor_page
    receiver_page = text(as_user(other_worker).get(url("my_cases")))
    assert moving.number in receiver_page and "to accept" in receiver_page
    assert planned.number not in receiver_page


def test_my_cases_stays_within_a_bounded_number_of_queries(
    as_user, social_worker, supervisor, django_assert_max_num_queries
):
    for _n in range(15):
        case = make_case(social_worker, supervisor=supervisor)
        services.follow_up_schedule(actor=social_worker, case=case, due_on=TODAY, purpose="回访")
    browser = as_user(social_worker)
    with django_assert_max_num_queries(23 + AUDIT_CHAIN):
        response = browser.get(url("my_cases"))
    assert text(response).count("Add a note") == 15


# The case list and its export


def test_case_list_shows_the_visible_cases_and_audits_the_ids(as_user, station_manager, social_worker, case):
    make_case(social_worker, supervisor=None)
    response = as_user(station_manager).get(url("case_list"))
    assert response.status_code == 200
    page = text(response)
    assert case.number in page and "叶先生" in page
    entry = AuditEntry.objects.get(actor=station_manager, action="case.list")
    assert set(entry.changes["ids"]) == set(Case.objects.values_list("pk", flat=True))


def test_case_list_filters_by_status_risk_and_search(as_user, social_worker, supervisor, case):
    other = make_case(social_worker, client=make_client(social_worker, name="王女士"), risk_level="high")
    services.case_move(actor=social_worker, case=other, move="assess")
    browser = as_user(social_worker)
    by_status = text(browser.get(url("case_list"), {"status": "assessment"}))
    assert other.number in by_status and case.number not in by_status
    by_risk = text(browser.get(url("case_list"), {"risk_level": "high"}))
    assert other.number in by_risk and case.number not in by_risk
    by_name = text(browser.get(url("case_list"), {"q": "叶先"}))
    assert case.number in by_name and other.number not in by_name
    by_number = text(browser.get(url("case_list"), {"q": other.number}))
    assert other.number in by_number and case.number not in by_number
    last_year = make_case(social_worker, intake_on=date(case.intake_on.year - 1, 6, 1))
    by_year = text(browser.get(url("case_list"), {"year": case.intake_on.year}))
    assert case.number in by_year and last_year.number not in by_year


def test_case_list_offers_only_the_stations_and_workers_the_person_sees(
    as_user, social_worker, other_worker, case
):
    make_case(other_worker)
    response = as_user(social_worker).get(url("case_list"))
    station_choices = [str(s) for s in response.context["filter"].form.fields["station"].queryset]
    worker_choices = list(response.context["filter"].form.fields["worker"].queryset)
    assert station_choices == [str(case.station)]
    assert worker_choices == [social_worker]


def test_other_station_manager_and_district_admin_see_no_case_in_the_list(
    as_user, other_station_manager, district_admin, case
):
    for user in (other_station_manager, district_admin):
        response = as_user(user).get(url("case_list"))
        assert response.status_code == 200
        assert case.number not in text(response)
    assert not AuditEntry.objects.filter(action="case.list").exists()


def test_case_list_stays_within_a_bounded_number_of_queries(
    as_user, social_worker, supervisor, django_assert_max_num_queries
):
    for _n in range(25):
        make_case(social_worker, supervisor=supervisor, category=category())
    browser = as_user(social_worker)
    # the page's ids, read part by part (their own cases, those they supervise), then its rows
    with django_assert_max_num_queries(24 + AUDIT_CHAIN):
        response = browser.get(url("case_list"))
    assert len(response.context["rows"]) == 25


def test_the_case_lists_export_is_a_bom_csv_of_visible_cases_without_id_numbers_or_phones(
    as_user, social_worker, other_worker, case, django_assert_max_num_queries
):
    """The case list exports through reports.exports (its old CSV path in casework is gone)."""
    hidden = make_case(other_worker)
    browser = as_user(social_worker)
    assert "/reports/export/cases.csv" in text(browser.get(url("case_list")))
    with django_assert_max_num_queries(16 + AUDIT_CHAIN):
        response = browser.get(EXPORT_CASES)
        raw = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("text/csv")
    assert raw.startswith("\ufeff".encode())
    content = raw.decode("utf-8-sig")
    assert case.number in content and "叶先生" in content
    assert hidden.number not in content
    assert id_number() not in content and "13812345678" not in content
    entry = AuditEntry.objects.get(actor=social_worker, action="case.export")
    assert entry.changes["ids"] == [case.pk]


def test_the_case_lists_export_follows_the_list_filters(as_user, social_worker, case):
    other = make_case(social_worker, risk_level="high")
    content = text(as_user(social_worker).get(EXPORT_CASES, {"risk_level": "high"}))
    assert other.number in content and case.number not in content


# Intake


def intake_data(network, supervisor=None, **overrides):
    data = {
        "intake-client": "",
        "client-name": "李奶奶",
        "client-gender": "female",
        "client-birth_date": "1950-03-04",
        "client-id_number": "",
        "client-phone": "13900001111",
        "client-address": "甲社区1号",
        "client-community": network.community_a.pk,
        "client-categories": [category("elderly_alone").pk],
        "client-consents_to_services": "on",
        "client-consents_to_data_processing": "on",
        "client-consent_recorded_on": "",
        "household-TOTAL_FORMS": "2",
        "household-INITIAL_FORMS": "0",
        "household-0-name": "李大",
        "household-0-relation": "child",
        "household-0-birth_date": "",
        "household-0-situation": "在外务工",
        "household-1-name": "",
        "household-1-relation": "",
        "case-intake_on": TODAY.isoformat(),
        "case-source": "walk_in",
        "case-referred_by": "",
        "case-presenting_problem": "独居，行动不便",
        "case-risk_level": "medium",
        "case-category": category("elderly_alone").pk,
        "case-supervisor": supervisor.pk if supervisor else "",
    }
    data.update(overrides)
    return data


def test_intake_page_offers_only_communities_of_the_workers_town(as_user, social_worker, network):
    response = as_user(social_worker).get(url("case_open"))
    assert response.status_code == 200
    communities = set(response.context["client_form"].fields["community"].queryset)
    assert communities == {network.community_a, network.village_a}


def test_intake_registers_a_new_client_and_opens_the_case(as_user, social_worker, supervisor, network):
    response = as_user(social_worker).post(url("case_open"), intake_data(network, supervisor))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    client = case.clients.get()
    assert client.name == "李奶奶" and client.phone == "13900001111" and not client.known_elsewhere
    assert [m.name for m in client.household.all()] == ["李大"]
    assert list(client.categories.values_list("code", flat=True)) == ["elderly_alone"]
    assert case.worker == social_worker and case.supervisor == supervisor and case.risk_level == "medium"


def test_intake_with_an_existing_client_opens_a_case_for_them(as_user, social_worker, network):
    client = make_client(social_worker, name="老客户")
    data = intake_data(network, **{"intake-client": client.pk, "client-name": ""})
    response = as_user(social_worker).post(url("case_open"), data)
    assert response.status_code == 302
    assert Case.objects.get().clients.get() == client
    assert Client.objects.count() == 1


def test_intake_flags_a_person_known_at_another_station_without_revealing_anything(
    as_user, social_worker, other_worker, network
):
    theirs = make_client(other_worker, name="叶某", id_number=id_number(), birth_date=None)
    other_case = make_case(other_worker, client=theirs)
    data = intake_data(
        network,
        **{
            "client-name": "叶某某",
            "client-id_number": id_number(),
            "client-birth_date": "",
            "client-gender": "",
        },
    )
    response = as_user(social_worker).post(url("case_open"), data)
    assert response.status_code == 200
    page = text(response)
    assert (
        "This person is already on record elsewhere in the district (1 record); contact the district office."
        in page
    )
    for secret in (
        "叶某<",
        other_case.number,
        network.station_b.name,
        other_worker.full_name,
        theirs.community.name,
    ):
        assert secret not in page, secret
    assert Client.objects.count() == 1 and Case.objects.count() == 1


def test_register_anyway_stores_the_client_flagged_as_known_elsewhere(
    as_user, social_worker, other_worker, network
):
    make_client(other_worker, name="叶某", id_number=id_number(), birth_date=None)
    data = intake_data(
        network,
        register_anyway="1",
        **{"client-id_number": id_number(), "client-birth_date": "", "client-gender": ""},
    )
    response = as_user(social_worker).post(url("case_open"), data)
    assert response.status_code == 302
    case = Case.objects.get(station=network.station_a)
    assert case.clients.get().known_elsewhere is True


def test_intake_offers_a_known_client_the_worker_sees_and_uses_them(as_user, social_worker, network):
    mine = make_client(social_worker, name="李奶奶", birth_date=date(1950, 3, 4))
    browser = as_user(social_worker)
    response = browser.post(url("case_open"), intake_data(network))
    page = text(response)
    assert "Use this client" in page and mine.get_absolute_url() in page
    response = browser.post(url("case_open"), intake_data(network, use_client=mine.pk))
    assert response.status_code == 302
    assert Case.objects.get().clients.get() == mine
    assert Client.objects.count() == 1


def test_a_failing_case_step_leaves_no_client_behind(as_user, social_worker, network):
    data = intake_data(network, **{"case-intake_on": (TODAY + timedelta(days=3)).isoformat()})
    response = as_user(social_worker).post(url("case_open"), data)
    assert response.status_code == 400
    assert response.context["case_form"].errors["intake_on"] == ["This date is in the future."]
    assert not Client.objects.exists() and not Case.objects.exists()


def test_a_client_error_lands_on_its_field(as_user, social_worker, network):
    data = intake_data(network, **{"client-consents_to_data_processing": ""})
    response = as_user(social_worker).post(url("case_open"), data)
    assert response.status_code == 400
    assert "consents_to_data_processing" in response.context["client_form"].errors
    assert not Client.objects.exists()


def test_intake_is_refused_to_people_without_a_station(as_user, district_admin, supervisor):
    for user in (district_admin, supervisor):
        assert as_user(user).get(url("case_open")).status_code == 403


# The case page: who reaches it


@pytest.mark.parametrize("who", ["social_worker", "supervisor", "station_manager"])
def test_the_case_page_renders_for_the_people_on_the_case_and_is_audited(request, as_user, who, case):
    user = request.getfixturevalue(who)
    response = as_user(user).get(case.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert case.number in page and "叶先生" in page and "Case opened" in page
    assert AuditEntry.objects.filter(actor=user, action="case.view", target_id=str(case.pk)).exists()


@pytest.mark.parametrize(
    "who", ["colleague", "other_worker", "other_station_manager", "district_admin", "org_staff"]
)
def test_the_case_page_does_not_exist_for_others(request, as_user, who, case):
    user = request.getfixturevalue(who)
    browser = as_user(user)
    for path in (case.get_absolute_url(), url("note_add", case.pk), url("case_update", case.pk)):
        assert browser.get(path).status_code == 404, path
    response = browser.post(
        url("note_add", case.pk),
        {"note-noted_on": TODAY, "note-method": "phone", "note-minutes": 5, "note-content": "x"},
    )
    assert response.status_code == 404
    assert not ServiceNote.objects.exists()
    assert not AuditEntry.objects.filter(actor=user, action="case.view").exists()


def test_forms_appear_only_for_the_part_a_person_plays(
    as_user, social_worker, supervisor, station_manager, working
):
    worker_page = as_user(social_worker).get(working.get_absolute_url()).context
    assert worker_page["referral_form"] and worker_page["closing_form"] and worker_page["transfer_form"]
    assert worker_page["review_form"] is None and worker_page["assign_form"] is None
    supervisor_page = as_user(supervisor).get(working.get_absolute_url()).context
    assert supervisor_page["review_form"] and supervisor_page["note_form"]
    assert supervisor_page["referral_form"] is None and supervisor_page["closing_form"] is None
    manager_page = as_user(station_manager).get(working.get_absolute_url()).context
    assert manager_page["assign_form"] and manager_page["referral_form"]
    assert manager_page["review_form"] is None


def test_the_case_page_stays_bounded_with_many_notes_referrals_and_follow_ups(
    as_user, social_worker, supervisor, working, django_assert_max_num_queries
):
    for n in range(30):
        services.note_add(
            actor=social_worker, case=working, noted_on=TODAY, method="phone", minutes=10, content=f"电话{n}"
        )
        referral = services.referral_add(
            actor=social_worker,
            case=working,
            target_kind="person",
            target=f"亲属{n}",
            request="帮助",
            referred_on=TODAY,
        )
        services.referral_update(
            actor=social_worker, referral=referral, status="succeeded", outcome="financial_aid", amount=100
        )
        follow_up = services.follow_up_schedule(
            actor=social_worker, case=working, due_on=TODAY, purpose=f"回访{n}"
        )
        if n % 2:
            services.follow_up_done(actor=social_worker, follow_up=follow_up, done_on=TODAY, result="好转")
    browser = as_user(social_worker)
    # 29: the rounds of the plan's approval joined the timeline (casework.models.PlanRound); 31:
    # its security label changes and break-glass accesses (casework.models.labels) joined it too;
    # 32: the follow-ups' satisfaction answers (casework.models.followups).
    # A page already served once in this process: the content types its provenance links look up
    # are cached per process, so the bound counts the page as people get it, not a cold start.
    browser.get(working.get_absolute_url())
    # 35: the notes' attachments, the signed consents (with theirs) and the photos on no record
    # (casework.models.attachments). 36: the people the records name, read in one query rather than
    # joined into each record's (casework.timeline.with_people: less for Django to compile).
    with django_assert_max_num_queries(36 + AUDIT_CHAIN):
        response = browser.get(working.get_absolute_url())
    assert response.status_code == 200
    # 30 notes, 30 referrals made and 30 concluded, 30 follow-ups planned and 15 done, and more.
    assert len(response.context["events"]) > 135


# The timeline and notes


def test_the_timeline_holds_every_kind_of_event_newest_first(as_user, social_worker, supervisor, working):
    services.note_add(
        actor=social_worker,
        case=working,
        noted_on=TODAY,
        method="home_visit",
        minutes=45,
        content="家访了解情况",
    )
    referral = services.referral_add(
        actor=social_worker,
        case=working,
        target_kind="department",
        target="交警大队",
        request="争取赔偿",
        referred_on=TODAY,
    )
    services.referral_update(
        actor=social_worker, referral=referral, status="succeeded", outcome="compensation", amount=80000
    )
    services.follow_up_schedule(actor=social_worker, case=working, due_on=TODAY, purpose="回访")
    services.review_add(actor=supervisor, case=working, reviewed_on=TODAY, comments="进展良好")
    events = as_user(social_worker).get(working.get_absolute_url()).context["events"]
    kinds = {event.kind for event in events}
    assert kinds >= {"transition", "assessment", "plan", "note", "referral", "follow_up", "review"}
    keys = [(event.day, event.at) for event in events]
    assert keys == sorted(keys, reverse=True)
    titles = [event.title for event in events]
    assert "Referral to 交警大队 succeeded" in titles and "Service plan v1 approved" in titles
    succeeded = next(e for e in events if e.title == "Referral to 交警大队 succeeded")
    assert ("Amount", "¥80,000.00") in succeeded.details


def test_a_note_posted_with_htmx_returns_the_timeline_fragment_and_is_saved(as_user, social_worker, case):
    response = as_user(social_worker).post(
        url("note_add", case.pk),
        {
            "note-noted_on": TODAY.isoformat(),
            "note-method": "phone",
            "note-minutes": "15",
            "note-content": "电话回访",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = text(response)
    note = ServiceNote.objects.get()
    assert f'id="event-note-{note.pk}"' in page and "电话回访" in page
    assert 'hx-swap-oob="true"' in page and "<html" not in page
    assert note.author == social_worker and note.minutes == 15
    case.refresh_from_db()
    assert case.last_note_on == TODAY


def test_a_bad_note_with_htmx_comes_back_in_place_with_its_errors(as_user, social_worker, case):
    response = as_user(social_worker).post(
        url("note_add", case.pk),
        {"note-noted_on": TODAY.isoformat(), "note-method": "phone", "note-minutes": "0", "note-content": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#note-form" and response["HX-Reswap"] == "outerHTML"
    assert "This field is required." in text(response)
    assert not ServiceNote.objects.exists()


def test_a_note_without_javascript_goes_back_to_the_case(as_user, social_worker, case):
    response = as_user(social_worker).post(
        url("note_add", case.pk),
        {
            "note-noted_on": TODAY.isoformat(),
            "note-method": "office",
            "note-minutes": "30",
            "note-content": "面谈",
        },
    )
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert ServiceNote.objects.get().content == "面谈"


def test_the_note_page_defaults_to_today_and_refuses_a_date_before_intake(as_user, social_worker, case):
    browser = as_user(social_worker)
    response = browser.get(url("note_add", case.pk))
    assert response.status_code == 200
    assert response.context["note_form"]["noted_on"].value() == TODAY
    early = (case.intake_on - timedelta(days=1)).isoformat()
    response = browser.post(
        url("note_add", case.pk),
        {"note-noted_on": early, "note-method": "phone", "note-minutes": "5", "note-content": "早"},
    )
    assert response.status_code == 400
    assert response.context["note_form"].errors["noted_on"] == ["A note cannot come before the intake date."]


def test_a_granted_reader_sees_the_case_but_cannot_write_notes(as_user, district_admin, colleague, case):
    grant_access(
        actor=district_admin, case_number=case.number, user=colleague, reason="代班", expires_on=TODAY
    )
    browser = as_user(colleague)
    response = browser.get(case.get_absolute_url())
    assert response.status_code == 200 and response.context["note_form"] is None
    assert browser.get(url("note_add", case.pk)).status_code == 403


# Workflow, assessment and plan through the pages


def test_the_worker_moves_the_case_and_records_an_assessment(as_user, social_worker, case):
    browser = as_user(social_worker)
    response = browser.post(url("case_move", case.pk, "assess"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.ASSESSMENT
    assert 'data-action="plan"' not in text(browser.get(case.get_absolute_url()))
    response = browser.post(url("case_move", case.pk, "plan"))
    assert response.status_code == 403
    assert "Record an assessment before planning." in text(response)
    data = {
        "assessment-assessed_on": TODAY.isoformat(),
        "assessment-risk_level": "high",
        "assessment-summary": "经济困难",
        "assessment-economic_needs": "收入中断",
        "assessment-economic_strengths": "亲属支持",
        "assessment-economic_risk": "high",
    }
    response = browser.post(url("assessment_add", case.pk), data)
    assert response.status_code == 302
    assessment = case.assessments.get()
    assert [d.domain for d in assessment.domains.all()] == ["economic"]
    case.refresh_from_db()
    assert case.risk_level == "high"


def test_an_empty_assessment_is_refused_on_the_page(as_user, social_worker, case):
    response = as_user(social_worker).post(
        url("assessment_add", case.pk),
        {"assessment-assessed_on": TODAY.isoformat(), "assessment-risk_level": "low"},
    )
    assert response.status_code == 400
    assert "Describe the needs or strengths in at least one domain." in text(response)


def test_reopening_needs_a_reason(as_user, social_worker, supervisor, working):
    closing = services.closing_request(
        actor=social_worker, case=working, reason="goals_reached", summary="完成"
    )
    services.closing_decide(actor=supervisor, closing=closing, approve=True)
    browser = as_user(social_worker)
    response = browser.post(url("case_move", working.pk, "reopen"), {"move-reopen-reason": ""})
    assert response.status_code == 400
    assert response.context["moves"][0][2].errors["reason"]
    response = browser.post(url("case_move", working.pk, "reopen"), {"move-reopen-reason": "复发"})
    assert response.status_code == 302
    working.refresh_from_db()
    assert working.status == S.REOPENED


def plan_data(**overrides):
    data = {
        "goals-TOTAL_FORMS": "3",
        "goals-INITIAL_FORMS": "0",
        "goals-0-description": "",
        "goals-0-indicator": "",
        "goals-1-description": "保障基本生活",
        "goals-1-indicator": "获得救助",
        "goals-2-description": "",
        "goals-2-indicator": "",
        "tasks-TOTAL_FORMS": "2",
        "tasks-INITIAL_FORMS": "0",
        "tasks-0-description": "联系民政",
        "tasks-0-owner": "社工",
        "tasks-0-due_on": TODAY.isoformat(),
        "tasks-0-goal": "1",
        "tasks-1-description": "",
        "tasks-1-owner": "",
        "tasks-1-due_on": "",
        "tasks-1-goal": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def planning(social_worker, supervisor):
    case = make_case(social_worker, supervisor=supervisor)
    services.case_move(actor=social_worker, case=case, move="assess")
    return case


def test_the_worker_writes_and_submits_the_plan_and_the_supervisor_approves(
    as_user, social_worker, supervisor, planning
):
    worker = as_user(social_worker)
    assert worker.post(url("plan_save", planning.pk), plan_data()).status_code == 302
    plan = ServicePlan.objects.get()
    task = plan.tasks.get()
    assert task.goal == plan.goals.get() and task.goal.description == "保障基本生活"
    assert worker.post(url("plan_submit", planning.pk)).status_code == 302
    page = as_user(supervisor).get(planning.get_absolute_url())
    assert page.context["plan_decision_form"] is not None and "Approve the plan" in text(page)
    response = as_user(supervisor).post(url("plan_decide", planning.pk), {"plan-decision-decision": "yes"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Approval.APPROVED and plan.decided_by == supervisor


def test_the_supervisor_returns_the_plan_with_a_comment(as_user, social_worker, supervisor, planning):
    as_user(social_worker).post(url("plan_save", planning.pk), plan_data())
    as_user(social_worker).post(url("plan_submit", planning.pk))
    browser = as_user(supervisor)
    response = browser.post(url("plan_decide", planning.pk), {"plan-decision-decision": "no"})
    assert response.status_code == 400
    assert "Say what should change when returning a plan." in text(response)
    response = browser.post(
        url("plan_decide", planning.pk),
        {"plan-decision-decision": "no", "plan-decision-comment": "目标需可测量"},
    )
    assert response.status_code == 302
    plan = ServicePlan.objects.get()
    assert plan.status == Approval.RETURNED and plan.comment == "目标需可测量"
    worker_page = as_user(social_worker).get(planning.get_absolute_url())
    assert "目标需可测量" in text(worker_page) and worker_page.context["plan_form"] is not None


def test_the_worker_cannot_approve_their_own_plan(as_user, social_worker, planning):
    as_user(social_worker).post(url("plan_save", planning.pk), plan_data())
    as_user(social_worker).post(url("plan_submit", planning.pk))
    response = as_user(social_worker).post(url("plan_decide", planning.pk), {"plan-decision-decision": "yes"})
    assert response.status_code == 403 and "Only the case&#x27;s supervisor" in text(response)
    assert ServicePlan.objects.get().status == Approval.SUBMITTED


def test_a_task_naming_an_empty_goal_row_is_refused(as_user, social_worker, planning):
    response = as_user(social_worker).post(url("plan_save", planning.pk), plan_data(**{"tasks-0-goal": "0"}))
    assert response.status_code == 400
    assert "A task names a goal row that is empty." in text(response)
    assert not ServicePlan.objects.exists()


def test_the_plan_form_starts_from_the_current_plan(as_user, social_worker, planning):
    as_user(social_worker).post(url("plan_save", planning.pk), plan_data())
    form = as_user(social_worker).get(planning.get_absolute_url()).context["plan_form"]
    assert form.goals.forms[0]["description"].value() == "保障基本生活"
    assert form.tasks.forms[0]["goal"].value() == "0"


# Referrals, follow-ups, reviews and tasks


def test_the_worker_makes_and_concludes_a_referral(as_user, social_worker, working):
    browser = as_user(social_worker)
    response = browser.post(
        url("referral_add", working.pk),
        {
            "referral-target_kind": "department",
            "referral-target": "区教育局",
            "referral-request": "减免学费",
            "referral-referred_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    referral = working.referrals.get()
    prefix = f"referral-{referral.pk}"
    response = browser.post(
        url("referral_update", working.pk, referral.pk),
        {
            f"{prefix}-status": "succeeded",
            f"{prefix}-outcome": "",
            f"{prefix}-amount": "",
        },
    )
    assert response.status_code == 400
    assert "Say what the referral obtained." in text(response)
    response = browser.post(
        url("referral_update", working.pk, referral.pk),
        {
            f"{prefix}-status": "succeeded",
            f"{prefix}-outcome": "fees_waived",
            f"{prefix}-amount": "3000",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == "fees_waived" and referral.amount == 3000 and referral.concluded_on == TODAY


def test_the_worker_schedules_and_completes_a_follow_up(as_user, social_worker, working):
    browser = as_user(social_worker)
    response = browser.post(
        url("follow_up_schedule", working.pk),
        {
            "follow-up-due_on": (TODAY + timedelta(days=7)).isoformat(),
            "follow-up-purpose": "回访学校",
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    prefix = f"follow-up-{follow_up.pk}"
    response = browser.post(
        url("follow_up_done", working.pk, follow_up.pk),
        {f"{prefix}-done_on": TODAY.isoformat(), f"{prefix}-result": ""},
    )
    assert response.status_code == 400
    response = browser.post(
        url("follow_up_done", working.pk, follow_up.pk),
        {f"{prefix}-done_on": TODAY.isoformat(), f"{prefix}-result": "适应良好"},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.result == "适应良好" and follow_up.done_by == social_worker


def test_only_the_supervisor_records_a_review(as_user, social_worker, supervisor, working):
    data = {
        "review-reviewed_on": TODAY.isoformat(),
        "review-comments": "注意风险",
        "review-advice": "加强家访",
    }
    assert as_user(social_worker).post(url("review_add", working.pk), data).status_code == 403
    assert as_user(supervisor).post(url("review_add", working.pk), data).status_code == 302
    assert working.reviews.get().supervisor == supervisor


def test_the_worker_marks_a_plan_task_done(as_user, social_worker, working):
    task = working.plans.get().tasks.get()
    assert as_user(social_worker).post(url("task_done", working.pk, task.pk)).status_code == 302
    task.refresh_from_db()
    assert task.done_on == TODAY


def test_the_station_manager_assigns_worker_and_supervisor(
    as_user, station_manager, colleague, supervisor, case
):
    response = as_user(station_manager).post(
        url("case_assign", case.pk), {"assign-worker": colleague.pk, "assign-supervisor": supervisor.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.worker == colleague


def test_the_worker_edits_the_case_record(as_user, social_worker, supervisor, case):
    browser = as_user(social_worker)
    assert browser.get(url("case_update", case.pk)).status_code == 200
    response = browser.post(
        url("case_update", case.pk),
        {
            "category": category("low_income").pk,
            "source": "referral",
            "referred_by": "居委会",
            "presenting_problem": "经济困难",
            "risk_level": "high",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.referred_by == "居委会" and case.risk_level == "high"
    assert as_user(supervisor).get(url("case_update", case.pk)).status_code == 403


# Closing and transfer through the pages


def test_the_worker_asks_to_close_and_the_supervisor_approves(as_user, social_worker, supervisor, working):
    goal = working.plans.get().goals.get()
    response = as_user(social_worker).post(
        url("closing_request", working.pk),
        {
            "closing-reason": "goals_reached",
            "closing-summary": "获得赔偿，生活稳定",
            "closing-goals_reached": "",
            "closing-client_feedback": "满意",
            "closing-satisfaction": "5",
            f"closing-goal-{goal.pk}-outcome": "reached",
            f"closing-goal-{goal.pk}-evidence": "赔偿到位",
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.reached is True and goal.outcome == "reached" and goal.evidence == "赔偿到位"
    page = as_user(supervisor).get(working.get_absolute_url())
    assert "Approve the closing" in text(page)
    response = as_user(supervisor).post(
        url("closing_decide", working.pk), {"closing-decision-decision": "yes"}
    )
    assert response.status_code == 302
    working.refresh_from_db()
    assert working.status == S.CLOSED and Closing.objects.get().status == Approval.APPROVED


def test_the_supervisor_returns_a_closing_with_a_comment(as_user, social_worker, supervisor, working):
    services.closing_request(actor=social_worker, case=working, reason="goals_reached", summary="完成")
    response = as_user(supervisor).post(
        url("closing_decide", working.pk),
        {
            "closing-decision-decision": "no",
            "closing-decision-comment": "补充回访记录",
        },
    )
    assert response.status_code == 302
    working.refresh_from_db()
    assert working.status == S.INTERVENTION and Closing.objects.get().status == Approval.RETURNED


def test_a_transfer_to_another_station_is_accepted_by_its_manager_who_picks_the_worker(
    as_user, social_worker, other_station_manager, other_worker, network, case
):
    response = as_user(social_worker).post(
        url("transfer_request", case.pk),
        {
            "transfer-to_station": network.station_b.pk,
            "transfer-to_worker": "",
            "transfer-reason": "案主搬家",
        },
    )
    assert response.status_code == 302
    receiver = as_user(other_station_manager)
    page = receiver.get(case.get_absolute_url())
    assert page.status_code == 200 and page.context["transfer_decision_form"] is not None
    assert "Accept the case" in text(page)
    response = receiver.post(
        url("transfer_decide", case.pk),
        {
            "transfer-decision-decision": "yes",
            "transfer-decision-worker": other_worker.pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.station == network.station_b and case.worker == other_worker
    assert Transfer.objects.get().status == Transfer.Status.ACCEPTED
    assert as_user(social_worker).get(case.get_absolute_url()).status_code == 404


def test_a_declined_transfer_sends_the_receiver_home(as_user, social_worker, other_worker, network, case):
    services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, to_worker=other_worker, reason="搬家"
    )
    receiver = as_user(other_worker)
    response = receiver.post(url("transfer_decide", case.pk), {"transfer-decision-decision": "no"})
    assert response.status_code == 400
    assert "Say why the transfer is declined." in text(response)
    response = receiver.post(
        url("transfer_decide", case.pk),
        {"transfer-decision-decision": "no", "transfer-decision-comment": "人手不足"},
    )
    assert response.status_code == 302 and response["Location"] == url("my_cases")
    assert receiver.get(case.get_absolute_url()).status_code == 404
    case.refresh_from_db()
    assert case.station == network.station_a


def test_the_worker_cancels_a_pending_transfer(as_user, social_worker, network, case):
    services.transfer_request(actor=social_worker, case=case, to_station=network.station_b, reason="搬家")
    response = as_user(social_worker).post(url("transfer_cancel", case.pk))
    assert response.status_code == 302
    assert Transfer.objects.get().status == Transfer.Status.CANCELLED


# Long lists: my cases in pages, counts that stop at a cap, filters bounded by the person's place


def test_my_cases_come_a_page_at_a_time_most_urgent_first(as_user, social_worker, monkeypatch):
    monkeypatch.setattr("socialwork.pages.PAGE_SIZE", 3)
    calm = [make_case(social_worker) for _n in range(3)]
    urgent = make_case(social_worker)
    services.case_update(actor=social_worker, case=urgent, risk_level="high")
    browser = as_user(social_worker)
    first = browser.get(url("my_cases"))
    assert [row["case"].pk for row in first.context["cases"]][0] == urgent.pk
    assert len(first.context["cases"]) == 3 and first.context["page"].paginator.count == 4
    second = browser.get(url("my_cases"), {"page": 2})
    assert len(second.context["cases"]) == 1
    assert {row["case"].pk for row in second.context["cases"]} <= {case.pk for case in calm}


def test_a_list_longer_than_the_cap_says_more_than_the_cap(as_user, social_worker, monkeypatch):
    monkeypatch.setattr("socialwork.pages.COUNT_CAP", 2)
    for _n in range(3):
        make_case(social_worker)
    page = text(as_user(social_worker).get(url("case_list")))
    assert "more than 2 in all" in page and "3 in all" not in page
    monkeypatch.setattr("socialwork.pages.COUNT_CAP", 3)
    assert "3 in all" in text(as_user(social_worker).get(url("case_list")))


def test_the_case_filters_offer_the_managers_station_staff_and_years_back_to_the_first_intake(
    as_user, social_worker, station_manager, other_worker, network
):
    make_case(social_worker, intake_on=date(TODAY.year - 2, 3, 1))
    manager_filters = as_user(station_manager).get(url("case_list")).context["filter"]
    workers = set(manager_filters.filters["worker"].queryset)
    assert social_worker in workers and other_worker not in workers
    assert list(manager_filters.filters["station"].queryset) == [network.station_a]
    years = [year for year, _label in manager_filters.filters["year"].extra["choices"]]
    assert years == [TODAY.year, TODAY.year - 1, TODAY.year - 2]

    worker_filters = as_user(social_worker).get(url("case_list")).context["filter"]
    assert list(worker_filters.filters["worker"].queryset) == [social_worker]
    filtered = as_user(station_manager).get(url("case_list"), {"worker": other_worker.pk})
    assert filtered.context["filter"].errors  # someone outside the station is no choice


def test_past_the_cap_every_page_is_still_reached_with_next(as_user, social_worker, monkeypatch):
    monkeypatch.setattr("socialwork.pages.PAGE_SIZE", 2)
    monkeypatch.setattr("socialwork.pages.COUNT_CAP", 3)
    opened = {make_case(social_worker).pk for _n in range(7)}
    browser = as_user(social_worker)
    seen, number = [], 1
    while True:
        page = browser.get(url("case_list"), {"page": number}).context["page"]
        seen += [case.pk for case in page]
        if not page.has_next():
            break
        number = page.next_page_number()
    assert number == 4 and sorted(seen) == sorted(opened)
    assert browser.get(url("case_list"), {"page": 9}).context["page"].number == 2  # past the count
