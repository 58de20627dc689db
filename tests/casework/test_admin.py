from datetime import timedelta

import pytest
from django.utils import timezone

from casework import services
from casework.models import AccessGrant, CaseworkPolicy, VulnerabilityCategory
from socialwork.models import AuditEntry
from tests.casework.factories import case_in_intervention, grant_access, make_client
from tests.factories import make_user

TODAY = timezone.localdate()
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def case(social_worker, supervisor):
    client = make_client(
        social_worker, name="叶先生", id_number=ID_NUMBER, phone="13812345678", birth_date=None
    )
    return case_in_intervention(social_worker, supervisor, client=client)


@pytest.fixture
def staff_manager(station_manager):
    """The case's station manager, with a staff account."""
    station_manager.is_staff = True
    station_manager.save(update_fields=["is_staff"])
    return station_manager


@pytest.fixture
def superuser(network):
    return make_user("root", is_staff=True, is_superuser=True)


CHILD_LISTS = [
    "case", "client", "caseclient", "casetransition", "assessment", "assessmentdomain", "serviceplan", "plangoal",
    "plantask", "servicenote", "referral", "followup", "householdmember",
]  # fmt: skip


@pytest.mark.parametrize("person", ["district_admin", "auditor", "superuser"])
def test_admin_shows_nothing_of_a_case_to_someone_without_a_part_in_it(client, request, case, person):
    services.note_add(
        actor=case.worker, case=case, noted_on=TODAY, method="phone", minutes=10, content="电话回访"
    )
    client.force_login(request.getfixturevalue(person))
    for model in CHILD_LISTS:
        page = client.get(f"/admin/casework/{model}/")
        assert page.status_code == 200, model
        assert case.number not in page.content.decode() and "叶先生" not in page.content.decode(), model
    assert client.get(f"/admin/casework/case/?q={case.number}").context["cl"].result_count == 0
    assert "叶先生" not in client.get("/admin/casework/client/?q=叶").content.decode()
    for query in (ID_NUMBER, "13812345678"):
        assert client.get("/admin/casework/client/", {"q": query}).context["cl"].result_count == 0
    response = client.get(f"/admin/casework/case/{case.pk}/change/")
    assert response.status_code == 302 and response.url == "/admin/"
    client_pk = case.clients.get().pk
    assert client.get(f"/admin/casework/client/{client_pk}/change/").status_code == 302
    assert not AuditEntry.objects.filter(action__in=["case.view", "client.view"]).exists()


def test_station_manager_sees_the_case_in_the_admin_and_the_view_is_audited(client, staff_manager, case):
    client.force_login(staff_manager)
    listing = client.get(f"/admin/casework/case/?q={case.number}").content.decode()
    assert case.number in listing
    assert AuditEntry.objects.get(action="case.list", actor=staff_manager).changes == {"ids": [case.pk]}
    assert client.get(f"/admin/casework/case/{case.pk}/change/").status_code == 200
    assert AuditEntry.objects.filter(action="case.view", target_id=str(case.pk), actor=staff_manager).exists()
    services.note_add(
        actor=case.worker, case=case, noted_on=TODAY, method="phone", minutes=10, content="回访"
    )
    assert case.number in client.get("/admin/casework/servicenote/").content.decode()


def test_client_numbers_are_masked_in_the_admin_list_and_full_on_the_page(client, staff_manager, case):
    client.force_login(staff_manager)
    listing = client.get("/admin/casework/client/").content.decode()
    assert "110105********002X" in listing and "138****5678" in listing
    assert ID_NUMBER not in listing and "13812345678" not in listing
    # The numbers are encrypted, and the admin finds a client by name only, as the lists do.
    assert client.get("/admin/casework/client/", {"q": ID_NUMBER}).context["cl"].result_count == 0
    person = case.clients.get()
    page = client.get(f"/admin/casework/client/{person.pk}/change/").content.decode()
    assert ID_NUMBER in page
    assert AuditEntry.objects.filter(action="client.view", target_id=str(person.pk)).exists()
    assert not AuditEntry.objects.filter(summary__contains="叶先生").exists()


