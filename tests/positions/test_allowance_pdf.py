"""The allowance roll on paper: a PDF a finance office can file, signed by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from positions.models import AllowancePolicy, CertificateLevel
from positions.services.allowance import allowance_roll_close, allowance_roll_generate
from tests.pdfs import assert_fonts_embedded, pdf_text, squeezed
from tests.positions.test_allowance import MARCH, in_post

C = CertificateLevel


@pytest.fixture
def staff(network):
    """200 yuan a month for a social worker, 100 for an assistant; two paid in station A, one in B."""
    AllowancePolicy.objects.create(
        level=C.SOCIAL_WORKER, monthly_amount=Decimal(200), effective_from=date(2020, 1, 1)
    )
    AllowancePolicy.objects.create(
        level=C.ASSISTANT, monthly_amount=Decimal(100), effective_from=date(2020, 1, 1)
    )
    in_post("甲社工", network.posts_a[0])
    in_post("甲助理", network.posts_a[1], C.ASSISTANT)
    in_post("乙社工", network.post_b)


def download(client, roll):
    response = client.get(reverse("positions:allowance_roll_pdf", args=[roll.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="allowance-2025-03.pdf"'
    return b"".join(response.streaming_content)


def test_district_admin_prints_the_whole_roll_with_title_total_pages_and_signatures(
    as_user, staff, district_admin
):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    allowance_roll_close(actor=district_admin, roll=roll)
    client = as_user(district_admin)
    assert (
        reverse("positions:allowance_roll_pdf", args=[roll.pk])
        in client.get(roll.get_absolute_url()).content.decode()
    )

    document = download(client, roll)
    assert_fonts_embedded(document)
    text = pdf_text(document)
    assert "测试区 qualification allowance roll for social workers, March 2025" in text
    assert "Issuing unit: 区社工服务中心" in text and "Closed on" in text
    for name in ("甲社工", "甲助理", "乙社工"):
        assert name in text
    assert "3 workers" in text and "¥500.00" in text
    assert "Page 1 of 1" in text
    for label in ("Prepared by (signature):", "Checked by (signature):", "Head (signature):"):
        assert label in text


def test_a_draft_roll_says_on_paper_that_it_is_a_draft(as_user, staff, district_admin):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    text = pdf_text(download(as_user(district_admin), roll))
    assert "Draft: not closed yet" in text


def test_station_manager_prints_only_their_workers_and_their_total(
    as_user, staff, station_manager, district_admin
):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    client = as_user(station_manager)
    assert (
        reverse("positions:allowance_roll_pdf", args=[roll.pk])
        in client.get(roll.get_absolute_url()).content.decode()
    )
    text = pdf_text(download(client, roll))
    assert "甲社工" in text and "甲助理" in text and "乙社工" not in text
    assert "2 workers" in text and "¥300.00" in text


def test_who_may_not_see_the_roll_gets_no_paper_either(
    as_user, staff, district_admin, social_worker, org_staff, supervisor
):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    for user in (social_worker, org_staff, supervisor):
        assert as_user(user).get(reverse("positions:allowance_roll_pdf", args=[roll.pk])).status_code == 403
    assert (
        as_user(district_admin).get(reverse("positions:allowance_roll_pdf", args=[roll.pk + 999])).status_code
        == 404
    )


def test_in_chinese_the_roll_reads_as_a_bureau_writes_it(settings, as_user, staff, district_admin):
    settings.LANGUAGE_CODE = "zh-hans"
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    text = pdf_text(download(as_user(district_admin), roll))
    assert "测试区社会工作者职业水平津贴发放表（2025年3月）" in text
    assert "第1页共1页" in squeezed(text)
    for label in ("制表人（签字）：", "审核人（签字）：", "负责人（签字）："):
        assert label in text
