"""Expert review panels: setting one up, conflicts of interest, scores and their revisions, the
figures the district decides on, and who reaches what (services, selectors, pages, API, PDF)."""

import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from projects.models import ConflictDeclaration, Project, Review, ReviewRevision
from projects.selectors import panels as selectors
from projects.services import panels as services
from socialwork.actions import ActionNotAllowed
from socialwork.models import AuditEntry, Notification
from socialwork.roles import Role
from tests.factories import make_user
from tests.projects.factories import make_call, make_organization, make_project

S = Project.Status


@pytest.fixture
def experts(network):
    return [
        make_user(f"expert{n}", Role.REVIEWER, region=network.district, full_name=name)
        for n, name in enumerate(["钱文", "赵敏", "周强"], start=1)
    ]


@pytest.fixture
def applications(network, call, organization, district_admin):
    other = make_organization("启航社工事务所")
    return [
        make_project(
            call=call, community=network.community_a, created_by=district_admin, organization=organization,
            status=S.UNDER_REVIEW, title="关爱留守儿童", summary="为留守儿童提供课后陪伴。",
            plan_document=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"),
        ),
        make_project(
            call=call, community=network.community_b, created_by=district_admin, organization=other,
            status=S.UNDER_REVIEW, title="长者助餐",
        ),
    ]  # fmt: skip


@pytest.fixture
def panel(district_admin, call, experts, applications):
    return services.panel_save(
        actor=district_admin, call=call, name="微创投评审组", threshold=60, members=experts,
        applications=applications,
    )  # fmt: skip


def declare(panel, project, user, conflict=False, reason=""):
    return services.conflict_declare(
        actor=user, panel=panel, project=project, has_conflict=conflict, reason=reason
    )


def score(panel, project, user, value, comment="", reason=""):
    return services.review_score(
        actor=user, panel=panel, project=project, score=value, comment=comment, reason=reason
    )


def result_of(panel, project):
    return selectors.application_results(panel=panel, projects=[project])[0]


# Setting up


def test_a_panel_has_reviewers_and_applications_and_tells_its_members(panel, experts, applications):
    assert set(panel.members.all()) == set(experts)
    assert set(panel.applications.all()) == set(applications)
    for expert in experts:
        note = Notification.objects.get(user=expert, kind="projects_panel_member_added")
        assert "微创投评审组" in note.title and "2" in note.title
    assert AuditEntry.objects.filter(action="panel.create").count() == 1
    assert AuditEntry.objects.filter(action="panel.application_add").count() == 2


def test_only_reviewers_and_district_staff_sit_on_a_panel(
    district_admin, call, applications, station_manager
):
    with pytest.raises(ValidationError) as error:
        services.panel_save(
            actor=district_admin, call=call, name="组", members=[station_manager], applications=applications
        )
    assert "members" in error.value.message_dict
    made = services.panel_save(
        actor=district_admin, call=call, name="组", members=[district_admin], applications=applications
    )
    assert list(made.members.all()) == [district_admin]


def test_a_panel_reviews_only_its_calls_submitted_or_under_review_applications(
    district_admin, call, experts, applications, network
):
    draft = make_project(call=call, community=network.community_a, created_by=district_admin)
    elsewhere = make_project(
        call=make_call(), community=network.community_a, created_by=district_admin, status=S.SUBMITTED
    )
    for project in (draft, elsewhere):
        with pytest.raises(ValidationError) as error:
            services.panel_save(
                actor=district_admin, call=call, name="组", members=experts, applications=[project]
            )
        assert "applications" in error.value.message_dict


def test_only_the_district_sets_up_panels(call, experts, applications):
    with pytest.raises(ValidationError):
        services.panel_save(
            actor=experts[0], call=call, name="组", members=experts, applications=applications
        )


def test_a_member_who_declared_stays_on_the_panel(panel, district_admin, call, experts, applications):
    declare(panel, applications[0], experts[0])
    with pytest.raises(ValidationError):
        services.panel_save(
            actor=district_admin, panel=panel, call=call, name=panel.name, members=experts[1:],
            applications=applications,
        )  # fmt: skip


# Conflicts of interest


