from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user

PASSWORD = "pass-word-42"


@pytest.fixture
def person(db):
    return make_user("lin", password=PASSWORD)


def test_login_with_the_right_password_opens_the_home_page(client, person):
    response = client.post(reverse("login"), {"username": "lin", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_shows_an_error_on_the_login_page(client, person):
    response = client.post(reverse("login"), {"username": "lin", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_repeated_failed_logins_lock_the_account(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lin", "password": "wrong"})
    # Even the right password is refused while the account is locked.
    response = client.post(reverse("login"), {"username": "lin", "password": PASSWORD})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert client.get(reverse("home")).status_code == 302


def test_lockout_is_per_account(client, person, settings):
    make_user("wang", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lin", "password": "wrong"}, HTTP_USER_AGENT="a")
    response = client.post(reverse("login"), {"username": "wang", "password": PASSWORD}, HTTP_USER_AGENT="b")
    assert response.status_code == 302


def test_log_out(client, person):
    client.force_login(person)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_change_password(client, person):
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-Passw0rd!", "new_password2": "a-new-Passw0rd!"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-new-Passw0rd!")


def test_session_ends_after_the_idle_timeout(client, person, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(person)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_each_request_renews_the_idle_timeout(client, person):
    client.force_login(person)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    client.get(reverse("home"))
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


def test_the_session_is_written_at_most_once_a_minute(client, person, monkeypatch):
    client.force_login(person)
    clock = [1_000_000.0]
    monkeypatch.setattr("socialwork.middleware.time.time", lambda: clock[0])
    client.get(reverse("home"))
    renewed = Session.objects.get().expire_date
    Session.objects.update(expire_date=renewed - timedelta(minutes=10))
    clock[0] += 30  # within the minute: no write, the expiry stays where it was
    client.get(reverse("home"))
    assert Session.objects.get().expire_date == renewed - timedelta(minutes=10)
    clock[0] += 31  # a minute on: renewed
    client.get(reverse("home"))
    assert Session.objects.get().expire_date > renewed - timedelta(minutes=1)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/inbox/", "/inbox/preferences/", "/network/"])
def test_anonymous_pages_redirect_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
