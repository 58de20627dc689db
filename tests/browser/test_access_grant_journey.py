"""A district administrator asks that another station's manager may see one case; a second
district administrator approves; the manager opens the case, and the case's worker is told
(issue 16, finding 3). In Chinese, the site's default."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import AccessGrant
from socialwork.models import Notification
from tests.casework.factories import make_case, make_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grant_asked_by_one_district_administrator_and_approved_by_another_opens_the_case(
    live_server,
    page,
    log_in,
    screenshot,
    settings,
    district_admin,
    district_admin2,
    social_worker,
    supervisor,
    other_station_manager,
):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    case = make_case(social_worker, supervisor=supervisor, client=make_client(social_worker, name="叶先生"))
    grants = f"{live_server.url}/casework/grants/"
    until = (timezone.localdate() + timedelta(days=14)).isoformat()

    # The first administrator asks; they cannot name themselves.
    log_in("district")
    page.goto(grants)
    expect(page.locator(f"#id_user option[value='{district_admin.pk}']")).to_have_count(0)
    page.fill("#id_case_number", case.number)
    page.select_option("#id_user", str(other_station_manager.pk))
    page.fill("#id_reason", "乙街道站长代管期间查阅")
    page.fill("#id_expires_on", until)
    page.click("#grant-form button[type=submit]")
    page.wait_for_url(grants)
    expect(page.locator("#waiting-list")).to_have_count(0)  # nothing of one's own to approve
    assert case.number in page.locator("#grant-list").inner_text()
    screenshot("1-requested")
    grant = AccessGrant.objects.get()
    assert grant.status == AccessGrant.Status.REQUESTED

    # Until approved, the person named sees nothing.
    log_in("manager_b")
    assert page.goto(f"{live_server.url}{case.get_absolute_url()}").status == 404

    # The second administrator approves.
    log_in("district2")
    page.goto(grants)
    row = page.locator(f"#request-{grant.pk}")
    assert case.number in row.inner_text() and "叶先生" not in page.content()
    screenshot("2-waiting-for-approval")
    row.locator("input[value=approve] + button").click()
    page.wait_for_url(grants)
    expect(page.locator("#waiting-list")).to_have_count(0)
    screenshot("3-approved")

    # The person named opens the case.
    log_in("manager_b")
    response = page.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert response.status == 200 and "叶先生" in page.locator("main").inner_text()
    screenshot("4-case-opened")

    # The case's worker finds it in their inbox, by case number only.
    log_in("worker_a")
    page.goto(f"{live_server.url}/inbox/")
    inbox = page.locator("main").inner_text()
    assert case.number in inbox and "叶先生" not in inbox
    screenshot("5-worker-told")
    assert Notification.objects.filter(user=social_worker, kind="casework_access_grant").exists()
