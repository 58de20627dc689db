"""The privacy matrix: a case and its client reach only the assigned worker, the case's supervisor
and the station manager of its station. For everyone else they do not exist, on every page,
endpoint, search, export and in the admin; every access by those who may is audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import AccessGrant
from socialwork.models import AuditEntry
from socialwork.roles import Role
from tests.casework.factories import case_in_intervention
from tests.factories import make_user

pytestmark = pytest.mark.django_db

INSIDERS = ["social_worker", "supervisor", "station_manager"]
OUTSIDERS = [
    "colleague",
    "other_worker",
    "other_station_manager",
    "district_admin",
    "auditor",
    "org_staff",
    "superuser",
]


@pytest.fixture
def superuser(network):
    return make_user("root", is_superuser=True, is_staff=True, region=network.district)


@pytest.fixture
def story(social_worker, supervisor):
    """The car-accident family's case, in the intervention, with some of everything."""
    case = case_in_intervention(social_worker, supervisor)
    client = case.clients.get()
    services.note_add(
        actor=social_worker,
        case=case,
        noted_on=case.intake_on,
        method="home_visit",
        minutes=60,
        content="家访",
    )
    services.referral_add(
        actor=social_worker, case=case, target_kind="department", target="交警大队", request="争取赔偿",
        referred_on=case.intake_on,
    )  # fmt: skip
    services.follow_up_schedule(actor=social_worker, case=case, due_on=case.intake_on, purpose="回访")
    return case, client


def page_urls(case, client):
    return [
        reverse("casework:case_detail", args=[case.pk]),
        reverse("casework:note_add", args=[case.pk]),
        reverse("casework:client_detail", args=[client.pk]),
        reverse("casework:client_update", args=[client.pk]),
    ]


def api_urls(case, client):
    base = f"/api/v1/cases/{case.pk}/"
    return [base, f"{base}notes/", f"{base}plans/", f"{base}referrals/", f"{base}follow-ups/",
            f"/api/v1/clients/{client.pk}/"]  # fmt: skip


def listings(case, client):
    """Lists, searches and exports in which the case or client would show: (url, what would show
    it). Search boxes echo what was searched, so pages are checked for the record's link."""
    case_link, client_link = case.get_absolute_url(), client.get_absolute_url()
    admin_case = reverse("admin:casework_case_change", args=[case.pk])
    admin_client = reverse("admin:casework_client_change", args=[client.pk])
    return [
        (reverse("casework:my_cases"), case_link),
        (reverse("casework:case_list"), case_link),
        (reverse("casework:case_list") + f"?q={case.number}", case_link),
        (reverse("casework:case_list") + f"?q={client.name}", case_link),
        (reverse("reports:export", kwargs={"key": "cases", "fmt": "csv"}), case.number),
        (reverse("casework:client_list") + f"?q={client.name}", client_link),
        (reverse("reports:export", kwargs={"key": "clients", "fmt": "csv"}), client.name),
        ("/api/v1/cases/", case.number),
        (f"/api/v1/cases/?search={client.name}", case.number),
        ("/api/v1/clients/", client.name),
        (f"/api/v1/clients/?search={client.name}", client.name),
        (reverse("admin:casework_case_changelist") + f"?q={case.number}", admin_case),
        (reverse("admin:casework_client_changelist") + f"?q={client.name}", admin_client),
    ]


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_reach_the_case_anywhere(request, story, who, as_user):
    case, client = story
    user = request.getfixturevalue(who)
    user.is_staff = True  # even with the admin open to them
    user.save()
    browser = as_user(user)
    for url in page_urls(case, client) + api_urls(case, client):
        assert browser.get(url).status_code == 404, url
    for url in (f"/api/v1/cases/{case.pk}/move/", f"/api/v1/cases/{case.pk}/notes/"):
        response = browser.post(url, {"move": "evaluate"}, content_type="application/json")
        assert response.status_code in (403, 404), url
    for url, secret in listings(case, client):
        response = browser.get(url)
        assert response.status_code in (200, 302, 403), url
        assert secret not in body(response), url
    for admin_url in (
        reverse("admin:casework_case_change", args=[case.pk]),
        reverse("admin:casework_client_change", args=[client.pk]),
    ):
        response = browser.get(admin_url, follow=True)
        assert case.number not in body(response) and client.name not in body(response), admin_url
    assert not AuditEntry.objects.filter(actor=user, action__in=["case.view", "client.view"]).exists()


@pytest.mark.parametrize("who", INSIDERS)
def test_the_people_on_the_case_reach_it_and_every_access_is_audited(request, story, who, as_user):
    case, client = story
    user = request.getfixturevalue(who)
    browser = as_user(user)
    for url in page_urls(case, client) + api_urls(case, client):
        assert browser.get(url).status_code == 200, url
    for action, target in (("case.view", case), ("client.view", client)):
        assert AuditEntry.objects.filter(
            actor=user, action=action, target_id=str(target.pk), target_type=target._meta.label_lower
        ).exists(), action
    for url, secret in listings(case, client):
        if "/admin/" in url or (url == reverse("casework:my_cases") and who != "social_worker"):
            continue
        response = browser.get(url)
        assert response.status_code == 200, url
        assert secret in body(response), url
    for action in ("case.list", "client.list", "case.export", "client.export"):
        assert AuditEntry.objects.filter(actor=user, action=action).exists(), action


@pytest.mark.parametrize("state", ["requested", "declined", "approved", "revoked", "ended"])
def test_only_an_approved_grant_still_running_opens_the_case_to_one_person(
    story, district_admin, district_admin2, colleague, as_user, state
):
    """A request waiting for approval, a declined or revoked one and one past its day open
    nothing; an approved one opens the case, its client and its API to the person named, and to
    nobody else: neither the asker nor the approver."""
    case, client = story
    browser = as_user(colleague)
    assert browser.get(case.get_absolute_url()).status_code == 404
    grant = services.access_request(
        actor=district_admin,
        case_number=case.number,
        user=colleague,
        reason="代班",
        expires_on=timezone.localdate() + timedelta(days=7),
    )
    if state in ("approved", "revoked", "ended"):
        services.access_decide(actor=district_admin2, grant=grant, approve=True)
    if state == "declined":
        services.access_decide(actor=district_admin2, grant=grant, approve=False, comment="不必要")
    if state == "revoked":
        services.access_revoke(actor=district_admin, grant=grant)
    if state == "ended":
        AccessGrant.objects.filter(pk=grant.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    opened = state == "approved"
    expected = 200 if opened else 404
    for url in page_urls(case, client)[:1] + [page_urls(case, client)[2]] + api_urls(case, client):
        assert browser.get(url).status_code == expected, url
    assert (
        AuditEntry.objects.filter(actor=colleague, action="case.view", target_id=str(case.pk)).exists()
        == opened
    )
    for admin in (district_admin, district_admin2):
        assert as_user(admin).get(case.get_absolute_url()).status_code == 404


def test_the_auditor_reads_the_audit_of_a_case_without_its_content(story, auditor, as_user):
    case, _client = story
    response = as_user(auditor).get(reverse("admin:socialwork_auditentry_changelist") + f"?q={case.number}")
    assert response.status_code == 200
    assert case.number in response.content.decode()
    assert Role.AUDITOR in auditor.roles
