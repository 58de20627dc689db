"""An expert review panel in the browser, in Chinese: the expert reviewer sees only their panel's
applications, declares no conflict of interest on one and a conflict on another, scores, and
changes a score with a reason; the district sees the average and spread and downloads the
decision pack."""

import os
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from projects.models import ConflictDeclaration, Project, Review, ReviewRevision
from projects.services import panels
from socialwork.roles import Role
from tests.factories import make_user
from tests.projects.factories import make_call, make_organization, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Project.Status
SHOTS = Path(os.environ.get("PANELS_SHOTS", "/work/wt/shots/panels"))


def test_an_expert_declares_scores_and_revises_and_the_district_downloads_the_decision_pack(
    live_server, page, log_in, screenshot, settings, network, district_admin
):
    settings.LANGUAGE_CODE = "zh-hans"
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name):
        screenshot(name)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    call = make_call(title="2026年社区公益微项目")
    sunshine, qihang = make_organization("阳光社工服务中心"), make_organization("启航社工事务所")
    expert = make_user("expert", Role.REVIEWER, region=network.district, full_name="钱文")
    others = [
        make_user(f"expert{n}", Role.REVIEWER, region=network.district, full_name=name)
        for n, name in ((2, "孙立平"), (3, "李红梅"))
    ]
    children, elderly = (
        make_project(
            call=call, community=network.community_a, created_by=district_admin, organization=organization,
            status=S.UNDER_REVIEW, title=title, summary=summary,
        )
        for title, organization, summary in (
            ("留守儿童四点半课堂", sunshine, "放学后为留守儿童提供作业辅导和阅读陪伴。"),
            ("独居老人助餐服务", qihang, "为独居老人配送午餐并每周探访。"),
        )
    )  # fmt: skip
    elsewhere = make_project(
        call=call, community=network.community_b, created_by=district_admin, status=S.UNDER_REVIEW,
        title="不在评审组的申报",
    )  # fmt: skip
    panel = panels.panel_save(
        actor=district_admin, call=call, name="微项目专家评审组", members=[expert, *others],
        applications=[children, elderly],
    )  # fmt: skip
    for reviewer, value in zip(others, (82, 70), strict=True):
        panels.conflict_declare(actor=reviewer, panel=panel, project=children, has_conflict=False)
        panels.review_score(
            actor=reviewer, panel=panel, project=children, score=value, comment=f"意见{value}"
        )

    def submit(form):
        with page.expect_navigation():
            page.click(f"{form} button[type=submit]")

    # The expert sees their panel and its two applications, and nothing else.
    log_in("expert", "pass-word-42")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    nav = page.locator("header nav").inner_text()
    assert "服务网络" not in nav
    page.goto(f"{live_server.url}/projects/panels/")
    shot("1-expert-panels")
    page.click(f"text={panel.name}")
    text = page.locator("main").inner_text()
    assert "留守儿童四点半课堂" in text and "独居老人助餐服务" in text and "不在评审组的申报" not in text
    assert "意见82" not in text  # another reviewer's score is not theirs to read
    shot("2-expert-panel")
    page.goto(f"{live_server.url}/projects/")
    assert "留守儿童四点半课堂" not in page.locator("main").inner_text()
    assert page.goto(f"{live_server.url}/projects/{elsewhere.pk}/").status == 404

    # No conflict with the children's application: declared, then scored.
    page.goto(f"{live_server.url}/projects/panels/{panel.pk}/applications/{children.pk}/")
    assert "放学后为留守儿童提供作业辅导" in page.locator("#application").inner_text()
    assert "阳光社工服务中心" in page.locator("#organization").inner_text()
    page.check("#declare-form input[value=no]")
    submit("#declare-form")
    page.fill("#id_score-score", "78")
    page.fill("#id_score-comment", "需求清楚，安全教育部分可加强。")
    shot("3-expert-scores")
    submit("#score-form")
    assert page.locator("#my-score").inner_text().startswith("78")

    # A conflict with the elderly application: the expert withdraws, saying why.
    page.goto(f"{live_server.url}/projects/panels/{panel.pk}/applications/{elderly.pk}/")
    page.check("#declare-form input[value=yes]")
    page.fill("#id_declare-reason", "本人在启航社工事务所兼职督导")
    submit("#declare-form")
    assert "本人在启航社工事务所兼职督导" in page.locator("#withdrawn").inner_text()
    expect(page.locator("#score-form")).to_have_count(0)
    shot("4-expert-withdraws")

    # The expert changes the first score: only with a reason, kept on the record.
    page.goto(f"{live_server.url}/projects/panels/{panel.pk}/applications/{children.pk}/")
    page.fill("#id_score-score", "84")
    submit("#score-form")
    expect(page.locator("#score-form .has-error")).not_to_have_count(0)  # the reason is required
    page.fill("#id_score-score", "84")
    page.fill("#id_score-reason", "申报单位补充了安全教育计划")
    submit("#score-form")
    assert "申报单位补充了安全教育计划" in page.locator("#revisions").inner_text()
    shot("5-expert-revises")
    review = Review.objects.get(reviewer=expert)
    assert review.score == 84 and ReviewRevision.objects.get(review=review).previous_score == 78
    assert ConflictDeclaration.objects.get(reviewer=expert, project=elderly).has_conflict

    # The district sees every score, the average and spread, the withdrawal, and the pack.
    log_in("district")
    page.goto(f"{live_server.url}/projects/panels/{panel.pk}/")
    figures = page.locator(f"#figures-{children.pk}").inner_text()
    assert "78.7" in figures and "14.0" in figures  # (82 + 70 + 84) / 3; 84 − 70
    assert "本人在启航社工事务所兼职督导" in page.locator(f"#application-{elderly.pk}").inner_text()
    shot("6-district-results")
    page.goto(f"{live_server.url}/projects/{children.pk}/")
    expect(page.locator("#reviews .panel-summary")).to_have_count(1)
    shot("7-district-project")
    page.goto(f"{live_server.url}/projects/panels/{panel.pk}/")
    with page.expect_download() as download:
        page.click(f"#application-{children.pk} .pack-link")
    pack = SHOTS / "decision-pack.pdf"
    download.value.save_as(pack)
    text = subprocess.run(["pdftotext", "-layout", str(pack), "-"], capture_output=True, check=True).stdout
    assert "留守儿童四点半课堂".encode() in text and b"78.7" in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pack), str(SHOTS / "decision-pack")], check=True)
