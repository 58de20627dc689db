from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Contract, Project, SocialOrganization
from tests.factories import make_user
from tests.projects.factories import (
    CREDIT_CODES,
    make_budget,
    make_call,
    make_contract,
    make_milestone,
    make_organization,
    make_project,
)

S = Project.Status


def url(name, *args):
    return reverse(f"projects:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def organization(db):
    return make_organization()


@pytest.fixture
def staff(org_staff, organization):
    org_staff.organization = organization
    org_staff.save()
    return org_staff


@pytest.fixture
def draft(call, network, staff, organization):
    return make_project(call=call, community=network.community_a, created_by=staff, organization=organization)


@pytest.fixture
def running(call, network, district_admin, organization):
    """A contracted project in town A with everything a project page shows."""
    make_budget()
    project = make_project(
        call=call, community=network.community_a, created_by=district_admin, organization=organization,
        status=S.IN_PROGRESS, approved="40000", title="乐龄关爱",
    )  # fmt: skip
    contract = make_contract(project, organization)
    make_milestone(contract, timezone.localdate() - timedelta(days=5), title="启动", amount=Decimal("20000"),
                   completed_on=timezone.localdate())  # fmt: skip
    make_milestone(contract, timezone.localdate() + timedelta(days=30))
    contract.payments.create(
        amount=Decimal("10000"), paid_on=timezone.localdate(), recorded_by=district_admin
    )
    project.reviews.create(reviewer=district_admin, score=Decimal("88"), comment="可行")
    project.transitions.create(from_status=S.DRAFT, to_status=S.SUBMITTED, actor=district_admin)
    project.progress_reports.create(period="第一季度", content="开展活动6次", submitted_by=district_admin)
    return project


# Pages render for each role


@pytest.mark.parametrize(
    "name",
    ["project_list", "overview", "application_create", "organization_list", "organization_create",
     "call_list", "call_create"],
)  # fmt: skip
def test_district_admin_sees_every_projects_page(as_user, district_admin, call, name):
    assert as_user(district_admin).get(url(name)).status_code == 200


@pytest.mark.parametrize("role", ["district_admin", "auditor", "station_manager", "supervisor", "staff"])
def test_each_role_sees_the_project_list_calls_and_overview(request, as_user, running, role):
    client = as_user(request.getfixturevalue(role))
    for name in ("project_list", "call_list", "overview"):
        assert client.get(url(name)).status_code == 200
    assert client.get(url("project_detail", running.pk)).status_code == 200
    assert client.get(url("call_detail", running.call.pk)).status_code == 200


def test_the_project_page_shows_everything_about_the_project(as_user, district_admin, running):
    page = as_user(district_admin).get(url("project_detail", running.pk))
    html = page.content.decode()
    for text in ("乐龄关爱", "阳光社工服务中心", "活动物资", "可行", "中期评估", "第一季度", "HT-"):
        assert text in html
    assert page.context["money"].paid == Decimal("10000")
    assert page.context["money"].unpaid == Decimal("30000")
    # A running project: the district records visits and payments; acceptance waits for the request.
    assert page.context["visit_form"] and page.context["payment_form"] and page.context["progress_form"]
    assert page.context["acceptance_form"] is None and page.context["review_form"] is None
    # The district drafted it, so it stands on both sides here.
    assert [name for name, _move, _form in page.context["moves"]] == ["request_acceptance", "terminate"]


def test_organization_and_call_pages_show_their_projects(as_user, district_admin, running, organization):
    client = as_user(district_admin)
    for name, pk in (("organization_detail", organization.pk), ("call_detail", running.call.pk)):
        page = client.get(url(name, pk))
        assert page.status_code == 200 and "乐龄关爱" in page.content.decode()
    assert client.get(url("organization_update", organization.pk)).status_code == 200
    assert client.get(url("call_update", running.call.pk)).status_code == 200


def test_call_page_lists_the_communities_short_of_applications(as_user, district_admin, network):
    call = make_call(min_applications_per_community=1)
    make_project(call=call, community=network.community_a, created_by=district_admin)
    short = as_user(district_admin).get(url("call_detail", call.pk)).context["short"]
    assert network.community_a not in [community for community, _made in short]
    assert network.community_b in [community for community, _made in short]


def test_the_overview_shows_the_year_money(as_user, district_admin, running):
    page = as_user(district_admin).get(url("overview"), {"year": running.call.year})
    assert page.context["money"]["budget"] == Decimal("1290000")
    assert page.context["money"]["committed"] == Decimal("40000")
    assert page.context["money"]["spent"] == Decimal("10000")
    rows = {table_id: rows for table_id, _heading, rows in page.context["tables"]}
    assert [(r.approved, r.committed, r.paid) for r in rows["by-year"]] == [
        (Decimal("40000"), Decimal("40000"), Decimal("10000"))
    ]


def test_the_header_links_projects_by_role(as_user, district_admin, station_manager, staff, social_worker):
    def links(user):
        return {str(label) for label, _link in as_user(user).get("/").context["nav_items"]}

    assert {"Projects", "Organizations"} <= links(district_admin)
    assert "Projects" in links(station_manager) and "Organizations" not in links(station_manager)
    assert "Projects" in links(staff) and "Organizations" not in links(staff)
    assert "Projects" not in links(social_worker)


# Scope


def test_organization_staff_see_only_their_own_organizations_projects(as_user, staff, running, network):
    other = make_organization("另一家机构")
    theirs = make_project(
        call=running.call, community=network.community_b, created_by=running.created_by, organization=other
    )
    client = as_user(staff)
    assert [p.title for p in client.get(url("project_list")).context["page"]] == ["乐龄关爱"]
    assert client.get(url("project_detail", theirs.pk)).status_code == 404
    assert client.get(url("application_update", theirs.pk)).status_code == 404
    assert client.post(url("project_move", theirs.pk, "submit")).status_code == 404
    assert client.get(url("organization_detail", other.pk)).status_code == 404
    assert client.get(url("organization_detail", running.organization.pk)).status_code == 200


def test_station_manager_does_not_see_projects_of_another_town(
    as_user, station_manager, district_admin, call, network
):
    ours = make_project(call=call, community=network.community_a, created_by=district_admin, title="甲镇项目")
    theirs = make_project(
        call=call, community=network.community_b, created_by=district_admin, title="乙街道项目"
    )
    client = as_user(station_manager)
    assert [p.title for p in client.get(url("project_list")).context["page"]] == ["甲镇项目"]
    assert client.get(url("project_detail", ours.pk)).status_code == 200
    assert client.get(url("project_detail", theirs.pk)).status_code == 404


def test_only_district_admins_edit_organizations_and_calls(
    as_user, station_manager, staff, organization, call
):
    for user in (station_manager, staff):
        client = as_user(user)
        assert client.get(url("organization_create")).status_code == 403
        assert client.get(url("call_create")).status_code == 403
        assert client.get(url("call_update", call.pk)).status_code == 403


def test_station_managers_cannot_apply(as_user, station_manager):
    assert as_user(station_manager).get(url("application_create")).status_code == 403


# Filters


def test_project_list_filters_by_year_area_status_town_and_searches_titles(
    as_user, district_admin, network, call
):
    old_call = make_call(year=call.year - 1, open_now=False)
    make_project(call=call, community=network.community_a, created_by=district_admin, title="甲镇助老",
                 service_area="elderly", status=S.APPROVED)  # fmt: skip
    make_project(call=old_call, community=network.community_b, created_by=district_admin, title="乙街道青少年",
                 service_area="youth")  # fmt: skip
    client = as_user(district_admin)

    def titles(**query):
        return [p.title for p in client.get(url("project_list"), query).context["page"]]

    assert titles(year=call.year) == ["甲镇助老"]
    assert titles(call=old_call.pk) == ["乙街道青少年"]
    assert titles(service_area="youth") == ["乙街道青少年"]
    assert titles(status="approved") == ["甲镇助老"]
    assert titles(town=network.town_b.pk) == ["乙街道青少年"]
    assert titles(title="助老") == ["甲镇助老"]
    assert titles(ordering="title") == sorted(["甲镇助老", "乙街道青少年"])


def test_project_list_shows_the_latest_calls_projects_first_and_follows_a_corrected_call_year(
    as_user, district_admin, network, call
):
    old_call = make_call(year=call.year - 1, open_now=False)
    make_project(call=call, community=network.community_a, created_by=district_admin, title="今年的项目")
    make_project(call=old_call, community=network.community_b, created_by=district_admin, title="去年的项目")
    client = as_user(district_admin)

    def titles(**query):
        return [p.title for p in client.get(url("project_list"), query).context["page"]]

    assert titles() == ["今年的项目", "去年的项目"]  # the later project's call is older
    services.call_save(actor=district_admin, call=old_call, year=call.year + 1)
    assert titles() == ["去年的项目", "今年的项目"]
    assert titles(year=call.year + 1) == ["去年的项目"]
    assert titles(year=call.year - 1) == []


def test_organization_list_searches_name_and_credit_code_and_filters(as_user, district_admin):
    make_organization("阳光社工", credit_code=CREDIT_CODES[0], grade="3A")
    make_organization("彩虹基金会", kind=SocialOrganization.Kind.FOUNDATION)
    client = as_user(district_admin)

    def names(**query):
        return [o.name for o in client.get(url("organization_list"), query).context["page"]]

    assert names(q="阳光") == ["阳光社工"]
    assert names(q=CREDIT_CODES[0][:8]) == ["阳光社工"]
    assert names(kind="foundation") == ["彩虹基金会"]
    assert names(grade="3A") == ["阳光社工"]


# Moves and steps


def test_organization_staff_submit_their_draft_and_the_timeline_shows_it(as_user, staff, draft):
    response = as_user(staff).post(url("project_move", draft.pk, "submit"), follow=True)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert "Submit" in messages_of(response)[0]
    timeline = response.context["project"].transitions.all()
    assert [(t.from_status, t.to_status, t.actor) for t in timeline] == [
        (S.DRAFT, S.SUBMITTED, draft.created_by)
    ]


def test_a_move_not_open_to_the_person_is_forbidden(as_user, district_admin, draft):
    # The district is not the applicant: it may not submit the organization's draft.
    response = as_user(district_admin).post(url("project_move", draft.pk, "submit"))
    assert response.status_code == 403
    assert draft.status == Project.objects.get(pk=draft.pk).status == S.DRAFT


def test_returning_without_a_reason_is_refused_with_a_message(as_user, district_admin, draft):
    Project.objects.filter(pk=draft.pk).update(status=S.SUBMITTED)
    response = as_user(district_admin).post(
        url("project_move", draft.pk, "return"), {"return-reason": ""}, follow=True
    )
    assert response.status_code == 200 and messages_of(response)
    assert Project.objects.get(pk=draft.pk).status == S.SUBMITTED
    response = as_user(district_admin).post(
        url("project_move", draft.pk, "return"), {"return-reason": "预算不清楚"}, follow=True
    )
    assert Project.objects.get(pk=draft.pk).status == S.DRAFT
    assert "预算不清楚" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "view", "data"),
    [
        (
            S.UNDER_REVIEW,
            ("project_decide",),
            {"decision-decision": "reject", "decision-reason": "不符合申报条件"},
        ),
        (S.IN_PROGRESS, ("project_move", "terminate"), {"terminate-reason": "不符合申报条件"}),
    ],
)
def test_rejecting_or_terminating_asks_to_confirm_first_with_the_reason_kept(
    as_user, district_admin, draft, status, view, data
):
    Project.objects.filter(pk=draft.pk).update(status=status)
    client = as_user(district_admin)
    target = url(view[0], draft.pk, *view[1:])
    asked = client.post(target, data)
    assert asked.templates[0].name == "partials/confirm_page.html"
    assert 'value="不符合申报条件"' in asked.content.decode()  # posted again with the confirmation
    assert Project.objects.get(pk=draft.pk).status == status
    client.post(target, {**data, "confirmed": "1"})
    assert Project.objects.get(pk=draft.pk).status in (S.REJECTED, S.TERMINATED)


