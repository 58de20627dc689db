import gettext
from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_is_translated_into_chinese():
    catalogue = polib.pofile(str(PO))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_compiled_catalogue_matches_the_source():
    with open(PO.with_suffix(".mo"), "rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)

    def compiled_text(entry):
        if entry.msgid_plural:
            return compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        if entry.msgctxt:
            return compiled.pgettext(entry.msgctxt, entry.msgid)
        return compiled.gettext(entry.msgid)

    def source_text(entry):
        return entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr

    stale = [
        e.msgid for e in polib.pofile(str(PO)).translated_entries() if compiled_text(e) != source_text(e)
    ]
    assert stale == [], "run `make messages` to recompile the catalogue"


@pytest.fixture
def site_default_language(settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change


@pytest.mark.django_db
def test_pages_are_chinese_by_default_even_for_an_english_browser(client, site_default_language):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page


@pytest.mark.django_db
def test_language_switch_gives_the_same_page_in_english(
    client, district_admin, network, site_default_language
):
    client.force_login(district_admin)
    assert "服务网络" in client.get(reverse("positions:network")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("positions:network")})
    assert response.status_code == 302
    page = client.get(reverse("positions:network")).content.decode()
    assert '<html lang="en">' in page and "Service network" in page and "服务网络" not in page
    district_admin.refresh_from_db()
    assert district_admin.language == "en"
