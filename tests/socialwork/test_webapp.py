"""The installable web app: its manifest, its service worker served from the site's root, the
outbox and offline pages a phone keeps, and a logout that clears what the phone kept."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from socialwork import webapp

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_in_chinese_and_starts_at_the_field_home(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "社会工作管理系统"
    assert manifest["start_url"] == reverse("casework:field_home")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#b42318"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}


def test_the_service_worker_is_served_from_the_root_with_its_version_and_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    first, rest = response.content.decode().split("\n", 1)
    config = json.loads(first.removeprefix("self.FIELD = ").removesuffix(";"))
    assert len(config["version"]) == 16
    assert "/static/js/field.js" in config["shell"] and "/static/css/app.css" in config["shell"]
    assert config["offline"] == reverse("casework:field_offline")
    assert config["precache"] == reverse("casework:field_precache")
    assert 'addEventListener("fetch"' in rest


def test_the_service_workers_version_follows_what_it_keeps(monkeypatch):
    before = webapp.worker_settings()["version"]
    monkeypatch.setattr(webapp, "SHELL", [*webapp.SHELL, "css/new.css"])
    assert webapp.worker_settings()["version"] != before


def test_every_page_links_the_manifest_and_loads_the_field_script_without_inline_script(
    as_user, social_worker
):
    page = as_user(social_worker).get(reverse("home")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<script src="/static/js/field.js" defer></script>' in page
    assert f'data-field-user="{social_worker.pk}"' in page
    assert "<script>" not in page  # CSP: script-src 'self', no inline script


def test_the_login_page_registers_nothing(client):
    page = client.get(reverse("login")).content.decode()
    assert "data-field-user" not in page and 'id="field-strings"' not in page


def test_the_outbox_is_a_page_the_phone_keeps(as_user, social_worker):
    response = as_user(social_worker).get(reverse("casework:field_outbox"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Waiting to send" in page
    assert 'data-field-list="waiting"' in page and 'data-field-list="refused"' in page
    body = as_user(social_worker).get(reverse("casework:field_precache")).json()
    assert reverse("casework:field_outbox") in body["urls"]


def test_the_offline_page_says_why(client):
    plain = client.get(reverse("casework:field_offline")).content.decode()
    expired = client.get(reverse("casework:field_offline") + "?reason=expired").content.decode()
    assert "No connection" in plain and "have been deleted" not in plain
    assert "have been deleted from it" in expired


def test_logout_tells_the_browser_to_clear_the_sites_caches_and_storage(social_worker):
    browser = Client()
    browser.force_login(social_worker)
    response = browser.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_logout_form_is_marked_for_the_field_script(as_user, social_worker):
    page = as_user(social_worker).get(reverse("home")).content.decode()
    assert 'class="inline" data-field-logout>' in page
