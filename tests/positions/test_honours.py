"""Awards and brand studios, kept on pages of their own (issue 18: "awards and studios can be kept
only in the admin"). Each door (page, API, admin) reads the same selectors and writes through the
same services, scoped to the person's place."""

import pytest
from django.test import Client
from django.urls import reverse

from positions.models import Award, Studio
from positions.services import honours as services
from socialwork.models import AuditEntry
from tests.positions.test_workforce import make_worker


@pytest.fixture
def people(network):
    mine = make_worker("甲工", unit=network.room_a, certificate_number="S2015001")
    theirs = make_worker("乙工", unit=network.room_b, certificate_number="S2015002")
    return mine, theirs


def award(worker, name="优秀社工", year=2015, level=Award.Level.CITY) -> Award:
    return Award.objects.create(name=name, level=level, year=year, worker=worker)


def studio(name, leader, unit) -> Studio:
    return Studio.objects.create(name=name, leader=leader, unit=unit)


# Reading: a station sees its own people's awards and studios, on the page, in the API and in detail


def test_a_station_manager_sees_only_their_stations_awards_and_studios(
    as_user, api, station_manager, network, people
):
    mine, theirs = people
    award(mine, "甲站奖")
    other = award(theirs, "乙站奖")
    studio("甲站工作室", mine, network.station_a)
    elsewhere = studio("乙站工作室", theirs, network.station_b)
    browser = as_user(station_manager)

    awards_page = browser.get(reverse("positions:award_list")).content.decode()
    studios_page = browser.get(reverse("positions:studio_list")).content.decode()
    assert "甲站奖" in awards_page and "乙站奖" not in awards_page
    assert "甲站工作室" in studios_page and "乙站工作室" not in studios_page
    assert browser.get(other.get_absolute_url()).status_code == 404
    assert browser.get(elsewhere.get_absolute_url()).status_code == 404

    client = api(station_manager)
    assert [row["name"] for row in client.get("/api/v1/awards/").json()["results"]] == ["甲站奖"]
    assert [row["name"] for row in client.get("/api/v1/studios/").json()["results"]] == ["甲站工作室"]
    assert client.get(f"/api/v1/awards/{other.pk}/").status_code == 404


def test_the_lists_filter_the_same_on_the_page_and_in_the_api(as_user, api, district_admin, network, people):
    mine, theirs = people
    award(mine, "十佳社工", 2016)
    award(theirs, "优秀社工", 2015)
    studio("甲站工作室", mine, network.station_a)
    studio("乙站工作室", theirs, network.station_b)
    page = as_user(district_admin).get(reverse("positions:award_list"), {"year": 2016}).content.decode()
    assert "十佳社工" in page and "优秀社工" not in page
    rows = api(district_admin).get("/api/v1/awards/", {"year": 2016}).json()["results"]
    assert [row["name"] for row in rows] == ["十佳社工"]

    by_town = {"town": network.town_b.pk}
    page = as_user(district_admin).get(reverse("positions:studio_list"), by_town).content.decode()
    assert "乙站工作室" in page and "甲站工作室" not in page
    rows = api(district_admin).get("/api/v1/studios/", by_town).json()["results"]
    assert [row["name"] for row in rows] == ["乙站工作室"]


def test_the_studio_filter_offers_only_the_towns_of_the_persons_place(as_user, station_manager, network):
    form = as_user(station_manager).get(reverse("positions:studio_list")).context["filter"].form
    assert [town.name for town in form.fields["town"].queryset] == ["甲镇"]


# Writing through the pages


def test_a_station_manager_records_an_award_typed_by_certificate_number_and_it_is_audited(
    as_user, station_manager, network, people
):
    mine, _theirs = people
    browser = as_user(station_manager)
    form = browser.get(reverse("positions:award_create")).content.decode()
    assert "<select" not in form.split('name="worker"')[0].rsplit("<div", 1)[-1]  # typed, not picked
    assert "甲工" not in form and "乙工" not in form  # no list of workers

    response = browser.post(
        reverse("positions:award_create"),
        {"name": "宜昌市优秀社会工作者", "level": "city", "year": 2015, "worker": "s2015001"},
        follow=True,
    )
    saved = Award.objects.get()
    assert (saved.worker, saved.year, saved.level) == (mine, 2015, "city")
    assert "宜昌市优秀社会工作者" in response.content.decode()
    entry = AuditEntry.objects.get(action="award.create")
    assert entry.actor == station_manager and entry.target_id == str(saved.pk)


def test_an_award_for_a_worker_of_another_station_is_refused_on_the_field(as_user, station_manager, people):
    _mine, theirs = people
    response = as_user(station_manager).post(
        reverse("positions:award_create"),
        {"name": "越权奖", "level": "city", "year": 2015, "worker": theirs.certificate_number},
    )
    assert response.status_code == 200
    assert "worker" in response.context["form"].errors
    assert not Award.objects.exists()


