"""The project's timeline tells every step, with who took it, when, and the amount or outcome."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from projects import services
from projects.models import Award, Bid, ContractAmendment, Procurement, Project
from projects.timeline import SOURCES
from socialwork.roles import Role
from tests.factories import make_user
from tests.projects.factories import make_budget, make_organization

S = Project.Status
TODAY = timezone.localdate()
ROW = re.compile(r'<tr data-event="([a-z_]+)"[^>]*>(.*?)</tr>', re.S)


def timeline_rows(html: str) -> list[tuple[str, list[str]]]:
    """(kind, [time, who, step, amount or outcome]) of each row of the page's timeline."""
    section = html[html.index('id="timeline-list"') :]
    return [
        (kind, [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)])
        for kind, row in ROW.findall(section)
    ]


@pytest.fixture
def completed(network, call, organization, other_organization):
    """A project taken from its application to an honour through the services, as people do: its
    first award rescinded for a reason, its contract amended by a supplementary agreement."""
    make_budget()
    district = make_user(
        "district_w", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district, full_name="王科长"
    )
    staff = make_user(
        "staff_l", Role.ORG_STAFF, region=network.district, organization=organization, full_name="李社工"
    )
    project = services.project_save(
        actor=staff, call=call, title="乐龄关爱", service_area="elderly", community=network.community_a,
        beneficiaries="空巢老人", budget_lines=[("活动物资", "40000")],
    )  # fmt: skip
    services.project_move(actor=staff, project=project, move="submit")
    services.project_move(actor=district, project=project, move="start_review")
    services.review_record(actor=district, project=project, score=88, comment="可行")
    services.project_decide(actor=district, project=project, approve=True, amount="38000")
    procurement = services.procurement_open(
        actor=district, project=project, method=Procurement.Method.PUBLIC_SELECTION
    )
    winner = services.bid_record(
        actor=district, procurement=procurement, organization=organization, price="36000"
    )
    first = services.bid_record(
        actor=district, procurement=procurement, organization=other_organization, price="37000"
    )
    services.bid_award(actor=district, bid=first)
    services.bid_award_rescind(actor=district, bid=first, reason="中标机构资质不符")
    services.bid_award(actor=district, bid=winner)
    contract = services.contract_sign(
        actor=district, project=project, number="YL-2026-009", organization=organization, amount="36000",
        starts_on=TODAY, ends_on=TODAY + timedelta(days=200), signed_on=TODAY,
        milestones=[("中期评估", TODAY + timedelta(days=90), "12000")],
    )  # fmt: skip
    services.project_move(actor=staff, project=project, move="start")
    services.contract_amend(
        actor=district, contract=contract, ends_on=TODAY + timedelta(days=260), reason="服务对象增加",
        signed_on=TODAY,
    )  # fmt: skip
    services.progress_report_submit(actor=staff, project=project, period="第一季度", content="探访20次")
    services.supervision_visit_record(
        actor=district,
        project=project,
        visited_on=TODAY,
        inspector="督导组",
        findings="台账齐全",
        rating="good",
    )
    services.milestone_complete(actor=staff, milestone=contract.milestones.get(), completed_on=TODAY)
    services.payment_record(actor=district, contract=contract, amount="12000", paid_on=TODAY)
    services.project_move(actor=staff, project=project, move="request_acceptance")
    services.acceptance_record(
        actor=district,
        project=project,
        evaluator="第三方评估机构",
        score=92,
        conclusion="pass",
        evaluated_on=TODAY,
    )
    services.honour_add(
        actor=district, project=project, name="一社区一品牌", awarded_by="市民政局", year=TODAY.year
    )
    return project, district


def test_the_timeline_shows_every_step_with_who_and_the_amount_or_outcome(as_user, completed):
    project, district = completed
    rows = timeline_rows(as_user(district).get(project.get_absolute_url()).content.decode())
    kinds = [kind for kind, _cells in rows]
    for kind in (
        "review", "procurement", "bid", "award", "award_rescinded", "contract", "amendment",
        "milestone_set", "milestone_completed", "payment", "progress_report", "supervision_visit",
        "acceptance", "honour",
    ):  # fmt: skip
        assert kind in kinds, kind
    assert kinds.count("transition") == 7 and kinds.count("bid") == 2 and kinds.count("award") == 2
    by_kind = dict(rows)
    # Who acted, on the record or, where the record keeps no one, from the audit log.
    assert all(cells[1] not in ("", "—") for _kind, cells in rows), rows
    assert by_kind["award"][1] == "王科长" and "¥36,000.00" in by_kind["award"][3]  # the award that stood
    # The first award, its rescission with who and why, and the supplementary agreement.
    first_award = rows[kinds.index("award")][1]
    assert "¥37,000.00" in first_award[3]
    rescinded = by_kind["award_rescinded"]
    assert rescinded[1] == "王科长" and rescinded[3] == "中标机构资质不符"
    amendment = by_kind["amendment"]
    assert amendment[1] == "王科长" and "服务对象增加" in amendment[3] and "¥36,000.00" in amendment[3]
    assert (TODAY + timedelta(days=260)).isoformat() in amendment[3]
    assert by_kind["contract"][1] == "王科长" and "¥36,000.00" in by_kind["contract"][3]
    assert by_kind["milestone_completed"][1] == "李社工"
    assert by_kind["payment"][1] == "王科长" and "¥12,000.00" in by_kind["payment"][3]
    assert by_kind["progress_report"][1] == "李社工"
    assert "Pass" in by_kind["acceptance"][3] and "92" in by_kind["acceptance"][3]
    assert by_kind["supervision_visit"][3] == "Good"
    assert "市民政局" in by_kind["honour"][3]
    # In the order the steps were taken: applied first, honoured last. (A milestone's completion
    # is timed by its audit row, stamped when its transaction began: here, the whole test's.)
    kinds.remove("milestone_completed")
    assert kinds[0] == "transition" and kinds[-1] == "honour"
    assert kinds.index("award") < kinds.index("award_rescinded") < len(kinds) - kinds[::-1].index("award") - 1
    assert kinds.index("award") < kinds.index("contract") < kinds.index("amendment") < kinds.index("payment")


