"""Every page that edits an existing record, registered with a record filled in every field its
form shows: the round-trip test (tests/browser/test_round_trip.py) opens each page in Chinese and
in English, saves it unchanged and checks that nothing of the record changed; another test walks
the URLs and fails on an edit page that is not registered here.

A new edit page joins with one entry (records may hold what lists no longer offer: see `retire`):

    @edit_page("app:thing_update", editor="district")
    def thing(world: World) -> Thing:
        return Thing.objects.create(...every field its form shows, none left at its default...)

`editor` is the person who may edit it (`world.people`); `related` reads what the page also
edits besides the record's own fields (children, rows of a formset); `shown_on` is the page that
holds the form when the edit URL only receives it (a form inside a record's page); `ignore`
names fields the save may legitimately change.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from django.contrib.auth.models import Group as RoleGroup
from django.db import models
from django.urls import reverse
from django.utils import timezone

from positions.models import (
    AssessmentScheme,
    Award,
    CertificateLevel,
    HostInstitution,
    Position,
    Region,
    ServiceUnit,
    SocialWorker,
    Studio,
)
from projects.models import Call, Project, SocialOrganization
from socialwork.creditcodes import check_character as credit_check_character
from socialwork.idnumbers import check_character
from socialwork.roles import Role
from tests.factories import make_region, make_unit, make_user
from training.models import HoursRequirement, Trainer, TrainingSeries, TrainingSession

_n = count(1)
RETIRED_CATEGORY = "autism"  # in use when the records were made, retired since (see retire)
LINES = "第一行：情况说明\n第二行：下一步安排"  # a text of several lines, as a textarea sends it back


@dataclass
class World:
    """The district the records live in and the people who edit them (tests/conftest.py's network)."""

    network: object
    people: dict = field(default_factory=dict)


@dataclass(frozen=True)
class EditPage:
    url_name: str
    editor: str
    build: Callable[[World], models.Model]
    url_kwargs: Callable[[models.Model], dict]
    related: Callable[[models.Model], object] | None = None
    shown_on: Callable[[models.Model], str] | None = None
    ignore: tuple[str, ...] = ()

    def url(self, record) -> str:
        return reverse(self.url_name, kwargs=self.url_kwargs(record))


EDIT_PAGES: dict[str, EditPage] = {}


def edit_page(url_name: str, *, editor: str, url_kwargs=None, related=None, shown_on=None, ignore=()):
    def register(build):
        EDIT_PAGES[url_name] = EditPage(
            url_name=url_name,
            editor=editor,
            build=build,
            url_kwargs=url_kwargs or (lambda record: {"pk": record.pk}),
            related=related,
            shown_on=shown_on,
            ignore=tuple(ignore),
        )
        return build

    return register


def snapshot(record: models.Model, page: EditPage) -> dict:
    """What the record holds: every field of its own (files by name, many-to-many by ids), and
    what `related` reads."""
    record = type(record).objects.get(pk=record.pk)
    values = {}
    for model_field in record._meta.concrete_fields:
        if model_field.name in ("updated_at", *page.ignore):
            continue
        value = getattr(record, model_field.attname)
        values[model_field.name] = value.name if isinstance(value, models.fields.files.FieldFile) else value
    for model_field in record._meta.many_to_many:
        values[model_field.name] = sorted(getattr(record, model_field.name).values_list("pk", flat=True))
    if page.related:
        values["(related)"] = page.related(record)
    return values


def world_for(network) -> World:
    """The people who edit: a district administrator, and a social worker of station A with a
    supervisor."""
    RoleGroup.objects.get_or_create(name=Role.SUPERVISOR)
    people = {
        "district": make_user(
            "district", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district, is_staff=True,
            full_name="区管理员",
        ),
        "worker": make_user("worker_a", Role.SOCIAL_WORKER, unit=network.room_a, full_name="胡社工"),
        "supervisor": make_user("supervisor", Role.SUPERVISOR, unit=network.centre, full_name="王督导"),
        # People who have since left: a record keeps them though no list offers them any more.
        "retired_supervisor": make_user("supervisor_old", Role.SUPERVISOR, unit=network.centre, full_name="陈督导"),
        "retired_organizer": make_user("organizer_old", unit=network.station_a, full_name="周干事"),
    }  # fmt: skip
    return World(network=network, people=people)


def retire(world: World) -> None:
    """After every record is built: the people who left are deactivated and the category no longer
    in use is retired, as happens to records kept for years."""
    from casework.models import VulnerabilityCategory

    for name in ("retired_supervisor", "retired_organizer"):
        world.people[name].is_active = False
        world.people[name].save(update_fields=["is_active"])
    VulnerabilityCategory.objects.filter(code=RETIRED_CATEGORY).update(active=False)


def _id_number(born: date, serial: str = "123") -> str:
    """A valid ID number (GB 11643) of someone born on `born` in Yiling; `serial` odd: a man."""
    first17 = f"420506{born:%Y%m%d}{serial}"
    return first17 + check_character(first17)


def _host() -> HostInstitution:
    return HostInstitution.objects.get_or_create(name="民政")[0]


def _organization(world: World, name: str = "阳光社工服务中心") -> SocialOrganization:
    from projects.services import organization_save

    first17 = f"51420506MJH{next(_n):06d}"
    return organization_save(
        actor=world.people["district"], name=f"{name}{next(_n)}", credit_code=first17 + credit_check_character(first17),
        kind="foundation", registration="filed", registered_on=date(2016, 3, 9), region=world.network.town_a,
        grade="4A", grade_year=2024, service_areas=["elderly", "youth"], contact_person="李主任",
        phone="0717-1234567", address="夷陵区发展大道 8 号", legal_representative="张建国",
    )  # fmt: skip


# The network and the workforce


@edit_page("positions:unit_update", editor="district")
def unit(world: World) -> ServiceUnit:
    network = world.network
    return make_unit(
        "甲一村社会工作服务室", ServiceUnit.Level.ROOM, network.station_a, network.village_a, host="甲一村村委会",
        address="甲一村一组 12 号", phone="0717-7654321", established_on=date(2014, 11, 1), is_model=True,
    )  # fmt: skip


@edit_page("positions:region_update", editor="district")
def region(world: World) -> Region:
    return make_region("丙二村", Region.Level.VILLAGE, world.network.town_c, code=f"42050600{next(_n):04d}")


@edit_page("positions:position_update", editor="district")
def position(world: World) -> Position:
    return Position.objects.create(
        code=f"P-RT-{next(_n)}", title="网格社工", unit=world.network.posts_a[0], host=_host(),
        category="correction", setup_mode="purchased", quota=3, required_level="social_worker",
        status="suspended", established_on=date(2014, 11, 1), policy_basis="夷民发〔2014〕12号",
        duties=LINES,
    )  # fmt: skip


@edit_page("positions:worker_update", editor="district")
def worker(world: World) -> SocialWorker:
    born = date(1988, 8, 8)
    return SocialWorker.objects.create(
        name="叶明", gender="male", birth_date=born, id_number=_id_number(born, f"{next(_n) * 2 + 1:03d}"), phone="13907171234",
        education="master", major="社会工作", employer_unit=world.network.room_a,
        employer_organization=_organization(world), certificate_level=CertificateLevel.SOCIAL_WORKER,
        certificate_number=f"SW2015{next(_n):06d}", certificate_year=2015,
        registration_number=f"REG-{next(_n)}", registered_on=date(2015, 3, 2),
        registration_valid_until=date(2027, 3, 1), professional_title="中级社会工作师",
        is_supervisor=True, status="left",
    )  # fmt: skip


@edit_page("positions:award_update", editor="district")
def award(world: World) -> Award:
    return Award.objects.create(
        name="湖北省优秀社会工作者",
        level=Award.Level.values[-1],
        year=2015,
        worker=worker(world),
        awarded_by="湖北省民政厅",
    )


@edit_page("positions:studio_update", editor="district")
def studio(world: World) -> Studio:
    return Studio.objects.create(
        name=f"阳光社工工作室{next(_n)}", leader=worker(world), unit=world.network.station_a,
        established_on=date(2016, 5, 4), description=LINES,
    )  # fmt: skip


def _scheme_rows(scheme: AssessmentScheme):
    return (
        [(c.name, c.weight, c.source, c.full_marks_at) for c in scheme.criteria.order_by("pk")],
        sorted((r.grade, r.min_score, r.pay_consequence, r.pay_adjustment) for r in scheme.grade_rules.all()),
    )


@edit_page("positions:assessment_scheme_update", editor="district", related=_scheme_rows)
def assessment_scheme(world: World) -> AssessmentScheme:
    from positions.services.assessment import assessment_scheme_save

    return assessment_scheme_save(
        actor=world.people["district"], year=2015, subject="institution", title="2015年度服务机构考核",
        criteria=[("个案服务", Decimal("60.00"), "caseload", Decimal("12.50")), ("台账管理", Decimal("40.00"), "", None)],
        grade_rules=[
            ("excellent", Decimal("90.00"), "发放全额绩效并奖励", Decimal("300.00")),
            ("competent", Decimal("75.50"), "发放全额绩效", Decimal("0.00")),
            ("incompetent", Decimal("0.00"), "扣发绩效", Decimal("-100.00")),
        ],
    )  # fmt: skip


def _evaluation_scheme_rows(scheme):
    return [
        (
            d.name,
            d.weight,
            [(i.name, i.full_score, i.guidance) for i in d.indicators.order_by("position", "pk")],
        )
        for d in scheme.domains.order_by("position", "pk")
    ]


@edit_page("projects:evaluation_scheme_edit", editor="district", related=_evaluation_scheme_rows)
def evaluation_scheme(world: World):
    from projects.services.evaluations import scheme_save
    from tests.projects.factories import make_call

    return scheme_save(
        actor=world.people["district"], title="2015年度项目评估指标", year=2015, call=make_call(year=2015), excellent_from=Decimal("92.5"),
        good_from=Decimal("81.0"), fair_from=Decimal("61.0"), satisfaction_calls=True, phone_sample_size=30,
        site_sample_size=5,
        domains=[
            {"name": "服务过程", "weight": "60.0", "indicators": [
                {"name": "服务规范", "full_score": "10.0", "guidance": "流程符合标准"},
                {"name": "专业方法", "full_score": "12.5", "guidance": ""},
            ]},
            {"name": "服务成效", "weight": "40.0", "indicators": [
                {"name": "目标达成", "full_score": "20.0", "guidance": "以台账核实"},
            ]},
        ],
    )  # fmt: skip


# Training


@edit_page("training:series_update", editor="district")
def training_series(world: World) -> TrainingSeries:
    return TrainingSeries.objects.create(
        title="2015年社会工作实务能力提升", category="expert_lecture", year=2015, unit=world.network.station_a,
        organizer=world.people["retired_organizer"], completion_share=75,
    )  # fmt: skip


@edit_page("training:session_update", editor="district")
def training_session(world: World) -> TrainingSession:
    series = training_series(world)
    day = timezone.localdate() + timedelta(days=20)
    zone = timezone.get_current_timezone()
    session = TrainingSession.objects.create(
        series=series, topic="个案会谈技巧", starts_at=datetime.combine(day, time(9, 30), zone),
        ends_at=datetime.combine(day, time(16, 45), zone), venue="区社工服务中心二楼", host_unit=world.network.station_a,
        capacity=1290, minimum=12, credit_hours=Decimal("6.5"),
    )  # fmt: skip
    session.trainers.set(
        [
            Trainer.objects.create(name=name, affiliation="三峡大学", affiliation_kind="university")
            for name in ("张教授", "刘老师")
        ]
    )
    return session


@edit_page("training:hours", editor="district", url_kwargs=lambda record: {})
def hours_requirement(world: World) -> HoursRequirement:
    return HoursRequirement.objects.create(year=timezone.localdate().year, hours=Decimal("24.5"))


# Projects


@edit_page("projects:organization_update", editor="district")
def organization(world: World) -> SocialOrganization:
    return _organization(world)


@edit_page("projects:call_update", editor="district")
def call(world: World) -> Call:
    today = timezone.localdate()
    return Call.objects.create(
        year=today.year, kind="purchase", title="政府购买社会工作服务项目", budget_ceiling=Decimal("1290000.00"),
        opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=50), min_applications_per_community=10,
    )  # fmt: skip


