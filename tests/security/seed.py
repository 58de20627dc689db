"""A small district with one of every kind of record, all in station A's place, and a person in
every role: the data the role matrix opens every page and endpoint on."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils import timezone

from casework import services as casework
from positions.models import AllowancePolicy, AllowanceRollRun, CertificateLevel, Region, ServiceUnit
from positions.services import honours, workforce
from positions.services.allowance import allowance_roll_generate
from positions.services.assessment import assessment_record, assessment_scheme_save
from projects import services as projects
from projects.models import Procurement, Project
from reports import services as reports
from reports.export_tasks import export_start
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


def seed() -> District:
    d = District()
    district = make_region("矩阵区", L.DISTRICT)
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

    organization = make_organization("阳光社工服务中心", credit_code="91350100M000100Y43")
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
    users["superuser"] = make_user("root", is_superuser=True, is_staff=True, region=district)
    admin, manager, worker, supervisor = (
        users["district_admin"], users["station_manager"], users["social_worker"], users["supervisor"]
    )  # fmt: skip
    today = timezone.localdate()
    o = d.objects
    o.update(region=town_a, unit=station_a)

    # The workforce: a post of station A, its holder, an exam, an assessment scheme, a roll.
    o["position"] = make_position(post_a)
    o["worker"] = make_worker(
        "张敏", unit=room_a, level=CertificateLevel.SOCIAL_WORKER, registered_on=today.replace(year=2020)
    )
    o["appointment"] = workforce.appointment_create(
        actor=admin,
        worker=o["worker"],
        position=o["position"],
        starts_on=today.replace(day=1) - timedelta(days=400),
    )
    o["exam"] = workforce.exam_record(
        actor=admin, worker=o["worker"], year=2024, level="social_worker", passed=True
    )
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
        name="李老师", affiliation="三峡大学", affiliation_kind="university"
    )

    # A project of community A applied for by the organization, contracted and paid.
    make_budget()
    o["organization"], o["call"] = organization, make_call()
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
    o["draft_project"] = make_project(
        call=o["call"], community=community_a, created_by=users["org_staff"], organization=organization
    )

    # Casework at station A: a case in the intervention with some of everything.
    o["case"] = case = case_in_intervention(worker, supervisor)
    o["client"] = case.clients.get()
    o["plan"] = case.plans.get()
    o["task"] = o["plan"].tasks.get()
    o["note"] = casework.note_add(
        actor=worker, case=case, noted_on=case.intake_on, method="home_visit", minutes=60, content="家访"
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
    o["report"].refresh_from_db()
    return d
