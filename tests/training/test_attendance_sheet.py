"""A session's attendance sheet on paper: who is confirmed, a column to sign in, signatures."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.pdfs import assert_fonts_embedded, pdf_text, squeezed
from tests.positions.test_workforce import make_worker
from tests.training.test_api import make_series, make_session
from training import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(network, district_admin):
    session = make_session(make_series(network.station_a, title="社会工作实务能力提升培训"), capacity=5)
    services.enrolment_create(actor=district_admin, session=session, worker=make_worker("王晓兰"))
    services.enrolment_create(
        actor=district_admin, session=session, outside_name="李志愿", outside_unit="夷陵区志愿者协会"
    )
    return session


def download(client, session) -> bytes:
    response = client.get(reverse("training:attendance_sheet", args=[session.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="attendance-{session.pk}.pdf"'
    return response.content


def test_the_sheet_lists_the_confirmed_participants_with_room_to_sign(as_user, district_admin, session):
    client = as_user(district_admin)
    page = client.get(session.get_absolute_url()).content.decode()
    assert reverse("training:attendance_sheet", args=[session.pk]) in page

    document = download(client, session)
    assert_fonts_embedded(document)
    text = pdf_text(document)
    assert "Attendance sheet: 社会工作实务能力提升培训" in text
    assert "Issuing unit: 甲镇服务站" in text and "会谈技巧" in text and "区社工中心" in text
    assert "王晓兰" in text and "李志愿" in text and "夷陵区志愿者协会" in text
    assert "Signature" in text and "2 confirmed; attendance not taken yet." in text
    assert "Page 1 of 1" in text
    for label in ("Prepared by (signature):", "Checked by (signature):", "Head (signature):"):
        assert label in text


def test_once_attendance_is_taken_the_sheet_marks_who_came(as_user, district_admin, session):
    present = session.enrolments.get(outside_name="李志愿")
    session.starts_at = timezone.now() - timedelta(hours=1)  # attendance is taken once it has begun
    session.save(update_fields=["starts_at"])
    services.attendance_record(actor=district_admin, session=session, present={present.pk})
    text = pdf_text(download(as_user(district_admin), session))
    assert "2 confirmed, 1 present." in text
    [came] = [line for line in text.splitlines() if "李志愿" in line]
    [absent] = [line for line in text.splitlines() if "王晓兰" in line]
    assert came.rstrip().endswith("√") and absent.rstrip().endswith("×")


def test_the_station_manager_prints_their_own_session(as_user, station_manager, session):
    assert "王晓兰" in pdf_text(download(as_user(station_manager), session))


def test_another_station_gets_no_sheet(as_user, other_station_manager, session):
    response = as_user(other_station_manager).get(reverse("training:attendance_sheet", args=[session.pk]))
    assert response.status_code == 404


def test_in_chinese_the_sheet_reads_qian_dao_biao(settings, as_user, district_admin, session):
    settings.LANGUAGE_CODE = "zh-hans"
    text = pdf_text(download(as_user(district_admin), session))
    assert "社会工作实务能力提升培训签到表" in text and "签名" in text
    assert "第1页共1页" in squeezed(text) and "制表人（签字）：" in text