@edit_page(
    "projects:application_update",
    editor="district",
    related=lambda project: [(line.item, line.amount) for line in project.budget_lines.order_by("pk")],
)
def application(world: World) -> Project:
    studio = Studio.objects.create(
        name="阳光社工工作室",
        leader=worker(world),
        unit=world.network.station_a,
        established_on=date(2016, 5, 4),
    )
    project = Project.objects.create(
        call=call(world), year=timezone.localdate().year, title="关爱留守儿童", service_area="left_behind",
        community=world.network.community_a, organization=_organization(world), studio=studio,
        beneficiaries="留守儿童及其监护人", beneficiary_count=1290, summary=LINES, plan_document="projects/plan.pdf",
        requested_amount=Decimal("500000.00"), created_by=world.people["district"],
    )  # fmt: skip
    project.budget_lines.create(item="活动物资", amount=Decimal("300000.00"))
    project.budget_lines.create(item="专家督导", amount=Decimal("200000.00"))
    return project


@edit_page("projects:panel_update", editor="district")
def review_panel(world: World):
    from projects.models import PanelApplication, PanelMember, ReviewPanel

    project = Project.objects.create(
        call=call(world), year=timezone.localdate().year, title="独居老人助餐", service_area="elderly",
        community=world.network.community_a, organization=_organization(world), beneficiaries="独居老人",
        beneficiary_count=60, summary=LINES, requested_amount=Decimal("30000.00"),
        status=Project.Status.UNDER_REVIEW, created_by=world.people["district"],
    )  # fmt: skip
    expert = make_user(f"expert{next(_n)}", Role.REVIEWER, region=world.network.district, full_name="钱文")
    panel = ReviewPanel.objects.create(
        call=project.call, name="社区公益微项目专家评审组", threshold=Decimal("65.5"),
        created_by=world.people["district"],
    )  # fmt: skip
    PanelMember.objects.create(panel=panel, user=expert)
    PanelMember.objects.create(panel=panel, user=world.people["district"])
    PanelApplication.objects.create(panel=panel, project=project)
    return panel


