"""A social worker records a home visit (入户走访) on a phone-size screen through the field pages."""

from pathlib import Path

import pytest
from django.utils import timezone

from casework.models import HomeVisit
from socialwork.roles import Role
from tests.browser.phone import log_in_on, phone_page
from tests.casework.factories import make_case, make_client
from tests.factories import make_region, make_unit, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/wt/shots/fieldpages")


def test_a_worker_records_a_home_visit_on_a_phone(browser, live_server, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    district = make_region("慈溪区", "district")
    street = make_region("坎墩街道", "street", district)
    make_region("清水湾社区", "community", street)
    centre = make_unit("区社工服务中心", "centre", None, district)
    station = make_unit("坎墩街道社工站", "station", centre, street)
    room = make_unit("清水湾社区服务室", "room", station, street)
    worker = make_user("hu", Role.SOCIAL_WORKER, unit=room, full_name="胡群泽")
    supervisor = make_user("chen", Role.SUPERVISOR, unit=centre, full_name="陈督导")
    client = make_client(worker, name="叶先生", phone="13805741234", address="清水湾社区经济适用房3幢")
    case = make_case(worker, client=client, supervisor=supervisor)

    with phone_page(browser) as page:
        log_in_on(page, live_server.url, "hu", "pass-word-42")

        page.goto(f"{live_server.url}/casework/field/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert page.locator(f"#field-case-{case.pk}").inner_text().count("叶先生") == 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "field-home.png"), full_page=True)
        page.click(f"#field-case-{case.pk} a")
        assert "清水湾社区经济适用房3幢" in page.inner_text("#field-clients")
        page.screenshot(path=str(SHOTS / "field-case.png"), full_page=True)
        button = page.locator("#field-add-visit").bounding_box()
        assert button["height"] >= 44  # a large tap target
        page.click("#field-add-visit")
        form = "#field-visit-form"
        assert page.locator(form).get_attribute("data-field-entry") == "home_visit"
        page.fill("#id_people_present", "叶先生、妻子陈女士")
        page.fill("#id_observations", "家中整洁，叶先生腿伤恢复中，情绪平稳。")
        page.fill("#id_needs_found", "孩子学费有缺口")
        page.fill("#id_next_step", "联系街道申请助学金")
        page.screenshot(path=str(SHOTS / "field-visit-form.png"), full_page=True)
        page.click(f"{form} button[type=submit]")
        page.wait_for_url(f"{live_server.url}/casework/field/cases/{case.pk}/")
        assert "家中整洁" in page.inner_text("#field-visits")
        page.screenshot(path=str(SHOTS / "field-visit-saved.png"), full_page=True)
    visit = HomeVisit.objects.get()
    assert visit.case == case and visit.author == worker and visit.visited_on == timezone.localdate()
