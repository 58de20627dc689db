"""No attendance before a session starts: the service refuses it saying why, the session's page
does not offer it, the attendance page and the API answer 403 with the reason. Once the session
has begun (and after it ended) attendance is taken as before."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from socialwork.actions import ActionNotAllowed
from tests.positions.test_workforce import make_worker
from tests.training.test_api import make_series, make_session
from training import services
from training.models import TrainingSession

NOT_STARTED = "has not started yet"


@pytest.fixture
def upcoming(network, district_admin):
    session = make_session(
        make_series(network.centre), starts_at=timezone.now() + timedelta(days=2), capacity=3
    )
    enrolment = services.enrolment_create(actor=district_admin, session=session, worker=make_worker("甲"))
    return session, enrolment


def test_the_service_refuses_attendance_before_the_start_saying_why(district_admin, upcoming):
    session, enrolment = upcoming
    with pytest.raises(ActionNotAllowed, match=NOT_STARTED):
        services.attendance_record(actor=district_admin, session=session, present={enrolment.pk})
    enrolment.refresh_from_db()
    assert enrolment.attended is None and enrolment.hours_credited == 0


def test_the_page_does_not_offer_it_and_the_attendance_page_says_why(
    as_user, district_admin, upcoming, settings
):
    session, _enrolment = upcoming
    client = as_user(district_admin)
    page = client.get(session.get_absolute_url()).content.decode()
    assert 'data-action="take_attendance"' not in page and 'data-action="enrol"' in page
    refused = client.get(reverse("training:attendance", args=[session.pk]))
    assert refused.status_code == 403 and NOT_STARTED in refused.content.decode()
    settings.LANGUAGE_CODE = "zh-hans"
    assert "尚未开始" in client.get(reverse("training:attendance", args=[session.pk])).content.decode()


def test_the_api_answers_403_with_the_reason(api, district_admin, upcoming):
    session, enrolment = upcoming
    client = api(district_admin)
    assert "take_attendance" not in client.get(f"/api/v1/training/sessions/{session.pk}/").json()["actions"]
    response = client.post(
        f"/api/v1/training/sessions/{session.pk}/attendance/", {"present": [enrolment.pk]}, format="json"
    )
    assert response.status_code == 403 and NOT_STARTED in response.json()["detail"]


def test_once_the_session_has_begun_attendance_is_taken(as_user, district_admin, upcoming):
    session, enrolment = upcoming
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=3)
    )
    page = as_user(district_admin).get(session.get_absolute_url()).content.decode()
    assert 'data-action="take_attendance"' in page
    assert services.attendance_record(actor=district_admin, session=session, present={enrolment.pk}) == 1
