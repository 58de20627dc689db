"""Demo evaluation: the 2015 community practice call's scheme (five domains weighted 20/25/30/15/10),
a third-party evaluation organization the demo `evaluator` account belongs to, and the final
evaluation of the demo's first project (run by the demo `org` account's organization) assigned to
them. Idempotent: nothing is made twice."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from positions.models import Region
from projects.models import (
    Call,
    Evaluation,
    EvaluationDomain,
    EvaluationIndicator,
    EvaluationScheme,
    Project,
    SocialOrganization,
)

EVALUATION_ORGANIZATION = "宜昌市社会工作评估中心"
SCHEME_TITLE = "2015年社区社会工作实务专项评估指标"
DOMAINS = [
    ("项目管理", 20, [
        ("项目计划与执行", 10, "有完整的项目计划书，按计划推进；偏离计划有说明。"),
        ("制度与档案", 10, "管理制度健全，服务档案齐全、规范，及时归档。"),
    ]),
    ("服务过程", 25, [
        ("服务规范", 10, "个案、小组、社区活动流程符合行业标准（MZ/T 094、MZ/T 095）。"),
        ("专业方法运用", 10, "恰当运用社会工作专业方法，有督导记录。"),
        ("志愿者参与", 5, "招募、培训、使用志愿者，有服务时长记录。"),
    ]),
    ("服务成效", 30, [
        ("目标达成", 15, "合同约定的服务指标完成情况，以台账数据核实。"),
        ("服务对象改变", 10, "服务前后测对比，有证据支持。"),
        ("社会影响", 5, "媒体报道、获奖、经验推广情况。"),
    ]),
    ("财务管理", 15, [
        ("预算执行", 10, "资金按预算使用，支出与服务内容相符。"),
        ("财务规范", 5, "专账管理，票据合规，无挪用。"),
    ]),
    ("满意度", 10, [
        ("服务对象满意度", 7, "抽样回访满意率：90%以上满分，每低5个百分点扣1分。"),
        ("购买方满意度", 3, "街道、社区对项目的评价。"),
    ]),
]  # fmt: skip


def seed_evaluations() -> dict[str, int]:
    User = get_user_model()
    call = Call.objects.filter(title="2015年社区社会工作实务专项").first()
    evaluator = User.objects.filter(username="evaluator").first()
    actor = User.objects.filter(username="demo-data").first()
    if call is None or actor is None:
        return {"schemes": 0, "evaluations": 0}
    made = {"schemes": 0, "evaluations": 0}
    scheme = EvaluationScheme.objects.filter(call=call).first()
    if scheme is None:
        # The demo's evaluation asks for satisfaction calls of a few closed cases per station.
        scheme = EvaluationScheme.objects.create(
            title=SCHEME_TITLE, call=call, year=call.year, created_by=actor,
            satisfaction_calls=True, phone_sample_size=5, site_sample_size=2,
        )  # fmt: skip
        for position, (name, weight, indicators) in enumerate(DOMAINS, start=1):
            domain = EvaluationDomain.objects.create(
                scheme=scheme, name=name, weight=Decimal(weight), position=position
            )
            EvaluationIndicator.objects.bulk_create(
                EvaluationIndicator(domain=domain, name=n, full_score=Decimal(f), guidance=g, position=p)
                for p, (n, f, g) in enumerate(indicators, start=1)
            )
        made["schemes"] = 1
    organization, _created = SocialOrganization.objects.get_or_create(
        name=EVALUATION_ORGANIZATION,
        defaults={
            "kind": SocialOrganization.Kind.SOCIAL_WORK_INSTITUTION,
            "registration": SocialOrganization.Registration.REGISTERED,
            "region": Region.objects.filter(code="420506").first(),
            "service_areas": [],
        },
    )
    if evaluator is None:
        return made
    if evaluator.organization_id is None:
        evaluator.organization = organization
        evaluator.save(update_fields=["organization"])
    project = (
        Project.objects.filter(
            call=call, status=Project.Status.IN_PROGRESS, organization__staff__username="org"
        )
        .order_by("pk")
        .first()
    ) or Project.objects.filter(call=call, status=Project.Status.IN_PROGRESS).order_by("pk").first()
    if project is None or Evaluation.objects.filter(project=project, stage=Evaluation.Stage.FINAL).exists():
        return made
    admin = User.objects.filter(username="district").first() or actor
    evaluation = Evaluation.objects.create(
        project=project, scheme=scheme, stage=Evaluation.Stage.FINAL, evaluating_organization=organization,
        due_on=timezone.localdate() + timedelta(days=30), assigned_by=admin,
    )  # fmt: skip
    evaluation.evaluators.set([evaluator])
    made["evaluations"] = 1
    return made