# Casework (the social worker of station A, with a supervisor)


def _category(code: str = "children_in_distress"):
    from casework.models import VulnerabilityCategory

    return VulnerabilityCategory.objects.get(code=code)


def _client(world: World):
    from casework import services

    born = date(1952, 4, 10)
    return services.client_register(
        actor=world.people["worker"], name="李桂英", gender="female", id_number=_id_number(born, "124"),
        phone="13807171234", address="甲社区二组 5 号", community=world.network.community_a,
        categories=[_category("low_income"), _category(RETIRED_CATEGORY)], consents_to_services=True,
        consents_to_data_processing=True, consent_recorded_on=timezone.localdate() - timedelta(days=3),
        household=[
            {"name": "王强", "relation": "child", "birth_date": date(1980, 2, 29), "situation": "外出务工"},
            {"name": "王小丽", "relation": "grandchild", "birth_date": date(2012, 12, 1), "situation": "在读小学"},
        ],
    )  # fmt: skip


def _case(world: World):
    from casework import services

    return services.case_open(
        actor=world.people["worker"], clients=[_client(world)], supervisor=world.people["supervisor"],
        intake_on=timezone.localdate() - timedelta(days=30), source="referral", referred_by="甲社区居委会",
        presenting_problem=LINES, risk_level="high", category=_category(RETIRED_CATEGORY),
    )  # fmt: skip