def test_the_project_page_with_its_whole_timeline_makes_a_bounded_number_of_queries(
    as_user, completed, django_assert_max_num_queries
):
    project, district = completed
    client = as_user(district)
    # 30 for the project and its timeline; its evaluations, the applicant's past grades, its review
    # panels and the satisfaction figures of its cases six more.
    with django_assert_max_num_queries(36) as first:
        assert client.get(project.get_absolute_url()).status_code == 200
    # More awards, rescissions, agreements and payments cost no more queries.
    contract = project.contract
    for bid in Bid.objects.filter(procurement__project=project):
        Award.objects.create(
            bid=bid,
            awarded_by=district,
            rescinded_by=district,
            rescinded_at=timezone.now(),
            rescind_reason="复核",
        )
    for n in range(3):
        ContractAmendment.objects.create(
            contract=contract, amount=contract.amount, starts_on=contract.starts_on, ends_on=contract.ends_on,
            previous_amount=contract.amount, previous_starts_on=contract.starts_on,
            previous_ends_on=contract.ends_on, reason=f"调整{n}", signed_on=TODAY, recorded_by=district,
        )  # fmt: skip
        contract.payments.create(amount=1, paid_on=TODAY, recorded_by=district)
    with django_assert_max_num_queries(len(first)):
        assert client.get(project.get_absolute_url()).status_code == 200


def test_a_step_recorded_without_an_audit_row_still_shows_without_a_name(
    as_user, district_admin, running_project
):
    rows = timeline_rows(as_user(district_admin).get(running_project.get_absolute_url()).content.decode())
    contract = dict(rows)["contract"]
    assert contract[1] == "—" and "¥40,000.00" in contract[3]


def test_the_signing_keeps_the_amount_signed_after_a_supplementary_agreement_changes_it(
    as_user, district_admin, running_project
):
    contract = running_project.contract
    contract.amount = 36000
    contract.save()
    make_budget(year=contract.year)
    services.contract_amend(
        actor=district_admin, contract=contract, amount="40000", reason="服务对象增加", signed_on=TODAY
    )
    rows = timeline_rows(as_user(district_admin).get(running_project.get_absolute_url()).content.decode())
    by_kind = dict(rows)
    assert "¥36,000.00" in by_kind["contract"][3] and "¥40,000.00" not in by_kind["contract"][3]
    assert "¥40,000.00" in by_kind["amendment"][3]


def test_each_kind_of_record_is_one_source_of_the_timeline():
    # A new kind of step (an award rescinded, a supplementary agreement) is one more function here.
    names = {source.__name__ for source in SOURCES}
    assert names >= {
        "transitions", "reviews", "procurement_opened", "bids", "awards", "contract_signed", "milestones",
        "amendments", "progress_reports", "supervision_visits", "payments", "acceptances", "honours",
    }  # fmt: skip


@pytest.fixture
def running_project(network, call, organization, district_admin):
    """A running project whose records were made directly, not through the services."""
    from tests.projects.factories import make_contract, make_project

    project = make_project(
        call=call, community=network.community_a, created_by=district_admin, organization=organization,
        status=S.IN_PROGRESS, approved="40000",
    )  # fmt: skip
    make_contract(project, make_organization("提供方"), amount="40000")
    return project


def test_a_step_entered_late_stands_on_the_day_it_happened(as_user, network, call, organization):
    """Found in the browser: a contract signed a month before it was entered stood below steps
    taken after its signing, because the timeline ran in the order things were typed in."""
    make_budget()
    district = make_user("district_l", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district)
    project = services.project_save(
        actor=district, call=call, title="助残服务", service_area="disability", community=network.community_a,
        beneficiaries="残疾人", budget_lines=[("康复", "20000")],
    )  # fmt: skip
    services.project_move(actor=district, project=project, move="submit")
    services.project_move(actor=district, project=project, move="start_review")
    services.project_decide(actor=district, project=project, approve=True, amount="20000")
    services.contract_sign(
        actor=district, project=project, number="ZC-2026-01", organization=organization, amount="20000",
        starts_on=TODAY - timedelta(days=30), ends_on=TODAY + timedelta(days=200),
        signed_on=TODAY - timedelta(days=30), milestones=[],
    )  # fmt: skip
    rows = timeline_rows(as_user(district).get(project.get_absolute_url()).content.decode())
    kinds = [kind for kind, _cells in rows]
    # Signed a month ago: before today's submission and decision, though entered after them.
    assert kinds[0] == "contract", kinds
