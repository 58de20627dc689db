"""Community work: activities, volunteers, their hours and pairings; services, pages and API."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import CommunityActivity, Volunteer
from socialwork.models import AuditEntry
from tests.casework.factories import make_client
from tests.factories import make_region

TODAY = timezone.localdate()
PHONE = "13812345678"


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def record_activity(actor, community, **fields):
    fields.setdefault("theme", "邻里守望")
    fields.setdefault("held_on", TODAY - timedelta(days=3))
    fields.setdefault("participants", 40)
    fields.setdefault("partners", "社区居委会")
    return services.activity_save(actor=actor, community=community, **fields)


def register_volunteer(actor, **fields):
    fields.setdefault("name", "王阿姨")
    fields.setdefault("phone", PHONE)
    fields.setdefault("skills", "陪伴 手工")
    fields.setdefault("registered_on", TODAY - timedelta(days=400))
    return services.volunteer_save(actor=actor, **fields)


@pytest.fixture
def activity(social_worker, network):
    return record_activity(social_worker, network.community_a)


@pytest.fixture
def volunteer(social_worker):
    return register_volunteer(social_worker)


@pytest.fixture
def twins(social_worker):
    return make_client(social_worker, name="双胞胎家")


# Activities


def test_an_activity_belongs_to_the_organizers_station(activity, social_worker, network):
    assert activity.station == network.station_a and activity.organizer == social_worker
    assert AuditEntry.objects.filter(action="activity.create", target_id=str(activity.pk)).exists()


def test_an_activity_is_held_in_the_stations_town_and_not_in_the_future(social_worker, network):
    with pytest.raises(ValidationError) as error:
        record_activity(social_worker, network.community_b)
    assert "community" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        record_activity(social_worker, network.community_a, held_on=TODAY + timedelta(days=1))
    assert "held_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        record_activity(social_worker, network.community_a, theme=" ")
    assert "theme" in error.value.message_dict


def test_only_the_organizer_or_station_manager_changes_an_activity(activity, station_manager, colleague):
    assert (
        services.activity_save(actor=station_manager, activity=activity, participants=55).participants == 55
    )
    with pytest.raises(ValidationError):
        services.activity_save(actor=colleague, activity=activity, participants=1)


def test_the_activity_list_filters_by_year_and_community(as_user, social_worker, network):
    record_activity(social_worker, network.community_a, theme="今年社区")
    record_activity(social_worker, network.village_a, theme="今年村")
    last_year = TODAY.replace(year=TODAY.year - 1, day=1)
    record_activity(social_worker, network.community_a, theme="去年", held_on=last_year)
    client = as_user(social_worker)
    page = client.get(url("activity_list"), {"year": TODAY.year})
    assert {activity.theme for activity in page.context["page"]} == {"今年社区", "今年村"}
    assert page.context["participants"] == 80
    page = client.get(url("activity_list"), {"year": TODAY.year, "community": network.village_a.pk})
    assert [activity.theme for activity in page.context["page"]] == ["今年村"]


def test_activities_of_other_stations_are_404(as_user, activity, other_station_manager, station_manager):
    assert as_user(other_station_manager).get(url("activity_detail", activity.pk)).status_code == 404
    assert as_user(other_station_manager).get(url("activity_list")).context["page"].paginator.count == 0
    assert as_user(station_manager).get(url("activity_detail", activity.pk)).status_code == 200


def test_an_activity_is_recorded_from_the_form_with_errors_shown(as_user, social_worker, network):
    client = as_user(social_worker)
    page = client.post(
        url("activity_create"), {"theme": "环保", "held_on": TODAY, "community": network.community_a.pk}
    )
    assert page.status_code == 200 and "participants" in page.context["form"].errors
    response = client.post(
        url("activity_create"),
        {"theme": "环保", "held_on": TODAY, "community": network.community_a.pk, "participants": 12},
    )
    assert response.status_code == 302
    assert CommunityActivity.objects.get(theme="环保").participants == 12


def test_the_activity_page_shows_its_volunteer_hours(as_user, activity, volunteer, social_worker):
    services.volunteer_hours_add(
        actor=social_worker,
        volunteer=volunteer,
        served_on=activity.held_on,
        hours=Decimal("2.5"),
        activity=activity,
    )
    page = as_user(social_worker).get(url("activity_detail", activity.pk))
    assert "王阿姨" in page.content.decode() and page.context["total_hours"] == Decimal("2.5")


# Volunteers


def test_a_volunteers_phone_is_checked(social_worker):
    with pytest.raises(ValidationError) as error:
        register_volunteer(social_worker, phone="call me")
    assert "phone" in error.value.message_dict


def test_a_volunteer_is_changed_only_at_their_station(volunteer, colleague, other_station_manager):
    assert services.volunteer_save(actor=colleague, volunteer=volunteer, active=False).active is False
    with pytest.raises(ValidationError):
        services.volunteer_save(actor=other_station_manager, volunteer=volunteer, name="改名")
    entry = AuditEntry.objects.get(action="volunteer.update")
    assert PHONE not in str(entry.changes) and entry.changes == {"fields": ["active"]}


def test_volunteer_hours_are_more_than_zero_and_at_most_a_day(volunteer, social_worker):
    for hours in (Decimal(0), Decimal("-1"), Decimal("24.5")):
        with pytest.raises(ValidationError) as error:
            services.volunteer_hours_add(
                actor=social_worker, volunteer=volunteer, served_on=TODAY, hours=hours
            )
        assert "hours" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.volunteer_hours_add(
            actor=social_worker, volunteer=volunteer, served_on=TODAY + timedelta(days=1), hours=Decimal(2)
        )
    assert "served_on" in error.value.message_dict
    assert services.volunteer_hours_add(
        actor=social_worker, volunteer=volunteer, served_on=TODAY, hours=Decimal(24)
    ).hours == Decimal(24)


def test_a_pairing_needs_a_client_the_actor_sees(volunteer, social_worker, other_worker):
    stranger = make_client(other_worker)
    with pytest.raises(ValidationError) as error:
        services.pairing_start(actor=social_worker, volunteer=volunteer, client=stranger, purpose="陪伴")
    assert "client" in error.value.message_dict


def test_a_volunteer_has_one_open_pairing_with_a_client(volunteer, social_worker, twins):
    pairing = services.pairing_start(
        actor=social_worker, volunteer=volunteer, client=twins, purpose="照看双胞胎"
    )
    with pytest.raises(ValidationError):
        services.pairing_start(actor=social_worker, volunteer=volunteer, client=twins, purpose="再配")
    with pytest.raises(ValidationError) as error:
        services.pairing_end(
            actor=social_worker, pairing=pairing, ends_on=pairing.starts_on - timedelta(days=1)
        )
    assert "ends_on" in error.value.message_dict
    services.pairing_end(actor=social_worker, pairing=pairing)
    assert services.pairing_start(actor=social_worker, volunteer=volunteer, client=twins, purpose="再配").pk


def test_only_someone_who_sees_the_client_ends_the_pairing(volunteer, social_worker, colleague, twins):
    pairing = services.pairing_start(actor=social_worker, volunteer=volunteer, client=twins, purpose="照看")
    with pytest.raises(ValidationError):
        services.pairing_end(actor=colleague, pairing=pairing)


def test_the_volunteer_list_masks_phones(as_user, volunteer, social_worker):
    html = as_user(social_worker).get(url("volunteer_list")).content.decode()
    assert "王阿姨" in html and "138****5678" in html and PHONE not in html


def test_the_volunteer_page_shows_the_phone_and_hours_by_year(as_user, volunteer, social_worker, network):
    activity = record_activity(social_worker, network.community_a, held_on=TODAY)
    last_year = date(TODAY.year - 1, 6, 1)
    services.volunteer_hours_add(
        actor=social_worker, volunteer=volunteer, served_on=last_year, hours=Decimal(3)
    )
    services.volunteer_hours_add(
        actor=social_worker, volunteer=volunteer, served_on=TODAY, hours=Decimal("1.5")
    )
    services.volunteer_hours_add(
        actor=social_worker,
        volunteer=volunteer,
        served_on=activity.held_on,
        hours=Decimal(2),
        activity=activity,
    )
    page = as_user(social_worker).get(url("volunteer_detail", volunteer.pk))
    html = page.content.decode()
    assert PHONE in html and "邻里守望" in html
    assert page.context["total_hours"] == Decimal("6.5")
    by_year = {row["year"]: row["total"] for row in page.context["by_year"]}
    assert by_year[TODAY.year - 1] == Decimal(3)
    assert by_year[TODAY.year] == Decimal("3.5")


def test_the_pairing_names_the_client_only_to_those_who_see_them(
    as_user, volunteer, social_worker, colleague, twins
):
    services.pairing_start(actor=social_worker, volunteer=volunteer, client=twins, purpose="照看双胞胎")
    mine = as_user(social_worker).get(url("volunteer_detail", volunteer.pk)).content.decode()
    assert "双胞胎家" in mine and "照看双胞胎" in mine
    theirs = as_user(colleague).get(url("volunteer_detail", volunteer.pk)).content.decode()
    assert "双胞胎家" not in theirs and "照看双胞胎" not in theirs and "Paired with a client" in theirs
    entry = AuditEntry.objects.get(action="volunteer.view")
    assert entry.actor == social_worker and entry.changes["ids"] == [twins.pk]


def test_volunteers_of_other_stations_are_404(as_user, volunteer, other_station_manager):
    client = as_user(other_station_manager)
    assert client.get(url("volunteer_detail", volunteer.pk)).status_code == 404
    assert client.get(url("volunteer_update", volunteer.pk)).status_code == 404
    assert client.post(url("volunteer_hours_add", volunteer.pk), {"hours-hours": 1}).status_code == 404


def test_hours_and_pairings_are_recorded_from_the_volunteer_page(as_user, volunteer, social_worker, twins):
    client = as_user(social_worker)
    page = client.post(
        url("volunteer_hours_add", volunteer.pk), {"hours-served_on": TODAY, "hours-hours": "30"}
    )
    assert page.status_code == 400 and page.context["hours_form"].errors["hours"]
    response = client.post(
        url("volunteer_hours_add", volunteer.pk), {"hours-served_on": TODAY, "hours-hours": "2"}
    )
    assert response.status_code == 302 and volunteer.hours.get().hours == Decimal(2)
    response = client.post(
        url("volunteer_pairing_start", volunteer.pk), {"pairing-client": twins.pk, "pairing-purpose": "照看"}
    )
    pairing = volunteer.pairings.get()
    assert response.status_code == 302 and pairing.client == twins
    response = client.post(url("volunteer_pairing_end", volunteer.pk, pairing.pk), {"end-ends_on": TODAY})
    pairing.refresh_from_db()
    assert response.status_code == 302 and pairing.ends_on == TODAY


def test_a_volunteer_is_registered_from_the_form(as_user, social_worker, network):
    client = as_user(social_worker)
    page = client.post(url("volunteer_create"), {"name": "李叔", "phone": "abc", "registered_on": TODAY})
    assert page.status_code == 200 and page.context["form"].errors["phone"]
    response = client.post(
        url("volunteer_create"),
        {"name": "李叔", "phone": "13900001111", "registered_on": TODAY, "active": "on"},
    )
    assert response.status_code == 302 and Volunteer.objects.get(name="李叔").station == network.station_a


def test_community_lists_make_a_bounded_number_of_queries(
    as_user, social_worker, network, django_assert_max_num_queries
):
    for i in range(12):
        activity = record_activity(social_worker, network.community_a, theme=f"活动{i}")
        volunteer = register_volunteer(social_worker, name=f"志愿者{i}")
        services.volunteer_hours_add(
            actor=social_worker, volunteer=volunteer, served_on=TODAY, hours=Decimal(1), activity=activity
        )
    client = as_user(social_worker)
    for name in ("activity_list", "volunteer_list"):
        with django_assert_max_num_queries(16):  # the same whatever the number of rows
            page = client.get(url(name))
        assert len(page.context["page"]) == 12
    with django_assert_max_num_queries(20):
        assert client.get(url("volunteer_detail", volunteer.pk)).status_code == 200


# API


def test_the_api_scopes_activities_and_volunteers(
    api, activity, volunteer, social_worker, other_station_manager
):
    assert api(social_worker).get("/api/v1/activities/").json()["count"] == 1
    assert api(other_station_manager).get("/api/v1/activities/").json()["count"] == 0
    assert api(other_station_manager).get(f"/api/v1/activities/{activity.pk}/").status_code == 404
    assert api(other_station_manager).get(f"/api/v1/volunteers/{volunteer.pk}/").status_code == 404
    assert api(other_station_manager).get(f"/api/v1/volunteers/{volunteer.pk}/hours/").status_code == 404


def test_the_api_filters_activities_by_year(api, social_worker, network):
    record_activity(social_worker, network.community_a, held_on=date(TODAY.year - 1, 3, 1))
    record_activity(social_worker, network.community_a)
    data = api(social_worker).get("/api/v1/activities/", {"year": TODAY.year - 1}).json()
    assert data["count"] == 1


def test_the_api_records_an_activity_and_gives_field_errors(api, social_worker, network):
    client = api(social_worker)
    body = {"theme": "敬老", "held_on": str(TODAY), "community": network.community_a.pk, "participants": 20}
    response = client.post("/api/v1/activities/", body, format="json")
    assert response.status_code == 201 and response.json()["station"] == network.station_a.pk
    bad = client.post("/api/v1/activities/", {**body, "community": network.community_b.pk}, format="json")
    assert bad.status_code == 400 and "community" in bad.json()


def test_the_api_masks_phones_in_the_list_only(api, volunteer, social_worker):
    client = api(social_worker)
    listed = client.get("/api/v1/volunteers/")
    assert listed.json()["results"][0]["phone"] == "138****5678" and PHONE not in listed.content.decode()
    assert client.get(f"/api/v1/volunteers/{volunteer.pk}/").json()["phone"] == PHONE


def test_the_api_records_and_lists_volunteer_hours(api, volunteer, social_worker):
    client = api(social_worker)
    response = client.post(
        f"/api/v1/volunteers/{volunteer.pk}/hours/", {"served_on": str(TODAY), "hours": "3.5"}, format="json"
    )
    assert response.status_code == 201
    bad = client.post(
        f"/api/v1/volunteers/{volunteer.pk}/hours/", {"served_on": str(TODAY), "hours": "0"}, format="json"
    )
    assert bad.status_code == 400 and "hours" in bad.json()
    listed = client.get(f"/api/v1/volunteers/{volunteer.pk}/hours/").json()
    assert listed["count"] == 1 and listed["results"][0]["hours"] == "3.5"
    record = client.get(f"/api/v1/volunteers/{volunteer.pk}/").json()
    assert record["total_hours"] == "3.5" and record["hours_by_year"] == [
        {"year": TODAY.year, "total": "3.5"}
    ]


def test_the_api_registers_a_volunteer_with_field_errors(api, social_worker):
    client = api(social_worker)
    bad = client.post(
        "/api/v1/volunteers/", {"name": "赵", "registered_on": str(TODAY), "phone": "x"}, format="json"
    )
    assert bad.status_code == 400 and "phone" in bad.json()
    good = client.post("/api/v1/volunteers/", {"name": "赵", "registered_on": str(TODAY)}, format="json")
    assert good.status_code == 201


def test_the_api_community_lists_make_a_bounded_number_of_queries(
    api, social_worker, network, django_assert_max_num_queries
):
    for i in range(12):
        record_activity(social_worker, network.community_a, theme=f"活动{i}")
        register_volunteer(social_worker, name=f"志愿者{i}")
    client = api(social_worker)
    for path in ("/api/v1/activities/", "/api/v1/volunteers/"):
        with django_assert_max_num_queries(8):
            assert client.get(path).json()["count"] == 12


def test_the_activity_filter_offers_the_districts_communities_not_the_district_besides(
    as_user, social_worker, network
):
    beside = make_region("邻区", "district")
    far = make_region("邻区某社区", "community", make_region("邻区某街道", "street", beside))
    page = as_user(social_worker).get(url("activity_list"))
    offered = set(page.context["filter"].form.fields["community"].queryset)
    assert {network.community_a, network.village_a, network.community_b} <= offered
    assert far not in offered
