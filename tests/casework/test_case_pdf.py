"""The case file on paper: every stage of the work, masked personal data, signatures, audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from socialwork.models import AuditEntry
from tests.casework.factories import case_in_intervention, make_client
from tests.casework.test_views_cases import id_number
from tests.pdfs import assert_fonts_embedded, pdf_text, squeezed

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def closed_case(social_worker, supervisor):
    """A case taken through every stage: intake, assessment, approved plan, a note, a referral
    that succeeded, a follow-up, a supervision review and an approved closing."""
    client = make_client(
        social_worker, name="叶先生", id_number=id_number(), birth_date=None, phone="13812345678"
    )
    case = case_in_intervention(social_worker, supervisor, client=client)
    services.note_add(
        actor=social_worker,
        case=case,
        noted_on=TODAY,
        method="home_visit",
        minutes=45,
        content="家访了解情况，“一切安好”。",
    )
    referral = services.referral_add(
        actor=social_worker,
        case=case,
        target_kind="department",
        target="交警大队",
        request="争取赔偿",
        referred_on=TODAY,
    )
    services.referral_update(
        actor=social_worker, referral=referral, status="succeeded", outcome="compensation", amount=80000
    )
    services.follow_up_schedule(actor=social_worker, case=case, due_on=TODAY, purpose="回访家属")
    services.review_add(actor=supervisor, case=case, reviewed_on=TODAY, comments="进展良好")
    closing = services.closing_request(
        actor=social_worker,
        case=case,
        reason="goals_reached",
        summary="目标均已达成",
        client_feedback="很满意",
    )
    services.closing_decide(actor=supervisor, closing=closing, approve=True)
    case.refresh_from_db()
    return case


def download(client, case):
    response = client.get(reverse("casework:case_pdf", args=[case.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="case-{case.number}.pdf"'
    return b"".join(response.streaming_content)


def test_the_case_file_holds_every_stage_of_the_work_and_the_signatures(as_user, social_worker, closed_case):
    client = as_user(social_worker)
    page = client.get(closed_case.get_absolute_url()).content.decode()
    assert reverse("casework:case_pdf", args=[closed_case.pk]) in page

    document = download(client, closed_case)
    assert_fonts_embedded(document)
    text = pdf_text(document)
    assert "测试区 casework file" in text and "Issuing unit: 甲镇服务站" in text
    assert f"Case {closed_case.number}" in text
    for stage in (
        "1. Intake",
        "2. Assessment",
        "3. Service plan",
        "4. Service notes",
        "5. Referrals and their outcomes",
        "6. Follow-ups and supervision",
        "7. Closing",
        "8. Status history",
    ):
        assert stage in text
    for fact in (
        "叶先生",
        "车祸后家庭经济困难",  # the presenting problem
        "收入中断",  # the assessment's needs
        "保障基本生活",  # the plan's goal
        "Service plan v1 approved",
        "家访了解情况，“一切安好”。",
        "Referral to 交警大队 succeeded",
        "¥80,000.00",
        "回访家属",
        "进展良好",
        "目标均已达成",
        "Closing approved",
    ):
        assert fact in text, fact
    assert "Page 1 of" in text
    for label in ("Social worker (signature):", "Supervisor (signature):", "Head (signature):"):
        assert label in text


def test_id_number_and_phone_are_masked_as_in_lists(as_user, social_worker, closed_case):
    text = pdf_text(download(as_user(social_worker), closed_case))
    assert "13812345678" not in text and "138****5678" in text
    assert id_number() not in text and id_number()[:6] in text


def test_each_download_is_audited(as_user, social_worker, closed_case):
    download(as_user(social_worker), closed_case)
    entry = AuditEntry.objects.filter(action="case.print").get()
    assert entry.actor == social_worker and closed_case.number in entry.summary


def test_who_may_not_open_the_case_gets_no_paper(
    as_user, closed_case, other_station_manager, org_staff, auditor
):
    for user in (other_station_manager, org_staff):
        assert as_user(user).get(reverse("casework:case_pdf", args=[closed_case.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="case.print").exists()


def test_in_chinese_the_case_file_reads_as_a_station_writes_it(settings, as_user, social_worker, closed_case):
    settings.LANGUAGE_CODE = "zh-hans"
    text = pdf_text(download(as_user(social_worker), closed_case))
    assert "测试区社会工作个案档案" in text
    assert "一、接案" in text and "三、服务计划" in text and "四、服务记录" in text
    assert "第1页共2页" in squeezed(text)
    for label in ("社会工作者（签字）：", "督导（签字）：", "负责人（签字）："):
        assert label in text
