"""A project's contract summary on paper: terms, milestones, payments, signatures."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Payment, Project
from tests.pdfs import assert_fonts_embedded, pdf_text, squeezed
from tests.projects.factories import make_contract, make_milestone, make_project

TODAY = timezone.localdate()


@pytest.fixture
def contract(call, network, district_admin, organization):
    project = make_project(
        call=call, community=network.community_a, created_by=district_admin, organization=organization,
        status=Project.Status.IN_PROGRESS, approved="40000", title="关爱留守儿童·成长陪伴",
    )  # fmt: skip
    contract = make_contract(
        project, organization, number="HT-2026-07", purchaser="测试区民政局", deliverables="开展小组活动12次"
    )
    make_milestone(
        contract, TODAY - timedelta(days=5), title="中期评估", amount=Decimal("20000"), completed_on=TODAY
    )
    make_milestone(contract, TODAY + timedelta(days=200), title="末期评估", amount=Decimal("12000"))
    Payment.objects.create(
        contract=contract, amount=Decimal("15000"), paid_on=TODAY, note="首期", recorded_by=district_admin
    )
    return contract


def summary_url(contract):
    return reverse("projects:contract_summary", args=[contract.project_id])


def download(client, contract) -> bytes:
    response = client.get(summary_url(contract))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="contract-HT-2026-07.pdf"'
    return response.content


def test_the_summary_holds_the_terms_milestones_payments_and_signatures(as_user, district_admin, contract):
    client = as_user(district_admin)
    page = client.get(reverse("projects:project_detail", args=[contract.project_id])).content.decode()
    assert summary_url(contract) in page

    document = download(client, contract)
    assert_fonts_embedded(document)
    text = pdf_text(document)
    assert "Service contract summary: 关爱留守儿童·成长陪伴" in text
    assert "Issuing unit: 测试区民政局" in text and "HT-2026-07" in text
    assert "阳光社工服务中心" in text and "91350100M000100Y43" in text
    assert "¥40,000.00" in text and "开展小组活动12次" in text
    assert "中期评估" in text and "¥20,000.00" in text and "末期评估" in text
    assert "首期" in text and "¥15,000.00" in text
    assert "Page 1 of" in text
    for label in ("Prepared by (signature):", "Checked by (signature):", "Head (signature):"):
        assert label in text


def test_the_provider_prints_its_own_contract(as_user, applicant, contract):
    assert "HT-2026-07" in pdf_text(download(as_user(applicant), contract))


def test_nobody_else_gets_the_summary(
    as_user, network, contract, other_organization, other_station_manager, social_worker
):
    from socialwork.roles import Role
    from tests.factories import make_user

    outsider = make_user("outsider", Role.ORG_STAFF, organization=other_organization)
    for user in (other_station_manager, social_worker, outsider):
        client = as_user(user)
        assert client.get(summary_url(contract)).status_code == 404, user
        page = client.get(reverse("projects:project_detail", args=[contract.project_id]))
        assert summary_url(contract) not in page.content.decode()


def test_in_chinese_the_summary_reads_as_the_bureau_writes_it(settings, as_user, district_admin, contract):
    settings.LANGUAGE_CODE = "zh-hans"
    text = pdf_text(download(as_user(district_admin), contract))
    assert "关爱留守儿童·成长陪伴服务合同摘要" in text
    assert "第1页共1页" in squeezed(text) and "制表人（签字）：" in text