def test_a_reviewer_declares_before_scoring(panel, experts, applications):
    with pytest.raises(ActionNotAllowed):
        score(panel, applications[0], experts[0], 80)
    declare(panel, applications[0], experts[0])
    assert score(panel, applications[0], experts[0], 80).score == Decimal(80)


def test_a_declared_conflict_removes_the_reviewer_and_excludes_their_score(
    panel, experts, applications, district_admin
):
    project = applications[0]
    for expert, value in zip(experts, (90, 70, 20), strict=True):
        declare(panel, project, expert)
        score(panel, project, expert, value)
    assert result_of(panel, project).average == Decimal(60)
    # The third reviewer finds they work with the applying organization: they withdraw.
    declare(panel, project, experts[2], conflict=True, reason="本人在申报机构兼职督导")
    result = result_of(panel, project)
    assert result.scores == [Decimal(90), Decimal(70)] and result.average == Decimal(80)
    assert [row.reviewer for row in result.conflicts] == [experts[2]]
    assert result.conflicts[0].declaration.reason == "本人在申报机构兼职督导"
    with pytest.raises(ActionNotAllowed):
        score(panel, project, experts[2], 95, reason="再评")
    with pytest.raises(ActionNotAllowed):  # a withdrawal is final
        declare(panel, project, experts[2])
    note = Notification.objects.get(user=district_admin, kind="projects_panel_conflict_declared")
    assert "周强" in note.title and note.body == "本人在申报机构兼职督导"
    assert AuditEntry.objects.filter(action="panel.conflict_declared").count() == 1


def test_a_conflict_needs_its_reason(panel, experts, applications):
    with pytest.raises(ValidationError) as error:
        declare(panel, applications[0], experts[0], conflict=True, reason=" ")
    assert "reason" in error.value.message_dict
    assert not ConflictDeclaration.objects.exists()


def test_no_conflict_is_declared_once(panel, experts, applications):
    declare(panel, applications[0], experts[0])
    with pytest.raises(ValidationError):
        declare(panel, applications[0], experts[0])


def test_only_members_declare(panel, applications, district_admin):
    with pytest.raises(ValidationError):
        declare(panel, applications[0], district_admin)


# Scores and their revisions


def test_a_second_score_needs_a_reason_and_keeps_the_first(panel, experts, applications):
    project, expert = applications[0], experts[0]
    declare(panel, project, expert)
    score(panel, project, expert, 70, comment="目标不够具体")
    with pytest.raises(ValidationError) as error:
        score(panel, project, expert, 85)
    assert "reason" in error.value.message_dict
    review = score(panel, project, expert, 85, comment="补充材料后目标清楚", reason="看了补充的计划书")
    assert review.score == Decimal(85) and Review.objects.filter(project=project).count() == 1
    revision = ReviewRevision.objects.get(review=review)
    assert (revision.previous_score, revision.score) == (Decimal(70), Decimal(85))
    assert revision.previous_comment == "目标不够具体" and revision.comment == "补充材料后目标清楚"
    assert revision.reason == "看了补充的计划书" and revision.revised_by == expert and revision.revised_at
    entry = AuditEntry.objects.get(action="review.update")
    assert "70" in entry.summary and "85" in entry.summary


@pytest.mark.parametrize("value", ["-1", "100.5", "abc", "NaN"])
def test_a_score_lies_between_0_and_100(panel, experts, applications, value):
    declare(panel, applications[0], experts[0])
    with pytest.raises(ValidationError):
        score(panel, applications[0], experts[0], value)


def test_scoring_waits_for_the_review_to_start(district_admin, call, experts, network, organization):
    submitted = make_project(
        call=call, community=network.community_a, created_by=district_admin, status=S.SUBMITTED
    )
    panel = services.panel_save(
        actor=district_admin, call=call, name="组", members=experts, applications=[submitted]
    )
    declare(panel, submitted, experts[0])  # declaring may come first
    with pytest.raises(ActionNotAllowed):
        score(panel, submitted, experts[0], 80)


# Figures


