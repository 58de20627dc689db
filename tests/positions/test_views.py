import pytest
from django.urls import reverse

from positions.models import ServiceUnit
from socialwork.models import AuditEntry

U = ServiceUnit.Level


def test_district_admin_sees_whole_network_as_a_tree_with_counts(
    as_user, district_admin, network, django_assert_max_num_queries
):
    client = as_user(district_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("positions:network"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "甲镇服务站" in page and "乙街道服务站" in page
    # Totals per level at the top, counts under each station.
    assert [n for _label, n in response.context["totals"]] == [1, 1, 2, 2, 4]
    rows = {row.unit.name: row for row in response.context["rows"]}
    assert rows["甲镇服务站"].below == {U.ROOM: 1, U.POST: 3}
    assert rows["区社工服务中心"].below == {U.STATION: 2, U.ROOM: 2, U.POST: 4}
    # Posts are counted, not listed one by one in the tree.
    assert "甲社区岗位0" not in page


def test_station_manager_tree_holds_their_station_only(as_user, station_manager, network):
    response = as_user(station_manager).get(reverse("positions:network"))
    page = response.content.decode()
    assert "甲镇服务站" in page
    assert "乙街道服务站" not in page and "区社工服务中心" not in page


def test_station_page_lists_rooms_posts_and_staff(
    as_user, station_manager, social_worker, network, django_assert_max_num_queries
):
    client = as_user(station_manager)
    # Two for the satisfaction figures of the station's cases, one for its referral figures, one for
    # whether this person may build its dossier.
    with django_assert_max_num_queries(18):
        response = client.get(network.station_a.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "甲社区服务室" in page
    assert all(post.name in page for post in network.posts_a)
    assert "胡社工" in page  # the social worker placed in a room of this station


@pytest.mark.parametrize("who", ["station_manager", "social_worker", "org_staff"])
def test_another_station_unit_is_not_found(request, as_user, network, who):
    user = request.getfixturevalue(who)
    client = as_user(user)
    assert client.get(network.station_b.get_absolute_url()).status_code == 404
    assert client.get(network.post_b.get_absolute_url()).status_code == 404


def test_social_worker_sees_own_room_but_not_the_station_above(as_user, social_worker, network):
    client = as_user(social_worker)
    assert client.get(network.room_a.get_absolute_url()).status_code == 200
    assert client.get(network.station_a.get_absolute_url()).status_code == 404


def test_coverage_names_towns_without_station_and_communities_without_room(as_user, district_admin, network):
    response = as_user(district_admin).get(reverse("positions:coverage"))
    coverage = response.context["coverage"]
    assert [town.name for town in coverage.towns_without_station] == ["丙乡"]
    assert sorted(c.name for c in coverage.communities_without_room) == ["丙村", "甲一村"]
    assert coverage.towns == 3 and coverage.communities == 4
    assert "丙乡" in response.content.decode()


def test_station_manager_coverage_stays_in_their_town(as_user, station_manager, network):
    coverage = as_user(station_manager).get(reverse("positions:coverage")).context["coverage"]
    assert coverage.towns_without_station == []
    assert [c.name for c in coverage.communities_without_room] == ["甲一村"]


def test_district_admin_creates_a_room_under_a_station(as_user, district_admin, network):
    response = as_user(district_admin).post(
        reverse("positions:unit_create"),
        {"name": "甲一村服务室", "code": "RM-NEW", "level": U.ROOM, "parent": network.station_a.pk,
         "region": network.village_a.pk, "established_on": "2026-03-01"},
    )  # fmt: skip
    room = ServiceUnit.objects.get(code="RM-NEW")
    assert response.status_code == 302 and response.url == room.get_absolute_url()
    assert ServiceUnit.objects.get_parent(room) == network.station_a
    assert AuditEntry.objects.filter(
        action="unit.create", target_id=str(room.pk), actor=district_admin
    ).exists()


@pytest.mark.parametrize(
    ("level", "parent", "region", "field"),
    [
        (U.ROOM, "posts_a", "community_a", "parent"),  # a room cannot sit under a post
        (U.STATION, None, "town_c", "parent"),  # only associations stand alone
        (U.ROOM, "station_a", "community_b", "region"),  # outside the station's town
    ],
)
def test_unit_form_shows_clear_errors_and_saves_nothing(
    as_user, district_admin, network, level, parent, region, field
):
    parent_unit = getattr(network, parent) if parent else None
    if isinstance(parent_unit, list):
        parent_unit = parent_unit[0]
    before = ServiceUnit.objects.count()
    response = as_user(district_admin).post(
        reverse("positions:unit_create"),
        {"name": "新单位", "code": "BAD-1", "level": level, "parent": parent_unit.pk if parent_unit else "",
         "region": getattr(network, region).pk},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert ServiceUnit.objects.count() == before


def test_station_manager_cannot_create_or_edit_units(as_user, station_manager, network):
    client = as_user(station_manager)
    assert client.get(reverse("positions:unit_create")).status_code == 403
    assert client.get(reverse("positions:unit_update", args=[network.room_a.pk])).status_code == 403


def test_moving_a_room_to_another_station_takes_its_posts_along(as_user, district_admin, network):
    client = as_user(district_admin)
    room = network.room_a
    response = client.post(
        reverse("positions:unit_update", args=[room.pk]),
        {"name": room.name, "code": room.code, "level": U.ROOM, "parent": network.centre.pk,
         "region": room.region.pk, "is_model": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    room.refresh_from_db()
    assert ServiceUnit.objects.get_parent(room) == network.centre
    assert ServiceUnit.objects.get_descendant_count(room) == 3
    entry = AuditEntry.objects.get(action="unit.update", target_id=str(room.pk))
    assert entry.changes["parent"] == ["甲镇服务站", "区社工服务中心"]


def test_anonymous_visitor_is_sent_to_login(client, network):
    for url in [
        reverse("positions:network"),
        reverse("positions:coverage"),
        network.room_a.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
