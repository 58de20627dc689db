"""A small district with one of every kind of record, all in station A's place, and a person in
every role: the data the role matrix opens every page and endpoint on. The district lies in a
city, beside a second district with its own station A' and one record of each kind there, a
city administrator, and the second district's administrator and station manager (issue 23)."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from casework import services as casework
from casework.models import SatisfactionQuestion
from casework.services.conflicts import edit_checked
from positions.models import (
    AllowancePolicy,
    AllowanceRollRun,
    CertificateLevel,
    Region,
    RegistrationHoursPolicy,
    ServiceUnit,
)
from positions.services import honours, registration, workforce
from positions.services.allowance import allowance_roll_generate
from positions.services.assessment import assessment_record, assessment_scheme_save
from projects import services as projects
from projects.models import Procurement, Project
from projects.services import evaluations, panels
from reports import services as reports
from reports.dossiers.services import dossier_request
from reports.export_tasks import export_start
from reports.models import StatisticalForm
from reports.upward.services import return_prepare
from socialwork.idnumbers import check_character
from socialwork.models import ImportRun
from socialwork.roles import Role
from socialwork.services import notification_send
from socialwork.tokens import api_token_create
from tests.casework.factories import case_in_intervention, grant_access, make_client
from tests.factories import make_region, make_unit, make_user
from tests.positions.test_workforce import make_position, make_worker
from tests.projects.factories import make_budget, make_call, make_organization, make_project
from tests.training.test_api import make_series, make_session
from training import services as training
from training.models import Trainer

L, U = Region.Level, ServiceUnit.Level


@dataclass
class District:
    users: dict = field(default_factory=dict)  # role name -> user
    objects: dict = field(default_factory=dict)  # kind -> object (or key)
    # The city and the district beside: "city_admin", "second_admin", "second_manager" -> user.
    others: dict = field(default_factory=dict)
    second: dict = field(default_factory=dict)  # kind -> the second district's object, as `objects`


def second_district(d: District, city: Region) -> None:
    """The district beside the seeded one, in the same city, with a record of each kind in its
    station A' placed as the seeded district's are in station A; and the city's administrator."""
    district = make_region("邻区", L.DISTRICT, city)
    town = make_region("邻甲镇", L.TOWN, district)
    community = make_region("邻甲社区", L.COMMUNITY, town)
    association = make_unit("邻区社工协会", U.ASSOCIATION, None, district)
    centre = make_unit("邻区社工服务中心", U.CENTRE, association, district)
    station = make_unit("邻甲镇服务站", U.STATION, centre, town)
    room = make_unit("邻甲社区服务室", U.ROOM, station, community)
    post = make_unit("邻甲社区岗位", U.POST, room, community)
    city_association = make_unit("市社工协会", U.ASSOCIATION, None, city)
    d.others["city_admin"] = make_user(
        "city", Role.DISTRICT_ADMIN, unit=city_association, region=city, is_staff=True
    )
    d.others["second_admin"] = admin = make_user(
        "second", Role.DISTRICT_ADMIN, unit=centre, region=district, is_staff=True
    )
    d.others["second_manager"] = make_user("manager_second", Role.STATION_MANAGER, unit=station)
    worker_user = make_user("worker_second", Role.SOCIAL_WORKER, unit=room)
    supervisor = make_user("supervisor_second", Role.SUPERVISOR, unit=centre)
    today = timezone.localdate()
    o = d.second
    o.update(region=town, unit=station)
    o["position"] = make_position(post)
    o["worker"] = make_worker("邻张敏", unit=room, level=CertificateLevel.SOCIAL_WORKER)
    o["appointment"] = workforce.appointment_create(
        actor=admin, worker=o["worker"], position=o["position"], starts_on=today - timedelta(days=30)
    )
    o["exam"] = workforce.exam_record(
        actor=admin, worker=o["worker"], year=2024, level="social_worker", passed=True
    )
    o["award"] = honours.award_save(
        actor=admin, name="邻区优秀社工", level="city", year=2024, worker=o["worker"]
    )
    o["studio"] = honours.studio_save(actor=admin, name="邻甲镇工作室", leader=o["worker"], unit=station)
    o["series"] = make_series(station)
    o["session"] = make_session(o["series"])
    o["trainer"] = Trainer.objects.create(
        name="邻老师", affiliation="三峡大学", affiliation_kind="university", region=district
    )
    o["organization"] = make_organization("邻区社工服务社", credit_code="91420504MA0000001X", region=district)
    o["call"] = make_call(region=district)
    o["project"] = make_project(
        call=o["call"], community=community, created_by=admin, organization=o["organization"],
        status=Project.Status.APPROVED, approved="30000",
    )  # fmt: skip
    o["case"] = case_in_intervention(worker_user, supervisor)
    o["activity"] = casework.activity_save(
        actor=worker_user,
        community=community,
        theme="邻里节",
        held_on=today - timedelta(days=3),
        participants=20,
    )
    o["volunteer"] = casework.volunteer_save(
        actor=worker_user, name="邻阿姨", phone="13812345679", registered_on=today
    )
    o["advocacy"] = casework.advocacy_save(
        actor=worker_user,
        title="邻区倡导",
        problem="负担",
        evidence_note="个案",
        proposal="提高",
        department="残联",
    )


