"""Training enrolment's three doors agree (issue 17, point 2): for every state of a session and of
an enrolment in it, and every role, the buttons and forms the session's page offers
(`data-action`), the `actions` the API's session and enrolment details list, and the services that
accept the step (each tried in a transaction rolled back) are the same set, and that set is
training.workflow's declaration."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from socialwork.roles import Role
from tests.doors import page_actions
from tests.factories import make_user
from tests.positions.test_workforce import make_worker
from tests.training.test_api import make_series, make_session
from training import services
from training.models import Enrolment, TrainingSession
from training.workflow import ACTIONS, actions_for, session_actions_for

S = Enrolment.Status
ROLES = [
    "district_admin", "auditor", "station_manager", "other_station_manager", "social_worker",
    "supervisor", "org_staff", "system_admin", "superuser",
]  # fmt: skip
# The session is station A's: its organizers are the district and station A's manager.
ORGANIZERS = {"district_admin", "station_manager", "superuser"}
SESSION_DECLARED = {
    "upcoming": {"enrol"},
    "under_way": {"enrol", "take_attendance"},
    "over": {"take_attendance"},
}
ENROLMENT_DECLARED = {"confirmed": {"cancel"}, "waiting": {"cancel"}, "attended": set(), "absent": set(), "cancelled": set()}  # fmt: skip

SERVICES = {
    "enrol": lambda user, session, enrolment: services.enrolment_create(
        actor=user, session=session, outside_name="试听者"
    ),
    "take_attendance": lambda user, session, enrolment: services.attendance_record(
        actor=user, session=session, present=set()
    ),
    "cancel": lambda user, session, enrolment: services.enrolment_cancel(actor=user, enrolment=enrolment),
}


@pytest.fixture
def people(request, network):
    extra = {
        "system_admin": make_user("sysadmin", Role.SYSTEM_ADMIN, region=network.district, is_staff=True),
        "superuser": make_user("root", is_superuser=True, is_staff=True, region=network.district),
    }
    return {role: extra[role] if role in extra else request.getfixturevalue(role) for role in ROLES}


def enrolment_in(session_state: str, state: str, network, admin) -> Enrolment:
    """One enrolment in the given state, alone on its session's page (others are cancelled)."""
    session = make_session(make_series(network.station_a), capacity=1, host=network.room_a)
    first = services.enrolment_create(actor=admin, session=session, outside_name="先到者")
    if state == "waiting":
        enrolment = services.enrolment_create(actor=admin, session=session, worker=make_worker("甲"))
        Enrolment.objects.filter(pk=first.pk).update(status=S.CANCELLED)  # off the page, no promotion
    else:
        enrolment = first
        Enrolment.objects.filter(pk=first.pk).update(outside_name="", worker=make_worker("甲"))
    if state in ("attended", "absent"):  # while the session is under way, as the factory makes it
        present = {enrolment.pk} if state == "attended" else set()
        services.attendance_record(actor=admin, session=session, present=present)
    if state == "cancelled":
        services.enrolment_cancel(actor=admin, enrolment=enrolment)
    shift = {"upcoming": timedelta(days=9), "under_way": timedelta(0), "over": -timedelta(days=9)}[
        session_state
    ]
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + shift, ends_at=session.ends_at + shift
    )
    return Enrolment.objects.select_related("session").get(pk=enrolment.pk)


def accepted(service, user, enrolment) -> bool:
    with transaction.atomic():
        enrolment = Enrolment.objects.select_related("session").get(pk=enrolment.pk)
        try:
            service(user, enrolment.session, enrolment)
        except (PermissionDenied, ValidationError):
            return False
        transaction.set_rollback(True)
        return True


def on_page(client, session) -> set[str]:
    page = client.get(session.get_absolute_url())
    assert page.status_code in (200, 403, 404)
    return page_actions(page.content.decode()) if page.status_code == 200 else set()


def in_api(client, session, enrolment) -> set[str]:
    listed = set()
    for url in (f"/api/v1/training/sessions/{session.pk}/", f"/api/v1/training/enrolments/{enrolment.pk}/"):
        response = client.get(url)
        listed |= set(response.json()["actions"]) if response.status_code == 200 else set()
    return listed


@pytest.mark.parametrize("session_state", list(SESSION_DECLARED))
@pytest.mark.parametrize("state", list(ENROLMENT_DECLARED))
def test_page_api_and_services_offer_the_same_steps_on_an_enrolment(
    as_user, api, people, network, session_state, state
):
    enrolment = enrolment_in(session_state, state, network, people["district_admin"])
    session = enrolment.session
    before = Enrolment.objects.filter(session=session).count(), enrolment.status, enrolment.attended
    for role, user in people.items():
        declared = SESSION_DECLARED[session_state] | ENROLMENT_DECLARED[state]
        expected = declared if role in ORGANIZERS else set()
        assert set(session_actions_for(user, session)) | set(actions_for(user, enrolment)) == expected

        offered = on_page(as_user(user), session)
        listed = in_api(api(user), session, enrolment)
        taken = {name for name in ACTIONS if accepted(SERVICES[name], user, enrolment)}
        assert (offered, listed, taken) == (expected, expected, expected), (
            f"{session_state} · {state} · {role}"
        )

        attendance = as_user(user).get(reverse("training:attendance", args=[session.pk]))
        assert (attendance.status_code == 200) == ("take_attendance" in expected), role

    enrolment.refresh_from_db()
    after = Enrolment.objects.filter(session=session).count(), enrolment.status, enrolment.attended
    assert after == before, "every step tried was rolled back"