def test_an_unknown_move_is_not_found(as_user, district_admin, draft):
    assert as_user(district_admin).post(url("project_move", draft.pk, "fly")).status_code == 404


def test_approving_without_an_amount_or_above_the_request_shows_the_error(as_user, district_admin, draft):
    Project.objects.filter(pk=draft.pk).update(status=S.UNDER_REVIEW)
    client = as_user(district_admin)
    response = client.post(url("project_decide", draft.pk), {"decision-decision": "approve"})
    assert response.status_code == 400
    assert response.context["decision_form"].errors["amount"]
    response = client.post(
        url("project_decide", draft.pk), {"decision-decision": "approve", "decision-amount": "999999"}
    )
    assert response.status_code == 400 and response.context["decision_form"].errors
    assert Project.objects.get(pk=draft.pk).status == S.UNDER_REVIEW
    response = client.post(
        url("project_decide", draft.pk), {"decision-decision": "approve", "decision-amount": "30000"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.approved_amount) == (S.APPROVED, Decimal("30000"))


def test_a_review_outside_the_review_is_forbidden(as_user, district_admin, draft):
    response = as_user(district_admin).post(url("project_review", draft.pk), {"review-score": "80"})
    assert response.status_code == 403 and not draft.reviews.exists()


def test_district_signs_a_contract_with_milestones_and_pays(as_user, district_admin, draft, organization):
    make_budget()
    Project.objects.filter(pk=draft.pk).update(status=S.APPROVED, approved_amount=Decimal("40000"))
    client = as_user(district_admin)
    today = timezone.localdate()
    data = {
        "contract-number": "YL-2026-001", "contract-organization": organization.pk, "contract-amount": "40000",
        "contract-starts_on": today, "contract-ends_on": today + timedelta(days=180), "contract-signed_on": today,
        "contract-milestone_1": "中期评估", "contract-milestone_1_due": today + timedelta(days=90),
        "contract-milestone_1_amount": "20000",
        "contract-milestone_2": "结项", "contract-milestone_2_due": today + timedelta(days=180),
        "contract-milestone_2_amount": "12000", "contract-final_share_percent": "20",
    }  # fmt: skip
    assert client.post(url("contract_sign", draft.pk), data).status_code == 302
    contract = Contract.objects.get(project=draft)
    assert [(m.title, m.amount) for m in contract.milestones.all()] == [("中期评估", 20000), ("结项", 12000)]
    assert (contract.final_share_percent, Project.objects.get(pk=draft.pk).status) == (20, S.CONTRACTED)
    milestone = contract.milestones.first()
    client.post(url("milestone_complete", draft.pk, milestone.pk), {"milestone-completed_on": today})
    response = client.post(
        url("payment_record", draft.pk), {"payment-amount": "50000", "payment-paid_on": today}
    )
    assert response.status_code == 400 and response.context["payment_form"].errors["amount"]
    response = client.post(
        url("payment_record", draft.pk), {"payment-amount": "20000", "payment-paid_on": today}
    )
    assert response.status_code == 302
    page = client.get(url("project_detail", draft.pk))
    assert page.context["money"].paid == Decimal("20000")
    money = page.context["money"]
    assert (money.due, money.awaiting_milestones, money.held_back) == (0, 12000, 8000)


def test_a_contract_milestone_without_a_date_is_an_error(as_user, district_admin, draft, organization):
    Project.objects.filter(pk=draft.pk).update(status=S.APPROVED, approved_amount=Decimal("40000"))
    response = as_user(district_admin).post(
        url("contract_sign", draft.pk), {"contract-number": "X", "contract-milestone_1": "中期"}
    )
    assert response.status_code == 400
    assert response.context["contract_form"].errors["milestone_1_due"]


# Organizations, calls and applications


def test_a_bad_credit_code_is_shown_on_its_field(as_user, district_admin):
    response = as_user(district_admin).post(
        url("organization_create"), {"name": "新机构", "credit_code": "91350100M000100Y44", "kind": "community",
                                     "registration": "registered"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"]
    assert not SocialOrganization.objects.filter(name="新机构").exists()


def test_district_admin_registers_an_organization(as_user, district_admin):
    response = as_user(district_admin).post(
        url("organization_create"),
        {"name": "新机构", "credit_code": CREDIT_CODES[1], "kind": "institution", "registration": "registered",
         "service_areas": ["elderly", "youth"]},
    )  # fmt: skip
    organization = SocialOrganization.objects.get(name="新机构")
    assert response.status_code == 302 and response.url == organization.get_absolute_url()
    assert organization.service_areas == ["youth", "elderly"]  # in the order of the list of areas


def test_district_admin_opens_a_call_that_closes_before_it_opens_is_refused(as_user, district_admin):
    response = as_user(district_admin).post(
        url("call_create"),
        {"year": 2026, "kind": "micro", "title": "倒置", "budget_ceiling": "1000", "opens_on": "2026-05-01",
         "closes_on": "2026-04-01", "min_applications_per_community": 0},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors


def application_data(call, community, **fields):
    data = {
        "call": call.pk, "title": "关爱空巢老人", "service_area": "elderly", "community": community.pk,
        "beneficiaries": "空巢老人", "beneficiary_count": 40, "summary": "",
        "lines-TOTAL_FORMS": 3, "lines-INITIAL_FORMS": 0, "lines-MIN_NUM_FORMS": 0, "lines-MAX_NUM_FORMS": 1000,
        "lines-0-item": "活动物资", "lines-0-amount": "12000", "lines-1-item": "专家督导", "lines-1-amount": "8000",
    }  # fmt: skip
    data.update(fields)
    return data


def test_organization_staff_apply_for_their_own_organization(as_user, staff, organization, call, network):
    other = make_organization("另一家机构")
    client = as_user(staff)
    form = client.get(url("application_create")).context["form"]
    assert form.fields["organization"].disabled
    plan = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client.post(
        url("application_create"),
        application_data(call, network.community_a, organization=other.pk, plan_document=plan),
    )
    project = Project.objects.get(title="关爱空巢老人")
    assert response.status_code == 302
    assert project.organization == organization  # the field is fixed, whatever is posted
    assert project.requested_amount == Decimal("20000")
    assert [line.item for line in project.budget_lines.all()] == ["活动物资", "专家督导"]
    assert project.plan_document.name.endswith(".pdf")


def test_an_application_needs_a_budget_line_and_an_allowed_document(as_user, staff, call, network):
    client = as_user(staff)
    data = application_data(call, network.community_a, **{"lines-0-item": "", "lines-0-amount": "",
                                                          "lines-1-item": "", "lines-1-amount": ""})  # fmt: skip
    response = client.post(url("application_create"), data)
    assert response.status_code == 400 and response.context["lines"].non_form_errors()
    exe = SimpleUploadedFile("plan.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        url("application_create"), application_data(call, network.community_a, plan_document=exe)
    )
    assert response.context["form"].errors["plan_document"]
    big = SimpleUploadedFile("plan.pdf", b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    response = client.post(
        url("application_create"), application_data(call, network.community_a, plan_document=big)
    )
    assert response.context["form"].errors["plan_document"]
    assert not Project.objects.exists()


def test_an_application_above_the_ceiling_is_refused_with_the_services_message(as_user, staff, network):
    call = make_call(ceiling="10000")
    response = as_user(staff).post(url("application_create"), application_data(call, network.community_a))
    assert response.status_code == 400
    assert "ceiling" in " ".join(response.context["form"].non_field_errors())


def test_organization_staff_edit_their_draft_but_not_a_submitted_one(as_user, staff, draft, call, network):
    client = as_user(staff)
    page = client.get(url("application_update", draft.pk))
    assert page.status_code == 200 and page.context["lines"].initial == [
        {"item": "活动物资", "amount": Decimal("50000")}
    ]
    data = application_data(call, network.community_a, **{"lines-INITIAL_FORMS": 0})
    assert client.post(url("application_update", draft.pk), data).status_code == 302
    Project.objects.filter(pk=draft.pk).update(status=S.SUBMITTED)
    assert client.get(url("application_update", draft.pk)).status_code == 403
    assert client.post(url("application_update", draft.pk), data).status_code == 403


def test_a_station_manager_may_not_edit_an_application(as_user, station_manager, draft):
    assert as_user(station_manager).get(url("application_update", draft.pk)).status_code == 403


def test_services_used_by_the_pages_accept_the_forms_values(district_admin, draft):
    # A guard on the page's contract with the service: the review form's fields are its arguments.
    Project.objects.filter(pk=draft.pk).update(status=S.UNDER_REVIEW)
    draft.refresh_from_db()
    review = services.review_record(actor=district_admin, project=draft, score=Decimal("90"), comment="")
    assert review.score == Decimal("90")


# Query counts


def test_list_pages_make_a_bounded_number_of_queries(
    as_user, district_admin, network, call, django_assert_max_num_queries
):
    for i in range(12):
        organization = make_organization(f"机构{i}")
        project = make_project(
            call=call, community=network.community_a, created_by=district_admin, organization=organization
        )
        make_call(title=f"征集{i}")
        make_contract(project, organization)
    client = as_user(district_admin)
    for name in ("project_list", "organization_list", "call_list"):
        with django_assert_max_num_queries(15):
            assert client.get(url(name)).status_code == 200
    with django_assert_max_num_queries(35):  # three queries per table, whatever the number of projects
        assert client.get(url("overview")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(url("call_detail", call.pk)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(url("organization_detail", organization.pk)).status_code == 200


def test_the_project_page_makes_a_bounded_number_of_queries(
    as_user, district_admin, running, django_assert_max_num_queries
):
    client = as_user(district_admin)
    with django_assert_max_num_queries(35):
        assert client.get(url("project_detail", running.pk)).status_code == 200


def test_a_user_without_an_organization_applies_only_with_the_right(as_user, social_worker):
    assert as_user(social_worker).get(url("application_create")).status_code == 403
    make_user("plain")  # nobody else is affected


def test_district_runs_a_procurement_awards_a_bid_and_the_contract_form_takes_the_winner(
    as_user, district_admin, draft, organization
):
    Project.objects.filter(pk=draft.pk).update(status=S.APPROVED, approved_amount=Decimal("40000"))
    other = make_organization("彩虹社工")
    client = as_user(district_admin)
    opened = client.post(url("procurement_open", draft.pk), {"procurement-method": "public_selection"})
    assert opened.status_code == 302
    for bidder, price in ((organization, "39000"), (other, "36000")):
        data = {"bid-organization": bidder.pk, "bid-price": price, "bid-score": "90"}
        assert client.post(url("bid_record", draft.pk), data).status_code == 302
    bid = draft.procurement.bids.get(organization=other)
    assert client.post(url("bid_award", draft.pk, bid.pk), follow=True).status_code == 200
    page = client.get(url("project_detail", draft.pk))
    assert page.context["awarded"] == bid and page.context["bid_form"] is None
    assert page.context["contract_form"].initial["organization"] == other.pk


def test_visits_milestones_reports_and_honours_on_a_running_project(as_user, district_admin, staff, running):
    client = as_user(district_admin)
    today = timezone.localdate()
    visit = {
        "visit-visited_on": today,
        "visit-inspector": "督导组",
        "visit-findings": "台账齐全",
        "visit-rating": "good",
    }
    assert client.post(url("supervision_visit_record", running.pk), visit).status_code == 302
    milestone = running.contract.milestones.get(completed_on=None)
    client.post(url("milestone_complete", running.pk, milestone.pk), {"milestone-completed_on": today})
    milestone.refresh_from_db()
    assert milestone.completed_on == today
    report = SimpleUploadedFile("report.docx", minimal_docx(), content_type="application/octet-stream")
    data = {"progress-period": "第二季度", "progress-content": "开展活动", "progress-attachment": report}
    assert as_user(staff).post(url("progress_report_submit", running.pk), data).status_code == 302
    honour = {"honour-name": "一社区一品牌", "honour-year": today.year}
    assert client.post(url("honour_add", running.pk), honour).status_code == 403  # not completed yet
    Project.objects.filter(pk=running.pk).update(status=S.COMPLETED)
    assert client.post(url("honour_add", running.pk), honour).status_code == 302
    html = client.get(url("project_detail", running.pk)).content.decode()
    assert "台账齐全" in html and "第二季度" in html and "一社区一品牌" in html


def test_only_district_wide_people_see_the_districts_budget_figures(as_user, station_manager, staff, running):
    for user in (station_manager, staff):
        page = as_user(user).get(url("overview"))
        assert page.context["money"] is None and 'id="budget"' not in page.content.decode()


def minimal_docx() -> bytes:
    """The smallest ZIP a Word upload's content check accepts."""
    import io
    import zipfile

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return output.getvalue()


def test_a_station_sees_the_applicant_named_but_not_linked_to_a_page_it_cannot_open(
    as_user, call, network, district_admin, station_manager, organization
):
    """Found in Chinese as the demo's station: a project's applicant linked to the organization's
    page, which answered 404 (a station sees the projects of its place, not the organizations)."""
    from tests.projects.factories import make_project

    project = make_project(
        call=call, community=network.community_a, created_by=district_admin, organization=organization,
        status="in_progress", approved="40000",
    )  # fmt: skip
    client = as_user(station_manager)
    html = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert organization.name in html
    organization_page = reverse("projects:organization_detail", args=[organization.pk])
    assert client.get(organization_page).status_code == 404
    assert f'href="{organization_page}"' not in html
    admin_html = (
        as_user(district_admin).get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    )
    assert f'href="{organization_page}"' in admin_html