def test_editing_an_award_shows_its_worker_and_saved_unchanged_changes_nothing(
    as_user, station_manager, people
):
    mine, _theirs = people
    saved = award(mine, "十佳社工", 2016, Award.Level.DISTRICT)
    browser = as_user(station_manager)
    form = browser.get(reverse("positions:award_update", args=[saved.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    assert data["worker"] == "S2015001"
    browser.post(reverse("positions:award_update", args=[saved.pk]), data)
    saved.refresh_from_db()
    assert (saved.name, saved.year, saved.level, saved.worker) == ("十佳社工", 2016, "district", mine)

    browser.post(reverse("positions:award_update", args=[saved.pk]), {**data, "year": 2017, "worker": ""})
    saved.refresh_from_db()
    assert (saved.year, saved.worker) == (2017, mine)  # an empty worker keeps the worker
    changes = (
        AuditEntry.objects.filter(action="award.update").order_by("pk").values_list("changes", flat=True)
    )
    assert list(changes) == [{}, {"year": ["2016", "2017"]}]


def test_the_district_sets_up_a_studio_and_adds_its_project(as_user, district_admin, network, people):
    mine, _theirs = people
    browser = as_user(district_admin)
    response = browser.post(
        reverse("positions:studio_create"),
        {
            "name": "牛焕菊工作室",
            "leader": mine.certificate_number,
            "unit": network.station_a.pk,
            "established_on": "2014-11-01",
            "description": "困境儿童服务",
        },
    )
    created = Studio.objects.get()
    assert response.status_code == 302 and response.url == created.get_absolute_url()
    assert (created.leader, created.unit, str(created.established_on)) == (
        mine,
        network.station_a,
        "2014-11-01",
    )

    edit = browser.get(reverse("positions:studio_update", args=[created.pk])).content.decode()
    assert 'value="2014-11-01"' in edit  # the browser keeps an ISO date

    browser.post(
        reverse("positions:studio_project_add", args=[created.pk]), {"name": "童心港湾", "year": 2015}
    )
    assert list(created.projects.values_list("name", "year")) == [("童心港湾", 2015)]
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "studio.create",
        "studio_project.create",
    }


def test_a_station_manager_cannot_set_up_or_change_a_studio(as_user, station_manager, network, people):
    mine, _theirs = people
    kept = studio("甲站工作室", mine, network.station_a)
    browser = as_user(station_manager)
    assert browser.get(reverse("positions:studio_create")).status_code == 403
    assert browser.get(reverse("positions:studio_update", args=[kept.pk])).status_code == 403
    page = browser.get(kept.get_absolute_url()).content.decode()
    assert 'data-action="edit"' not in page and 'data-action="add_project"' not in page


def test_a_studio_is_not_placed_outside_the_persons_place(network, station_manager, people):
    mine, theirs = people
    with pytest.raises(Exception) as refused:
        services.studio_save(actor=station_manager, name="越界工作室", leader=mine, unit=network.station_b)
    assert "unit" in refused.value.message_dict
    with pytest.raises(Exception) as refused:
        services.award_save(actor=station_manager, name="越界奖", level="city", year=2015, worker=theirs)
    assert "worker" in refused.value.message_dict


# Writing through the API: the same services


def test_the_api_records_and_changes_awards_in_the_persons_place(api, station_manager, people):
    mine, theirs = people
    client = api(station_manager)
    created = client.post(
        "/api/v1/awards/", {"name": "优秀社工", "level": "city", "year": 2015, "worker": mine.pk}
    )
    assert created.status_code == 201, created.json()
    changed = client.patch(f"/api/v1/awards/{created.json()['id']}/", {"year": 2016}, format="json")
    assert changed.json()["year"] == 2016
    refused = client.post(
        "/api/v1/awards/", {"name": "越权", "level": "city", "year": 2015, "worker": theirs.pk}
    )
    assert refused.status_code == 400 and "worker" in refused.json()
    assert AuditEntry.objects.filter(action__startswith="award.").count() == 2


def test_the_api_sets_up_a_studio_and_adds_a_project_for_the_district_only(
    api, district_admin, station_manager, network, people
):
    mine, _theirs = people
    body = {"name": "旭日工作室", "leader": mine.pk, "unit": network.room_a.pk}
    assert api(station_manager).post("/api/v1/studios/", body).status_code == 403
    created = api(district_admin).post("/api/v1/studios/", body)
    assert created.status_code == 201, created.json()
    url = f"/api/v1/studios/{created.json()['id']}/projects/"
    assert api(station_manager).post(url, {"name": "x"}).status_code == 403
    assert api(district_admin).post(url, {"name": "邻里守望", "year": 2016}).status_code == 201
    assert api(district_admin).get(f"/api/v1/studios/{created.json()['id']}/").json()["projects"] == [
        {"id": Studio.objects.get().projects.get().pk, "name": "邻里守望", "year": 2016}
    ]


# The admin shows what the pages keep, read-only and scoped the same way


def test_the_admin_shows_awards_and_studios_read_only_and_scoped(district_admin, network, people):
    mine, theirs = people
    kept = award(mine, "甲站奖")
    studio("甲站工作室", mine, network.station_a)
    browser = Client()
    browser.force_login(district_admin)
    assert browser.get(reverse("admin:positions_award_add")).status_code == 403
    assert browser.get(reverse("admin:positions_studio_add")).status_code == 403
    change = reverse("admin:positions_award_change", args=[kept.pk])
    browser.post(change, {"name": "改名", "level": "city", "year": 2015, "worker": theirs.pk})
    kept.refresh_from_db()
    assert kept.name == "甲站奖"
    assert "甲站工作室" in browser.get(reverse("admin:positions_studio_changelist")).content.decode()


# The header and query counts


def test_the_workforce_menu_leads_to_awards_and_studios(as_user, station_manager, social_worker):
    links = {url for _label, url in as_user(station_manager).get("/").context["nav_items"]}
    assert {reverse("positions:award_list"), reverse("positions:studio_list")} <= links


@pytest.mark.parametrize("url", ["/awards/", "/studios/", "/api/v1/awards/", "/api/v1/studios/"])
def test_the_honours_lists_query_counts_do_not_grow_with_the_rows(
    as_user, district_admin, network, url, django_assert_max_num_queries
):
    for n in range(30):
        worker = make_worker(f"工{n}", unit=network.room_a if n % 2 else network.room_b)
        award(worker, f"奖{n}", 2000 + n % 10)
        made = studio(f"工作室{n}", worker, network.station_a if n % 2 else network.room_b)
        made.projects.create(name=f"项目{n}", year=2015)
    client = as_user(district_admin)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
