"""A district administrator placed above the district is named for their level wherever a role is
shown (socialwork.roles.role_label): the home page, the unit's staff, the accounts admin."""

import pytest
from django.utils import translation

from positions.models import Region, ServiceUnit
from socialwork.roles import Role
from tests.factories import make_region, make_unit, make_user

L, U = Region.Level, ServiceUnit.Level


@pytest.mark.django_db
def test_a_district_administrator_at_a_city_or_province_is_named_for_the_level():
    province = make_region("湖北省", L.PROVINCE)
    city = make_region("宜昌市", L.CITY, province)
    district = make_region("点军区", L.DISTRICT, city)
    association = make_unit("市社工协会", U.ASSOCIATION, None, city)
    at_province = make_user("province", Role.DISTRICT_ADMIN, region=province)
    at_city = make_user("city", Role.DISTRICT_ADMIN, unit=association, region=city)
    at_district = make_user("dianjun", Role.DISTRICT_ADMIN, region=district)
    auditor_at_city = make_user("city_auditor", Role.AUDITOR, region=city)
    with translation.override("en"):
        assert at_city.role_labels() == ["City administrator"]
        assert at_province.role_labels() == ["Province administrator"]
        assert at_district.role_labels() == ["District administrator"]
        assert auditor_at_city.role_labels() == ["Auditor"]  # only the administrator's name changes
    with translation.override("zh-hans"):
        assert at_district.role_labels() == ["区级管理员"]


@pytest.mark.django_db
def test_the_home_page_shows_the_city_administrators_name(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    city = make_region("宜昌市", L.CITY)
    client.force_login(make_user("city", Role.DISTRICT_ADMIN, region=city))
    page = client.get("/").content.decode()
    assert '<span class="tag">市级管理员</span>' in page
    assert "区级管理员" not in page
