import pytest

from tests.pdfs import assert_fonts_embedded, pdf_text
from tests.positions.test_workforce import make_worker
from tests.training.test_api import make_series, make_session
from training import services
from training.models import Certificate
from training.pdf import certificate_pdf


def attend_all(district_admin, series, *participants):
    """Enrol the participants (workers or outside names) in every session and mark them present."""
    for session in series.sessions.all():
        enrolments = [
            services.enrolment_create(actor=district_admin, session=session, worker=p)
            if not isinstance(p, str)
            else services.enrolment_create(actor=district_admin, session=session, outside_name=p, outside_unit="夷陵区志愿者协会")
            for p in participants
        ]  # fmt: skip
        services.attendance_record(actor=district_admin, session=session, present={e.pk for e in enrolments})


@pytest.fixture
def certificate(district_admin, network) -> Certificate:
    series = make_series(network.centre, title="社会工作实务能力提升培训")
    make_session(series, capacity=5)
    attend_all(district_admin, series, make_worker("王晓兰"))
    return services.certificates_issue(actor=district_admin, series=series)[0]


def test_certificate_pdf_shows_the_participant_series_and_number(certificate):
    pdf = certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF")
    assert_fonts_embedded(pdf)  # the application's Chinese font travels with the file
    text = pdf_text(pdf)
    for expected in (
        "王晓兰",
        "社会工作实务能力提升培训",
        certificate.number,
        "区社工服务中心",
        "1 of its 1",
    ):
        assert expected in text


def test_certificate_pdf_is_a4_landscape(certificate):
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in certificate_pdf(certificate)


def test_certificate_of_an_outside_person_names_their_unit(district_admin, network):
    series = make_series(network.centre)
    make_session(series, capacity=5)
    attend_all(district_admin, series, "李志愿")
    (certificate,) = services.certificates_issue(actor=district_admin, series=series)
    text = pdf_text(certificate_pdf(certificate))
    assert "李志愿" in text and "夷陵区志愿者协会" in text


def test_issuing_twice_issues_nothing_new(district_admin, network):
    series = make_series(network.centre)
    make_session(series, capacity=5)
    attend_all(district_admin, series, make_worker("甲"), make_worker("乙"), "丙")
    first = services.certificates_issue(actor=district_admin, series=series)
    assert len(first) == 3
    assert services.certificates_issue(actor=district_admin, series=series) == []
    assert Certificate.objects.count() == 3


def test_two_series_number_their_certificates_independently_and_never_clash(district_admin, network):
    numbers = []
    for title in ("甲系列", "乙系列"):
        series = make_series(network.centre, title=title)
        make_session(series, capacity=5)
        attend_all(district_admin, series, make_worker(), make_worker())
        numbers.append([c.number for c in services.certificates_issue(actor=district_admin, series=series)])
    first, second = numbers
    assert [n.rsplit("-", 1)[1] for n in first] == [n.rsplit("-", 1)[1] for n in second] == ["0001", "0002"]
    assert len(set(first + second)) == 4


def test_a_worker_downloads_their_own_certificate_as_pdf(api, social_worker, district_admin, network):
    series = make_series(network.station_b)  # outside the worker's place
    make_session(series, capacity=5)
    worker = make_worker("胡社工", unit=network.room_a, user=social_worker)
    attend_all(district_admin, series, worker, make_worker("乙"))
    own, _other = sorted(
        services.certificates_issue(actor=district_admin, series=series),
        key=lambda c: c.worker_id != worker.pk,
    )
    client = api(social_worker)
    listed = client.get("/api/v1/training/certificates/").json()["results"]
    assert [c["number"] for c in listed] == [own.number]
    response = client.get(f"/api/v1/training/certificates/{own.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert own.number in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/training/certificates/{_other.pk}/pdf/").status_code == 404


def test_station_manager_cannot_download_another_stations_certificate(api, station_manager, certificate):
    assert api(station_manager).get(f"/api/v1/training/certificates/{certificate.pk}/pdf/").status_code == 404


def test_the_series_page_downloads_a_certificate_as_pdf_within_scope(
    as_user, district_admin, station_manager, network
):
    from django.urls import reverse

    from tests.training.test_services import make_series, make_session
    from training import services as training_services

    series = make_series(network, completion_share=50)
    session = make_session(series, capacity=3)
    enrolment = training_services.enrolment_create(actor=district_admin, session=session, outside_name="王五")
    training_services.attendance_record(actor=district_admin, session=session, present={enrolment.pk})
    [certificate] = training_services.certificates_issue(actor=district_admin, series=series)
    page = as_user(district_admin).get(series.get_absolute_url()).content.decode()
    url = reverse("training:certificate_pdf", args=[certificate.pk])
    assert url in page
    response = as_user(district_admin).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # The series is the district centre's: a station manager does not see it.
    assert as_user(station_manager).get(url).status_code == 404
