"""Group work: the services' rules, the pages and the API."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Group, GroupAttendance
from casework.selectors import groups_visible_to
from socialwork.models import AuditEntry
from tests.casework.factories import category, make_case, make_client

TODAY = timezone.localdate()
K = Group.Kind


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def start_group(actor, **fields):
    fields.setdefault("name", "亲青家园")
    fields.setdefault("kind", K.SUPPORT)
    fields.setdefault("aims", "困境儿童亲子关系改善")
    fields.setdefault("starts_on", TODAY - timedelta(days=60))
    return services.group_create(actor=actor, **fields)


@pytest.fixture
def group(social_worker, supervisor):
    return start_group(social_worker, supervisor=supervisor, category=category())


@pytest.fixture
def child(social_worker):
    return make_case(social_worker, client=make_client(social_worker, name="小明")).clients.get()


@pytest.fixture
def sibling(social_worker):
    return make_client(social_worker, name="小红")


@pytest.fixture
def full_group(group, social_worker, child, sibling):
    """A group with two members, two sessions planned and the first held."""
    first = services.member_add(actor=social_worker, group=group, client=child, joined_on=group.starts_on)
    services.member_add(actor=social_worker, group=group, client=sibling, joined_on=group.starts_on)
    session = services.session_plan(
        actor=social_worker, group=group, planned_on=TODAY - timedelta(days=30), theme="亲子活动"
    )
    services.session_plan(
        actor=social_worker, group=group, planned_on=TODAY + timedelta(days=7), theme="家长沙龙"
    )
    services.session_record(
        actor=social_worker,
        session=session,
        held_on=TODAY - timedelta(days=30),
        record="亲子共绘家庭树",
        present={first.pk},
    )
    group.refresh_from_db()
    return group


# Services


def test_a_worker_starts_a_group_at_their_station(social_worker, network):
    group = start_group(social_worker)
    assert group.station == network.station_a and group.worker == social_worker
    assert group.status == Group.Status.PLANNED
    assert AuditEntry.objects.filter(action="group.create", target_id=str(group.pk)).exists()


def test_a_station_manager_names_another_worker_of_the_station(station_manager, colleague):
    assert start_group(station_manager, worker=colleague).worker == colleague


def test_the_group_worker_must_work_at_the_station(station_manager, other_worker):
    with pytest.raises(ValidationError) as error:
        start_group(station_manager, worker=other_worker)
    assert "worker" in error.value.message_dict


def test_the_group_supervisor_must_hold_the_supervisor_role(social_worker, colleague):
    with pytest.raises(ValidationError) as error:
        start_group(social_worker, supervisor=colleague)
    assert "supervisor" in error.value.message_dict


def test_a_group_whose_supervisor_has_left_is_saved_with_them(group, social_worker, supervisor):
    """The record keeps who supervised it: editing its aims does not force a new supervisor."""
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active"])
    saved = services.group_update(actor=social_worker, group=group, supervisor=supervisor, aims="新的目标")
    assert (saved.supervisor, saved.aims) == (supervisor, "新的目标")


def test_a_supervisor_who_has_left_cannot_be_named_anew(group, social_worker, network):
    from socialwork.roles import Role
    from tests.factories import make_user

    gone = make_user("gone", Role.SUPERVISOR, unit=network.centre, is_active=False)
    with pytest.raises(ValidationError) as error:
        services.group_update(actor=social_worker, group=group, supervisor=gone)
    assert "supervisor" in error.value.message_dict


def test_the_group_community_lies_in_the_station_town(social_worker, network):
    with pytest.raises(ValidationError) as error:
        start_group(social_worker, community=network.community_b)
    assert "community" in error.value.message_dict
    assert start_group(social_worker, community=network.village_a).community == network.village_a


def test_a_group_cannot_end_before_it_starts(social_worker):
    with pytest.raises(ValidationError) as error:
        start_group(social_worker, ends_on=TODAY - timedelta(days=90))
    assert "ends_on" in error.value.message_dict


def test_someone_outside_a_station_cannot_start_a_group(district_admin):
    with pytest.raises(ValidationError):
        start_group(district_admin)


def test_the_group_is_seen_by_worker_supervisor_and_station_manager_only(
    group, social_worker, supervisor, station_manager, other_station_manager, colleague, district_admin
):
    for person in (social_worker, supervisor, station_manager):
        assert groups_visible_to(user=person).filter(pk=group.pk).exists()
    for person in (other_station_manager, colleague, district_admin):
        assert not groups_visible_to(user=person).filter(pk=group.pk).exists()


def test_a_member_must_be_a_client_the_actor_sees(group, social_worker, other_worker):
    stranger = make_client(other_worker)
    with pytest.raises(ValidationError) as error:
        services.member_add(actor=social_worker, group=group, client=stranger)
    assert "client" in error.value.message_dict
    assert not group.members.exists()


def test_a_member_is_added_once_and_joins_again_after_leaving(group, social_worker, child):
    member = services.member_add(actor=social_worker, group=group, client=child, joined_on=group.starts_on)
    with pytest.raises(ValidationError):
        services.member_add(actor=social_worker, group=group, client=child)
    services.member_leave(actor=social_worker, member=member, left_on=TODAY)
    with pytest.raises(ValidationError):
        services.member_leave(actor=social_worker, member=member)
    again = services.member_add(actor=social_worker, group=group, client=child, joined_on=TODAY)
    assert again.pk == member.pk and again.left_on is None
    assert AuditEntry.objects.filter(action="group.member_add").count() == 2
    assert "小明" not in str(list(AuditEntry.objects.values_list("summary", "changes")))


def test_a_member_cannot_leave_before_joining(group, social_worker, child):
    member = services.member_add(actor=social_worker, group=group, client=child, joined_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.member_leave(actor=social_worker, member=member, left_on=TODAY - timedelta(days=1))
    assert "left_on" in error.value.message_dict


def test_sessions_are_numbered_one_to_n_per_group(group, social_worker):
    numbers = [
        services.session_plan(actor=social_worker, group=group, planned_on=TODAY, theme=f"第{i}次").number
        for i in range(3)
    ]
    other = start_group(social_worker, name="家长沙龙")
    assert numbers == [1, 2, 3]
    assert services.session_plan(actor=social_worker, group=other, planned_on=TODAY, theme="开场").number == 1


def test_a_session_needs_a_theme(group, social_worker):
    with pytest.raises(ValidationError) as error:
        services.session_plan(actor=social_worker, group=group, planned_on=TODAY, theme="  ")
    assert "theme" in error.value.message_dict


def test_recording_a_session_writes_attendance_for_every_member(full_group):
    session = full_group.sessions.get(number=1)
    marks = {
        mark.member.client.name: mark.present for mark in session.attendance.select_related("member__client")
    }
    assert marks == {"小明": True, "小红": False}
    assert session.record == "亲子共绘家庭树"
    assert full_group.status == Group.Status.RUNNING


def test_recording_again_replaces_the_attendance(full_group, social_worker):
    session = full_group.sessions.get(number=1)
    everyone = set(full_group.members.values_list("pk", flat=True))
    services.session_record(
        actor=social_worker, session=session, held_on=session.held_on, record="补记", present=everyone
    )
    assert GroupAttendance.objects.filter(session=session).count() == 2
    assert GroupAttendance.objects.filter(session=session, present=True).count() == 2


def test_only_members_of_the_day_can_be_present(full_group, social_worker, station_manager):
    session = full_group.sessions.get(number=2)
    outsider = services.member_add(
        actor=social_worker, group=start_group(social_worker, name="别组"), client=make_client(social_worker)
    )
    with pytest.raises(ValidationError) as error:
        services.session_record(
            actor=social_worker, session=session, held_on=TODAY, record="记录", present={outsider.pk}
        )
    assert "present" in error.value.message_dict
    session.refresh_from_db()
    assert session.held_on is None and not session.attendance.exists()


def test_a_session_is_not_recorded_in_the_future_or_without_a_record(full_group, social_worker):
    session = full_group.sessions.get(number=2)
    with pytest.raises(ValidationError) as error:
        services.session_record(
            actor=social_worker, session=session, held_on=TODAY + timedelta(days=1), record="x", present=set()
        )
    assert "held_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.session_record(
            actor=social_worker, session=session, held_on=TODAY, record=" ", present=set()
        )
    assert "record" in error.value.message_dict


def test_evaluating_ends_the_group(full_group, social_worker, child):
    services.group_evaluate(actor=social_worker, group=full_group, evaluation="亲子关系改善", aims_met=True)
    full_group.refresh_from_db()
    assert full_group.status == Group.Status.ENDED and full_group.aims_met is True
    assert full_group.ends_on == TODAY
    with pytest.raises(ValidationError):
        services.session_plan(actor=social_worker, group=full_group, planned_on=TODAY, theme="再来")
    with pytest.raises(ValidationError):
        services.group_evaluate(actor=social_worker, group=full_group, evaluation="again", aims_met=False)


def test_an_evaluation_needs_text_and_an_answer(group, social_worker):
    with pytest.raises(ValidationError) as error:
        services.group_evaluate(actor=social_worker, group=group, evaluation="", aims_met=True)
    assert "evaluation" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.group_evaluate(actor=social_worker, group=group, evaluation="好", aims_met=None)
    assert "aims_met" in error.value.message_dict


def test_the_supervisor_reads_but_does_not_write(group, supervisor):
    with pytest.raises(ValidationError):
        services.session_plan(actor=supervisor, group=group, planned_on=TODAY, theme="督导")
    with pytest.raises(ValidationError):
        services.group_update(actor=supervisor, group=group, name="改名")


def test_the_station_manager_writes_the_stations_groups(group, station_manager):
    assert (
        services.group_update(actor=station_manager, group=group, name="亲青家园二期").name == "亲青家园二期"
    )


def test_another_station_manager_cannot_touch_the_group(group, other_station_manager):
    with pytest.raises(ValidationError):
        services.group_update(actor=other_station_manager, group=group, name="改名")


# Pages


def test_the_group_list_shows_groups_without_client_names(as_user, full_group, social_worker):
    page = as_user(social_worker).get(url("group_list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "亲青家园" in html and "小明" not in html and "小红" not in html


def test_the_group_list_makes_a_bounded_number_of_queries(
    as_user, social_worker, child, django_assert_max_num_queries
):
    for i in range(12):
        group = start_group(social_worker, name=f"小组{i}")
        services.member_add(actor=social_worker, group=group, client=child)
        services.session_plan(actor=social_worker, group=group, planned_on=TODAY, theme="主题")
    client = as_user(social_worker)
    with django_assert_max_num_queries(15):  # the same whatever the number of groups
        page = client.get(url("group_list"))
    assert page.status_code == 200 and len(page.context["page"]) == 12


def test_the_group_page_shows_aims_members_sessions_attendance_and_is_audited(
    as_user, full_group, social_worker
):
    page = as_user(social_worker).get(url("group_detail", full_group.pk))
    html = page.content.decode()
    for text in (
        "困境儿童亲子关系改善",
        "小明",
        "小红",
        "亲子活动",
        "家长沙龙",
        "亲子共绘家庭树",
        "attendance-grid",
    ):
        assert text in html
    grid = {member.client.name: marks for member, marks in page.context["grid"]}
    assert grid == {"小明": [True, None], "小红": [False, None]}
    entry = AuditEntry.objects.get(action="group.view", target_id=str(full_group.pk))
    assert sorted(entry.changes["ids"]) == sorted(full_group.members.values_list("client_id", flat=True))
    assert "小明" not in entry.summary


def test_the_group_page_makes_a_bounded_number_of_queries(
    as_user, full_group, social_worker, django_assert_max_num_queries
):
    for i in range(8):
        services.member_add(actor=social_worker, group=full_group, client=make_client(social_worker))
        services.session_plan(actor=social_worker, group=full_group, planned_on=TODAY, theme=f"主题{i}")
    client = as_user(social_worker)
    with django_assert_max_num_queries(25):
        assert client.get(url("group_detail", full_group.pk)).status_code == 200


@pytest.mark.parametrize("person", ["other_station_manager", "colleague", "district_admin", "other_worker"])
def test_other_people_get_404_for_the_group(request, as_user, full_group, person):
    client = as_user(request.getfixturevalue(person))
    assert client.get(url("group_detail", full_group.pk)).status_code == 404
    assert client.get(url("group_update", full_group.pk)).status_code == 404
    session = full_group.sessions.get(number=2)
    assert client.get(url("group_session_record", full_group.pk, session.pk)).status_code == 404
    response = client.post(
        url("group_session_plan", full_group.pk), {"plan-planned_on": TODAY, "plan-theme": "x"}
    )
    assert response.status_code == 404


def test_the_supervisor_reads_the_group_page_without_forms(as_user, full_group, supervisor):
    page = as_user(supervisor).get(url("group_detail", full_group.pk))
    assert page.status_code == 200 and "小明" in page.content.decode()
    assert page.context["member_form"] is None and page.context["plan_form"] is None
    assert as_user(supervisor).get(url("group_update", full_group.pk)).status_code == 403


def test_a_worker_starts_a_group_from_the_form(as_user, social_worker, supervisor):
    response = as_user(social_worker).post(
        url("group_create"),
        {
            "name": "亲青家园",
            "kind": K.GROWTH,
            "aims": "成长",
            "starts_on": TODAY,
            "supervisor": supervisor.pk,
        },
    )
    group = Group.objects.get(name="亲青家园")
    assert response.status_code == 302 and response.url == group.get_absolute_url()
    assert group.worker == social_worker and group.supervisor == supervisor


def test_the_group_form_shows_errors(as_user, social_worker):
    page = as_user(social_worker).post(
        url("group_create"), {"name": "", "kind": K.GROWTH, "starts_on": TODAY}
    )
    assert page.status_code == 200
    assert "name" in page.context["form"].errors and "aims" in page.context["form"].errors
    assert not Group.objects.exists()


def test_adding_a_client_one_cannot_see_shows_the_error(as_user, group, social_worker, other_worker):
    stranger = make_client(other_worker)
    page = as_user(social_worker).post(url("group_member_add", group.pk), {"member-client": stranger.pk})
    assert page.status_code == 400
    assert page.context["member_form"].errors["client"]
    assert stranger.name not in page.content.decode()


def test_members_are_added_and_sessions_planned_from_the_group_page(as_user, group, social_worker, child):
    client = as_user(social_worker)
    assert client.post(url("group_member_add", group.pk), {"member-client": child.pk}).status_code == 302
    response = client.post(
        url("group_session_plan", group.pk), {"plan-planned_on": TODAY, "plan-theme": "开场"}
    )
    assert response.status_code == 302
    assert group.members.get().client == child and group.sessions.get().number == 1
    page = client.post(url("group_session_plan", group.pk), {"plan-planned_on": "", "plan-theme": ""})
    assert page.status_code == 400 and page.context["plan_form"].errors


def test_a_member_leaves_from_the_group_page(as_user, full_group, social_worker):
    member = full_group.members.first()
    response = as_user(social_worker).post(
        url("group_member_leave", full_group.pk, member.pk), {"leave-left_on": TODAY}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == TODAY


def test_a_session_is_recorded_with_its_attendance(as_user, full_group, social_worker):
    session = full_group.sessions.get(number=2)
    client = as_user(social_worker)
    form = client.get(url("group_session_record", full_group.pk, session.pk))
    assert form.status_code == 200 and "小明" in form.content.decode()
    partial = client.get(
        url("group_session_record", full_group.pk, session.pk), headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.content.decode() and "record-form" in partial.content.decode()
    everyone = list(full_group.members.values_list("pk", flat=True))
    response = client.post(
        url("group_session_record", full_group.pk, session.pk),
        {"record-held_on": TODAY, "record-record": "家长沙龙顺利", "record-present": everyone},
    )
    assert response.status_code == 302
    assert session.attendance.filter(present=True).count() == 2


def test_a_session_record_without_text_shows_the_error(as_user, full_group, social_worker):
    session = full_group.sessions.get(number=2)
    page = as_user(social_worker).post(
        url("group_session_record", full_group.pk, session.pk),
        {"record-held_on": TODAY + timedelta(days=3), "record-record": "记录"},
    )
    assert page.status_code == 400 and page.context["form"].errors["held_on"]


def test_the_group_is_evaluated_from_its_page(as_user, full_group, social_worker):
    client = as_user(social_worker)
    page = client.post(
        url("group_evaluate", full_group.pk), {"evaluate-evaluation": "很好", "evaluate-aims_met": ""}
    )
    assert page.status_code == 400 and page.context["evaluate_form"].errors["aims_met"]
    response = client.post(
        url("group_evaluate", full_group.pk),
        {"evaluate-evaluation": "亲子关系改善", "evaluate-aims_met": "yes"},
    )
    assert response.status_code == 302
    full_group.refresh_from_db()
    assert full_group.status == Group.Status.ENDED and full_group.aims_met is True
    html = client.get(url("group_detail", full_group.pk)).content.decode()
    assert "亲子关系改善" in html and 'id="evaluate-form"' not in html


# API


def test_the_api_lists_groups_without_client_names(api, full_group, social_worker, other_station_manager):
    response = api(social_worker).get("/api/v1/groups/")
    assert response.status_code == 200 and response.json()["count"] == 1
    row = response.json()["results"][0]
    assert row["name"] == "亲青家园" and row["member_count"] == 2 and "members" not in row
    assert "小明" not in response.content.decode()
    assert api(other_station_manager).get("/api/v1/groups/").json()["count"] == 0
    assert api(other_station_manager).get(f"/api/v1/groups/{full_group.pk}/").status_code == 404


def test_the_api_group_nests_members_and_sessions_and_is_audited(api, full_group, social_worker):
    data = api(social_worker).get(f"/api/v1/groups/{full_group.pk}/").json()
    assert {member["client_name"] for member in data["members"]} == {"小明", "小红"}
    assert [session["number"] for session in data["sessions"]] == [1, 2]
    assert len(data["sessions"][0]["present"]) == 1
    assert AuditEntry.objects.filter(action="group.view", target_id=str(full_group.pk)).exists()


def test_the_api_starts_a_group_and_gives_field_errors(api, social_worker, network, colleague):
    client = api(social_worker)
    response = client.post(
        "/api/v1/groups/",
        {"name": "亲青家园", "kind": K.SUPPORT, "aims": "成长", "starts_on": str(TODAY)},
        format="json",
    )
    assert response.status_code == 201
    assert (
        response.json()["station"] == network.station_a.pk and response.json()["worker"] == social_worker.pk
    )
    bad = client.post(
        "/api/v1/groups/",
        {
            "name": "组",
            "kind": K.SUPPORT,
            "aims": "成长",
            "starts_on": str(TODAY),
            "supervisor": colleague.pk,
        },
        format="json",
    )
    assert bad.status_code == 400 and "supervisor" in bad.json()


def test_the_api_adds_members_plans_and_records_sessions(api, group, social_worker, child, other_worker):
    client = api(social_worker)
    member = client.post(f"/api/v1/groups/{group.pk}/members/", {"client": child.pk}, format="json")
    assert member.status_code == 201 and member.json()["client_name"] == "小明"
    stranger = make_client(other_worker)
    refused = client.post(f"/api/v1/groups/{group.pk}/members/", {"client": stranger.pk}, format="json")
    assert refused.status_code == 400 and "client" in refused.json()
    session = client.post(
        f"/api/v1/groups/{group.pk}/sessions/", {"planned_on": str(TODAY), "theme": "开场"}, format="json"
    )
    assert session.status_code == 201 and session.json()["number"] == 1
    recorded = client.post(
        f"/api/v1/groups/{group.pk}/sessions/{session.json()['id']}/record/",
        {"held_on": str(TODAY), "record": "顺利", "present": [member.json()["id"]]},
        format="json",
    )
    assert recorded.status_code == 200 and recorded.json()["present"] == [member.json()["id"]]
    wrong = client.post(
        f"/api/v1/groups/{group.pk}/sessions/{session.json()['id']}/record/",
        {"held_on": str(TODAY), "record": "顺利", "present": [999999]},
        format="json",
    )
    assert wrong.status_code == 400 and "present" in wrong.json()
    left = client.post(f"/api/v1/groups/{group.pk}/members/{member.json()['id']}/leave/", {}, format="json")
    assert left.status_code == 200 and left.json()["left_on"] == str(TODAY)
    ended = client.post(
        f"/api/v1/groups/{group.pk}/evaluate/", {"evaluation": "好", "aims_met": True}, format="json"
    )
    assert ended.status_code == 200 and ended.json()["status"] == Group.Status.ENDED


def test_the_supervisor_cannot_write_through_the_api(api, group, supervisor):
    response = api(supervisor).post(
        f"/api/v1/groups/{group.pk}/sessions/", {"planned_on": str(TODAY), "theme": "督导"}, format="json"
    )
    assert response.status_code == 400 and not group.sessions.exists()


def test_the_api_group_list_makes_a_bounded_number_of_queries(
    api, social_worker, child, django_assert_max_num_queries
):
    for i in range(12):
        services.member_add(
            actor=social_worker, group=start_group(social_worker, name=f"小组{i}"), client=child
        )
    client = api(social_worker)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/groups/").json()["count"] == 12
