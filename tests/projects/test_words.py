"""Issue 18, point 2: the words of a project's pages in Chinese, where a msgid shared with
another app read that app's meaning (tests/socialwork/test_words.py has the others)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import services
from tests.projects.factories import make_budget, make_call, make_project
from tests.projects.test_money_rules import bid, sign

TODAY = timezone.localdate()


@pytest.fixture
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def header_cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", "", cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]


@pytest.fixture
def approved(network, applicant, organization):
    """An application of `organization` approved for 18,000 (as in test_money_rules)."""
    make_budget()
    return make_project(
        call=make_call(), community=network.community_a, created_by=applicant, organization=organization,
        status="approved", requested="20000", approved="18000",
    )  # fmt: skip


@pytest.fixture
def procurement(district_admin, approved):
    return services.procurement_open(actor=district_admin, project=approved, method="negotiation")


def test_projects_and_calls_have_a_project_name_and_a_call_name(
    as_user,
    district_admin,
    network,
    applicant,
    chinese,
):
    call = make_call()
    make_project(call=call, community=network.community_a, created_by=applicant)
    client = as_user(district_admin)
    projects, calls = (
        page(client, reverse("projects:project_list")),
        page(client, reverse("projects:call_list")),
    )
    assert "岗位名称" not in projects and "岗位名称" not in calls
    assert "项目名称" in header_cells(projects) and "通知名称" in header_cells(calls)


def test_the_bid_award_button_reads_zhongbiao_not_a_prize(
    as_user,
    district_admin,
    approved,
    procurement,
    organization,
    chinese,
):
    bid(district_admin, procurement, organization, "17500")
    html = page(as_user(district_admin), reverse("projects:project_detail", args=[approved.pk]))
    button = re.search(r'data-action="bid_award">.*?<button[^>]*>(.*?)</button>', html, re.S).group(1)
    assert button == "确定中标"


def test_the_milestone_button_reads_done_not_project_completed(
    as_user,
    district_admin,
    approved,
    organization,
    chinese,
):
    sign(district_admin, approved, organization, milestones=[("启动", TODAY, "5000")])
    html = page(as_user(district_admin), reverse("projects:project_detail", args=[approved.pk]))
    button = re.search(r'data-action="milestone_complete">.*?<button[^>]*>(.*?)</button>', html, re.S).group(
        1
    )
    assert button == "完成"
    assert "已结项" not in html


def test_the_project_timeline_has_no_start_date_for_a_workflow_state(
    as_user,
    district_admin,
    approved,
    procurement,
    organization,
    chinese,
):
    services.bid_award(actor=district_admin, bid=bid(district_admin, procurement, organization, "17500"))
    html = page(as_user(district_admin), reverse("projects:project_detail", args=[approved.pk]))
    timeline = html[html.index('id="timeline"') :]
    assert "起始日期" not in timeline


def test_a_calls_page_asks_for_applications_required_not_a_required_field(
    as_user, district_admin, network, chinese
):
    call = make_call(min_applications_per_community=10)
    html = page(as_user(district_admin), reverse("projects:call_detail", args=[call.pk]))
    assert "必填" not in html
    assert "应申报数" in header_cells(html)
