"""The registers 项目 and 项目付款: past projects with their calls, contracts, acceptance and
payments, through the preview and the commit, in their final state, within the year's budget."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Acceptance, Call, Contract, Milestone, Payment, Project, Transition
from projects.selectors import funded_by_kind, overview, year_money
from socialwork.imports import reading as importing
from socialwork.imports import services
from socialwork.imports.registry import get
from socialwork.models import AuditEntry
from tests.projects.factories import CREDIT_CODES, make_budget, make_call, make_organization
from tests.socialwork.test_import_runs import workbook as xlsx  # several sheets

HEADERS = ["年度", "项目名称", "项目编号", "项目类别", "服务领域", "服务社区", "承接机构", "合同金额",
           "合同起止日期", "验收结果", "验收得分", "验收日期", "评估机构"]  # fmt: skip
PAYMENT_HEADERS = ["项目编号", "付款日期", "付款金额", "付款节点"]


@pytest.fixture
def orgs(db):
    return (
        make_organization("阳光社工服务中心", credit_code=CREDIT_CODES[0]),
        make_organization("启航社工事务所", credit_code=CREDIT_CODES[1]),
    )


@pytest.fixture
def budget_2015(db):
    return make_budget(2015, "300000")


def row(**overrides):
    values = {"年度": 2015, "项目名称": "留守儿童关爱", "项目编号": "YL-2015-001", "项目类别": "政府购买服务",
              "服务领域": "三留守", "服务社区": "甲社区", "承接机构": CREDIT_CODES[0], "合同金额": "10万",
              "合同起止日期": "2015.6.1-2015.12.31", "验收结果": "合格", "验收得分": 88, "验收日期": "2016年1月10日",
              "评估机构": "宜昌市社会工作评估中心"}  # fmt: skip
    values.update(overrides)
    return [values[header] for header in HEADERS]


def rows_of(rows, kind="projects", headers=HEADERS):
    return importing.read_rows(xlsx({"项目": [headers, *rows]}), kind=kind)


def preview_with(actor, kind, rows, pending) -> list:
    """The bad rows of a sheet when the earlier sheets of its workbook bring in `pending`."""
    return services.import_preview(actor=actor, kind=kind, rows=rows, pending=pending).problems


def reasons_by_row(preview) -> dict[int, str]:
    return {problem.row: " | ".join(problem.reasons) for problem in preview.problems}


def test_a_past_project_lands_accepted_with_one_imported_step_and_counts_in_the_figures(
    district_admin, network, orgs, budget_2015
):
    rows = rows_of([row(), row(项目名称="军民鱼水", 项目编号="YL-2015-002", 服务领域="优抚", 承接机构="启航社工事务所",
                             合同金额=50000, 验收结果="", 验收得分="", 验收日期="", 评估机构="")])  # fmt: skip
    preview = services.import_preview(actor=district_admin, kind="projects", rows=rows)
    assert preview.ok, preview.problems
    recorder = services.import_commit(actor=district_admin, kind="projects", rows=rows)

    project = Project.objects.get(title="留守儿童关爱")
    assert project.status == Project.Status.COMPLETED and project.year == 2015
    assert project.community == network.community_a and project.organization == orgs[0] == project.provider
    assert project.approved_amount == Decimal("100000") and project.service_area == "left_behind"
    contract = project.contract
    assert contract.number == "YL-2015-001" and contract.year == 2015
    assert (contract.starts_on, contract.ends_on) == (date(2015, 6, 1), date(2015, 12, 31))
    acceptance = project.acceptances.get()
    assert acceptance.conclusion == "pass" and acceptance.evaluated_on == date(2016, 1, 10)
    # One truthful step: from draft straight to completed, saying where it came from.
    transition = project.transitions.get()
    assert (transition.from_status, transition.to_status) == ("draft", "completed")
    assert transition.reason == "Imported from sheet 项目, row 2"
    running = Project.objects.get(title="军民鱼水")
    assert running.status == Project.Status.IN_PROGRESS and running.organization == orgs[1]
    # The call the rows name did not exist: one is made for the year, its ceiling the largest contract.
    call = Call.objects.get()
    assert (call.year, call.kind, call.budget_ceiling) == (2015, "purchase", Decimal("100000"))
    # Counted as a project that walked the steps.
    assert year_money(year=2015)["committed"] == Decimal("150000")
    kinds = {row.kind: (row.projects, row.approved) for row in funded_by_kind(user=district_admin, year=2015)}
    assert kinds["purchase"] == (2, Decimal("150000"))
    by_area = {
        row.label: (row.approved, row.committed)
        for row in overview(user=district_admin, year=2015)["by_area"]
    }
    assert by_area["The three left-behind groups"] == (Decimal("100000"), Decimal("100000"))
    assert AuditEntry.objects.filter(action="project.import").count() == 2
    assert AuditEntry.objects.filter(action="call.create").count() == 1
    written = {type(obj).__name__ for _row, obj in recorder.created}
    assert {"Project", "Contract", "Acceptance", "Transition", "Call", "BudgetLine"} <= written


def test_every_bad_row_is_explained(district_admin, network, orgs, budget_2015):
    make_call(year=2015, kind=Call.Kind.MICRO, title="2015年社区实务专项", ceiling="40000", open_now=False)
    rows = rows_of([
        row(),
        row(项目编号="YL-2015-001", 项目名称="重复"),                       # 3: repeats row 2
        row(项目编号="X3", 合同金额="25万"),                                 # 4: above the budget left
        row(项目编号="X4", 承接机构="91350100M000100Y44"),                   # 5: bad check character
        row(项目编号="X5", 承接机构="91110000MA00000001"),                   # 6: bad credit code
        row(项目编号="X6", 服务社区="不存在社区"),                            # 7
        row(项目编号="X7", 年度=2014),                                      # 8: no budget for 2014
        row(项目编号="X8", 合同起止日期="2015年6月1日"),                     # 9: one date only
        row(项目编号="X9", 验收得分=""),                                     # 10: result without score
        row(项目编号="X10", 项目类别="公益微项目", 合同金额=50000),            # 11: above the call's ceiling
        row(项目编号="X11", 服务领域="外星人"),                               # 12
        row(项目编号="X12", 合同起止日期="2015.12.31-2015.6.1"),              # 13
        row(项目编号="X13", 服务社区="乙社区", 承接机构="无名机构"),            # 14
    ])  # fmt: skip
    preview = services.import_preview(actor=district_admin, kind="projects", rows=rows)
    reasons = reasons_by_row(preview)
    assert set(reasons) == set(range(3, 15)), reasons
    assert "row 2" in reasons[3]
    assert "budget is left" in reasons[4]
    assert "No social organization is named" in reasons[14]
    assert "2014" in reasons[8]
    assert "not a term" in reasons[9]
    assert "score" in reasons[10]
    assert "ceiling" in reasons[11]
    assert "cannot end before" in reasons[13]
    assert "No community" in reasons[7]
    with pytest.raises(ValidationError):
        services.import_commit(actor=district_admin, kind="projects", rows=rows)
    assert not Project.objects.exists()


def test_an_organization_the_workbook_brings_is_accepted_in_preview(district_admin, network, budget_2015):
    rows = rows_of([row(承接机构=CREDIT_CODES[1])])
    assert not preview_with(district_admin, "projects", rows, {"organizations": {CREDIT_CODES[1]}})
    alone = services.import_preview(actor=district_admin, kind="projects", rows=rows)
    assert "credit code" in reasons_by_row(alone)[2]


def test_community_outside_the_region_is_refused(district_admin, network, orgs, budget_2015):
    district_admin.region = network.town_a
    district_admin.save(update_fields=["region"])
    preview = services.import_preview(
        actor=district_admin, kind="projects", rows=rows_of([row(服务社区="乙社区")])
    )
    assert "outside your region" in reasons_by_row(preview)[2]


def test_duplicates_on_record_are_offered_and_skipped(district_admin, network, orgs, budget_2015):
    rows = rows_of([row()])
    services.import_commit(actor=district_admin, kind="projects", rows=rows)
    preview = services.import_preview(actor=district_admin, kind="projects", rows=rows)
    assert [d.identity for d in preview.duplicates] == ["YL-2015-001"]
    with pytest.raises(ValidationError, match="already on record"):
        services.import_commit(actor=district_admin, kind="projects", rows=rows)
    recorder = services.import_commit(actor=district_admin, kind="projects", rows=rows, on_duplicate="skip")
    assert recorder.skipped == [2] and Project.objects.count() == 1
    # Updating with the same row changes nothing; a different contract is refused.
    services.import_commit(actor=district_admin, kind="projects", rows=rows, on_duplicate="update")
    assert Transition.objects.count() == 1 and Acceptance.objects.count() == 1
    with pytest.raises(ValidationError, match="supplementary agreement"):
        services.import_commit(
            actor=district_admin, kind="projects", rows=rows_of([row(合同金额=90000)]), on_duplicate="update"
        )
    # Without a number, a project is known by its year and name.
    no_number = rows_of([row(项目编号="", 项目名称="社区养老", 合同金额=20000)])
    assert services.import_preview(actor=district_admin, kind="projects", rows=no_number).duplicates == []
    services.import_commit(actor=district_admin, kind="projects", rows=no_number)
    again = services.import_preview(actor=district_admin, kind="projects", rows=no_number)
    assert [d.identity for d in again.duplicates] == ["2015 社区养老"]


def test_the_budget_is_checked_again_when_saving(district_admin, network, orgs, budget_2015, monkeypatch):
    """Another contract signed between preview and commit: the locked rule refuses the row."""
    rows = rows_of([row(合同金额=300000)])
    register_cls = get("projects")
    original = register_cls._budget
    monkeypatch.setattr(register_cls, "_budget", lambda self, year, amount, community, errors: True)
    budget_2015.amount = Decimal("200000")
    budget_2015.save()
    with pytest.raises(ValidationError, match="budget is left"):
        services.import_commit(actor=district_admin, kind="projects", rows=rows)
    monkeypatch.setattr(register_cls, "_budget", original)
    assert not Contract.objects.exists()


def test_payments_make_milestones_and_the_final_share_waits_for_acceptance(
    district_admin, network, orgs, budget_2015
):
    services.import_commit(
        actor=district_admin, kind="projects",
        rows=rows_of([row(), row(项目编号="YL-2015-002", 项目名称="未验收", 验收结果="", 验收得分="", 验收日期="")]),
    )  # fmt: skip
    payments = [
        ["YL-2015-001", "2015.6.5", 50000, "项目启动"],
        ["YL-2015-001", 42277, 40000, "中期评估"],  # an Excel serial: 2015-09-30
        ["YL-2015-001", "2016-01-20", 10000, "尾款"],
    ]
    rows = rows_of(payments, kind="project_payments", headers=PAYMENT_HEADERS)
    assert services.import_preview(actor=district_admin, kind="project_payments", rows=rows).ok
    services.import_commit(actor=district_admin, kind="project_payments", rows=rows)
    contract = Contract.objects.get(number="YL-2015-001")
    assert list(contract.milestones.values_list("title", "completed_on", "amount")) == [
        ("项目启动", date(2015, 6, 5), Decimal("50000.00")),
        ("中期评估", date(2015, 9, 30), Decimal("40000.00")),
    ]
    assert sum(p.amount for p in contract.payments.all()) == Decimal("100000")
    assert year_money(year=2015)["spent"] == Decimal("100000")
    # Imported twice: each payment is a duplicate.
    assert (
        len(services.import_preview(actor=district_admin, kind="project_payments", rows=rows).duplicates) == 3
    )

    bad = rows_of([
        ["NOPE", "2015.7.1", 100, "首期"],               # 2: unknown project
        ["YL-2015-002", "2015.7.1", 95000, "首期"],      # 3: more than the milestones may pay
    ], kind="project_payments", headers=PAYMENT_HEADERS)  # fmt: skip
    assert (
        "No project"
        in reasons_by_row(services.import_preview(actor=district_admin, kind="project_payments", rows=bad))[2]
    )
    with pytest.raises(ValidationError, match="held back until acceptance"):
        services.import_commit(actor=district_admin, kind="project_payments", rows=bad[1:])
    final = rows_of(
        [["YL-2015-002", "2015.12.1", 10000, "尾款"]], kind="project_payments", headers=PAYMENT_HEADERS
    )
    with pytest.raises(ValidationError, match="acceptance passed"):
        services.import_commit(actor=district_admin, kind="project_payments", rows=final)
    assert not Payment.objects.filter(contract__number="YL-2015-002").exists()
    assert not Milestone.objects.filter(contract__number="YL-2015-002").exists()


def test_payments_for_a_project_of_the_same_workbook(district_admin, network, orgs, budget_2015):
    rows = rows_of(
        [["YL-2015-001", "2015.6.5", 50000, "首期"]], kind="project_payments", headers=PAYMENT_HEADERS
    )
    assert not preview_with(district_admin, "project_payments", rows, {"projects": {"YL-2015-001"}})


def test_only_the_district_imports_projects(district_admin, station_manager, org_staff, network):
    assert get("projects").allowed(district_admin) and get("project_payments").allowed(district_admin)
    for user in (station_manager, org_staff):
        assert not get("projects").allowed(user) and not get("project_payments").allowed(user)


def test_preview_queries_do_not_grow_with_rows(
    district_admin, network, orgs, budget_2015, django_assert_max_num_queries
):
    budget_2015.amount = Decimal("100000000")
    budget_2015.save()
    rows = rows_of([row(项目编号=f"N-{i}", 项目名称=f"项目{i}") for i in range(150)])
    with django_assert_max_num_queries(10):
        preview = services.import_preview(actor=district_admin, kind="projects", rows=rows)
    assert preview.good == 150


def test_templates_download_with_the_headers(as_user, district_admin, network, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client = as_user(district_admin)
    for kind in ("projects", "project_payments"):
        response = client.get(reverse("positions:import_template", args=[kind]))
        assert response.status_code == 200
        headers = next(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        assert list(headers) == [column.zh for column in get(kind).columns]


def test_imported_project_reads_on_its_page_in_chinese(
    as_user, district_admin, network, orgs, budget_2015, settings
):
    services.import_commit(actor=district_admin, kind="projects", rows=rows_of([row()]))
    settings.LANGUAGE_CODE = "zh-hans"
    project = Project.objects.get()
    response = as_user(district_admin).get(project.get_absolute_url())
    assert response.status_code == 200
    assert Transition.objects.filter(project=project).count() == 1
    assert "Imported from sheet 项目, row 2".encode() in response.content
    assert Acceptance.objects.filter(project=project).count() == 1


def test_the_demo_legacy_sheets_fit_the_demo_and_every_wrong_row_is_explained(db, settings):
    """The 项目 and 项目付款 sheets of the demo workbook, against the demo district: the rows the
    docstring calls wrong, and only those, are bad; the good ones import, and their payments."""
    from django.core.management import call_command

    from projects.demo_imports_projects import legacy_rows
    from projects.services import organization_save
    from socialwork.models import User

    call_command("seed_demo", verbosity=0)
    admin = User.objects.get(username="district")
    sheets = legacy_rows()
    workbook = xlsx(sheets)
    projects = importing.read_rows(workbook, kind="projects", sheet="项目")
    workbook.seek(0)
    payments = importing.read_rows(workbook, kind="project_payments", sheet="项目付款")
    brought = {"52420506MJY100001B", "52420506MJY100002E"}  # by the workbook's 社会组织 sheet
    problems = preview_with(admin, "projects", projects, {"organizations": brought})
    assert {problem.row for problem in problems} == set(range(7, 15)), problems
    numbers = {f"YL-GM-2015-10{n}" for n in (1, 2, 3)} | {f"YL-GM-{date.today().year}-00{n}" for n in (1, 2)}
    problems = preview_with(admin, "project_payments", payments, {"projects": numbers})
    assert {problem.row for problem in problems} == {7, 8, 9, 10}, problems

    for name, code in (
        ("宜昌市夷陵区阳光家园社会工作服务中心", "52420506MJY100001B"),
        ("夷陵区青禾青少年服务中心", "52420506MJY100002E"),
    ):
        organization_save(actor=admin, name=name, credit_code=code)
    services.import_commit(actor=admin, kind="projects", rows=[row for row in projects if row["_row"] <= 6])
    services.import_commit(
        actor=admin, kind="project_payments", rows=[row for row in payments if row["_row"] <= 6]
    )
    statuses = dict(
        Contract.objects.filter(number__startswith="YL-GM-2015-1").values_list("number", "project__status")
    )
    assert statuses == {
        "YL-GM-2015-101": "completed",
        "YL-GM-2015-102": "completed",
        "YL-GM-2015-103": "terminated",
    }
    assert year_money(year=2015)["committed"] == Decimal("1290000")


def test_the_import_page_previews_projects_in_chinese(
    as_user, district_admin, network, orgs, budget_2015, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    client = as_user(district_admin)
    upload = xlsx({"项目": [HEADERS, row(), row(项目编号="X2", 服务社区="不存在社区")]})
    response = client.post(reverse("positions:import"), {"kind": "projects", "file": upload})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.good == 1 and [p.row for p in preview.problems] == [3]
    assert "服务社区" in preview.problems[0].reasons[0]
    assert b'id="confirm-import"' not in response.content
    assert not Project.objects.exists()


def test_a_running_project_imported_again_with_its_acceptance_is_completed(district_admin, network, orgs):
    make_budget(2015, "100000")  # used up by the project: imported again, it is not counted twice
    running = row(验收结果="", 验收得分="", 验收日期="", 评估机构="")
    services.import_commit(actor=district_admin, kind="projects", rows=rows_of([running]))
    project = Project.objects.get()
    assert project.status == Project.Status.IN_PROGRESS
    rows = rows_of([row()])
    preview = services.import_preview(actor=district_admin, kind="projects", rows=rows)
    assert preview.ok and len(preview.duplicates) == 1
    recorder = services.import_commit(actor=district_admin, kind="projects", rows=rows, on_duplicate="update")
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED
    assert list(project.transitions.values_list("from_status", "to_status")) == [
        ("draft", "in_progress"),
        ("in_progress", "completed"),
    ]
    assert [obj for _row, obj in recorder.updated] == [project]


def test_payment_preview_queries_do_not_grow_with_rows(
    district_admin, network, orgs, budget_2015, django_assert_max_num_queries
):
    services.import_commit(actor=district_admin, kind="projects", rows=rows_of([row()]))
    rows = rows_of(
        [["YL-2015-001", f"2015.7.{1 + i % 28}", 10, f"第{i}期"] for i in range(150)],
        kind="project_payments",
        headers=PAYMENT_HEADERS,
    )
    with django_assert_max_num_queries(6):
        preview = services.import_preview(actor=district_admin, kind="project_payments", rows=rows)
    assert preview.good == 150