def _household(client) -> list:
    return sorted((m.name, m.relation, m.birth_date, m.situation) for m in client.household.all())


@edit_page("casework:client_update", editor="worker", related=_household)
def client(world: World):
    return _client(world)


@edit_page("casework:case_update", editor="worker")
def case(world: World):
    return _case(world)


@edit_page(
    "casework:referral_update",
    editor="worker",
    url_kwargs=lambda referral: {"pk": referral.case_id, "referral_pk": referral.pk},
    shown_on=lambda referral: referral.case.get_absolute_url(),
)
def referral(world: World):
    from casework import services

    actor, found = world.people["worker"], _case(world)
    day = timezone.localdate() - timedelta(days=5)
    sent = services.referral_add(
        actor=actor, case=found, target_kind="organization", target="区慈善总会", request=LINES, referred_on=day,
        organization=_organization(world, "慈善总会"),
    )  # fmt: skip
    return services.referral_update(
        actor=actor, referral=sent, status="succeeded", outcome="financial_aid", outcome_note=LINES,
        amount=Decimal("1290000.50"), concluded_on=day + timedelta(days=2),
    )  # fmt: skip


@edit_page("casework:group_update", editor="worker")
def group(world: World):
    from casework import services

    return services.group_create(
        actor=world.people["worker"], name="老年互助小组", kind="mutual_aid", category=_category(RETIRED_CATEGORY),
        aims=LINES, community=world.network.community_a, worker=world.people["worker"],
        supervisor=world.people["retired_supervisor"], starts_on=timezone.localdate() + timedelta(days=3),
        ends_on=timezone.localdate() + timedelta(days=90),
    )  # fmt: skip


