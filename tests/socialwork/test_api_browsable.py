"""The browsable API (what a person sees opening an API address in the browser): every list
endpoint renders with its filter form for each person, whose filters' choices are theirs."""

import pytest
from django.urls import NoReverseMatch, reverse

from socialwork.api_urls import router

pytestmark = pytest.mark.django_db

LISTS = sorted(basename for _prefix, _viewset, basename in router.registry)


@pytest.mark.parametrize("basename", LISTS)
def test_each_list_endpoint_renders_in_the_browser(as_user, district_admin, social_worker, basename):
    try:
        url = reverse(f"{basename}-list")
    except NoReverseMatch:
        pytest.skip("no list")
    for person in (district_admin, social_worker):
        response = as_user(person).get(url, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 403, 405), (person, response.status_code)  # 405: post only
        if response.status_code == 200:
            assert "text/html" in response["Content-Type"]
