"""An expert reviewer reaches the applications of the panels they sit on, and nothing else: on
every page and API endpoint the role matrix opens for them, no record of the seeded district
shows but the panel's application (its summary, budget, planning document, the organization's
record); every API list but their panels and the public calls is empty; the admin is closed."""

import pytest
from django.urls import reverse

from socialwork.roles import Role
from tests.security.test_role_matrix import ACCESS, RESOLVED, browser, district, is_api, method_of, url_of

__all__ = ["district"]  # the role matrix's seeded district, built once for the module

REVIEWER = Role.REVIEWER
# Lists a reviewer may read that are public: the calls for projects.
PUBLIC_LISTS = {"call-list", "assessment-scheme-list"}
OWN_LISTS = {
    "review-panel-list",
    "api-token-list",
    "inbox-list",
    "annual-report-list",
    "subject-request-list",
}
PANEL_URLS = {name for name in ACCESS if "panel" in name}


def markers(o) -> list[str]:
    """What no page may show a reviewer: the district's other records."""
    return [
        o["worker"].name, o["case"].number, o["client"].name, o["project"].title, o["draft_project"].title,
        o["contract"].number, o["volunteer"].name, o["group"].name, o["series"].title, o["trainer"].name,
        o["studio"].name, o["advocacy"].title, "胡社工", "甲镇服务站",
    ]  # fmt: skip


GETS = sorted(
    name
    for name, rule in ACCESS.items()
    if REVIEWER in rule.roles and method_of(name, RESOLVED[name]) == "get"
)


@pytest.mark.parametrize("name", GETS)
def test_a_reviewer_sees_nothing_but_their_panels_application(district, db, name):
    url = url_of(name, district)
    response = browser(district, REVIEWER).get(url)
    assert response.status_code in (200, 302), url
    body = b"".join(response) if response.streaming else response.content
    text = body.decode(errors="ignore")
    for marker in markers(district.objects):
        assert marker not in text, f"{url} shows {marker}"
    if name not in PANEL_URLS and name != "projects:project_document":
        assert district.objects["review_project"].title not in text, url
    if is_api(url) and name.endswith("-list") and name not in PUBLIC_LISTS | OWN_LISTS:
        data = response.json()  # a page of records, or a list that has no pages
        assert (data["count"] if isinstance(data, dict) else len(data)) == 0, url


def test_a_reviewer_opens_their_panels_application_and_its_planning_document(district, db):
    o = district.objects
    client = browser(district, REVIEWER)
    page = client.get(reverse("projects:panel_application", args=[o["panel"].pk, o["review_project"].pk]))
    assert (
        o["review_project"].title in page.content.decode() and o["organization"].name in page.content.decode()
    )
    plan = client.get(reverse("projects:project_document", args=["plan", o["review_project"].pk]))
    assert plan.status_code == 200
    assert client.get(reverse("projects:project_detail", args=[o["review_project"].pk])).status_code == 404
    assert client.get(f"/api/v1/projects/{o['review_project'].pk}/").status_code == 404
    assert client.get(reverse("projects:organization_detail", args=[o["organization"].pk])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/projects/project/",
        "/admin/projects/reviewpanel/",
        "/admin/projects/review/",
        "/admin/projects/conflictdeclaration/",
        "/admin/casework/case/",
        "/admin/positions/socialworker/",
    ],
)
def test_the_admin_is_closed_to_a_reviewer(district, db, url):
    response = browser(district, REVIEWER).get(url)
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/login/" in response["Location"]