def test_average_spread_deviation_and_recommendation(panel, experts, applications):
    project = applications[1]
    assert result_of(panel, project).recommended is None
    for expert, value in zip(experts, ("58", "61.5", "72"), strict=True):
        declare(panel, project, expert)
        score(panel, project, expert, value)
    result = result_of(panel, project)
    assert result.average == Decimal("63.8")  # 191.5 / 3
    assert (result.lowest, result.highest, result.spread) == (Decimal(58), Decimal(72), Decimal(14))
    assert result.deviation == Decimal("5.9")
    assert result.recommended is True and str(result.recommendation) == "Recommended"


def test_the_threshold_decides_the_recommendation(panel, experts, applications, district_admin, call):
    project = applications[0]
    for expert in experts[:2]:
        declare(panel, project, expert)
        score(panel, project, expert, 60)
    result = result_of(panel, project)
    # The third has yet to score: the panel recommends nothing on part of its scores.
    assert result.recommended is None and "1 of 3 reviewers yet to score" in result.recommendation
    declare(panel, project, experts[2], conflict=True, reason="曾在申报机构任职")
    assert result_of(panel, project).recommended is True  # the average reaches 60: recommended
    panel = services.panel_save(
        actor=district_admin, panel=panel, call=call, name=panel.name, threshold="60.5", members=experts,
        applications=applications,
    )  # fmt: skip
    assert result_of(panel, project).recommended is False


def test_results_cost_the_same_queries_for_many_applications(
    panel, experts, applications, django_assert_max_num_queries
):
    for project in applications:
        for expert in experts:
            declare(panel, project, expert)
            score(panel, project, expert, 75)
    with django_assert_max_num_queries(4):
        results = selectors.application_results(panel=panel, projects=applications)
        assert [len(r.scores) for r in results] == [3, 3]
        assert all(row.revisions == [] for r in results for row in r.rows)


# The district's own review, outside a panel


def test_the_districts_own_review_keeps_working_and_its_change_needs_a_reason(district_admin, applications):
    from projects import services as project_services

    project = applications[0]
    project_services.review_record(actor=district_admin, project=project, score=70)
    with pytest.raises(ValidationError):
        project_services.review_record(actor=district_admin, project=project, score=80)
    review = project_services.review_record(actor=district_admin, project=project, score=80, reason="复核")
    assert review.panel is None and review.revisions.get().previous_score == Decimal(70)


# Scoping: an expert reviewer reaches their panels' applications and nothing else


def test_a_reviewer_sees_only_their_panels(panel, experts, district_admin, call, applications, network):
    outsider = make_user("expert9", Role.REVIEWER, region=network.district)
    assert list(selectors.panels_visible_to(user=experts[0])) == [panel]
    assert not selectors.panels_visible_to(user=outsider).exists()
    assert set(selectors.applications_of_member(user=experts[0])) == set(applications)
    assert not selectors.applications_of_member(user=outsider).exists()
    from projects.selectors import documents_visible_to, projects_visible_to

    assert not projects_visible_to(user=experts[0]).exists()  # lists, search, exports, admin: nothing
    assert set(documents_visible_to(user=experts[0], kind="plan")) == set(applications)
    assert not documents_visible_to(user=outsider, kind="plan").exists()
    assert not documents_visible_to(user=experts[0], kind="contract").exists()


# Pages


