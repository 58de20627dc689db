"""Demo projects and organizations with the figures of seed 000.

289 registered and 459 filed social organizations; 16 professional service teams; 500,000 yuan
supporting 19 community practice projects; the 2015 budget of 1.29 million yuan of which
660,000 spent; the "Interpersonal Psychology Training Camp" as a national excellent case and the
Xing'an community child care centre's national prize; this year's call asking every community
for at least 10 applications. Idempotent: nothing is made twice.

The 2015 call for community social work funding is the demo city's (宜昌市): besides Yiling's 19
projects, 点军区's own organizations run 6 in its communities (DIANJUN_MICRO), so the city funded
seed 001's 25. They were approved at the year's end; their contracts wait for 点军区's own budget
(the year's budget, 1.29 million, is Yiling's: seed 000's), so nothing of theirs is committed or
paid.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from positions.demo import DISTRICT
from positions.models import Region, Studio
from projects.models import (
    BudgetLine,
    Call,
    Contract,
    Honour,
    Milestone,
    Payment,
    ProgressReport,
    Project,
    ServiceArea,
    ServiceTeam,
    SocialOrganization,
    SupervisionVisit,
    TeamMember,
    Transition,
    YearBudget,
)
from socialwork.creditcodes import check_character

REGISTERED, FILED = 289, 459
MICRO_PROJECTS, MICRO_TOTAL = 19, Decimal("500000.00")
BUDGET_2015, SPENT_2015 = Decimal("1290000.00"), Decimal("660000.00")
DIANJUN_MICRO, DIANJUN_EACH = 6, Decimal("15000.00")
PURCHASED = [  # (title, area, amount): government purchase of services in 2015
    ("心连心脑瘫儿童康复服务", ServiceArea.DISABILITY, Decimal("200000.00")),
    ("妇女志愿服务三留守服务", ServiceArea.LEFT_BEHIND, Decimal("180000.00")),
    ("军民鱼水一家亲", ServiceArea.MILITARY, Decimal("150000.00")),
    ("青少年人际交往训练营", ServiceArea.YOUTH, Decimal("160000.00")),
]
TEAMS = ["残疾人康复训练师团队", "法律服务律师团队", "心理咨询师团队", "家庭教育指导团队"]
S = Project.Status
FULL_PATH = [S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.CONTRACTED, S.IN_PROGRESS]


def _credit_code(n: int, area: str = "420506") -> str:
    first17 = f"52{area}MJH{n:06d}"
    return first17 + check_character(first17)


def seed_projects() -> dict[str, int]:
    made = _seed_yiling_projects()
    dianjun = _seed_dianjun_projects()
    return {key: made[key] + dianjun[key] for key in made}


def _demo_actor():
    actor, created = get_user_model().objects.get_or_create(
        username="demo-data", defaults={"full_name": "演示数据", "is_active": False}
    )
    if created:  # the author of the demo records; nobody logs in as it
        actor.set_unusable_password()
        actor.save(update_fields=["password"])
    return actor


def _seed_yiling_projects() -> dict[str, int]:
    if YearBudget.objects.filter(year=2015).exists():
        return {"organizations": 0, "projects": 0}
    actor = _demo_actor()
    organizations = _seed_organizations()
    # Yiling's own budgets (each district keeps its own: a budget is its own money).
    yiling = Region.objects.filter(code=DISTRICT[1]).first()
    YearBudget.objects.create(region=yiling, year=2015, amount=BUDGET_2015)
    YearBudget.objects.get_or_create(
        region=yiling, year=timezone.localdate().year, defaults={"amount": Decimal("1500000.00")}
    )
    communities = list(
        Region.objects.filter(level__in=Region.COMMUNITY_LEVELS)
        .filter(path__startswith=yiling.path if yiling else "")
        .order_by("path")
    )
    micro = Call.objects.create(
        year=2015, kind=Call.Kind.MICRO, title="2015年社区社会工作实务专项", budget_ceiling=Decimal("40000.00"),
        opens_on=date(2015, 3, 1), closes_on=date(2015, 4, 30), min_applications_per_community=0,
    )  # fmt: skip
    purchase = Call.objects.create(
        year=2015, kind=Call.Kind.PURCHASE, title="2015年政府购买社会工作服务", budget_ceiling=Decimal("200000.00"),
        opens_on=date(2015, 3, 1), closes_on=date(2015, 5, 31),
    )  # fmt: skip
    today = timezone.localdate()
    Call.objects.create(
        year=today.year, kind=Call.Kind.MICRO, title=f"{today.year}年社区公益微项目",
        budget_ceiling=Decimal("30000.00"), opens_on=today - timedelta(days=20), closes_on=today + timedelta(days=2),
        min_applications_per_community=10,
    )  # fmt: skip

    projects, amounts = [], []
    each = (MICRO_TOTAL / MICRO_PROJECTS).quantize(Decimal("1"))
    for number in range(MICRO_PROJECTS):
        amount = each if number < MICRO_PROJECTS - 1 else MICRO_TOTAL - each * (MICRO_PROJECTS - 1)
        title = "人际心理训练营" if number == 0 else f"社区实务专项{number + 1:02d}"
        projects.append(
            _project(
                micro,
                title,
                list(ServiceArea)[number % 9],
                communities[number * 7],
                organizations[number],
                actor,
                amount,
            )
        )
        amounts.append(amount)
    studios = list(Studio.objects.order_by("pk"))
    for number, (title, area, amount) in enumerate(PURCHASED):
        project = _project(
            purchase, title, area, communities[number * 11 + 3], organizations[20 + number], actor, amount
        )
        project.studio = studios[number % len(studios)] if studios else None
        project.save(update_fields=["studio"])
        projects.append(project)
        amounts.append(amount)

    # Contracts for every project, each paying half when the work starts and 40% at the mid-term
    # review, with 10% held back until acceptance; 660,000 paid on completed milestones, oldest
    # contracts first.
    left = SPENT_2015
    for index, (project, amount) in enumerate(zip(projects, amounts, strict=True)):
        contract = Contract.objects.create(
            project=project, number=f"YL-GM-2015-{index + 1:03d}", year=2015, organization=project.organization,
            amount=amount, starts_on=date(2015, 6, 1), ends_on=date(2015, 12, 31), signed_on=date(2015, 5, 20),
            deliverables="按项目计划书完成服务。", final_share_percent=10,
        )  # fmt: skip
        project.provider = project.organization
        project.save(update_fields=["provider"])
        contract.signed_file.save(f"{contract.number}.pdf", ContentFile(_signed_copy(contract)), save=True)
        for title, day, share in (
            ("项目启动", date(2015, 6, 30), "0.5"),
            ("中期评估", date(2015, 9, 30), "0.4"),
        ):
            instalment = (amount * Decimal(share)).quantize(Decimal("0.01"))
            Milestone.objects.create(
                contract=contract, title=title, due_on=day, completed_on=day, amount=instalment
            )
            paid = min(left, instalment)
            if paid:
                Payment.objects.create(
                    contract=contract, amount=paid, paid_on=day + timedelta(days=1), recorded_by=actor,
                    note="首期" if title == "项目启动" else "中期",
                )  # fmt: skip
                left -= paid
    # Each project reported its progress twice and was visited once by the district, as the
    # evaluation dossier shows them.
    for project in projects:
        for period, content in (
            ("2015年第三季度", "完成需求调研，开展入户走访和小组活动。"),
            ("2015年第四季度", "按计划开展个案、小组和社区活动。"),
        ):
            ProgressReport.objects.create(project=project, period=period, content=content, submitted_by=actor)
        SupervisionVisit.objects.create(
            project=project, visited_on=date(2015, 10, 15), inspector="区民政局社工科",
            findings="服务记录完整，活动开展有序。", rating=SupervisionVisit.Rating.GOOD,
        )  # fmt: skip
    Honour.objects.create(
        project=projects[0], name="全国社会工作实务创新优秀案例", awarded_by="中国社会工作联合会", year=2015
    )
    Honour.objects.create(project=projects[5], name="一社区一品牌", awarded_by="夷陵区民政局", year=2015)
    return {"organizations": len(organizations), "projects": len(projects)}


def _seed_dianjun_projects() -> dict[str, int]:
    """点军区's share of the city's 2015 community call: one project in each of six communities,
    each run by one of its own registered organizations."""
    call = Call.objects.filter(year=2015, kind=Call.Kind.MICRO).order_by("pk").first()
    dianjun = Region.objects.filter(code="420504").first()
    if call is None or dianjun is None:
        return {"organizations": 0, "projects": 0}
    if Project.objects.filter(call=call, community__path__startswith=dianjun.path).exists():
        return {"organizations": 0, "projects": 0}
    actor = _demo_actor()
    organizations = SocialOrganization.objects.bulk_create(
        SocialOrganization(
            name=f"点军区{_ORG_NAMES[n % len(_ORG_NAMES)]}{n + 1:02d}",
            credit_code=_credit_code(n + 1, area="420504"),
            kind=SocialOrganization.Kind.SOCIAL_WORK_INSTITUTION,
            registration=SocialOrganization.Registration.REGISTERED,
            registered_on=date(2014, 3 + n, 1),
            region=dianjun,
            service_areas=[list(ServiceArea)[n % 9].value],
        )
        for n in range(DIANJUN_MICRO)
    )
    communities = list(
        Region.objects.filter(level__in=Region.COMMUNITY_LEVELS, path__startswith=dianjun.path).order_by(
            "path"
        )
    )
    for number, organization in enumerate(organizations):
        _project(
            call,
            f"点军区社区社会工作服务{number + 1:02d}",
            list(ServiceArea)[(number * 2) % 9],
            communities[number * len(communities) // DIANJUN_MICRO],
            organization,
            actor,
            DIANJUN_EACH,
            until=S.APPROVED,
        )
    return {"organizations": len(organizations), "projects": len(organizations)}


def _seed_organizations() -> list[SocialOrganization]:
    kinds = [SocialOrganization.Kind.SOCIAL_WORK_INSTITUTION, SocialOrganization.Kind.ASSOCIATION,
             SocialOrganization.Kind.FOUNDATION]  # fmt: skip
    grades = ["5A", "4A", "3A", "", ""]
    district = Region.objects.get(code="420506")  # Yiling: seed 000's organizations
    registered = [
        SocialOrganization(
            name=f"夷陵区{_ORG_NAMES[n % len(_ORG_NAMES)]}{n + 1:03d}",
            credit_code=_credit_code(n + 1),
            kind=kinds[n % 3],
            registration=SocialOrganization.Registration.REGISTERED,
            registered_on=date(2010 + n % 6, 1 + n % 12, 1),
            region=district,
            grade=grades[n % 5],
            grade_year=2015 if grades[n % 5] else None,
            service_areas=[list(ServiceArea)[n % 9].value],
        )  # fmt: skip
        for n in range(REGISTERED)
    ]
    filed = [
        SocialOrganization(
            name=f"社区社会组织{n + 1:03d}",
            kind=SocialOrganization.Kind.COMMUNITY,
            registration=SocialOrganization.Registration.FILED,
            registered_on=date(2014, 1 + n % 12, 1),
            region=district,
        )  # fmt: skip
        for n in range(FILED)
    ]
    organizations = SocialOrganization.objects.bulk_create(registered + filed)
    for number in range(16):  # 16 professional service teams across the first institutions
        team = ServiceTeam.objects.create(
            organization=organizations[number % 8], name=f"{TEAMS[number % 4]}{number // 4 + 1}"
        )
        TeamMember.objects.bulk_create(
            TeamMember(team=team, name=f"队员{number + 1}-{m}", role="成员") for m in range(1, 4)
        )
    return organizations


_ORG_NAMES = [
    "心连心社会工作服务中心",
    "阳光社会工作服务社",
    "夕阳红养老服务中心",
    "青苗青少年服务中心",
    "同心志愿者协会",
]


def _signed_copy(contract: Contract) -> bytes:
    """A one-page stand-in for the scanned signed contract, so the demo's documents open."""
    from socialwork import pdf as paper

    story = paper.title_block(
        title=f"政府购买社会工作服务合同（{contract.number}）",
        issuer=contract.purchaser,
        on=contract.signed_on,
        subtitle=f"{contract.project.title} · {contract.organization.name}",
    )
    story.append(paper.Paragraph("演示数据：签字盖章的合同扫描件在此处。", paper.styles()["body"]))
    return paper.build(story, title="合同扫描件", issuer=contract.purchaser)


def _project(call, title, area, community, organization, actor, amount, until=S.IN_PROGRESS) -> Project:
    project = Project.objects.create(
        call=call, title=title, service_area=area, community=community, organization=organization,
        beneficiaries="辖区困难群体", beneficiary_count=120, requested_amount=amount, approved_amount=amount,
        status=until, created_by=actor,
    )  # fmt: skip
    BudgetLine.objects.create(project=project, item="服务活动经费", amount=amount)
    path = FULL_PATH[: FULL_PATH.index(until) + 1]
    moves = zip([S.DRAFT, *path[:-1]], path, strict=True)
    Transition.objects.bulk_create(
        Transition(project=project, from_status=a, to_status=b, actor=actor) for a, b in moves
    )
    return project