def test_case_records_are_read_only_in_the_admin(client, staff_manager, case):
    client.force_login(staff_manager)
    page = client.get(f"/admin/casework/case/{case.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert client.get("/admin/casework/case/add/").status_code == 403
    response = client.post(f"/admin/casework/case/{case.pk}/change/", {"risk_level": "low"})
    assert response.status_code == 403


def test_district_admin_adds_a_category_and_it_is_audited(client, district_admin):
    client.force_login(district_admin)
    response = client.post(
        "/admin/casework/vulnerabilitycategory/add/", {"name": "失独家庭", "order": 50, "active": "on"}
    )
    assert response.status_code == 302
    category = VulnerabilityCategory.objects.get(name="失独家庭")
    assert AuditEntry.objects.filter(action="category.create", target_id=str(category.pk)).exists()
    built_in = VulnerabilityCategory.objects.get(code="autism")
    assert (
        client.post(
            f"/admin/casework/vulnerabilitycategory/{built_in.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )


def test_policy_is_read_only_in_the_admin_and_changed_on_its_page(client, district_admin):
    """The policy page runs casework.services.policy_update; the admin only shows the policy."""
    client.force_login(district_admin)
    policy = CaseworkPolicy.objects.create(region=district_admin.region)
    url = f"/admin/casework/caseworkpolicy/{policy.pk}/change/"
    assert 'name="_save"' not in client.get(url).content.decode()
    assert (
        client.post(url, {"retention_days": 400, "quiet_case_days": 20, "grant_max_days": 14}).status_code
        == 403
    )
    assert CaseworkPolicy.objects.get(pk=policy.pk).retention_days == policy.retention_days
    assert not AuditEntry.objects.filter(action="casework_policy.update").exists()


def test_district_admin_revokes_a_grant_in_the_admin_without_seeing_the_case(
    client, district_admin, colleague, case
):
    grant = grant_access(
        actor=district_admin, case_number=case.number, user=colleague, reason="抽查",
        expires_on=TODAY + timedelta(days=7),
    )  # fmt: skip
    client.force_login(district_admin)
    response = client.post(
        "/admin/casework/accessgrant/", {"action": "revoke", "_selected_action": [grant.pk]}
    )
    assert response.status_code == 302
    assert AccessGrant.objects.get(pk=grant.pk).revoked_at is not None
    assert client.get(f"/admin/casework/case/{case.pk}/change/").status_code == 302


def test_the_grants_admin_is_read_only_and_bounded_by_the_district(
    client, network, district_admin, colleague, case
):
    """No grant is made or approved in the admin; its search by case number finds nothing
    outside the administrator's district, as for an unknown number."""
    grant = grant_access(
        actor=district_admin, case_number=case.number, user=colleague, reason="抽查", expires_on=TODAY
    )
    client.force_login(district_admin)
    assert client.get("/admin/casework/accessgrant/add/").status_code == 403
    response = client.post(f"/admin/casework/accessgrant/{grant.pk}/change/", {"status": "approved"})
    assert response.status_code in (302, 403) or "submit-row" not in response.content.decode()
    elsewhere = make_user(
        "district_b", "district_admin", unit=network.centre, region=network.town_b, is_staff=True
    )
    client.force_login(elsewhere)
    outside = client.get("/admin/casework/accessgrant/", {"q": case.number})
    unknown = client.get("/admin/casework/accessgrant/", {"q": "ST-000000000-2026-9999"})
    assert outside.status_code == unknown.status_code == 200
    assert outside.context["cl"].result_count == unknown.context["cl"].result_count == 0


def test_admin_case_list_takes_a_bounded_number_of_queries(
    client, staff_manager, social_worker, supervisor, django_assert_max_num_queries
):
    for _ in range(5):
        case_in_intervention(social_worker, supervisor)
    client.force_login(staff_manager)
    client.get("/admin/casework/case/")
    with django_assert_max_num_queries(18):
        assert client.get("/admin/casework/case/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get("/admin/casework/client/").status_code == 200