def test_the_reviewer_reads_the_application_declares_and_scores_on_its_page(
    as_user, panel, experts, applications, organization
):
    client, project = as_user(experts[0]), applications[0]
    url = reverse("projects:panel_application", args=[panel.pk, project.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "为留守儿童提供课后陪伴" in text and "活动物资" in text and organization.name in text
    assert 'data-action="declare"' in text and 'data-action="score"' not in text
    plan = client.get(reverse("projects:project_document", args=["plan", project.pk]))
    assert plan.status_code == 200
    response = client.post(
        reverse("projects:panel_declare", args=[panel.pk, project.pk]), {"declare-conflict": "yes"}
    )
    assert response.status_code == 400  # a conflict without its reason
    client.post(reverse("projects:panel_declare", args=[panel.pk, project.pk]), {"declare-conflict": "no"})
    text = client.get(url).content.decode()
    assert 'data-action="score"' in text
    client.post(
        reverse("projects:panel_score", args=[panel.pk, project.pk]),
        {"score-score": "78", "score-comment": "可行"},
    )
    assert Review.objects.get(reviewer=experts[0]).score == Decimal(78)
    response = client.post(
        reverse("projects:panel_score", args=[panel.pk, project.pk]), {"score-score": "82"}
    )
    assert response.status_code == 400 and Review.objects.get(reviewer=experts[0]).score == Decimal(78)
    client.post(
        reverse("projects:panel_score", args=[panel.pk, project.pk]),
        {"score-score": "82", "score-reason": "复核预算"},
    )
    text = client.get(url).content.decode()
    assert 'id="revisions"' in text and "复核预算" in text and "78" in text


def test_a_reviewer_sees_no_other_reviewers_scores_and_no_decision_pack(
    as_user, panel, experts, applications
):
    project = applications[0]
    for expert, value in zip(experts[:2], ("91.5", "36.5"), strict=True):
        declare(panel, project, expert)
        score(panel, project, expert, value)
    client = as_user(experts[0])
    text = client.get(reverse("projects:panel_detail", args=[panel.pk])).content.decode()
    assert "91.5" in text and "36.5" not in text
    text = client.get(reverse("projects:panel_application", args=[panel.pk, project.pk])).content.decode()
    assert "36.5" not in text and "赵敏" not in text
    assert client.get(reverse("projects:panel_pack", args=[panel.pk, project.pk])).status_code == 403
    assert client.get(reverse("projects:panel_pack_all", args=[panel.pk])).status_code == 403


def test_a_reviewer_outside_the_panel_reaches_nothing(as_user, panel, applications, network):
    outsider = as_user(make_user("expert9", Role.REVIEWER, region=network.district))
    project = applications[0]
    for url in (
        reverse("projects:panel_detail", args=[panel.pk]),
        reverse("projects:panel_application", args=[panel.pk, project.pk]),
        reverse("projects:project_document", args=["plan", project.pk]),
        reverse("projects:project_detail", args=[project.pk]),
    ):
        assert outsider.get(url).status_code == 404, url
    assert panel.name not in outsider.get(reverse("projects:panel_list")).content.decode()


def test_the_district_sees_every_score_the_figures_and_decides(
    as_user, panel, experts, applications, district_admin
):
    project = applications[0]
    for expert, value in zip(experts, (80, 64, 50), strict=True):
        declare(panel, project, expert)
        score(panel, project, expert, value, comment=f"意见{value}")
    declare(panel, project, experts[2], conflict=True, reason="亲属在申报机构任职")
    client = as_user(district_admin)
    text = client.get(reverse("projects:panel_detail", args=[panel.pk])).content.decode()
    assert "意见80" in text and "意见64" in text and "亲属在申报机构任职" in text
    assert '<dd class="average">72.0</dd>' in text and '<dd class="spread">16.0</dd>' in text
    text = client.get(project.get_absolute_url()).content.decode()
    assert (
        "微创投评审组" in text and '<dd class="average">72.0</dd>' in text and 'data-action="decide"' in text
    )


def test_the_panel_pages_cost_few_queries(
    as_user, panel, experts, applications, district_admin, django_assert_max_num_queries
):
    for project in applications:
        for expert in experts:
            declare(panel, project, expert)
            score(panel, project, expert, 70)
    client, reviewer = as_user(district_admin), as_user(experts[0])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("projects:panel_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("projects:panel_detail", args=[panel.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert reviewer.get(reverse("projects:panel_detail", args=[panel.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert reviewer.get(reverse("projects:panel_list")).status_code == 200


def test_the_district_sets_up_a_panel_on_its_page(as_user, district_admin, call, experts, applications):
    client = as_user(district_admin)
    assert client.get(reverse("projects:panel_create")).status_code == 200
    response = client.post(
        reverse("projects:panel_create"),
        {
            "name": "评审组", "call": call.pk, "threshold": "65",
            "members": [e.pk for e in experts], "applications": [p.pk for p in applications],
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert as_user(experts[0]).get(reverse("projects:panel_create")).status_code == 403


# API


def test_the_api_sets_up_declares_scores_and_reports(api, district_admin, call, experts, applications):
    client = api(district_admin)
    assert district_admin.has_perm("projects.add_reviewpanel")
    made = client.post(
        "/api/v1/review-panels/",
        {"name": "评审组", "call": call.pk, "threshold": "60", "members": [e.pk for e in experts],
         "applications": [p.pk for p in applications]},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    pk, project = made.json()["id"], applications[0].pk
    reviewer = api(experts[0])
    assert reviewer.get("/api/v1/review-panels/").json()["count"] == 1
    refused = reviewer.post(
        f"/api/v1/review-panels/{pk}/score/", {"project": project, "score": "80"}, format="json"
    )
    assert refused.status_code == 403
    declared = reviewer.post(
        f"/api/v1/review-panels/{pk}/declare/", {"project": project, "has_conflict": False}, format="json"
    )
    assert declared.status_code == 201, declared.content
    scored = reviewer.post(
        f"/api/v1/review-panels/{pk}/score/",
        {"project": project, "score": "80", "comment": "好"},
        format="json",
    )
    assert scored.status_code == 201
    again = reviewer.post(
        f"/api/v1/review-panels/{pk}/score/", {"project": project, "score": "90"}, format="json"
    )
    assert again.status_code == 400 and "reason" in again.json()
    again = reviewer.post(
        f"/api/v1/review-panels/{pk}/score/",
        {"project": project, "score": "90", "reason": "复核"},
        format="json",
    )
    assert again.status_code == 201 and again.json()["revisions"][0]["previous_score"] == "80.0"
    results = client.get(f"/api/v1/review-panels/{pk}/results/").json()
    first = next(r for r in results if r["project"] == project)
    # One reviewer of several has scored: no recommendation until the panel has.
    assert first["average"] == "90.0" and first["recommended"] is None
    mine = reviewer.get(f"/api/v1/review-panels/{pk}/results/").json()
    assert all(len(r["rows"]) == 1 for r in mine)
    assert reviewer.get("/api/v1/projects/").json()["count"] == 0
    assert (
        api(experts[1])
        .post(
            "/api/v1/review-panels/",
            {"name": "x", "call": call.pk, "members": [], "applications": []},
            format="json",
        )
        .status_code
        == 403
    )


def test_the_api_refuses_a_reviewer_outside_the_panel(api, panel, applications, network):
    outsider = api(make_user("expert9", Role.REVIEWER, region=network.district))
    body = {"project": applications[0].pk, "has_conflict": False}
    assert outsider.post(f"/api/v1/review-panels/{panel.pk}/declare/", body, format="json").status_code == 404
    assert outsider.get(f"/api/v1/review-panels/{panel.pk}/results/").status_code == 404


# The decision pack


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_decision_pack_holds_the_summary_budget_scores_conflicts_figures_and_recommendation(
    as_user, panel, experts, applications, district_admin
):
    project = applications[0]
    for expert, value in zip(experts, (82, 68, 40), strict=True):
        declare(panel, project, expert)
        score(panel, project, expert, value, comment=f"评语{value}")
    score(panel, project, experts[1], 74, comment="评语74", reason="预算合理")
    declare(panel, project, experts[2], conflict=True, reason="曾在申报机构任职")
    response = as_user(district_admin).get(reverse("projects:panel_pack", args=[panel.pk, project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ("关爱留守儿童", "为留守儿童提供课后陪伴", "活动物资", "评语82", "评语74", "预算合理",
                     "曾在申报机构任职", "78.0", "Recommended", "Withdrawn", "钱文", "赵敏", "周强"):  # fmt: skip
        assert expected in text, expected
    assert AuditEntry.objects.filter(action="panel.pack_download").exists()
    whole = as_user(district_admin).get(reverse("projects:panel_pack_all", args=[panel.pk]))
    assert "长者助餐" in pdf_text(whole.content)


# Timeline


def test_the_panel_steps_stand_on_the_projects_timeline(
    as_user, panel, experts, applications, district_admin
):
    project = applications[0]
    declare(panel, project, experts[0])
    score(panel, project, experts[0], 70)
    score(panel, project, experts[0], 75, reason="复核")
    declare(panel, project, experts[1], conflict=True, reason="利益相关")
    text = as_user(district_admin).get(project.get_absolute_url()).content.decode()
    for kind in ("panel", "declaration", "review", "review_revision"):
        assert f'data-event="{kind}"' in text, kind
    assert "利益相关" in text and "复核" in text
