"""The region tree (issue 18): district → towns and streets → communities and villages, with the
service network inside each, scoped to the person's place, in a fixed number of queries."""

import pytest
from django.urls import reverse

from positions.demo import seed_network
from positions.models import Region, ServiceUnit
from positions.selectors.network import region_tree
from tests.factories import make_user

U = ServiceUnit.Level


def counts(row) -> dict:
    return {level: count for level, _label, count in row.counts() if count}


def test_each_region_counts_the_units_inside_it_and_lists_its_stations_and_rooms(district_admin, network):
    rows = {row.region.name: row for row in region_tree(user=district_admin)}
    assert [row.region.name for row in region_tree(user=district_admin)] == [
        "测试区", "甲镇", "甲社区", "甲一村", "乙街道", "乙社区", "丙乡", "丙村",
    ]  # fmt: skip
    assert counts(rows["测试区"]) == {U.CENTRE: 1, U.STATION: 2, U.ROOM: 2, U.POST: 4}
    assert counts(rows["甲镇"]) == {U.STATION: 1, U.ROOM: 1, U.POST: 3}
    assert counts(rows["甲社区"]) == {U.ROOM: 1, U.POST: 3}
    assert counts(rows["丙乡"]) == {}
    assert [unit.name for unit in rows["甲镇"].units] == ["甲镇服务站"]
    assert [unit.name for unit in rows["甲社区"].units] == ["甲社区服务室"]  # posts are counted, not listed


def test_a_station_manager_sees_only_their_town_and_their_stations_units(as_user, station_manager, network):
    page = as_user(station_manager).get(reverse("positions:region_tree")).content.decode()
    assert "甲镇" in page and "甲社区服务室" in page
    assert "乙街道" not in page and "乙社区服务室" not in page and "测试区" not in page
    assert f'href="{network.room_a.get_absolute_url()}"' in page


def test_the_tree_is_collapsible_without_script_and_opens_at_the_top(as_user, district_admin, network):
    page = as_user(district_admin).get(reverse("positions:region_tree")).content.decode()
    tree = page.split('id="region-tree"')[1].split("</main>")[0]
    assert (
        tree.count("<details open>") == 1 and tree.count("<details>") == 3
    )  # the district open, its towns closed
    assert "<script" not in tree
    assert f'href="{reverse("positions:position_list")}?town={network.town_a.pk}"' in page


def test_the_menu_and_the_network_page_lead_to_the_region_tree(as_user, district_admin, network):
    browser = as_user(district_admin)
    links = {url for _label, url in browser.get("/").context["nav_items"]}
    assert reverse("positions:region_tree") in links
    assert reverse("positions:region_tree") in browser.get(reverse("positions:network")).content.decode()


@pytest.mark.django_db
def test_the_demo_sized_tree_takes_a_fixed_number_of_queries(
    as_user, django_assert_num_queries, django_assert_max_num_queries
):
    seed_network()
    district = Region.objects.get(code="420506")  # Yiling, of the demo city's two districts
    admin = make_user(
        "district", "district_admin", region=district, unit=ServiceUnit.objects.get(code="CT-01")
    )
    regions = Region.objects.filter(path__startswith=district.path)
    posts = ServiceUnit.objects.filter(level=U.POST, region__path__startswith=district.path)
    assert regions.count() > 200 and posts.count() > 1000
    admin = type(admin).objects.select_related("region", "unit").get(pk=admin.pk)
    with django_assert_num_queries(4):  # the roles, the regions, the units counted, the units listed
        region_tree(user=admin)
    browser = as_user(admin)
    with django_assert_max_num_queries(12):  # the page's own reads (session, person, inbox) and the three
        page = browser.get(reverse("positions:region_tree"))
    rows = page.context["rows"]
    assert len(rows) == regions.count()  # Yiling's: 点军区 and the city above are not its administrator's
    assert counts(rows[0])[U.POST] == posts.count()
