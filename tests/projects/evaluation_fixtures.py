"""Fixtures of project evaluation tests: a scheme (two domains, 60/40), an evaluation organization
with its evaluator, a running project of `organization` with its staff, an assigned evaluation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.models import Project
from projects.services import evaluations as services
from socialwork.roles import Role
from tests.factories import make_user
from tests.projects.factories import make_budget, make_call, make_contract, make_organization, make_project

DOMAINS = [
    {"name": "服务过程", "weight": "60", "indicators": [
        {"name": "服务规范", "full_score": "10", "guidance": "流程符合标准"},
        {"name": "专业方法", "full_score": "10", "guidance": ""},
    ]},
    {"name": "服务成效", "weight": "40", "indicators": [{"name": "目标达成", "full_score": "20", "guidance": ""}]},
]  # fmt: skip


def domains():
    return [dict(d, indicators=[dict(i) for i in d["indicators"]]) for d in DOMAINS]


@pytest.fixture
def ev_call(db):
    return make_call()


@pytest.fixture
def scheme(district_admin, ev_call):
    return services.scheme_save(actor=district_admin, title="评估指标", call=ev_call, domains=domains())


@pytest.fixture
def provider(db):
    return make_organization("阳光社工服务中心", credit_code="91350100M000100Y43")


@pytest.fixture
def assessor_org(db):
    return make_organization("宜昌市社会工作评估中心", credit_code="91110000600037341L")


@pytest.fixture
def evaluator(network, assessor_org):
    return make_user("evaluator", Role.EVALUATOR, region=network.district, organization=assessor_org)


@pytest.fixture
def other_evaluator(network, assessor_org):
    return make_user("evaluator2", Role.EVALUATOR, region=network.district, organization=assessor_org)


@pytest.fixture
def provider_staff(org_staff, provider):
    org_staff.organization = provider
    org_staff.save(update_fields=["organization"])
    return org_staff


@pytest.fixture
def running(ev_call, network, district_admin, provider):
    make_budget()
    project = make_project(
        call=ev_call, community=network.community_a, created_by=district_admin, organization=provider,
        status=Project.Status.IN_PROGRESS, approved="40000", provider=provider,
    )  # fmt: skip
    make_contract(project, provider)
    return project


@pytest.fixture
def other_project(ev_call, network, district_admin, provider):
    return make_project(
        call=ev_call, community=network.community_a, created_by=district_admin, organization=provider,
        status=Project.Status.IN_PROGRESS, approved="30000", title="另一个项目",
    )  # fmt: skip


@pytest.fixture
def evaluation(district_admin, running, scheme, assessor_org, evaluator):
    return services.evaluation_assign(
        actor=district_admin, project=running, stage="final", evaluating_organization=assessor_org,
        evaluators=[evaluator], due_on=timezone.localdate() + timedelta(days=20),
    )  # fmt: skip


def indicators(evaluation):
    return [
        i for d in evaluation.scheme.domains.order_by("position") for i in d.indicators.order_by("position")
    ]


def score_all(actor, evaluation, values=("8", "6", "15"), findings="总体良好"):
    scores = {i.pk: (Decimal(v), "说明") for i, v in zip(indicators(evaluation), values, strict=True)}
    return services.evaluation_score(actor=actor, evaluation=evaluation, scores=scores, findings=findings)
