import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from positions.models import ServiceUnit
from socialwork.models import AuditEntry
from socialwork.roles import Role
from tests.factories import make_user


@pytest.fixture
def admin_client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize(
    "model", ["positions/serviceunit", "positions/region", "django_celery_beat/periodictask"]
)
def test_district_admin_reaches_the_admin_lists_with_search(admin_client_for, district_admin, model):
    response = admin_client_for(district_admin).get(f"/admin/{model}/?q=甲")
    assert response.status_code == 200


def test_admin_unit_list_is_scoped_like_the_pages(admin_client_for, network):
    manager = make_user("staff_manager", Role.STATION_MANAGER, unit=network.station_a, is_staff=True)
    manager.user_permissions.add(Permission.objects.get(codename="view_serviceunit"))
    page = admin_client_for(manager).get("/admin/positions/serviceunit/").content.decode()
    assert "甲镇服务站" in page and "乙街道服务站" not in page


def test_units_are_set_up_on_the_network_page_not_in_the_admin(admin_client_for, district_admin, network):
    client = admin_client_for(district_admin)
    data = {"name": "丙乡服务站", "code": "ST-C", "level": "station", "parent": network.centre.pk,
            "region": network.town_c.pk}  # fmt: skip
    assert client.post(reverse("admin:positions_serviceunit_add"), data).status_code == 403
    station = network.station_a
    change = reverse("admin:positions_serviceunit_change", args=[station.pk])
    assert 'name="_save"' not in client.get(change).content.decode()
    assert client.post(change, {**data, "code": "ST-Z"}).status_code == 403
    assert not ServiceUnit.objects.filter(code__in=["ST-C", "ST-Z"]).exists()
    assert not AuditEntry.objects.filter(action__startswith="unit.").exists()


def test_audit_log_is_read_only_for_the_auditor(admin_client_for, auditor, network):
    AuditEntry.objects.create(action="unit.create", target_type="positions.serviceunit", target_id="1")
    client = admin_client_for(auditor)
    assert client.get("/admin/socialwork/auditentry/").status_code == 200
    entry = AuditEntry.objects.get()
    page = client.get(f"/admin/socialwork/auditentry/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert client.post(f"/admin/socialwork/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.count() == 1
