"""The demo's expert review panel: this year's call for community micro-projects has four
applications under review before a panel of three expert reviewers, `expert` (who logs in) and two
more (plain users who do not). The other two have scored; one withdrew from an application for a
conflict of interest and one changed a score with a reason; `expert` has scored one application
and has two waiting for their declaration and score. Made through the services, so the audit log
and timelines hold it too. Idempotent: nothing is made twice."""

from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from positions.models import Region
from projects.models import BudgetLine, Call, Project, ReviewPanel, SocialOrganization, Transition
from projects.services import panels as services
from socialwork.models import User
from socialwork.roles import Role

PANEL_NAME = "{year}年社区公益微项目专家评审组"
REVIEWERS = [("expert2", "孙立平（评审专家）"), ("expert3", "李红梅（评审专家）")]
APPLICATIONS = [  # (title, area, amount, summary)
    (
        "留守儿童四点半课堂",
        "left_behind",
        "28000",
        "放学后为留守儿童提供作业辅导、阅读陪伴和安全教育，每周五天。",
    ),
    ("独居老人助餐送餐服务", "elderly", "30000", "为社区80岁以上独居老人提供午餐配送和每周探访。"),
    ("残疾人居家康复辅导", "disability", "25000", "康复训练师上门为残疾人提供康复训练和家属照护指导。"),
    ("青少年心理健康小组", "youth", "20000", "以小组工作方式开展青少年情绪管理与人际交往训练。"),
]


def seed_panels() -> int:
    """The panel and its applications, once the demo accounts exist; 0 if already made."""
    today = timezone.localdate()
    call = Call.objects.filter(year=today.year, kind=Call.Kind.MICRO).order_by("pk").first()
    district = User.objects.filter(username="district").first()
    expert = User.objects.filter(username="expert").first()
    if call is None or district is None or expert is None:
        return 0
    name = PANEL_NAME.format(year=call.year)
    if ReviewPanel.objects.filter(name=name).exists():
        return 0
    group = Group.objects.get(name=Role.REVIEWER)
    others = []
    for username, full_name in REVIEWERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "region": district.region}
        )
        if created:  # a reviewer on paper: no login in the demo
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(group)
        others.append(user)
    communities = list(Region.objects.filter(level__in=Region.COMMUNITY_LEVELS).order_by("path")[:40:10])
    organizations = list(SocialOrganization.objects.filter(registration="registered").order_by("pk")[30:34])
    projects = []
    for (title, area, amount, summary), community, organization in zip(
        APPLICATIONS, communities, organizations, strict=True
    ):
        project = Project.objects.create(
            call=call, title=title, service_area=area, community=community, organization=organization,
            beneficiaries="社区居民", beneficiary_count=60, summary=summary, requested_amount=Decimal(amount),
            status=Project.Status.UNDER_REVIEW, created_by=district,
        )  # fmt: skip
        half = (Decimal(amount) / 2).quantize(Decimal("1"))
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(project=project, item="活动物资与场地", amount=half),
                BudgetLine(project=project, item="专业人员劳务", amount=Decimal(amount) - half),
            ]
        )
        Transition.objects.bulk_create(
            [
                Transition(project=project, from_status="draft", to_status="submitted", actor=district),
                Transition(
                    project=project, from_status="submitted", to_status="under_review", actor=district
                ),
            ]
        )
        projects.append(project)
    panel = services.panel_save(
        actor=district, call=call, name=name, threshold=60, members=[expert, *others], applications=projects
    )
    second, third = others
    children, elderly, disability, youth = projects

    def scored(user, project, score, comment):
        services.conflict_declare(actor=user, panel=panel, project=project, has_conflict=False)
        services.review_score(actor=user, panel=panel, project=project, score=score, comment=comment)

    scored(second, children, 82, "需求调研扎实，服务频次合理。")
    scored(third, children, 70, "安全教育部分偏少。")
    services.review_score(
        actor=third, panel=panel, project=children, score=76, comment="补充材料已说明安全教育安排。",
        reason="申报单位补充了安全教育计划",
    )  # fmt: skip
    scored(second, elderly, 65, "送餐成本测算需细化。")
    scored(third, elderly, 58, "可持续性不足。")
    services.conflict_declare(
        actor=second, panel=panel, project=disability, has_conflict=True, reason="本人在申报机构担任理事"
    )
    scored(third, disability, 88, "专业团队稳定，康复计划具体。")
    scored(expert, disability, 85, "与残联资源衔接好。")
    scored(second, youth, 74, "小组设计规范。")
    scored(third, youth, 69, "评估指标可再量化。")
    return len(projects)