@edit_page("casework:activity_update", editor="worker")
def activity(world: World):
    from casework import services

    return services.activity_save(
        actor=world.people["worker"], theme="重阳敬老活动", held_on=timezone.localdate() - timedelta(days=2),
        community=world.network.community_a, partners="甲社区居委会、志愿者协会", participants=129, summary=LINES,
    )  # fmt: skip


@edit_page("casework:volunteer_update", editor="worker")
def volunteer(world: World):
    from casework import services

    return services.volunteer_save(
        actor=world.people["worker"], name="赵志愿", phone="13607171234", skills="心理疏导、陪伴",
        registered_on=timezone.localdate() - timedelta(days=100), active=False,
    )  # fmt: skip


@edit_page("casework:advocacy_update", editor="worker")
def advocacy(world: World):
    from casework import services

    return services.advocacy_save(
        actor=world.people["worker"], title="关于完善困境儿童救助的建议", problem=LINES, evidence_note=LINES,
        proposal=LINES, department="区民政局",
    )  # fmt: skip


def _plan_rows(plan) -> tuple:
    goals = list(plan.goals.order_by("pk"))
    rows = {goal.pk: index for index, goal in enumerate(goals)}
    return (
        [(goal.description, goal.indicator) for goal in goals],
        [(t.description, t.owner, t.due_on, rows.get(t.goal_id)) for t in plan.tasks.order_by("pk")],
    )


@edit_page(
    "casework:plan_save",
    editor="worker",
    url_kwargs=lambda plan: {"pk": plan.case_id},
    shown_on=lambda plan: plan.case.get_absolute_url(),
    related=_plan_rows,
    # The plan is written anew: its rows are compared by what they say, not by their ids.
    ignore=("id",),
)
def service_plan(world: World):
    from casework import services

    actor, found = world.people["worker"], _case(world)
    day = found.intake_on + timedelta(days=1)
    services.case_move(actor=actor, case=found, move="assess")
    services.assessment_record(
        actor=actor, case=found, assessed_on=day, risk_level="medium", summary="",
        domains={"economic": {"needs": "收入中断", "strengths": "亲属支持", "risk": "high"}},
    )  # fmt: skip
    services.case_move(actor=actor, case=found, move="plan")
    return services.plan_save(
        actor=actor, case=found,
        goals=[{"description": "保障基本生活", "indicator": "获得临时救助"}, {"description": "重建支持网络", "indicator": "每周探访"}],
        tasks=[
            {"description": "联系民政办", "owner": "胡社工", "due_on": day + timedelta(days=7), "goal": 0},
            {"description": "链接志愿者", "owner": "志愿者协会", "due_on": day + timedelta(days=14), "goal": 1},
        ],
    )  # fmt: skip


# The district's settings and a person's own


@edit_page("casework:policy", editor="district", url_kwargs=lambda policy: {})
def casework_policy(world: World):
    from casework.services import policy_update

    return policy_update(
        actor=world.people["district"], retention_days=400, quiet_case_days=45, grant_max_days=20,
        break_glass_hours=6,
    )  # fmt: skip


@edit_page("casework:subject_request_policy", editor="district", url_kwargs=lambda policy: {})
def subject_request_policy(world: World):
    from casework.services import subject_request_policy_update

    return subject_request_policy_update(
        actor=world.people["district"], answer_working_days=12, holidays=["2026-10-01", "2026-10-02"],
        working_weekend_days=["2026-10-10"],
    )  # fmt: skip


def _preferences(user) -> list:
    return sorted(user.notification_preferences.values_list("kind", "in_app", "email"))


@edit_page(
    "notification_preferences",
    editor="worker",
    url_kwargs=lambda user: {},
    related=_preferences,
    ignore=("last_login", "password"),
)
def notification_preferences(world: World):
    from socialwork.notifications import notification_kinds
    from socialwork.services import notification_preferences_save

    user = world.people["worker"]
    notification_preferences_save(
        user=user,
        choices={kind.name: (n % 2 == 0, n % 3 == 0) for n, kind in enumerate(notification_kinds())},
    )
    return user
