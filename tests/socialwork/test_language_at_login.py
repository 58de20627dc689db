"""The language a person chose is theirs, not the browser's: it is applied when they log in again,
from another browser or after the browser was closed (the language cookie lasts only as long as
the browser session), through the login page."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_user

PASSWORD = "pass-word-42"


@pytest.fixture
def chinese_site(settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change


@pytest.fixture
def person(db):
    return make_user("lin")


def log_in(client: Client):
    response = client.post(reverse("login"), {"username": "lin", "password": PASSWORD})
    assert response.status_code == 302
    return response


def home(client: Client) -> str:
    return client.get(reverse("home")).content.decode()


def test_english_chosen_once_is_applied_at_the_next_login_in_a_fresh_browser(chinese_site, person, settings):
    first = Client()
    log_in(first)
    first.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    first.post(reverse("logout"))

    fresh = Client()  # the browser was closed: no language cookie any more
    assert '<html lang="zh-hans">' in fresh.get(reverse("login")).content.decode()
    response = log_in(fresh)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in home(fresh)


def test_a_choice_made_on_the_login_page_is_kept_and_remembered(chinese_site, person):
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    log_in(client)
    assert '<html lang="en">' in home(client)
    person.refresh_from_db()
    assert person.language == "en"


def test_another_persons_cookie_does_not_outlast_the_login(chinese_site, person, settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # left by the previous person at this desk
    log_in(client)
    assert '<html lang="zh-hans">' in home(client)
