"""A client who does not fit their categories (a 1940-born left-behind child, a man among
left-behind women) is registered all the same, and their page says what does not fit: a soft
rule, in the reader's language."""

from datetime import date

import pytest
from django.urls import reverse

from tests.casework.factories import category, make_client

pytestmark = pytest.mark.django_db


def test_the_page_warns_of_an_age_that_does_not_fit_the_category(as_user, social_worker):
    client = make_client(
        social_worker, birth_date=date(1940, 5, 1), categories=[category("left_behind_children")]
    )
    page = as_user(social_worker).get(reverse("casework:client_detail", args=[client.pk])).content.decode()
    assert 'id="category-misfits"' in page and "Left-behind children is for people aged 0 to 17" in page


def test_the_page_warns_of_a_man_among_left_behind_women(as_user, social_worker):
    client = make_client(
        social_worker, birth_date=date(1985, 5, 1), gender="male", categories=[category("left_behind_women")]
    )
    page = as_user(social_worker).get(reverse("casework:client_detail", args=[client.pk])).content.decode()
    assert "Left-behind women is for women." in page


def test_a_client_who_fits_has_no_warning(as_user, social_worker):
    client = make_client(social_worker, birth_date=date(1950, 5, 1), categories=[category("elderly_alone")])
    page = as_user(social_worker).get(reverse("casework:client_detail", args=[client.pk])).content.decode()
    assert 'id="category-misfits"' not in page
