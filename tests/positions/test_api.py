from datetime import date

from rest_framework.test import APIClient

from positions.models import Exam, ServiceUnit
from positions.services.allowance import allowance_roll_generate
from socialwork.tokens import api_token_create
from tests.factories import make_device
from tests.positions.test_workforce import make_worker

U = ServiceUnit.Level


def names(response) -> set[str]:
    return {item["name"] for item in response.json()["results"]}


def test_anonymous_api_request_is_refused(network):
    assert APIClient().get("/api/v1/units/").status_code in (401, 403)
    assert APIClient().get("/api/v1/regions/").status_code in (401, 403)


def test_station_manager_lists_only_their_station(api, station_manager, network):
    response = api(station_manager).get("/api/v1/units/")
    assert response.status_code == 200
    assert names(response) == {"甲镇服务站", "甲社区服务室", "甲社区岗位0", "甲社区岗位1", "甲社区岗位2"}


def test_another_stations_unit_is_404_in_the_api(api, station_manager, network):
    assert api(station_manager).get(f"/api/v1/units/{network.station_b.pk}/").status_code == 404
    assert api(station_manager).get(f"/api/v1/units/{network.station_a.pk}/").status_code == 200


def test_district_admin_filters_units_by_level_and_region(api, district_admin, network):
    client = api(district_admin)
    assert names(client.get("/api/v1/units/?level=station")) == {"甲镇服务站", "乙街道服务站"}
    assert names(client.get(f"/api/v1/units/?within_region={network.town_b.pk}")) == {
        "乙街道服务站", "乙社区服务室", "乙社区岗位",
    }  # fmt: skip
    body = client.get(f"/api/v1/units/?parent={network.room_a.pk}").json()
    assert body["count"] == 3 and {item["parent"] for item in body["results"]} == {network.room_a.pk}


def test_unit_list_query_count_is_bounded(api, district_admin, network, django_assert_max_num_queries):
    client = api(district_admin)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/units/?page_size=100")
    assert response.json()["count"] == 10


def test_regions_are_scoped_to_the_place(api, station_manager, district_admin, network):
    assert names(api(station_manager).get("/api/v1/regions/")) == {"甲镇", "甲社区", "甲一村"}
    assert len(names(api(district_admin).get("/api/v1/regions/"))) == 8


def test_district_admin_creates_a_unit_through_the_api(api, district_admin, network):
    response = api(district_admin).post(
        "/api/v1/units/",
        {"name": "丙乡服务站", "code": "ST-C", "level": U.STATION, "parent": network.centre.pk,
         "region": network.town_c.pk},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["parent"] == network.centre.pk
    assert ServiceUnit.objects.get_parent(ServiceUnit.objects.get(code="ST-C")) == network.centre


def test_bad_unit_gets_400_with_field_errors_and_nothing_saved(api, district_admin, network):
    before = ServiceUnit.objects.count()
    response = api(district_admin).post(
        "/api/v1/units/",
        {
            "name": "错误",
            "code": "X-1",
            "level": U.STATION,
            "parent": network.room_a.pk,
            "region": network.town_a.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    assert ServiceUnit.objects.count() == before


def test_station_manager_cannot_write_through_the_api(api, station_manager, network):
    response = api(station_manager).post(
        "/api/v1/units/",
        {
            "name": "x",
            "code": "X-2",
            "level": U.POST,
            "parent": network.room_a.pk,
            "region": network.community_a.pk,
        },
        format="json",
    )
    assert response.status_code == 403


def test_parent_outside_the_place_is_rejected(api, district_admin, station_manager, network):
    # A station manager given write rights still cannot build under another station.
    from django.contrib.auth.models import Permission

    station_manager.user_permissions.add(Permission.objects.get(codename="add_serviceunit"))
    response = api(station_manager).post(
        "/api/v1/units/",
        {
            "name": "x",
            "code": "X-3",
            "level": U.POST,
            "parent": network.room_b.pk,
            "region": network.community_b.pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "parent" in response.json()


def test_token_authentication(station_manager, network):
    make_device(station_manager)  # a station manager's token is issued after the second factor
    _token, key = api_token_create(user=station_manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/units/").status_code == 200


# What schemathesis found (issue 16)


def test_an_id_that_is_not_a_number_is_not_found_on_every_route(api, district_admin, network):
    client = api(district_admin)
    assert (
        client.post("/api/v1/appointments/abc/end/", {"ends_on": "2026-01-01", "reason": "x"}).status_code
        == 404
    )
    assert client.get("/api/v1/units/abc/").status_code == 404
    assert client.get(f"/api/v1/units/{10**20}/").status_code == 404  # too large for the database


def test_an_exam_recorded_without_saying_whether_it_was_passed_is_a_400_on_passed(
    api, district_admin, network
):
    worker = make_worker(unit=network.room_a)
    response = api(district_admin).post(
        "/api/v1/exams/", {"worker": worker.pk, "year": 2025, "level": "assistant"}, format="json"
    )
    assert response.status_code == 400 and "passed" in response.json()
    assert not Exam.objects.exists()


def test_a_roll_month_has_the_four_digit_year_the_schema_promises(api, district_admin, network):
    allowance_roll_generate(actor=district_admin, month=date(643, 4, 1))
    [roll] = api(district_admin).get("/api/v1/allowance-rolls/").json()["results"]
    assert roll["month"] == "0643-04"