def seed() -> District:
    d = District()
    city = make_region("矩阵市", L.CITY)
    district = make_region("矩阵区", L.DISTRICT, city)
    town_a, town_b = make_region("甲镇", L.TOWN, district), make_region("乙街道", L.STREET, district)
    community_a, community_b = (
        make_region("甲社区", L.COMMUNITY, town_a),
        make_region("乙社区", L.COMMUNITY, town_b),
    )
    association = make_unit("区社工协会", U.ASSOCIATION, None, district)
    centre = make_unit("区社工服务中心", U.CENTRE, association, district)
    station_a = make_unit("甲镇服务站", U.STATION, centre, town_a)
    station_b = make_unit("乙街道服务站", U.STATION, centre, town_b)
    room_a = make_unit("甲社区服务室", U.ROOM, station_a, community_a)
    make_unit("乙社区服务室", U.ROOM, station_b, community_b)
    post_a = make_unit("甲社区岗位", U.POST, room_a, community_a)

    organization = make_organization("阳光社工服务中心", credit_code="91350100M000100Y43", region=district)
    users = d.users
    users["district_admin"] = make_user(
        "district", Role.DISTRICT_ADMIN, unit=centre, region=district, is_staff=True
    )
    users["station_manager"] = make_user("manager_a", Role.STATION_MANAGER, unit=station_a)
    users["social_worker"] = make_user("worker_a", Role.SOCIAL_WORKER, unit=room_a, full_name="胡社工")
    users["supervisor"] = make_user("supervisor", Role.SUPERVISOR, unit=centre)
    users["org_staff"] = make_user("org", Role.ORG_STAFF, region=district, organization=organization)
    users["auditor"] = make_user("auditor", Role.AUDITOR, region=district, is_staff=True)
    users["system_admin"] = make_user("sysadmin", Role.SYSTEM_ADMIN, region=district, is_staff=True)
    users["security_admin"] = make_user("security", Role.SECURITY_ADMIN, region=district, is_staff=True)
    users["evaluator"] = make_user("evaluator", Role.EVALUATOR, region=district)
    users["reviewer"] = make_user("expert", Role.REVIEWER, region=district)
    users["superuser"] = make_user("root", is_superuser=True, is_staff=True, region=district)
    admin, manager, worker, supervisor = (
        users["district_admin"], users["station_manager"], users["social_worker"], users["supervisor"]
    )  # fmt: skip
    today = timezone.localdate()
    o = d.objects
    o.update(region=town_a, unit=station_a)

    # The workforce: a post of station A, its holder, an exam, an assessment scheme, a roll.
    o["position"] = make_position(post_a)
    # Her own ID number (a woman's: its 17th digit is even), so that saving her record again
    # finds it agrees with her gender whatever numbers the tests before drew.
    o["worker"] = make_worker(
        "张敏", unit=room_a, level=CertificateLevel.SOCIAL_WORKER, registered_on=today.replace(year=2020),
        id_number="42050619850101002" + check_character("42050619850101002"),
    )  # fmt: skip
    o["appointment"] = workforce.appointment_create(
        actor=admin,
        worker=o["worker"],
        position=o["position"],
        starts_on=today.replace(day=1) - timedelta(days=400),
    )
    o["exam"] = workforce.exam_record(
        actor=admin, worker=o["worker"], year=2024, level="social_worker", passed=True
    )
    # Its registration, and outside training hours the station manager recorded (issue 21).
    workforce.worker_save(actor=admin, worker=o["worker"], registration_number="DJ-SEED-1")
    o["period"] = o["worker"].registration_periods.get()
    o["outside_training"] = registration.outside_training_record(
        actor=manager, worker=o["worker"], title="省级继续教育", organizer="省民政厅", held_on=today,
        hours=Decimal(12), certificate=ContentFile(b"%PDF-1.4\n%%EOF\n", name="证书.pdf"),
    )  # fmt: skip
    o["award"] = honours.award_save(actor=admin, name="优秀社工", level="city", year=2024, worker=o["worker"])
    o["studio"] = honours.studio_save(actor=admin, name="甲镇社工工作室", leader=o["worker"], unit=station_a)
    o["scheme"] = assessment_scheme_save(
        actor=admin, year=2025, subject="worker", title="2025 practice assessment",
        criteria=[("Service hours", "100")], grade_rules=[("competent", "0", "Pay as before", "0")],
    )  # fmt: skip
    o["assessment"] = assessment_record(
        actor=admin,
        scheme=o["scheme"],
        subject=o["worker"],
        scores={o["scheme"].criteria.get().pk: Decimal(80)},
    )
    AllowancePolicy.objects.create(
        level="social_worker", monthly_amount=Decimal(200), effective_from=today.replace(year=2020)
    )
    o["roll"] = allowance_roll_generate(actor=admin, month=today.replace(day=1) - timedelta(days=31))
    o["roll_run"] = AllowanceRollRun.objects.create(id=uuid4(), month=o["roll"].month, requested_by=admin)
    o["import_run"] = ImportRun.objects.create(
        started_by=admin,
        register="positions",
        file_name="岗位.xlsx",
        status="done",
        finished_at=timezone.now(),
    )

    # Training hosted by station A, a certificate of it.
    o["series"] = make_series(station_a)
    o["session"] = make_session(o["series"], capacity=5)
    o["enrolment"] = training.enrolment_create(actor=admin, session=o["session"], worker=o["worker"])
    o["session"].starts_at -= timedelta(days=9)  # held two days ago, once the worker enrolled
    o["session"].ends_at -= timedelta(days=9)
    o["session"].save()
    training.attendance_record(actor=admin, session=o["session"], present={o["enrolment"].pk})
    o["certificate"] = training.certificates_issue(actor=admin, series=o["series"])[0]
    o["trainer"] = Trainer.objects.create(
        name="李老师", affiliation="三峡大学", affiliation_kind="university", region=district
    )

    # A project of community A applied for by the organization, contracted and paid, from the
    # district's own budget; the district's own registration hours (local rules, issue 23).
    make_budget(region=district)
    RegistrationHoursPolicy.objects.create(
        region=district, level=CertificateLevel.ASSISTANT, hours=Decimal(60)
    )
    o["organization"], o["call"] = organization, make_call(region=district)
    o["project"] = make_project(
        call=o["call"], community=community_a, created_by=users["org_staff"], organization=organization,
        status=Project.Status.APPROVED, approved="40000",
        plan_document=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"),
    )  # fmt: skip
    procurement = projects.procurement_open(
        actor=admin, project=o["project"], method=Procurement.Method.NEGOTIATION
    )
    o["bid"] = projects.bid_record(
        actor=admin, procurement=procurement, organization=organization, price="40000"
    )
    projects.bid_award(actor=admin, bid=o["bid"])
    o["contract"] = projects.contract_sign(
        actor=admin, project=o["project"], number="HT-0001", organization=organization, amount="40000",
        starts_on=today, ends_on=today + timedelta(days=300), signed_on=today,
        milestones=[("启动", today, "10000"), ("中期评估", today + timedelta(days=100), "20000")],
    )  # fmt: skip
    started, o["milestone"] = o["contract"].milestones.all()
    projects.milestone_complete(actor=admin, milestone=started, completed_on=today)
    o["payment"] = projects.payment_record(actor=admin, contract=o["contract"], amount="10000", paid_on=today)
    # A third-party evaluation organization whose evaluator is assigned the project's final
    # evaluation, with a rectification item: the evaluator reaches that project and nothing else.
    o["evaluation_organization"] = make_organization(
        "宜昌市社会工作评估中心", credit_code="91110000600037341L"
    )
    users["evaluator"].organization = o["evaluation_organization"]
    users["evaluator"].save(update_fields=["organization"])
    o["evaluation_scheme"] = evaluations.scheme_save(
        actor=admin, title="评估指标", call=o["call"],
        domains=[{"name": "服务成效", "weight": "100", "indicators": [{"name": "目标达成", "full_score": "10"}]}],
    )  # fmt: skip
    o["evaluation"] = evaluations.evaluation_assign(
        actor=admin, project=o["project"], stage="final", evaluating_organization=o["evaluation_organization"],
        evaluators=[users["evaluator"]], due_on=today + timedelta(days=30),
    )  # fmt: skip
    o["rectification"] = evaluations.rectification_add(
        actor=users["evaluator"],
        evaluation=o["evaluation"],
        problem="档案不全",
        required="补齐档案",
        due_on=today,
    )
    o["satisfaction_question"] = SatisfactionQuestion.objects.create(text="总体满意度", order=1)
    o["draft_project"] = make_project(
        call=o["call"], community=community_a, created_by=users["org_staff"], organization=organization
    )
    # An application under review before an expert panel the reviewer sits on (with its planning
    # document): all an expert reviewer reaches.
    o["review_project"] = make_project(
        call=o["call"], community=community_a, created_by=users["org_staff"], organization=organization,
        status=Project.Status.UNDER_REVIEW, title="评审中的申报项目",
        plan_document=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"),
    )  # fmt: skip
    o["panel"] = panels.panel_save(
        actor=admin, call=o["call"], name="专家评审组", members=[users["reviewer"]],
        applications=[o["review_project"]],
    )  # fmt: skip

    # Casework at station A: a case in the intervention with some of everything.
    o["case"] = case = case_in_intervention(worker, supervisor)
    o["client"] = case.clients.get()
    o["plan"] = case.plans.get()
    o["task"] = o["plan"].tasks.get()
    o["note"] = casework.note_add(
        actor=worker, case=case, noted_on=case.intake_on, method="home_visit", minutes=60, content="家访"
    )
    o["attachment"] = casework.attachments_add(
        actor=worker,
        case=case,
        note=o["note"],
        files=[SimpleUploadedFile("家访.jpg", b"\xff\xd8\xff\xe0 photo")],
    )[0]
    o["home_visit"] = casework.home_visit_add(
        actor=worker, case=case, visited_on=case.intake_on, people_present="案主", observations="入户走访"
    )
    o["referral"] = casework.referral_add(
        actor=worker,
        case=case,
        target_kind="department",
        target="交警大队",
        request="争取赔偿",
        referred_on=case.intake_on,
    )
    o["follow_up"] = casework.follow_up_schedule(
        actor=worker, case=case, due_on=case.intake_on, purpose="回访"
    )
    # An edit of the client's phone the worker made on an older version: waits for the worker's choice.
    seen = o["client"].version, o["client"].phone or ""
    casework.client_update(actor=manager, client=o["client"], phone="13900000009")
    o["field_conflict"] = edit_checked(
        actor=worker,
        record=o["client"],
        version=seen[0],
        base={"phone": seen[1]},
        mine={"phone": "13700000009"},
    ).conflicts[0]
    o["group"] = group = casework.group_create(
        actor=worker, supervisor=supervisor, name="亲青家园", kind="support", aims="亲子关系改善",
        starts_on=today - timedelta(days=60),
    )  # fmt: skip
    o["member"] = casework.member_add(
        actor=worker, group=group, client=make_client(worker), joined_on=group.starts_on
    )
    o["group_session"] = casework.session_plan(actor=worker, group=group, planned_on=today, theme="亲子活动")
    o["activity"] = casework.activity_save(
        actor=worker,
        community=community_a,
        theme="邻里守望",
        held_on=today - timedelta(days=3),
        participants=40,
    )
    o["volunteer"] = casework.volunteer_save(
        actor=worker, name="王阿姨", phone="13812345678", registered_on=today
    )
    o["pairing"] = casework.pairing_start(
        actor=worker, volunteer=o["volunteer"], client=o["client"], purpose="陪伴"
    )
    o["advocacy"] = casework.advocacy_save(
        actor=worker,
        title="提高康复补贴",
        problem="负担沉重",
        evidence_note="个案",
        proposal="提高补贴",
        department="市残联",
    )
    casework.advocacy_case_link(actor=worker, record=o["advocacy"], number=case.number)
    colleague = make_user("worker_a2", Role.SOCIAL_WORKER, unit=post_a)
    o["grant"] = grant_access(
        actor=admin,
        case_number=case.number,
        user=colleague,
        reason="代班",
        expires_on=today + timedelta(days=7),
    )

    # A personal information request of the case's client, assigned to the station manager.
    o["subject_request"] = casework.subject_request_register(
        actor=manager, client=o["client"], kind="copy", channel="in_person", received_on=today
    )
    casework.subject_request_assign(actor=manager, request=o["subject_request"], assignee=manager)

    # The station manager's own things: a notification, an API token, an annual report, a background
    # export.
    o["notification"] = notification_send(user=manager, kind="test", title="提醒", key="matrix")
    o["api_token"], _key = api_token_create(user=manager, name="矩阵")
    with TestCase.captureOnCommitCallbacks(execute=True):
        o["report"] = reports.report_request(actor=manager, year=today.year)
        o["export_task"] = export_start(user=manager, key="positions", fmt="csv", query="")
        o["dossier"] = dossier_request(actor=manager, project=o["project"])
    o["report"].refresh_from_db()

    # A statistical return (reports.upward) of the district, on a form of its own: the district fills
    # and submits it; the city above it reviews it (the matrix's roles are the district's).
    o["statistical_form"] = StatisticalForm.objects.create(
        owner=district, name="矩阵年报", figures=["certified", "cases_opened"], created_by=admin
    )
    o["statistical_return"] = return_prepare(
        actor=admin, form=o["statistical_form"], region=district, year=today.year - 1
    )
    second_district(d, city)
    return d
